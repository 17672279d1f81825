"""Feed costs: parsing a 10,000-row Google Forms CSV, and an unchanged poll (hash check only).

Run: uv run python bench/feed_parse.py   (prints medians; the lead copies them to BENCHMARKS.md)
"""

from __future__ import annotations

import asyncio
import csv
import io
import statistics
import time

import httpx

from console.feeds import csv_adapter
from console.feeds.config import SourceConfig
from console.feeds.poller import FeedPoller

ROWS = 10_000


def make_sheet(rows: int = ROWS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Timestamp", "Email Address", "Your name", "What would you like to ask?"])
    for i in range(rows):
        writer.writerow([
            f"12/17/2025 15:{i // 60 % 60:02d}:{i % 60:02d}",
            f"teacher{i}@school.example",
            f"Teacher {i}",
            f"Question {i}: how often, and with whom, should we run drills?\nAlso \"quoted\".",
        ])  # fmt: skip
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def bench_parse(body: bytes, repeats: int = 7) -> float:
    config = SourceConfig(
        url="https://sheet.test/pub", preset="google-forms", tz="America/New_York"
    )
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        parsed = csv_adapter.parse(body, {}, config)
        samples.append(time.perf_counter() - start)
        assert len(parsed.questions) == ROWS
    return median_ms(samples)


async def bench_unchanged_poll(body: bytes, repeats: int = 31) -> float:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    config = SourceConfig(url="https://sheet.test/pub", preset="google-forms")
    poller = FeedPoller(config, transport=transport)
    await poller.poll_once()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        update = await poller.poll_once()
        samples.append(time.perf_counter() - start)
        assert not update.changed
    await poller.stop()
    return median_ms(samples)


def main() -> None:
    body = make_sheet()
    print(f"sheet: {ROWS} rows, {len(body) / 1024 / 1024:.2f} MiB")
    print(f"parse 10,000-row Google Forms CSV: median {bench_parse(body):.1f} ms")
    unchanged = asyncio.run(bench_unchanged_poll(body))
    print(
        f"unchanged poll (fetch from mock transport + sha256, no parse): median {unchanged:.1f} ms"
    )


if __name__ == "__main__":
    main()
