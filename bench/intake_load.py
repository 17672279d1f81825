"""200 simulated participants each load the form and send a question over loopback within a
minute. Counts lost submissions (must be 0, also after reloading the file from disk) and
reports the POST response time. Bounded and self-stopping (hard deadline).

    uv run python bench/intake_load.py [--participants 200] [--spread 20]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.intake_common import CSRF, server_thread, summary
from console.intake import FormInfo, IntakeConfig, IntakeServer
from console.intake.formdb import DB_FILE

HARD_DEADLINE_S = 120


async def participant(
    http: aiohttp.ClientSession,
    url: str,
    n: int,
    delay: float,
    times: list[float],
    failures: list[str],
) -> None:
    await asyncio.sleep(delay)
    async with http.get(url) as resp:
        match = CSRF.search(await resp.text())
    if not match:
        failures.append(f"{n}: no form")
        return
    fields = {
        "csrf": match.group(1),
        "question": f"load question {n} " + "x" * random.randint(20, 600),
    }
    started = time.perf_counter()
    async with http.post(
        url, data=fields, allow_redirects=False, headers={"Origin": url.rstrip("/")}
    ) as resp:
        await resp.read()
        times.append(time.perf_counter() - started)
        if resp.status != 303:
            failures.append(f"{n}: HTTP {resp.status}")


async def run(participants: int, spread: float) -> int:
    # The limiter is configured for the test: every simulated browser shares 127.0.0.1.
    with server_thread(
        rate_per_minute=participants * 2,
        rate_burst=participants,
        global_per_minute=participants * 2,
    ) as server:
        times: list[float] = []
        failures: list[str] = []
        connector = aiohttp.TCPConnector(limit=100)
        async with aiohttp.ClientSession(connector=connector) as http:
            tasks = [
                participant(http, server.url, n, random.uniform(0, spread), times, failures)
                for n in range(participants)
            ]
            began = time.perf_counter()
            await asyncio.wait_for(asyncio.gather(*tasks), HARD_DEADLINE_S)
            elapsed = time.perf_counter() - began
            async with http.get(
                server.url + "api/questions", headers={"Authorization": f"Bearer {server.token}"}
            ) as resp:
                seen = {q["text"].split(" x")[0] for q in (await resp.json())["questions"]}
    expected = {f"load question {n}" for n in range(participants)}
    lost_api = len(expected - seen)
    print(summary("POST / response time", times))
    print(
        f"participants={participants} spread={spread:.0f}s wall={elapsed:.1f}s "
        f"refused={len(failures)} lost_via_api={lost_api}"
    )
    return 1 if failures or lost_api else 0


async def disk_check(participants: int) -> int:
    """Send questions, stop the server, reopen the file: every one must be on disk."""
    with tempfile.TemporaryDirectory() as folder:
        server = IntakeServer(
            IntakeConfig(
                data_dir=Path(folder),
                port=0,
                token="d" * 32,
                rate_per_minute=participants * 2,
                rate_burst=participants,
            ),
            FormInfo("disk"),
        )
        await server.start()
        async with aiohttp.ClientSession() as http:
            async with http.get(server.url) as resp:
                match = CSRF.search(await resp.text())
            assert match

            async def one(n: int) -> None:
                async with http.post(
                    server.url,
                    data={"csrf": match.group(1), "question": f"d{n}"},
                    allow_redirects=False,
                    headers={"Origin": server.url.rstrip("/")},
                ) as resp:
                    await resp.read()

            await asyncio.gather(*(one(n) for n in range(participants)))
        await server.stop()
        # Read the form's database file as a restarted form would find it (not its memory).
        with contextlib.closing(sqlite3.connect(Path(folder) / DB_FILE)) as db:
            on_disk = {text for (text,) in db.execute("SELECT text FROM questions")}
    lost = len({f"d{n}" for n in range(participants)} - on_disk)
    print(f"after restart: on_disk={len(on_disk)} lost_on_disk={lost}")
    return 1 if lost else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--spread", type=float, default=20.0, help="seconds over which they arrive")
    args = parser.parse_args()
    status = asyncio.run(run(args.participants, min(args.spread, 60.0)))
    status |= asyncio.run(disk_check(args.participants))
    print("PASS" if status == 0 else "FAIL")
    return status


if __name__ == "__main__":
    sys.exit(main())
