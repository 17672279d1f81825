"""The poller: one long-lived loop per source that fetches, parses and reports.

Shape (see DESIGN.md): the loop awaits each fetch and then sleeps, so it never overlaps
itself and a slow source still finishes. Each fetch is bounded as a whole. An unchanged feed
(304, or the same body hash) costs no parse and reports ``changed=False``. Failures never
escape the loop: they become a status message, the last good questions stay, and the next
attempt backs off exponentially with jitter (longer when the source says Retry-After).

A 200 with nothing in it (an empty body, or only blank lines) is such a failure: no form
answers that. A full list that loses every question, or more than half of them, is *held as
suspect*: the questions stay as they were, the status says so, and only
:meth:`FeedPoller.accept_smaller` (the facilitator's key) takes the smaller list. A header-only
CSV from a new form loses nothing, so it is simply an empty list.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import httpx

from console.feeds.base import ParsedFeed
from console.feeds.config import SourceConfig
from console.feeds.errors import FeedConfigError, FeedError, FeedFormatError
from console.feeds.fetch import (
    FetchResult,
    describe_source,
    fetch,
    is_local,
    make_client,
    read_local,
)
from console.feeds.model import FeedQuestion
from console.feeds.presets import Preset, get_preset
from console.feeds.redact import redact

log = logging.getLogger("console.feeds")

MAX_PAGES = 50
MAX_BACKOFF_SECONDS = 300.0
LONG_POLL_BACKOFF_BASE = 1.0
THREAD_PARSE_BYTES = 256 * 1024
"""Bodies above this size are parsed in a worker thread (10,000 rows take ~0.5 s)."""
THREAD_RECONCILE_QUESTIONS = 2_000
"""Lists longer than this are compared with the last one in a worker thread too."""


def reconcile(
    before: Mapping[str, FeedQuestion], incoming: Iterable[FeedQuestion]
) -> tuple[dict[str, FeedQuestion], bool]:
    """The new full list, reusing last poll's object for every question that did not change.

    Equality is tested here, once per poll (in a thread for big feeds), so that the board
    can find what changed by identity alone. Also says whether anything changed at all.
    """
    fresh: dict[str, FeedQuestion] = {}
    changed = False
    for q in incoming:
        old = before.get(q.source_id)
        if old is not None and old == q:
            q = old
        else:
            changed = True
        fresh[q.source_id] = q
    return fresh, changed or list(fresh) != list(before)


def lost_too_many(before: Mapping[str, object], after: Mapping[str, object]) -> bool:
    """Whether ``after`` (a full list) lost every question of ``before``, or more than half.

    Such a list is more likely a broken source than a real change (a sheet emptied by
    mistake, the wrong tab published), so the poller holds it until someone accepts it.
    """
    if not before:
        return False
    lost = sum(1 for key in before if key not in after)
    return lost * 2 > len(before)  # every one of them is more than half too


def _blank(body: bytes) -> bool:
    """Nothing but a byte-order mark and white space."""
    return not body.removeprefix(b"\xef\xbb\xbf").strip()


def _empty_error(url: str, result: FetchResult) -> FeedFormatError:
    if is_local(url):
        return FeedFormatError("the file is empty")
    return FeedFormatError(f"the source answered HTTP {result.status} with nothing in it")


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """What the feed-status widget shows; every text here is already redacted."""

    ok: bool
    message: str
    last_success_at: datetime | None
    last_attempt_at: datetime | None
    question_count: int
    source_label: str
    notes: tuple[str, ...] = ()
    retry_in: float | None = None
    """Seconds until the next attempt after a failure (None when polling normally)."""
    source_open: bool | None = None
    held_back: int | None = None
    """How many questions the source lists now, when that list lost every question or more
    than half of them: the last good list stays until it is accepted (None: nothing held)."""


@dataclass(frozen=True, slots=True)
class FeedUpdate:
    """The current question set after one attempt; ``changed`` says whether it moved."""

    questions: tuple[FeedQuestion, ...]
    changed: bool
    status: FeedStatus


OnUpdate = Callable[[FeedUpdate], None]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class FeedPoller:
    """Polls one source. ``run()`` is the loop; ``poll_once()`` is a single attempt."""

    def __init__(
        self,
        config: SourceConfig,
        on_update: OnUpdate | None = None,
        *,
        client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        now: Callable[[], datetime] = _utc_now,
        rand: Callable[[], float] = random.random,
        initial: Iterable[FeedQuestion] = (),
        max_backoff: float = MAX_BACKOFF_SECONDS,
    ) -> None:
        self.config = config
        self._on_update = on_update
        self._own_client = client is None
        self._client = client or make_client(transport)
        self._now = now
        self._rand = rand
        self._max_backoff = max_backoff
        self._questions: dict[str, FeedQuestion] = {q.source_id: q for q in initial}
        self._held: dict[str, FeedQuestion] | None = None
        """A full list that lost too many questions, waiting for ``accept_smaller``."""
        self._label = describe_source(config.url)
        self._validators: dict[str, dict[str, str]] = {}
        self._hashes: list[str] = []
        self._cursor: str | None = None
        self._failures = 0
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._notes: tuple[str, ...] = ()
        self._source_open: bool | None = None
        self.next_delay: float = 0.0
        """Seconds the loop will sleep before the next attempt (for tests and the UI)."""
        self.status = FeedStatus(
            ok=False,
            message="not fetched yet" + (" (showing the saved copy)" if self._questions else ""),
            last_success_at=None,
            last_attempt_at=None,
            question_count=len(self._questions),
            source_label=self._label,
        )

    @property
    def questions(self) -> tuple[FeedQuestion, ...]:
        return tuple(self._questions.values())

    # --- the loop ---------------------------------------------------------------------

    def start(self) -> asyncio.Task[None]:
        """Start the loop as a task on the running event loop (idempotent)."""
        if self._task is None or self._task.done():
            self._stopping = False
            self._task = asyncio.create_task(self.run(), name=f"feed poller {self._label}")
        return self._task

    async def run(self) -> None:
        """Poll until :meth:`stop`: fetch, report, sleep (or wake early on poll_now)."""
        while not self._stopping:
            self._wake.clear()
            await self.poll_once()
            if self._stopping:
                break
            if self.next_delay <= 0:
                await asyncio.sleep(0)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.next_delay)

    def poll_now(self) -> None:
        """Skip the current wait (the UI's "refresh", and tests)."""
        self._wake.set()

    def accept_smaller(self) -> FeedUpdate | None:
        """Take the smaller list held as suspect (staff did delete those responses).

        Reports the new list like a poll would (``changed=True``) and returns it; None when
        nothing is held. The next poll of the same body then changes nothing.
        """
        if self._held is None:
            return None
        self._questions, self._held = self._held, None
        attempt = self.status.last_success_at or self._now()
        self.status = self._ok_status(attempt, changed=True)
        update = FeedUpdate(self.questions, True, self.status)
        self._deliver(update)
        return update

    async def stop(self) -> None:
        """End the loop (cancelling a fetch in flight) and close the client if we made it."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._own_client:
            await self._client.aclose()

    # --- one attempt ------------------------------------------------------------------

    async def poll_once(self) -> FeedUpdate:
        """Fetch and parse once; never raises (errors become the status)."""
        async with self._lock:
            attempt = self._now()
            try:
                changed = await self._attempt()
            except FeedError as exc:
                update = self._failed(
                    attempt,
                    exc.message,
                    exc.retry_after,
                    permanent=isinstance(exc, FeedConfigError),
                )
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the loop must survive anything a source sends
                log.exception("feed %s: unexpected error", self._label)
                update = self._failed(attempt, f"unexpected error: {type(exc).__name__}", None)
            else:
                update = self._succeeded(attempt, changed)
            self._deliver(update)
            return update

    async def _attempt(self) -> bool:
        preset = get_preset(self.config.preset)
        secret = self.config.resolve_token()
        page: dict[str, str] | None = None
        parsed: list[ParsedFeed] = []
        hashes: list[str] = []
        for index in range(MAX_PAGES):
            spec = preset.build_request(self.config, page, self._cursor)
            key = (
                str(httpx.URL(spec.url, params=spec.params)) if not is_local(spec.url) else spec.url
            )
            if is_local(spec.url):
                result = await read_local(spec.url, self.config.max_bytes)
            else:
                result = await fetch(
                    self._client,
                    spec,
                    max_bytes=self.config.max_bytes,
                    deadline_seconds=self._deadline(preset),
                    validators=self._validators.get(key) if index == 0 else None,
                    secrets=[secret],
                    now=self._now(),
                )
            if result.not_modified:
                return False
            if _blank(result.body):
                raise _empty_error(spec.url, result)
            self._remember_validators(key, result.headers)
            digest = hashlib.sha256(result.body).hexdigest()
            hashes.append(digest)
            if index == 0 and self._hashes == [digest]:
                return False  # same single-page body as last time: no parse
            if len(result.body) > THREAD_PARSE_BYTES:  # keep the UI's event loop responsive
                page_feed = await asyncio.to_thread(
                    preset.parse, result.body, result.headers, self.config
                )
            else:
                page_feed = preset.parse(result.body, result.headers, self.config)
            parsed.append(page_feed)
            page = parsed[-1].next_page
            if page is None:
                break
        else:
            self._notes = (f"stopped after {MAX_PAGES} pages",)
        self._hashes = hashes
        return await self._merge(parsed)

    def _deadline(self, preset: Preset) -> float:
        if preset.long_poll:
            return self.config.wait_seconds + self.config.timeout_seconds
        return self.config.timeout_seconds

    def _remember_validators(self, key: str, headers: dict[str, str]) -> None:
        found = {}
        lower = {k.lower(): v for k, v in headers.items()}
        if lower.get("etag"):
            found["If-None-Match"] = lower["etag"]
        if lower.get("last-modified"):
            found["If-Modified-Since"] = lower["last-modified"]
        if found:
            self._validators = {key: found}

    async def _merge(self, parsed: list[ParsedFeed]) -> bool:
        notes = [n for p in parsed for n in p.notes]
        self._notes = tuple(dict.fromkeys(notes))
        last = parsed[-1]
        if last.source_open is not None:
            self._source_open = last.source_open
        if last.cursor is not None:
            self._cursor = last.cursor
        incoming = [q for p in parsed for q in p.questions]
        if all(p.complete for p in parsed):
            if len(incoming) > THREAD_RECONCILE_QUESTIONS:
                fresh, changed = await asyncio.to_thread(reconcile, self._questions, incoming)
            else:
                fresh, changed = reconcile(self._questions, incoming)
            # Compared with the list as it is now: the facilitator may have accepted a held
            # list while a big reconcile ran in its thread.
            if lost_too_many(self._questions, fresh):
                self._held = fresh
                return False
            self._held = None
            self._questions = fresh
            return changed
        changed = False
        for q in incoming:
            if self._questions.get(q.source_id) != q:
                self._questions[q.source_id] = q
                changed = True
        return changed

    # --- status -----------------------------------------------------------------------

    def _succeeded(self, attempt: datetime, changed: bool) -> FeedUpdate:
        self._failures = 0
        preset = get_preset(self.config.preset)
        self.next_delay = 0.0 if preset.long_poll else self.config.interval_seconds
        self.status = self._ok_status(attempt, changed)
        return FeedUpdate(self.questions, changed, self.status)

    def _ok_status(self, attempt: datetime, changed: bool) -> FeedStatus:
        """The status after a fetch that worked: the count, or why a smaller list is held."""
        count = len(self._questions)
        word = "question" if count == 1 else "questions"
        message = f"{count} {word}" + ("" if changed else " (no change)")
        held = None
        if self._held is not None:
            held = len(self._held)
            now = "no questions" if not held else f"only {held} question{'s' * (held != 1)}"
            message = (
                f"the source now lists {now} (it had {count}); keeping the last {count} "
                "until the smaller list is accepted"
            )
        return FeedStatus(
            ok=held is None,
            message=message,
            last_success_at=attempt,
            last_attempt_at=attempt,
            question_count=count,
            source_label=self._label,
            notes=self._notes,
            source_open=self._source_open,
            held_back=held,
        )

    def _failed(
        self, attempt: datetime, message: str, retry_after: float | None, *, permanent: bool = False
    ) -> FeedUpdate:
        self._failures += 1
        self.next_delay = self.backoff(self._failures, retry_after)
        if permanent:
            self.next_delay = max(self.next_delay, self.config.interval_seconds)
        clean = redact(message, [self._safe_token()])
        kept = len(self._questions)
        suffix = f"; keeping the last {kept} questions" if kept else ""
        log.warning("feed %s: %s", self._label, clean)
        self.status = replace(
            self.status,
            ok=False,
            message=clean + suffix,
            last_attempt_at=attempt,
            question_count=kept,
            retry_in=self.next_delay,
        )
        return FeedUpdate(self.questions, False, self.status)

    def backoff(self, failures: int, retry_after: float | None = None) -> float:
        """Exponential backoff with jitter, never shorter than the source's Retry-After."""
        preset = get_preset(self.config.preset)
        base = LONG_POLL_BACKOFF_BASE if preset.long_poll else self.config.interval_seconds
        ceiling = min(self._max_backoff, base * 2 ** min(failures - 1, 30))
        delay: float = ceiling / 2 + float(self._rand()) * ceiling / 2
        if retry_after is not None:
            delay = max(delay, min(retry_after, 3600.0))
        return delay

    def _safe_token(self) -> str | None:
        try:
            return self.config.resolve_token()
        except FeedError:
            return None

    def _deliver(self, update: FeedUpdate) -> None:
        if self._on_update is None:
            return
        try:
            self._on_update(update)
        except Exception:
            log.exception("feed %s: on_update callback failed", self._label)
