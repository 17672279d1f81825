"""Submission-to-board latency: the board's own path (FeedPoller with the intake preset,
then Board.update_feed) and a participant sending 200 questions one after another over
loopback. Latency is from the start of the POST to the moment the question is on the board
model; a bare long-poll reader is measured beside it to show the poller's share.
Target: p95 <= 300 ms.

    uv run python bench/intake_latency.py [--count 200]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

import aiohttp

from bench.intake_common import CSRF, percentile, server_thread, summary

TARGET_P95_S = 0.300


async def reader(
    http: aiohttp.ClientSession, url: str, token: str, count: int, seen_at: dict[str, float]
) -> None:
    cursor = ""
    headers = {"Authorization": f"Bearer {token}"}
    while len(seen_at) < count:
        params = {"wait": "25"} | ({"after": cursor} if cursor else {})
        async with http.get(url + "api/questions", params=params, headers=headers) as resp:
            data = await resp.json()
        now = time.perf_counter()
        for q in data["questions"]:
            seen_at.setdefault(q["text"], now)
        cursor = data["cursor"]


async def board_reader(url: str, token: str, count: int, seen_at: dict[str, float]) -> None:
    """The console's path: the real poller and the real board model."""
    from datetime import UTC, datetime

    from console.board.model import Board
    from console.feeds.config import SourceConfig
    from console.feeds.poller import FeedPoller, FeedUpdate

    board = Board("bench", lambda: datetime.now(UTC))
    done = asyncio.Event()

    def on_update(update: FeedUpdate) -> None:
        if not update.changed:
            return
        board.update_feed("intake", update.questions, None)
        now = time.perf_counter()
        for key in board.keys():
            seen_at.setdefault(board.get(key).text, now)
        if len(seen_at) >= count:
            done.set()

    config = SourceConfig(url=url, preset="intake", token=token, interval_seconds=1.0)
    poller = FeedPoller(config, on_update)
    task = poller.start()
    try:
        await done.wait()
    finally:
        await poller.stop()
        task.cancel()


async def run(count: int) -> int:
    with server_thread(rate_per_minute=count * 10, rate_burst=count) as server:
        sent_at: dict[str, float] = {}
        seen_at: dict[str, float] = {}
        async with aiohttp.ClientSession() as board, aiohttp.ClientSession() as browser:
            poll = asyncio.create_task(reader(board, server.url, server.token, count, seen_at))
            on_board: dict[str, float] = {}
            via_board = asyncio.create_task(board_reader(server.url, server.token, count, on_board))
            async with browser.get(server.url) as resp:
                match = CSRF.search(await resp.text())
            assert match
            await asyncio.sleep(0.2)
            for n in range(count):
                text = f"latency question {n}"
                sent_at[text] = time.perf_counter()
                async with browser.post(
                    server.url,
                    data={"csrf": match.group(1), "question": text},
                    allow_redirects=False,
                    headers={"Origin": server.url.rstrip("/")},
                ) as resp:
                    await resp.read()
                    if resp.status != 303:
                        print(f"submission {n} refused: HTTP {resp.status}")
                        return 1
                await asyncio.sleep(0.01)
            await asyncio.wait_for(poll, 60)
            await asyncio.wait_for(via_board, 60)
    raw = [seen_at[t] - sent_at[t] for t in sent_at]
    latencies = [on_board[t] - sent_at[t] for t in sent_at]
    print(summary("submission -> on the board (FeedPoller + Board)", latencies))
    print(summary("submission -> seen by a bare long-poll reader", raw))
    ok = percentile(latencies, 95) <= TARGET_P95_S
    print(f"target p95 <= {TARGET_P95_S * 1000:.0f} ms: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    return asyncio.run(run(args.count))


if __name__ == "__main__":
    sys.exit(main())
