"""The participants' side under load: 1,000 participants, 500 watching the list live, 100
"me too" votes a second, against a real ``facilitator form serve`` process.

Three processes: this one (the controller) starts ``form serve`` on 127.0.0.1 with
``--trust-proxy``, then a separate load process (this file with ``--worker``: asyncio and
aiohttp) whose participants each come from one of ``--addresses`` made-up addresses
(198.18.0.0/15, the benchmarking range) through ``X-Forwarded-For``, so the form's
per-address limits see a crowd of schools, not one host. Every connection is to loopback.

Per run, in the load process:

1. every participant opens ``/questions`` (a cookie and a CSRF token, as a browser gets);
2. a plain question POST, one after another with 10 ms pauses, from one browser on a quiet
   form (the approach of ``bench/intake_latency.py``): the baseline the ratios are taken to;
3. the page weight: ``/questions`` HTML (its CSS is inline) plus every asset it names, each
   checked to be same-origin, with an empty list and with the seeded list;
4. ``--seed`` questions asked and published through ``POST /api/decisions`` (token);
5. for ``--measure`` seconds: ``--watchers`` participants long-poll ``/questions.json`` as
   ``live.js`` does (a 250 ms pause after each answer); votes go out at ``--rate`` a second
   (open loop: sent on schedule whatever the answers) from random participants for random
   published questions, sent and timed by a process of their own
   (``participants_voters.py``, which says why); 2 questions a second are asked; one of
   them is published through ``POST /api/decisions`` (half a second after the last one was
   seen everywhere) and the time until EVERY watcher's list shows it is taken;
6. the controller then kills the form (SIGKILL, or SIGTERM on even runs) mid-load and
   restarts it on the same port while the load goes on; after ``--after`` more seconds the
   load stops and every confirmed (303) question and vote is looked for through the API:
   lost = confirmed but not stored.

The controller raises the soft file-descriptor limit to the hard one (the children
inherit it) and prints it, and samples the form process's memory (psutil; the kernel's
peak, VmHWM, as well). The question rate limits are raised for the form (``--rate-per-minute``
and ``--global-per-minute``): this measures cost, not the limiter; the vote limits are the
form's own (30 a minute per participant, 1,200 per address).

Figures are p50/p95 per run and the median of ``--runs`` runs (3). Bounded: each run has a
hard deadline (``--deadline``), every request a timeout, and the counts are fixed.
``--quick`` is one run with 10 s measured and 4 s after the restart, under the same load
(participants, watchers, vote rate): for trying a change, not for the record.

    uv run python bench/participants_load.py [--quick] [--runs 3] [--participants 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import resource
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from participants_voters import VotersProcess  # bench/ is on the path of a script run here

HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent
TARGET_VOTE_P95_MS = 50.0
TARGET_PUBLISH_P95_MS = 1000.0
TARGET_PAGE_BYTES = 50 * 1024
LIVE_PAUSE_S = 0.25  # what live.js waits after each answer
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
VERSION = re.compile(r'data-version="([^"]*)"')
VERSION_JSON = re.compile(rb'"version":\s*"([^"]*)"')
ASSET = re.compile(
    r'<(?:script|img|iframe|audio|video|source)\b[^>]*\bsrc="([^"]*)"'
    r'|<link\b[^>]*\bhref="([^"]*)"'
    r"|url\(\s*['\"]?([^'\")]+)"
    r'|@import\s+["\']([^"\']+)',
    re.I,
)


# =============================================================================================
# statistics
# =============================================================================================


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def p50_p95(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50": pct(values, 50), "p95": pct(values, 95)}


# =============================================================================================
# the load process
# =============================================================================================


@dataclass
class Participant:
    n: int
    address: str
    cookie: str = ""
    csrf: str = ""
    version: str = ""

    def headers(self, origin: str) -> dict[str, str]:
        out = {"X-Forwarded-For": self.address, "Origin": origin}
        if self.cookie:
            out["Cookie"] = f"participant={self.cookie}"
        return out


@dataclass
class Load:
    url: str
    origin: str
    token: str
    people: list[Participant]
    ask_ms: list[float] = field(default_factory=list)
    publish_ms: list[float] = field(default_factory=list)
    publish_missed: int = 0
    confirmed_texts: set[str] = field(default_factory=set)
    refused: dict[str, int] = field(default_factory=dict)
    failed_while_down: int = 0
    watcher_answers: int = 0
    measuring: bool = True
    running: bool = True
    pending: dict[str, tuple[float, set[int]]] = field(default_factory=dict)
    publish_pool: list[str] = field(default_factory=list)
    publish_unfinished: int = 0
    publish_seen_share: list[float] = field(default_factory=list)

    def api(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def refuse(self, what: str) -> None:
        self.refused[what] = self.refused.get(what, 0) + 1


def address_of(n: int, per_address: int) -> str:
    k = n // per_address
    return f"198.{18 + k // 65536 % 2}.{k // 256 % 256}.{k % 256}"


async def join(http: Any, load: Load, who: Participant) -> None:
    """Open the form (a participant cookie and a CSRF token), then the list (its version)."""
    async with http.get(load.url, headers=who.headers(load.origin)) as resp:
        page = await resp.text()
        cookie = resp.cookies.get("participant")
    csrf = CSRF.search(page)
    if resp.status != 200 or cookie is None or csrf is None:
        raise RuntimeError(f"participant {who.n} could not open the form (HTTP {resp.status})")
    who.cookie, who.csrf = cookie.value, csrf.group(1)
    async with http.get(load.url + "questions", headers=who.headers(load.origin)) as resp:
        version = VERSION.search(await resp.text())
    if resp.status != 200 or version is None:
        raise RuntimeError(f"participant {who.n} could not open the list (HTTP {resp.status})")
    who.version = version.group(1)


async def ask(http: Any, load: Load, who: Participant, text: str, measure: bool) -> bool:
    started = time.perf_counter()
    try:
        async with http.post(
            load.url,
            data={"csrf": who.csrf, "question": text},
            headers=who.headers(load.origin),
            allow_redirects=False,
        ) as resp:
            await resp.read()
            status = resp.status
    except Exception:  # the form is down (being restarted): not confirmed
        load.failed_while_down += 1
        return False
    if status != 303:
        load.refuse(f"question HTTP {status}")
        return False
    load.confirmed_texts.add(text)
    if measure:
        load.ask_ms.append((time.perf_counter() - started) * 1000)
    return True


async def watcher(http: Any, load: Load, who: Participant) -> None:
    """What live.js does: long-poll, swap the list in, wait 250 ms, again."""
    failures = 0
    needle = b'id=\\"q-'  # inside the JSON string the HTML is escaped
    while load.running:
        url = f"{load.url}questions.json?v={who.version}&lang=en"
        try:
            async with http.get(url, headers=who.headers(load.origin)) as resp:
                body = await resp.read()
                ok = resp.status == 200
        except Exception:
            ok, body = False, b""
        if not ok:
            failures += 1
            await asyncio.sleep(min(60.0, 2.0 * failures))
            continue
        failures = 0
        load.watcher_answers += 1
        now = time.perf_counter()
        found = VERSION_JSON.search(body)
        if found:
            who.version = found.group(1).decode()
        for qid, (_, waiting) in list(load.pending.items()):
            if who.n in waiting and needle + qid.encode() + b'\\"' in body:
                waiting.discard(who.n)
                if not waiting:
                    load.publish_ms.append((now - load.pending.pop(qid)[0]) * 1000)
        await asyncio.sleep(LIVE_PAUSE_S)


async def api_questions(http: Any, load: Load) -> list[dict[str, Any]]:
    """Every question the form holds (origin=all), page by page."""
    out: dict[str, dict[str, Any]] = {}
    cursor = ""
    for _ in range(1000):
        params = {"origin": "all", "wait": "0"} | ({"after": cursor} if cursor else {})
        async with http.get(load.url + "api/questions", params=params, headers=load.api()) as r:
            data = await r.json()
        for q in data["questions"]:
            out[q["id"]] = q
        if not data["questions"]:
            break
        cursor = data["cursor"]
    return list(out.values())


async def publish(http: Any, load: Load, ids: list[str]) -> None:
    body = {"decisions": [{"id": qid, "published": True} for qid in ids]}
    async with http.post(load.url + "api/decisions", json=body, headers=load.api()) as resp:
        data = await resp.json()
        if resp.status != 200 or data.get("unknown"):
            raise RuntimeError(f"publish refused: HTTP {resp.status} {data}")


async def page_weight(http: Any, load: Load, who: Participant) -> dict[str, Any]:
    """Bytes of /questions (inline CSS included) and of every asset it names, same-origin only."""
    async with http.get(load.url + "questions", headers=who.headers(load.origin)) as resp:
        html = await resp.text()
        csp = resp.headers.get("Content-Security-Policy", "")
    base = urlsplit(load.url)
    assets: dict[str, int] = {}
    foreign: list[str] = []
    for match in ASSET.finditer(html):
        ref = next(g for g in match.groups() if g is not None)
        absolute = urljoin(load.url + "questions", ref)
        parts = urlsplit(absolute)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
            foreign.append(ref)
            continue
        async with http.get(absolute, headers=who.headers(load.origin)) as resp:
            assets[parts.path] = len(await resp.read())
    style = sum(len(s) for s in re.findall(r"<style>(.*?)</style>", html, re.S))
    html_bytes = len(html.encode())
    return {
        "html_bytes": html_bytes,
        "inline_css_bytes": style,
        "assets": assets,
        "total_bytes": html_bytes + sum(assets.values()),
        "foreign_assets": foreign,
        "questions_listed": len(re.findall(r'<li class="q[ "]', html)),
        "csp_scripts_self_only": "script-src 'self'" in csp and "default-src 'none'" in csp,
    }


async def baseline_posts(http: Any, load: Load, count: int) -> list[float]:
    """intake_latency's plain POST: one browser, one question after another, 10 ms apart."""
    who = load.people[-1]
    times: list[float] = []
    for n in range(count):
        text = f"baseline question {n}"
        started = time.perf_counter()
        async with http.post(
            load.url,
            data={"csrf": who.csrf, "question": text},
            headers=who.headers(load.origin),
            allow_redirects=False,
        ) as resp:
            await resp.read()
            if resp.status != 303:
                raise RuntimeError(f"baseline question {n}: HTTP {resp.status}")
        times.append((time.perf_counter() - started) * 1000)
        load.confirmed_texts.add(text)
        await asyncio.sleep(0.01)
    return times


def _cpu_seconds() -> float:
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def say(line: str) -> None:
    print(line, flush=True)


async def asker_loop(http: Any, load: Load, per_second: float, counter: list[int]) -> None:
    while load.running:
        who = random.choice(load.people)
        counter[0] += 1
        await ask(http, load, who, f"load question {counter[0]} from {who.n}", load.measuring)
        await asyncio.sleep(1.0 / per_second)


async def publisher_loop(
    http: Any, load: Load, watchers: list[Participant], voters: VotersProcess
) -> None:
    """Publish one question asked before the load (not yet shown), wait until every watcher
    saw it (at most 10 s), pause 0.5 s, again; the last one is followed to its end."""
    loop = asyncio.get_running_loop()
    everyone = len(watchers)
    while load.measuring and load.publish_pool:
        qid = load.publish_pool.pop(0)
        load.pending[qid] = (time.perf_counter(), {w.n for w in watchers})
        await publish(http, load, [qid])
        await voters.published([qid])
        deadline = loop.time() + 10.0
        while qid in load.pending and loop.time() < deadline:
            await asyncio.sleep(0.05)
        left = load.pending.pop(qid, None)
        if left is not None:
            load.publish_missed += 1
            load.publish_seen_share.append(1 - len(left[1]) / everyone)
        await asyncio.sleep(0.5)


async def run_worker(config: dict[str, Any]) -> dict[str, Any]:
    import aiohttp

    people = [
        Participant(n, address_of(n, config["per_address"])) for n in range(config["participants"])
    ]
    url = config["url"]
    load = Load(url, url.rstrip("/"), config["token"], people)
    connector = aiohttp.TCPConnector(limit=0, limit_per_host=0, ttl_dns_cache=None)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(
        connector=connector, timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()
    ) as http:
        gate = asyncio.Semaphore(50)

        async def joined(who: Participant) -> None:
            async with gate:
                await join(http, load, who)

        began = time.perf_counter()
        await asyncio.gather(*(joined(p) for p in people))
        say(f"PHASE {len(people)} participants joined in {time.perf_counter() - began:.1f} s")
        weight_empty = await page_weight(http, load, people[0])
        baseline = await baseline_posts(http, load, config["baseline"])
        say(f"PHASE baseline: {len(baseline)} plain question POSTs")
        for n in range(config["seed"]):
            text = f"seed question {n}: how do we run a reunification drill with {n} buses?"
            if not await ask(http, load, people[n % len(people)], text, measure=False):
                raise RuntimeError(f"seed question {n} was refused")
        seeded = [q["id"] for q in await api_questions(http, load) if q["text"].startswith("seed")]
        await publish(http, load, seeded)
        weight_seeded = await page_weight(http, load, people[0])
        # Questions to publish while measuring: asked now, shown to no one yet.
        pool = int(config["measure"] * 2) + 5
        for n in range(pool):
            text = f"question to publish {n}: who decides when the building is locked?"
            if not await ask(http, load, people[-1 - n % len(people)], text, measure=False):
                raise RuntimeError(f"question to publish {n} was refused")
        load.publish_pool = [
            q["id"] for q in await api_questions(http, load) if q["text"].startswith("question to")
        ]
        # Watchers start from the list as they see it now.
        watchers = people[: config["watchers"]]
        for who in watchers:
            who.version = ""  # the first live poll answers at once with the current list
        # The voters: the same participants (cookies, tokens, addresses), timed in a process
        # of their own (participants_voters says why).
        voters = await VotersProcess.start(
            url, load.origin, config["rate"], [(p.n, p.address, p.cookie, p.csrf) for p in people]
        )
        try:
            await voters.published(seeded)
            background = [asyncio.create_task(watcher(http, load, w)) for w in watchers]
            await asyncio.sleep(2.0)  # let every watcher take its first answer before measuring
            counter = [0]
            await voters.send("G")
            background.append(asyncio.create_task(asker_loop(http, load, 2.0, counter)))
            publisher = asyncio.create_task(publisher_loop(http, load, watchers, voters))
            say(f"PHASE measuring for {config['measure']} s")
            cpu_before = _cpu_seconds()
            await asyncio.sleep(config["measure"])
            load.measuring = False  # the load goes on; what was sent while measuring finishes
            await voters.send("M")
            await publisher
            await voters.drained()
            cpu_used = _cpu_seconds() - cpu_before
            voted = await _finish(http, load, config, background, voters)
        finally:
            voters.kill()
        stored = await api_questions(http, load)
    return _outcome(load, config, voted, stored, baseline, cpu_used, weight_empty, weight_seeded)


async def _finish(
    http: Any,
    load: Load,
    config: dict[str, Any],
    background: list[asyncio.Task[None]],
    voters: VotersProcess,
) -> dict[str, Any]:
    """The kill and restart (done by the controller), the load after it, and the voters' part."""
    say("KILL")
    answer = await asyncio.to_thread(sys.stdin.readline)
    if answer.strip() != "RESTARTED":
        raise RuntimeError(f"controller said {answer!r}")
    say(f"PHASE form restarted; load goes on for {config['after']} s")
    await asyncio.sleep(config["after"])
    load.running = False
    voted = await voters.result()
    await asyncio.gather(*background, return_exceptions=True)
    return voted


def _outcome(
    load: Load,
    config: dict[str, Any],
    voted: dict[str, Any],
    stored: list[dict[str, Any]],
    baseline: list[float],
    cpu_used: float,
    weight_empty: dict[str, Any],
    weight_seeded: dict[str, Any],
) -> dict[str, Any]:
    by_text = {q["text"]: q for q in stored}
    by_id = {q["id"]: q for q in stored}
    lost_questions = len([t for t in load.confirmed_texts if t not in by_text])
    confirmed_votes: dict[str, int] = voted["confirmed_votes"]
    lost_votes = sum(
        max(0, n - int(by_id.get(qid, {}).get("votes", 0))) for qid, n in confirmed_votes.items()
    )
    refused = dict(load.refused)
    for what, n in voted["refused"].items():
        refused[what] = refused.get(what, 0) + n
    return {
        "participants": len(load.people),
        "watchers": config["watchers"],
        "addresses": len({p.address for p in load.people}),
        "vote_ms": voted["vote_ms"],
        "ask_ms": load.ask_ms,
        "publish_ms": load.publish_ms,
        "publish_missed": load.publish_missed,
        "publish_seen_share": load.publish_seen_share,
        "measured_votes_unanswered": voted["measured_votes_unanswered"],
        "worker_cpu_s": cpu_used,
        "voters_cpu_s": voted["cpu_s"],
        "baseline_ms": baseline,
        "confirmed_questions": len(load.confirmed_texts),
        "confirmed_votes": sum(confirmed_votes.values()),
        "lost_questions": lost_questions,
        "lost_votes": lost_votes,
        "stored_votes": sum(int(q.get("votes", 0)) for q in stored),
        "failed_while_down": load.failed_while_down + voted["failed_while_down"],
        "refused": refused,
        "client_saturated": voted["client_saturated"],
        "watcher_answers": load.watcher_answers,
        "weight_empty": weight_empty,
        "weight_seeded": weight_seeded,
    }


def worker_main(raw: str) -> int:
    result = asyncio.run(run_worker(json.loads(raw)))
    print("RESULT " + json.dumps(result), flush=True)
    return 0


# =============================================================================================
# the controller
# =============================================================================================


def raise_fd_limit() -> tuple[int, int, int]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 1 << 16
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return soft, resource.getrlimit(resource.RLIMIT_NOFILE)[0], hard


class Form:
    """A ``facilitator form serve`` process, its URL, and its memory seen from outside."""

    def __init__(self, data: Path, token: str, port: int) -> None:
        import psutil

        env = dict(os.environ, FACILITATOR_FORM_TOKEN=token, PYTHONUNBUFFERED="1")
        self.log = data / f"form-{port or 'first'}-{time.monotonic_ns()}.log"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "console", "--data-dir", str(data), "form", "serve",
             "--port", str(port), "--trust-proxy", "--rate-per-minute", "100000",
             "--global-per-minute", "100000"],
            cwd=ARGS.form_code, env=env, stdout=subprocess.PIPE, stderr=self.log.open("w"),
            text=True,
        )  # fmt: skip
        seen = ""
        assert self.proc.stdout is not None
        while "Press Ctrl-C" not in seen:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"form serve ended: {seen}{self.log.read_text()}")
            seen += line
        found = re.search(r"is at (http://\S+)", seen)
        assert found, seen
        self.url = found.group(1)
        host = urlsplit(self.url).hostname
        if host != "127.0.0.1":
            raise RuntimeError(f"the form must listen on loopback only, not {host}")
        self.port = int(urlsplit(self.url).port or 0)
        self.ps = psutil.Process(self.proc.pid)
        self.peak = 0
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            try:
                self.peak = max(self.peak, self.ps.memory_info().rss)
            except Exception:
                return

    def cpu(self) -> float:
        """CPU seconds the form process has used (user and system)."""
        try:
            times = self.ps.cpu_times()
        except Exception:
            return 0.0
        return float(times.user + times.system)

    def hwm(self) -> int:
        """The kernel's peak resident size of the process (Linux), else the sampled peak."""
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return max(self.peak, int(line.split()[1]) * 1024)
        except OSError:
            pass
        return self.peak

    def stop(self, sig: int = signal.SIGTERM) -> int:
        peak = self.hwm()
        self._stop.set()
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)
        return peak


def one_run(n: int, args: argparse.Namespace) -> dict[str, Any]:
    kill = signal.SIGKILL if n % 2 == 1 else signal.SIGTERM
    with tempfile.TemporaryDirectory(prefix="participants-bench-") as folder:
        data = Path(folder)
        token = secrets.token_urlsafe(24)
        form = Form(data, token, 0)
        config = {
            "url": form.url,
            "token": token,
            "participants": args.participants,
            "watchers": args.watchers,
            "per_address": max(1, args.participants // args.addresses),
            "rate": args.rate,
            "seed": args.seed,
            "baseline": args.baseline,
            "measure": args.measure,
            "after": args.after,
        }
        worker = subprocess.Popen(
            [sys.executable, str(HERE), "--worker", json.dumps(config)],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        timer = threading.Timer(args.deadline, lambda: [p.kill() for p in (worker, form.proc)])
        timer.start()
        result: dict[str, Any] = {}
        peaks: list[int] = []
        try:
            assert worker.stdout is not None and worker.stdin is not None
            cpu_at_start, window_start = 0.0, time.perf_counter()
            for line in worker.stdout:
                line = line.rstrip("\n")
                if line.startswith("PHASE measuring"):
                    cpu_at_start, window_start = form.cpu(), time.perf_counter()
                if line == "KILL":
                    result["form_cpu_s"] = form.cpu() - cpu_at_start
                    result["window_s"] = time.perf_counter() - window_start
                    peaks.append(form.stop(kill))
                    restart = time.perf_counter()
                    form = Form(data, token, form.port)
                    result["restart_s"] = time.perf_counter() - restart
                    worker.stdin.write("RESTARTED\n")
                    worker.stdin.flush()
                elif line.startswith("RESULT "):
                    result.update(json.loads(line[len("RESULT ") :]))
                if line.startswith("PHASE "):
                    print(f"  run {n}: {line[6:]}", file=sys.stderr, flush=True)
            worker.wait(timeout=60)
        finally:
            timer.cancel()
            peaks.append(form.stop())
            if worker.poll() is None:
                worker.kill()
        if "vote_ms" not in result:
            raise RuntimeError(f"run {n}: the load process gave no result (deadline?)")
        result["kill"] = "SIGKILL" if kill == signal.SIGKILL else "SIGTERM"
        result["form_peak_rss"] = max(peaks)
        return result


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(runs: list[dict[str, Any]], limits: tuple[int, int, int]) -> int:
    def per_run(key: str) -> list[dict[str, float]]:
        return [p50_p95(r[key]) for r in runs]

    def med(key: str, which: str) -> float:
        return median([s[which] for s in per_run(key)])

    print()
    print(f"file descriptors: soft limit {limits[0]} raised to {limits[1]} (hard {limits[2]})")
    first = runs[0]
    print(
        f"load: {first['participants']} participants from {first['addresses']} addresses "
        f"(X-Forwarded-For), {first['watchers']} watching live; votes at {ARGS.rate:.0f}/s; "
        f"{len(runs)} runs, median of the runs' figures"
    )
    rows = [("vote (POST /vote -> 303)", "vote_ms"),
            ("published question reaching every watcher", "publish_ms"),
            ("question POST under load", "ask_ms"),
            ("plain question POST, quiet (baseline)", "baseline_ms")]  # fmt: skip
    for label, key in rows:
        stats = per_run(key)
        each = "  ".join(f"[{s['p50']:.1f} / {s['p95']:.1f}]" for s in stats)
        print(
            f"{label:45s} p50 {med(key, 'p50'):8.1f} ms  p95 {med(key, 'p95'):8.1f} ms"
            f"   runs (p50 / p95): {each}   n={[s['n'] for s in stats]}"
        )
    base50, base95 = med("baseline_ms", "p50"), med("baseline_ms", "p95")
    vote_ratio = median([p50_p95(r["vote_ms"])["p95"] / p50_p95(r["baseline_ms"])["p95"]
                         for r in runs])  # fmt: skip
    pub_ratio = median([p50_p95(r["publish_ms"])["p95"] / p50_p95(r["baseline_ms"])["p95"]
                        for r in runs])  # fmt: skip
    print(f"ratio to the plain POST (p95, same run, median): vote {vote_ratio:.1f}x, "
          f"publish-to-every-watcher {pub_ratio:.1f}x (plain POST p50 {base50:.1f} ms, "
          f"p95 {base95:.1f} ms)")  # fmt: skip
    missed = [r["publish_missed"] for r in runs]
    shares = [[round(s, 2) for s in r["publish_seen_share"]] for r in runs]
    print(
        f"published questions not seen by every watcher within 10 s: {missed} "
        f"(share of watchers that had seen each: {shares})"
    )
    print(
        "measured votes still unanswered 60 s after the window: "
        f"{[r['measured_votes_unanswered'] for r in runs]}"
    )
    for r in runs:
        print(
            f"CPU while measuring ({r['window_s']:.0f} s with the drain): form process "
            f"{r['form_cpu_s']:.1f} s ({100 * r['form_cpu_s'] / r['window_s']:.0f}% of one core), "
            f"load process {r['worker_cpu_s']:.1f} s "
            f"({100 * r['worker_cpu_s'] / r['window_s']:.0f}%), voters' process "
            f"{r['voters_cpu_s']:.1f} s ({100 * r['voters_cpu_s'] / r['window_s']:.0f}%)"
        )
    for r in runs:
        print(
            f"restart ({r['kill']}): confirmed {r['confirmed_questions']} questions, "
            f"{r['confirmed_votes']} votes; lost {r['lost_questions']} questions, "
            f"{r['lost_votes']} votes; {r['failed_while_down']} requests failed while the "
            f"form was down; restart took {r['restart_s']:.1f} s; refused {r['refused']}; "
            f"client over its in-flight cap {r['client_saturated']} times; "
            f"watcher answers {r['watcher_answers']}"
        )
    peak = median([r["form_peak_rss"] / 2**20 for r in runs])
    print(f"form process peak memory (RSS, median of runs): {peak:.0f} MiB "
          f"(runs: {[round(r['form_peak_rss'] / 2**20) for r in runs]})")  # fmt: skip
    ok = True
    for label in ("weight_empty", "weight_seeded"):
        w = first[label]
        fits = w["total_bytes"] <= TARGET_PAGE_BYTES and not w["foreign_assets"]
        ok &= fits
        print(
            f"page weight, /questions with {w['questions_listed']} questions listed: "
            f"{w['total_bytes'] / 1024:.1f} KB (HTML {w['html_bytes']} B of which inline CSS "
            f"{w['inline_css_bytes']} B; assets {w['assets']}); third-party assets: "
            f"{w['foreign_assets'] or 'none'}; CSP scripts self only: "
            f"{w['csp_scripts_self_only']} -> {'PASS' if fits else 'FAIL'} (<= 50 KB)"
        )
    lost = sum(r["lost_questions"] + r["lost_votes"] for r in runs)
    vote95, pub95 = med("vote_ms", "p95"), med("publish_ms", "p95")
    checks = [
        ("vote p95 <= 50 ms", vote95 <= TARGET_VOTE_P95_MS),
        ("published question to every watcher p95 <= 1 s", pub95 <= TARGET_PUBLISH_P95_MS),
        ("0 questions or votes lost across a restart", lost == 0),
        ("page weight <= 50 KB, same-origin assets only", ok),
    ]
    for label, passed in checks:
        print(f"target {label}: {'PASS' if passed else 'FAIL'}")
    return 0 if all(passed for _, passed in checks) else 1


ARGS = argparse.Namespace()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--worker", metavar="JSON", help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--watchers", type=int, default=500)
    parser.add_argument("--addresses", type=int, default=250, help="made-up client addresses")
    parser.add_argument("--rate", type=float, default=100.0, help="votes a second")
    parser.add_argument("--seed", type=int, default=40, help="questions published at the start")
    parser.add_argument("--baseline", type=int, default=100, help="plain POSTs for the baseline")
    parser.add_argument("--measure", type=float, default=20.0, help="seconds measured")
    parser.add_argument("--after", type=float, default=8.0, help="seconds of load after restart")
    parser.add_argument("--deadline", type=float, default=300.0, help="hard limit per run (s)")
    parser.add_argument(
        "--quick", action="store_true", help="1 run, 10 s measured, 4 s after: the same load"
    )
    parser.add_argument(
        "--form-code",
        type=Path,
        default=ROOT,
        help="run `form serve` from this source tree (another commit, for before/after runs)",
    )
    args = parser.parse_args()
    if args.quick:
        args.runs, args.measure, args.after = 1, 10.0, 4.0
    if not (args.form_code / "console" / "__main__.py").exists():
        parser.error(f"--form-code: no console package in {args.form_code}")
    if args.worker:
        return worker_main(args.worker)
    global ARGS
    ARGS = args
    if not 0 < args.watchers <= args.participants or args.seed > args.participants:
        parser.error("need 0 < watchers <= participants and seed <= participants")
    args.measure, args.after = min(args.measure, 120.0), min(args.after, 60.0)
    limits = raise_fd_limit()
    print(f"file descriptors: soft limit {limits[0]} -> {limits[1]} (hard {limits[2]})", flush=True)
    print(f"# form code: {args.form_code.resolve()}", flush=True)
    print(f"# {os.uname().sysname} {os.uname().release} {os.cpu_count()} cpus, "
          f"load {os.getloadavg()[0]:.2f}", flush=True)  # fmt: skip
    runs = []
    for n in range(1, args.runs + 1):
        began = time.perf_counter()
        runs.append(one_run(n, args))
        print(f"run {n} done in {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
    return report(runs, limits)


if __name__ == "__main__":
    sys.exit(main())
