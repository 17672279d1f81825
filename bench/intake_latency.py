"""Submission-to-board latency: a long-poll reader (as the board's poller does) and a
participant sending 200 questions one after another over loopback. Latency is from the
start of the POST to the moment the reader holds the question. Target: p95 <= 300 ms.

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


async def run(count: int) -> int:
    with server_thread(rate_per_minute=count * 10, rate_burst=count) as server:
        sent_at: dict[str, float] = {}
        seen_at: dict[str, float] = {}
        async with aiohttp.ClientSession() as board, aiohttp.ClientSession() as browser:
            poll = asyncio.create_task(reader(board, server.url, server.token, count, seen_at))
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
    latencies = [seen_at[t] - sent_at[t] for t in sent_at]
    print(summary("submission -> seen by long-poll reader", latencies))
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
