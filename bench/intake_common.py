"""Shared helpers for the intake benchmarks: a form server on its own thread and loop,
so the simulated browsers and the server do not share one event loop."""

from __future__ import annotations

import asyncio
import re
import statistics
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from console.intake import FormInfo, IntakeConfig, IntakeServer

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@contextmanager
def server_thread(**config: object) -> Iterator[IntakeServer]:
    """Run an IntakeServer on 127.0.0.1 (free port) in a background loop until the block ends."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    with tempfile.TemporaryDirectory(prefix="intake-bench-") as folder:
        settings: dict[str, object] = {"data_dir": Path(folder), "port": 0, "token": "b" * 32}
        settings.update(config)
        server = IntakeServer(IntakeConfig(**settings), FormInfo("Benchmark session"))  # type: ignore[arg-type]

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.run_until_complete(server.start())
            ready.set()
            loop.run_forever()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        if not ready.wait(30):
            raise RuntimeError("server did not start")
        try:
            yield server
        finally:
            asyncio.run_coroutine_threadsafe(server.stop(), loop).result(30)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(30)
            loop.close()


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary(label: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (
        f"{label}: n={len(ms)} p50={statistics.median(ms):.1f} ms "
        f"p95={percentile(ms, 95):.1f} ms max={max(ms):.1f} ms"
    )
