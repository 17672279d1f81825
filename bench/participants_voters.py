"""The "me too" voters of ``participants_load.py``, in a process of their own.

Why apart from the watchers: a vote is timed from its POST to its 303 as the voter's browser
sees it. In the load process the 500 watchers' answers arrive together (every watcher gets
the list, about 34 KB, at each update) and a vote's answer waited in that process's event
loop behind them, so the client's own backlog was counted as the form's latency: a real
participant's browser does not read 499 other browsers' lists. Here the voters share a loop
with nothing else; the load on the form is the same (the same participants, cookies,
addresses, rate and questions), only the timing is no longer the load generator's.

Driven by the load process over stdin, one line each:

- the first line: ``{"url", "origin", "rate", "people": [[n, address, cookie, csrf], ...]}``;
- ``P <id>``: a question is published (voters may pick it from then on);
- ``G``: start voting (open loop, ``rate`` a second); ``M``: votes sent from now on are not
  measured (the load goes on); ``D``: answer ``DRAINED`` once no measured vote is in flight
  (at most 60 s); ``S``: stop, wait for the votes in flight, print ``RESULT <json>``.
"""

from __future__ import annotations

import asyncio
import json
import random
import resource
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_IN_FLIGHT = 800


@dataclass
class Voter:
    n: int
    address: str
    cookie: str
    csrf: str
    voted: set[str] = field(default_factory=set)

    def headers(self, origin: str) -> dict[str, str]:
        return {
            "X-Forwarded-For": self.address,
            "Origin": origin,
            "Cookie": f"participant={self.cookie}",
        }


@dataclass
class Votes:
    url: str
    origin: str
    people: list[Voter]
    published: list[str] = field(default_factory=list)
    vote_ms: list[float] = field(default_factory=list)
    confirmed: dict[str, int] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)
    failed_while_down: int = 0
    saturated: int = 0
    in_flight: int = 0
    measured_in_flight: int = 0
    measuring: bool = True
    running: bool = True


def cpu_seconds() -> float:
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


async def vote(http: Any, state: Votes, who: Voter, qid: str) -> None:
    state.in_flight += 1
    measure = state.measuring  # a vote sent while measuring counts, whenever it is answered
    state.measured_in_flight += measure
    started = time.perf_counter()
    try:
        async with http.post(
            state.url + "vote",
            data={"csrf": who.csrf, "question": qid},
            headers=who.headers(state.origin),
            allow_redirects=False,
        ) as resp:
            await resp.read()
            status = resp.status
    except Exception:  # the form is down (being restarted): not confirmed
        state.failed_while_down += 1
        return
    finally:
        state.in_flight -= 1
        state.measured_in_flight -= measure
    if status != 303:
        key = f"vote HTTP {status}"
        state.refused[key] = state.refused.get(key, 0) + 1
        return
    state.confirmed[qid] = state.confirmed.get(qid, 0) + 1
    if measure:
        state.vote_ms.append((time.perf_counter() - started) * 1000)


async def voter_loop(http: Any, state: Votes, rate: float, tasks: set[asyncio.Task[None]]) -> None:
    """Open loop: one vote every 1/rate seconds, whatever the answers (capped in flight)."""
    loop = asyncio.get_running_loop()
    step = 1.0 / rate
    next_at = loop.time()
    while state.running:
        next_at += step
        if state.in_flight >= MAX_IN_FLIGHT:
            state.saturated += 1
        else:
            who = random.choice(state.people)
            choices = [q for q in state.published if q not in who.voted]
            if choices:
                qid = random.choice(choices)
                who.voted.add(qid)
                task = asyncio.create_task(vote(http, state, who, qid))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
        delay = next_at - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)


async def main() -> None:
    import aiohttp

    config = json.loads(await asyncio.to_thread(sys.stdin.readline))
    people = [Voter(n, address, cookie, csrf) for n, address, cookie, csrf in config["people"]]
    state = Votes(config["url"], config["origin"], people)
    tasks: set[asyncio.Task[None]] = set()
    connector = aiohttp.TCPConnector(limit=0, limit_per_host=0, ttl_dns_cache=None)
    async with aiohttp.ClientSession(
        connector=connector,
        timeout=aiohttp.ClientTimeout(total=60),
        cookie_jar=aiohttp.DummyCookieJar(),
    ) as http:
        voting: asyncio.Task[None] | None = None
        cpu_at_start = cpu_used = 0.0
        while True:
            line = (await asyncio.to_thread(sys.stdin.readline)).strip()
            if line.startswith("P "):
                state.published.append(line[2:])
            elif line == "G":
                cpu_at_start = cpu_seconds()
                voting = asyncio.create_task(voter_loop(http, state, config["rate"], tasks))
            elif line == "M":
                state.measuring = False
            elif line == "D":
                for _ in range(1200):  # at most 60 s
                    if state.measured_in_flight <= 0:
                        break
                    await asyncio.sleep(0.05)
                cpu_used = cpu_seconds() - cpu_at_start
                print("DRAINED", flush=True)
            elif line in {"S", ""}:  # stop (or the load process went away)
                break
        state.running = False
        if voting is not None:
            await voting
        if tasks:
            await asyncio.wait(tasks, timeout=60)
    result = {
        "vote_ms": state.vote_ms,
        "confirmed_votes": state.confirmed,
        "refused": state.refused,
        "failed_while_down": state.failed_while_down,
        "client_saturated": state.saturated,
        "measured_votes_unanswered": state.measured_in_flight,
        "cpu_s": cpu_used,
    }
    print("RESULT " + json.dumps(result), flush=True)


class VotersProcess:
    """The load process's end of the voters' process (its stdin and stdout)."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    @classmethod
    async def start(
        cls, url: str, origin: str, rate: float, people: list[tuple[int, str, str, str]]
    ) -> VotersProcess:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(Path(__file__).resolve()),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=1 << 26,
        )  # fmt: skip
        voters = cls(proc)
        await voters.send(json.dumps({"url": url, "origin": origin, "rate": rate,
                                      "people": people}))  # fmt: skip
        return voters

    async def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        await self.proc.stdin.drain()

    async def published(self, ids: list[str]) -> None:
        for qid in ids:
            await self.send(f"P {qid}")

    async def _line(self, prefix: str) -> str:
        assert self.proc.stdout is not None
        while True:
            line = (await self.proc.stdout.readline()).decode()
            if not line:
                raise RuntimeError(f"the voters' process ended before {prefix}")
            if line.startswith(prefix):
                return line.rstrip("\n")

    async def drained(self) -> None:
        """Wait until no vote sent while measuring is in flight (at most 60 s)."""
        await self.send("D")
        await self._line("DRAINED")

    async def result(self) -> dict[str, Any]:
        """Stop voting, and what the voters saw."""
        await self.send("S")
        line = await self._line("RESULT ")
        await self.proc.wait()
        result: dict[str, Any] = json.loads(line[len("RESULT ") :])
        return result

    def kill(self) -> None:
        if self.proc.returncode is None:
            self.proc.kill()


if __name__ == "__main__":
    asyncio.run(main())
