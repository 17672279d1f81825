"""A real poll of a 10,000-row sheet on a local HTTP server, as the console does it.

Run: ``uv run python bench/board_poll.py [--repeat N]``. Headless console (120x40) with a
google-forms source on an aiohttp server on 127.0.0.1. After the first 10,000 rows are on the
board, the sheet gains 10 rows and the poller is woken. Prints medians of:
- poll -> on the list: from waking the poller to the 10 new rows shown (fetch, parse and
  compare in a worker thread, then the board and the list on the event loop);
- handler: event-loop time of the update handler (board, list, counts, status; budget 50 ms);
- longest loop stall: the longest gap seen by a 2 ms heartbeat task during that poll, i.e. the
  longest the console could not react to a key (the worker thread shares the GIL);
- baseline stall: the same heartbeat over an idle second, for the machine's own noise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ParamSpec, TypeVar

from aiohttp import web

from console.feeds.presets import source_from_args
from console.widgets.board_panel import BoardPanel
from console.widgets.question_board import QuestionBoard
from tests.ui.helpers import FakeNow, make_app

P = ParamSpec("P")
R = TypeVar("R")
T0 = datetime(2025, 12, 17, 20, 25, tzinfo=UTC)
N = 10_000
HEADER = "Timestamp,Email Address,What would you like to ask?\r\n"


def rows(n: int) -> str:
    start = datetime(2025, 12, 17, 12, 0)
    return "".join(
        f"{(start + timedelta(seconds=i)).strftime('%m/%d/%Y %H:%M:%S')},t{i}@s.example,"
        f'"Question {i} about drills, building access and radios?"\r\n'
        for i in range(n)
    )


class Sheet:
    def __init__(self) -> None:
        self.body = (HEADER + rows(N)).encode()

    async def handle(self, request: web.Request) -> web.Response:
        return web.Response(body=self.body, content_type="text/csv")


class Heartbeat:
    """Ticks every 2 ms and remembers the longest gap between ticks (a blocked loop)."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._last = time.perf_counter()
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        self._last = time.perf_counter()
        while True:
            await asyncio.sleep(0.002)
            self._beat()

    def _beat(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last - 0.002)
        self._last = now

    def start(self) -> None:
        self.longest = 0.0
        self._last = time.perf_counter()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> float:
        assert self._task is not None
        self._beat()  # the gap still open now counts (the task may not have woken up yet)
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        return self.longest * 1000


async def until(pilot: object, check: Callable[[], bool], limit: float = 60.0) -> None:
    end = time.perf_counter() + limit
    while not check():
        if time.perf_counter() > end:
            raise TimeoutError("the board did not get there in time")
        await asyncio.sleep(0.001)


async def one_run(root: Path) -> dict[str, float]:
    sheet = Sheet()
    server = web.Application()
    server.router.add_get("/pub.csv", sheet.handle)
    runner = web.AppRunner(server)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/pub.csv"
    out: dict[str, float] = {}
    app = make_app(root / "data", root / "cfg", FakeNow(T0))
    config = source_from_args(url, "google-forms", tz="America/New_York", interval_seconds=3600)
    async with app.run_test(size=(120, 40), headless=True) as pilot:
        panel = app.screen.query_one(BoardPanel)
        table = app.screen.query_one(QuestionBoard)
        table.focus()
        handler: list[float] = []

        def timed(work: Callable[P, R]) -> Callable[P, R]:
            """The update's event-loop work: feeds.apply (the board, in the feed service's poller
            task), then repaint (list, counts, status, on the panel's SessionChanged)."""

            def run(*args: P.args, **kwargs: P.kwargs) -> R:
                began = time.perf_counter()
                try:
                    return work(*args, **kwargs)
                finally:
                    handler.append((time.perf_counter() - began) * 1000)

            return run

        app.feed_service().add_source(config)
        await until(pilot, lambda: table.row_count == N)
        await app.settle()
        await asyncio.sleep(3)  # the delayed feed-cache write happens now, not during the poll

        beat = Heartbeat()
        beat.start()
        await asyncio.sleep(1.0)
        out["baseline stall"] = await beat.stop()

        sheet.body = (HEADER + rows(N + 10)).encode()
        feeds = app.feed_service().feeds
        feeds.apply = timed(feeds.apply)  # type: ignore[method-assign]
        panel.repaint = timed(panel.repaint)  # type: ignore[method-assign]
        beat.start()
        began = time.perf_counter()
        app.feed_service().pollers["form"].poll_now()
        await until(pilot, lambda: table.row_count == N + 10)
        out["poll -> on the list"] = (time.perf_counter() - began) * 1000
        out["longest loop stall"] = await beat.stop()
        out["handler"] = sum(handler)
        assert table.shown_keys[0] == "form:row-10011", table.shown_keys[:3]
        await app.settle()
    app.session.close()
    await runner.cleanup()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    runs = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(asyncio.run(one_run(Path(tmp))))
        gc.unfreeze()  # one console per process: the next run must not inherit this heap
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cpus, Python {platform.python_version()}"
        f", {platform.system()}; switch interval {sys.getswitchinterval() * 1000:.0f} ms"
    )
    print(f"board poll, {N:,} + 10 rows from a local HTTP server, median of {args.repeat} runs:")
    for name in runs[0]:
        values = [r[name] for r in runs]
        print(f"  {name:<22} {statistics.median(values):9.1f} ms  (max {max(values):.1f})")


if __name__ == "__main__":
    main()
