"""The board widget with 10,000 questions, under Textual's headless driver.

Run: ``uv run python bench/board_render.py [--repeat N]``. Prints medians (ms) of:
- response -> rendered: a FeedUpdate with 10,000 questions handed to the panel, until the
  list is filled and a frame has been painted (budget 1,000 ms);
- +10 handler: a poll adding 10 questions to 10,000, event-loop time of the handler
  (board + list + counts + status; budget 50 ms), and the same plus the next frame. The poll's
  list is parsed afresh (new objects) and reconciled with the last one as the poller does it,
  in its worker thread: that step is reported apart ("+10 reconcile, worker thread");
- unchanged: a poll with the same list: repaints and board version must not move;
- RSS: resident memory of the process at the end (budget 200 MB).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import platform
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil  # type: ignore[import-untyped]

from console.app import FacilitatorApp
from console.feeds.model import FeedQuestion
from console.feeds.poller import FeedStatus, FeedUpdate, reconcile
from console.widgets.board_panel import BoardPanel
from console.widgets.question_board import QuestionBoard
from tests.ui.helpers import FakeNow, make_app

T0 = datetime(2025, 12, 17, 20, 25, tzinfo=UTC)
N = 10_000


def questions(n: int, start: int = 0) -> list[FeedQuestion]:
    return [
        FeedQuestion(
            source_id=str(i),
            text=f"Question number {i} about drills, building access and radios?",
            asker=f"Teacher {i}" if i % 3 else None,
            submitted_at=T0 - timedelta(hours=3) + timedelta(seconds=i),
            votes=i % 7,
        )
        for i in range(start, start + n)
    ]


def update(qs: list[FeedQuestion], changed: bool = True) -> FeedUpdate:
    status = FeedStatus(True, f"{len(qs)} questions", T0, T0, len(qs), "bench")
    return FeedUpdate(tuple(qs), changed, status)


async def quiet(pilot: object, app: FacilitatorApp) -> None:
    """Let the delayed feed-cache write finish, so the next figure does not share the CPU."""
    for _ in range(200):
        if not app.feed_service().cache_pending:
            break
        await asyncio.sleep(0.05)
    await app.settle()


def arrive(app: FacilitatorApp, panel: BoardPanel, feed: FeedUpdate) -> None:
    """The work of one feed update on the event loop: the feed service puts it on the board,
    the panel redraws (what its ``SessionChanged`` handler does, called here at once)."""
    app.feed_service().apply("form", feed)
    panel.session_changed()


async def one_run(root: Path) -> dict[str, float]:
    app = make_app(root / "data", root / "cfg", FakeNow(T0))
    out: dict[str, float] = {}
    async with app.run_test(size=(120, 40), headless=True) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(BoardPanel)
        table = app.screen.query_one(QuestionBoard)
        table.focus()
        await pilot.pause()  # the focus restyle belongs to start-up, not to the response
        base = questions(N)

        start = time.perf_counter()
        arrive(app, panel, update(base))
        await pilot.pause()  # idle work (dimensions) and a painted frame
        out["response->rendered"] = (time.perf_counter() - start) * 1000
        assert table.row_count == N, table.row_count
        await quiet(pilot, app)

        parsed = questions(N + 10)  # what parsing the new body gives: all new objects
        start = time.perf_counter()
        held, _changed = reconcile({q.source_id: q for q in base}, parsed)
        out["+10 reconcile, worker thread"] = (time.perf_counter() - start) * 1000
        more = list(held.values())
        start = time.perf_counter()
        arrive(app, panel, update(more))
        out["+10 handler"] = (time.perf_counter() - start) * 1000
        await pilot.pause()
        out["+10 handler+frame"] = (time.perf_counter() - start) * 1000
        assert table.row_count == N + 10
        await quiet(pilot, app)

        repaints, version = panel.repaints, app.session.board.version
        updates = table.updates
        start = time.perf_counter()
        arrive(app, panel, update(more, changed=False))
        out["unchanged handler"] = (time.perf_counter() - start) * 1000
        await pilot.pause()
        assert panel.repaints == repaints and app.session.board.version == version
        assert table.updates == updates
        out["unchanged repaints"] = float(panel.repaints - repaints)

        edited = [replace(more[5], text="edited text"), *more[:5], *more[6:]]
        start = time.perf_counter()
        arrive(app, panel, update(edited))
        out["1 edited handler"] = (time.perf_counter() - start) * 1000
        await app.settle()
        out["RSS MB"] = psutil.Process(os.getpid()).memory_info().rss / 2**20
    app.session.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    runs: list[dict[str, float]] = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(asyncio.run(one_run(Path(tmp))))
        gc.unfreeze()  # one console per process: the next run must not inherit this heap
    print(
        f"machine: {platform.machine()} {platform.processor() or ''} "
        f"{os.cpu_count()} cpus, Python {platform.python_version()}, {platform.system()}"
    )
    print(f"board render, {N:,} questions, median of {args.repeat} runs:")
    for name in runs[0]:
        values = [r[name] for r in runs]
        unit = "" if name.endswith(("MB", "repaints")) else " ms"
        print(f"  {name:<30} {statistics.median(values):9.1f}{unit}  (max {max(values):.1f})")


if __name__ == "__main__":
    main()
