"""The poller against httpx.MockTransport: bad input gives a clear status, keeps the last good
board, and recovers when the source does."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from console.feeds import poller as poller_module
from console.feeds.config import SourceConfig
from console.feeds.poller import FeedPoller, FeedUpdate
from console.feeds.presets import PRESETS

GOOD_CSV = b"Timestamp,What would you like to ask?\n12/17/2025 15:00:00,First question?\n"
NEWER_CSV = GOOD_CSV + b"12/17/2025 15:05:00,Second question?\n"
FIXED_NOW = datetime(2025, 12, 17, 20, 0, tzinfo=UTC)

Handler = Callable[[httpx.Request], httpx.Response]


class Source:
    """A programmable fake source: swap ``handler`` to change what it answers."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)


def csv_ok(body: bytes = GOOD_CSV, **headers: str) -> Handler:
    return lambda request: httpx.Response(
        200, content=body, headers={"content-type": "text/csv", **headers}
    )


def make(
    source: Source, preset: str = "google-forms", **kw: object
) -> tuple[FeedPoller, list[FeedUpdate]]:
    updates: list[FeedUpdate] = []
    config = SourceConfig(
        url="https://sheet.test/pub?output=csv", preset=preset, interval_seconds=30, **kw
    )  # type: ignore[arg-type]
    poller = FeedPoller(
        config,
        updates.append,
        transport=httpx.MockTransport(source),
        now=lambda: FIXED_NOW,
        rand=lambda: 0.5,
    )
    return poller, updates


async def assert_fails_then_recovers(
    source: Source, poller: FeedPoller, bad: Handler, expect: str
) -> FeedUpdate:
    source.handler = csv_ok()
    good = await poller.poll_once()
    assert good.status.ok and len(good.questions) == 1
    source.handler = bad
    failed = await poller.poll_once()
    assert not failed.status.ok
    assert expect in failed.status.message, failed.status.message
    assert failed.questions == good.questions and failed.status.question_count == 1
    assert "keeping the last 1 questions" in failed.status.message
    assert failed.changed is False and failed.status.last_success_at == FIXED_NOW
    source.handler = csv_ok(NEWER_CSV)
    recovered = await poller.poll_once()
    assert recovered.status.ok and recovered.changed and len(recovered.questions) == 2
    assert recovered.status.message == "2 questions"
    return failed


@pytest.mark.parametrize(
    ("status", "headers", "expect"),
    [
        (401, {}, "the source refused the token (HTTP 401)"),
        (403, {}, "the source refused the token (HTTP 403)"),
        (404, {}, "not found (HTTP 404)"),
        (429, {"retry-after": "120"}, "rate limiting us (HTTP 429); retrying in 120 s"),
        (500, {}, "server error (HTTP 500)"),
        (502, {}, "server error (HTTP 502)"),
        (503, {"retry-after": "7"}, "server error (HTTP 503); retrying in 7 s"),
    ],
)
async def test_http_errors(status: int, headers: dict[str, str], expect: str) -> None:
    source = Source(csv_ok())
    poller, _ = make(source)
    bad: Handler = lambda r: httpx.Response(status, text="nope", headers=headers)  # noqa: E731
    failed = await assert_fails_then_recovers(source, poller, bad, expect)
    if "retry-after" in headers:
        assert poller.backoff(1, float(headers["retry-after"])) >= float(headers["retry-after"])
        assert failed.status.retry_in is not None
        assert failed.status.retry_in >= float(headers["retry-after"])
    await poller.stop()


@pytest.mark.parametrize(
    ("body", "headers", "expect"),
    [
        (
            b"<!DOCTYPE html><html>Sign in - Google Accounts</html>",
            {"content-type": "text/html"},
            "the sheet is not published: the URL returned a sign-in page",
        ),
        (b'Q\n"never closed\n', {}, "the CSV is malformed"),
    ],
)
async def test_bad_bodies(body: bytes, headers: dict[str, str], expect: str) -> None:
    source = Source(csv_ok())
    poller, _ = make(source)
    await assert_fails_then_recovers(
        source, poller, lambda r: httpx.Response(200, content=body, headers=headers), expect
    )
    await poller.stop()


async def test_missing_column_then_recovery() -> None:
    source = Source(csv_ok())
    poller, _ = make(source, mapping={"text": "What would you like to ask?"})
    renamed = b"Timestamp,Your question\n12/17/2025 15:00:00,x\n"
    failed = await assert_fails_then_recovers(source, poller, csv_ok(renamed), "is not in the feed")
    assert "'Your question'" in failed.status.message
    await poller.stop()


async def test_malformed_json_keeps_board() -> None:
    good = json.dumps([{"id": "a", "text": "Hi?"}]).encode()
    source = Source(lambda r: httpx.Response(200, content=good))
    poller, _ = make(source, preset="json")
    assert (await poller.poll_once()).status.ok
    source.handler = lambda r: httpx.Response(200, content=b'[{"id": "a", "text": ')
    failed = await poller.poll_once()
    assert "JSON is malformed" in failed.status.message and len(failed.questions) == 1
    source.handler = lambda r: httpx.Response(200, content=good.replace(b"Hi?", b"Hello?"))
    again = await poller.poll_once()
    assert again.changed and again.questions[0].text == "Hello?"
    await poller.stop()


async def test_connection_refused_on_a_closed_local_port() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = SourceConfig(url=f"http://127.0.0.1:{port}/feed.csv", preset="csv")
    poller = FeedPoller(config)
    update = await poller.poll_once()
    assert not update.status.ok
    assert "connection refused" in update.status.message
    await poller.stop()


async def test_timeout_when_source_never_answers() -> None:
    async def hang(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    poller = FeedPoller(
        SourceConfig(url="https://slow.test/x.csv", preset="csv", timeout_seconds=0.3),
        transport=httpx.MockTransport(hang),
    )
    update = await poller.poll_once()
    assert "did not answer within 0.3 seconds" in update.status.message
    await poller.stop()


class Drip(httpx.AsyncByteStream):
    """A body that trickles one byte at a time, forever (per-read timeouts never fire)."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"Question\n"
        while True:
            await asyncio.sleep(0.01)
            yield b"a"


async def test_dripping_body_is_cut_by_the_whole_fetch_deadline() -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(200, stream=Drip()))
    poller = FeedPoller(
        SourceConfig(url="https://drip.test/x.csv", preset="csv", timeout_seconds=0.5),
        transport=transport,
    )
    update = await poller.poll_once()
    assert not update.status.ok and "timeout" in update.status.message
    await poller.stop()


class Huge(httpx.AsyncByteStream):
    """50 MB produced lazily, counting how much was actually pulled."""

    def __init__(self) -> None:
        self.produced = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunk = b"x" * (1024 * 1024)
        for _ in range(50):
            self.produced += len(chunk)
            yield chunk


async def test_fifty_megabyte_body_is_refused_while_streaming() -> None:
    huge = Huge()
    transport = httpx.MockTransport(lambda r: httpx.Response(200, stream=huge))
    poller = FeedPoller(
        SourceConfig(url="https://big.test/x.csv", preset="csv"), transport=transport
    )
    update = await poller.poll_once()
    assert "too large (over the 10 MiB limit)" in update.status.message
    assert huge.produced <= 12 * 1024 * 1024  # stopped soon after the cap, not at 50 MB
    await poller.stop()


async def test_declared_content_length_over_the_cap_is_refused_early() -> None:
    transport = httpx.MockTransport(
        lambda r: httpx.Response(200, content=b"Q\nx\n" * 100, headers={"content-length": "400"})
    )
    config = SourceConfig(url="https://big.test/x.csv", preset="csv", max_bytes=100)
    poller = FeedPoller(config, transport=transport)
    assert "too large (over the 100 bytes limit)" in (await poller.poll_once()).status.message
    await poller.stop()


async def test_redirect_loop_and_followed_redirect() -> None:
    def loop(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "/again"})

    source = Source(loop)
    poller, _ = make(source)
    update = await poller.poll_once()
    assert "redirects in a loop (more than 5 redirects)" in update.status.message
    assert len(source.requests) == 6

    def moved(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/pub":
            return httpx.Response(307, headers={"location": "https://cdn.sheet.test/real.csv"})
        return httpx.Response(200, content=GOOD_CSV)

    source.handler = moved
    assert (await poller.poll_once()).status.ok
    await poller.stop()


async def test_etag_conditional_request_and_304() -> None:
    source = Source(csv_ok(etag='"v1"', **{"last-modified": "Wed, 17 Dec 2025 20:00:00 GMT"}))
    poller, _ = make(source)
    first = await poller.poll_once()
    assert first.changed

    def conditional(request: httpx.Request) -> httpx.Response:
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304)
        return httpx.Response(200, content=NEWER_CSV)

    source.handler = conditional
    second = await poller.poll_once()
    assert source.requests[-1].headers["if-modified-since"] == "Wed, 17 Dec 2025 20:00:00 GMT"
    assert second.status.ok and not second.changed and second.questions == first.questions
    assert second.status.message == "1 question (no change)"
    await poller.stop()


async def test_unchanged_body_costs_no_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = PRESETS["google-forms"]

    def counting(body, headers, config, *, tz=None):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real.parse(body, headers, config, tz=tz)

    monkeypatch.setitem(PRESETS, "google-forms", replace(real, parse=counting))
    source = Source(csv_ok())
    poller, updates = make(source)
    await poller.poll_once()
    await poller.poll_once()
    assert [u.changed for u in updates] == [True, False] and len(calls) == 1
    source.handler = csv_ok(NEWER_CSV)
    assert (await poller.poll_once()).changed and len(calls) == 2
    await poller.stop()


async def test_removed_row_counts_as_a_change() -> None:
    source = Source(csv_ok(NEWER_CSV))
    poller, _ = make(source)
    await poller.poll_once()
    source.handler = csv_ok(GOOD_CSV)
    update = await poller.poll_once()
    assert update.changed and [q.source_id for q in update.questions] == ["row-2"]
    await poller.stop()


def test_backoff_is_exponential_with_jitter_and_capped() -> None:
    config = SourceConfig(url="https://x.test/a.csv", preset="csv", interval_seconds=10)
    low = FeedPoller(config, rand=lambda: 0.0, max_backoff=100)
    high = FeedPoller(config, rand=lambda: 1.0, max_backoff=100)
    assert [low.backoff(n) for n in (1, 2, 3)] == [5.0, 10.0, 20.0]
    assert [high.backoff(n) for n in (1, 2, 3, 9)] == [10.0, 20.0, 40.0, 100.0]
    assert low.backoff(1, retry_after=90) == 90
    assert high.backoff(20, retry_after=5) == 100


async def test_retry_after_http_date() -> None:
    when = format_datetime(FIXED_NOW + timedelta(seconds=600), usegmt=True)
    source = Source(lambda r: httpx.Response(429, headers={"retry-after": when}))
    poller, _ = make(source)
    update = await poller.poll_once()
    assert "retrying in 600 s" in update.status.message
    assert poller.next_delay >= 600
    await poller.stop()


async def wait_until(predicate: Callable[[], bool], deadline: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    while not predicate():
        if loop.time() > end:
            raise AssertionError("condition not met before the deadline")
        await asyncio.sleep(0.01)


async def test_loop_poll_now_no_overlap_and_clean_stop() -> None:
    in_flight = 0
    most = 0
    release = asyncio.Event()

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await release.wait()
        in_flight -= 1
        return httpx.Response(200, content=GOOD_CSV)

    updates: list[FeedUpdate] = []
    config = SourceConfig(url="https://x.test/a.csv", preset="csv", interval_seconds=3600)
    poller = FeedPoller(config, updates.append, transport=httpx.MockTransport(slow))
    task = poller.start()
    await wait_until(lambda: in_flight == 1)
    for _ in range(5):
        poller.poll_now()  # while the fetch is in flight: must not start a second one
    release.set()
    await wait_until(lambda: len(updates) >= 2)  # the pending poll_now ran once more
    assert most == 1
    await poller.stop()
    assert task.done()
    count = len(updates)
    await asyncio.sleep(0.05)
    assert len(updates) == count


async def test_callback_errors_do_not_kill_the_loop() -> None:
    seen: list[FeedUpdate] = []

    def explode(update: FeedUpdate) -> None:
        seen.append(update)
        raise RuntimeError("widget went away")

    config = SourceConfig(url="https://x.test/a.csv", preset="csv", interval_seconds=3600)
    poller = FeedPoller(config, explode, transport=httpx.MockTransport(csv_ok()))
    poller.start()
    await wait_until(lambda: len(seen) == 1)
    poller.poll_now()
    await wait_until(lambda: len(seen) == 2)
    await poller.stop()


async def test_intake_long_poll_merges_incrementally_without_sleeping() -> None:
    batches = {
        None: (
            [
                {
                    "id": "a",
                    "text": "First?",
                    "name": "Ann",
                    "display_name": True,
                    "email": None,
                    "topic": None,
                    "submitted_at": "2025-12-17T15:31:00-05:00",
                }
            ],
            "c1",
        ),
        "c1": (
            [
                {
                    "id": "b",
                    "text": "Second?",
                    "name": None,
                    "display_name": False,
                    "email": None,
                    "topic": "Drills",
                    "submitted_at": "2025-12-17T15:32:00-05:00",
                }
            ],
            "c2",
        ),
    }
    seen_after: list[str | None] = []

    async def server(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == "Bearer read-token-1"
        after = request.url.params.get("after")
        seen_after.append(after)
        if after in batches:
            items, cursor = batches[after]
        else:
            await asyncio.sleep(0.01)  # nothing new: the server would hold, then answer empty
            items, cursor = [], after or ""
        return httpx.Response(
            200,
            json={"questions": items, "cursor": cursor, "open": True},
            headers={"etag": f'"{cursor}"'},
        )

    updates: list[FeedUpdate] = []
    config = SourceConfig(
        url="http://intake.test",
        preset="intake",
        token="read-token-1",
        wait_seconds=5,
        interval_seconds=3600,
    )
    poller = FeedPoller(config, updates.append, transport=httpx.MockTransport(server))
    poller.start()
    await wait_until(lambda: len(seen_after) >= 4)  # no 3600 s sleep between long polls
    await poller.stop()
    assert seen_after[:3] == [None, "c1", "c2"]
    assert [q.source_id for q in poller.questions] == ["a", "b"]
    assert poller.status.ok and poller.status.source_open is True
    assert [u.changed for u in updates[:3]] == [True, True, False]
    assert poller.questions[1].display_name is False


async def test_intake_wrong_token_backs_off() -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(401, json={"error": "bad token"}))
    config = SourceConfig(url="http://intake.test", preset="intake", token="wrong-token")
    poller = FeedPoller(config, transport=transport, rand=lambda: 0.0)
    update = await poller.poll_once()
    assert "refused the token" in update.status.message and poller.next_delay > 0
    await poller.stop()


async def test_missing_token_env_is_a_status_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_SUCH_FEED_TOKEN", raising=False)
    config = SourceConfig(
        url="https://api.typeform.com/forms/x/responses",
        preset="typeform",
        token_env="NO_SUCH_FEED_TOKEN",
    )
    poller = FeedPoller(config, transport=httpx.MockTransport(csv_ok()))
    update = await poller.poll_once()
    assert "NO_SUCH_FEED_TOKEN" in update.status.message and not update.status.ok
    await poller.stop()


async def test_secrets_never_reach_status_or_logs(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "jf-SECRET-key-98765"
    monkeypatch.setenv("JOTFORM_KEY_T", secret)

    def fail(request: httpx.Request) -> httpx.Response:
        assert request.url.params["apiKey"] == secret
        raise httpx.ConnectError(f"cannot reach {request.url}", request=request)

    config = SourceConfig(
        url=f"https://api.jotform.test/form/1/submissions?apiKey={secret}",
        preset="jotform",
        token_env="JOTFORM_KEY_T",
    )
    poller = FeedPoller(config, transport=httpx.MockTransport(fail))
    with caplog.at_level(logging.DEBUG, logger="console.feeds"):
        update = await poller.poll_once()
    assert not update.status.ok and "could not connect" in update.status.message
    shown = update.status.message + update.status.source_label + caplog.text
    assert secret not in shown and "***" in update.status.source_label
    await poller.stop()


async def test_pages_are_followed_and_united() -> None:
    def typeform(request: httpx.Request) -> httpx.Response:
        before = request.url.params.get("before")
        n = 1 if before is None else 2
        item = {
            "token": f"t{n}",
            "submitted_at": "2025-12-17T20:31:00Z",
            "answers": [{"field": {"id": "f", "ref": "q"}, "type": "text", "text": f"Q{n}?"}],
        }
        return httpx.Response(
            200, json={"total_items": 2, "page_count": 2 if n == 1 else 1, "items": [item]}
        )

    config = SourceConfig(
        url="https://api.typeform.test/forms/x/responses", preset="typeform", token="tf-token-abc"
    )
    poller = FeedPoller(config, transport=httpx.MockTransport(typeform))
    update = await poller.poll_once()
    assert [q.text for q in update.questions] == ["Q1?", "Q2?"]
    await poller.stop()


async def test_initial_questions_from_cache_show_before_first_poll() -> None:
    from console.feeds.model import FeedQuestion

    cached = [FeedQuestion("row-2", "Cached?")]
    config = SourceConfig(url="https://x.test/a.csv", preset="csv")
    poller = FeedPoller(
        config, transport=httpx.MockTransport(lambda r: httpx.Response(500)), initial=cached
    )
    assert poller.questions == tuple(cached) and "saved copy" in poller.status.message
    update = await poller.poll_once()
    assert update.questions == tuple(cached) and "HTTP 500" in update.status.message
    await poller.stop()


def test_poller_module_never_imports_textual() -> None:
    import subprocess
    import sys

    code = (
        "import sys, console.feeds.poller, console.feeds.cache, console.cli.feed;"
        "sys.exit(1 if any(m == 'textual' or m.startswith('textual.') for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
    assert poller_module.MAX_PAGES > 1


@pytest.mark.parametrize("rows", [2, poller_module.THREAD_RECONCILE_QUESTIONS + 5])
async def test_unchanged_questions_come_back_as_the_same_objects(rows: int) -> None:
    """The board finds changes by identity, so a re-parsed payload must reuse equal questions
    (small lists on the loop, big ones in a worker thread)."""

    def body(n: int, edited: int | None = None) -> bytes:
        lines = ["Timestamp,What would you like to ask?"]
        for i in range(n):
            text = "edited" if i == edited else f"question {i}?"
            lines.append(f"12/17/2025 15:{i % 60:02d}:00,{text}")
        return ("\n".join(lines) + "\n").encode()

    source = Source(csv_ok(body(rows)))
    poller, _ = make(source)
    first = await poller.poll_once()
    source.handler = csv_ok(body(rows + 1))  # a new body: parsed again, one row more
    second = await poller.poll_once()
    assert second.changed and len(second.questions) == rows + 1
    assert all(a is b for a, b in zip(first.questions, second.questions, strict=False))
    assert second.questions[-1] not in first.questions
    source.handler = csv_ok(body(rows + 1, edited=1))
    third = await poller.poll_once()
    assert third.changed and third.questions[1].text == "edited"
    assert third.questions[1] is not second.questions[1]
    assert third.questions[0] is second.questions[0]
    await poller.stop()


def test_reconcile_reports_removal_and_reorder_as_changes() -> None:
    a, b = (replace(q, source_id=str(i)) for i, q in enumerate(_two_questions()))
    same, changed = poller_module.reconcile({"0": a, "1": b}, [replace(a), replace(b)])
    assert not changed and same["0"] is a and same["1"] is b
    assert poller_module.reconcile({"0": a, "1": b}, [a])[1]
    assert poller_module.reconcile({"0": a, "1": b}, [b, a])[1]


def _two_questions() -> list[poller_module.FeedQuestion]:
    return [poller_module.FeedQuestion(source_id="x", text=t) for t in ("one?", "two?")]


FOUR_CSV = NEWER_CSV + b"12/17/2025 15:06:00,Third?\n12/17/2025 15:07:00,Fourth?\n"
HEADER_ONLY_CSV = b"Timestamp,What would you like to ask?\n"


@pytest.mark.parametrize(
    "body", [b"", b"\r\n\n   \n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n\r\n"], ids=repr
)
async def test_empty_200_body_is_a_problem_not_an_empty_list(body: bytes) -> None:
    source = Source(csv_ok())
    poller, _ = make(source)
    await assert_fails_then_recovers(
        source, poller, csv_ok(body), "the source answered HTTP 200 with nothing in it"
    )
    await poller.stop()


async def test_empty_local_file_is_a_problem(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "export.csv"
    path.write_bytes(b"\n\n")
    poller = FeedPoller(SourceConfig(url=str(path), preset="csv"))
    update = await poller.poll_once()
    assert not update.status.ok and "is empty" in update.status.message
    await poller.stop()


async def test_header_only_csv_of_a_new_form_is_normal() -> None:
    source = Source(csv_ok(HEADER_ONLY_CSV))
    poller, _ = make(source)
    update = await poller.poll_once()
    assert update.status.ok and update.questions == () and update.status.held_back is None
    await poller.stop()


async def test_losing_every_question_is_held_until_accepted() -> None:
    source = Source(csv_ok(FOUR_CSV))
    poller, updates = make(source)
    good = await poller.poll_once()
    assert len(good.questions) == 4
    source.handler = csv_ok(HEADER_ONLY_CSV)  # staff deleted the responses (or the sheet broke)
    held = await poller.poll_once()
    assert not held.status.ok and held.status.held_back == 0
    assert held.questions == good.questions and held.changed is False
    assert held.status.retry_in is None and poller.next_delay == 30  # no backoff: it answered
    assert "lists no questions" in held.status.message
    assert "keeping the last 4" in held.status.message
    again = await poller.poll_once()  # the same body again: still held
    assert again.status.held_back == 0 and again.questions == good.questions
    accepted = poller.accept_smaller()
    assert accepted is not None and accepted is updates[-1]
    assert accepted.changed and accepted.questions == () and accepted.status.ok
    assert accepted.status.held_back is None
    assert poller.accept_smaller() is None  # nothing held any more
    after = await poller.poll_once()
    assert after.status.ok and after.questions == () and not after.changed
    await poller.stop()


async def test_losing_more_than_half_is_held_half_is_not() -> None:
    source = Source(csv_ok(FOUR_CSV))
    poller, _ = make(source)
    await poller.poll_once()
    source.handler = csv_ok(NEWER_CSV)  # 4 -> 2: half of them, not more
    half = await poller.poll_once()
    assert half.status.ok and half.changed and len(half.questions) == 2
    source.handler = csv_ok(FOUR_CSV)
    await poller.poll_once()
    source.handler = csv_ok(GOOD_CSV)  # 4 -> 1: three quarters gone
    held = await poller.poll_once()
    assert not held.status.ok and held.status.held_back == 1 and len(held.questions) == 4
    assert "lists only 1 question" in held.status.message
    source.handler = csv_ok(FOUR_CSV)  # the source came back: nothing to accept any more
    back = await poller.poll_once()
    assert back.status.ok and back.status.held_back is None and not back.changed
    assert poller.accept_smaller() is None
    await poller.stop()


async def test_a_restart_on_an_emptied_source_is_held_too() -> None:
    from console.feeds.model import FeedQuestion

    cached = [FeedQuestion("row-2", "Cached?"), FeedQuestion("row-3", "Also cached?")]
    config = SourceConfig(url="https://x.test/a.csv", preset="csv")
    poller = FeedPoller(
        config,
        transport=httpx.MockTransport(lambda r: httpx.Response(200, content=HEADER_ONLY_CSV)),
        initial=cached,
    )
    update = await poller.poll_once()
    assert update.status.held_back == 0 and update.questions == tuple(cached)
    await poller.stop()
