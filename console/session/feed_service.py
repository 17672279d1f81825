"""The question feeds of one console, supervised with no UI: pollers, the feed cache, the heap.

A ``FeedService`` runs as one long-lived coroutine (``run()``; the App starts it in one worker,
group ``feed``, and a test can await it with plain asyncio). Inside it:

- the **cache load** at start: the facilitator's console shows the last saved feed before the
  first poll returns, and seeds each poller with its source's saved questions;
- one **poller per source** (``FeedPoller.run``, see ``console.feeds.poller``), started by
  ``add_source`` (before or after ``run()`` began); each update goes into the board at once
  (``BoardFeeds.apply``) and the UI hears of it through ``on_change``;
- the **cache write loop** (facilitator): a changed feed is written ``cache_delay`` seconds
  later, in a thread, one write at a time; changes during a write fold into the next one;
- the **cache follower** (note-taker, read-only console): no polling, the board mirrors the
  facilitator's ``feed-cache.json`` whenever its stamp moves;
- the **heap settle** (``settle_heap``): after a big intake (``BIG_CHANGE`` questions more
  than at the last settle) the questions now held are kept out of the collector's full
  passes. The UI calls it once it has drawn the change: what it built to show the questions
  is long-lived too, and a freeze before the redraw left that to the collector (a 25 ms stall
  in the middle of the next poll of 10,000 questions, ``bench/board_poll.py``).

Nothing here imports Textual. What the UI needs is injected: ``on_change()`` (the App turns it
into a coalescing message; the board panel redraws if the board moved, else the status
words), ``save(records)`` (arrival records, written by the App's writer) and ``notify(text)``
(a warning in plain words). ``poll_now`` and ``accept_smaller`` are the refresh and accept
keys, and the hooks tests use instead of waiting for an interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from console.board.feeds import Applied, BoardFeeds, CacheFollower, cache_path, write_cache
from console.feeds.cache import FeedCache
from console.feeds.errors import FeedError
from console.feeds.poller import FeedPoller, FeedUpdate
from console.system.heap import BIG_CHANGE, keep_long_lived

if TYPE_CHECKING:
    import httpx

    from console.feeds.config import SourceConfig
    from console.session.live import LiveSession
    from console.store import Record

log = logging.getLogger("console.feeds")

CACHE_WRITE_DELAY = 2.0
"""Seconds between a feed change and the rewrite of the feed cache (bursts coalesce)."""
FOLLOW_CACHE_SECONDS = 1.0
"""Seconds between looks at the facilitator's feed cache (reader consoles)."""


def _ignore(*_args: object) -> None:
    return None


class FeedService:
    """Every question source of one console, and the feed cache in its session folder."""

    def __init__(
        self,
        session: LiveSession,
        *,
        on_change: Callable[[], None] = _ignore,
        save: Callable[[Sequence[Record]], object] = _ignore,
        notify: Callable[[str], None] = _ignore,
        now: Callable[[], datetime] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        cache_delay: float = CACHE_WRITE_DELAY,
        follow_seconds: float = FOLLOW_CACHE_SECONDS,
    ) -> None:
        self.session = session
        self.polls = session.runs_clock
        """Whether this console polls the sources and keeps the cache (the facilitator)."""
        self.feeds = BoardFeeds(session.board, writes_cache=self.polls, notebook=session.notebook)
        self.cache = FeedCache(cache_path(session.folder.path))
        self.pollers: dict[str, FeedPoller] = {}
        """The running pollers by board label (``form``, ``intake``...)."""
        self.transport = transport
        """Test hook: the HTTP transport pollers use (a real client otherwise)."""
        self.cache_delay = cache_delay
        self.follow_seconds = follow_seconds
        self._on_change = on_change
        self._save = save
        self._notify = notify
        self._now = now or session.now
        self._configs: dict[str, SourceConfig] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._running = False
        self._cache_ready = asyncio.Event()
        self._stop = asyncio.Event()
        self._done = asyncio.Event()
        self._cache_wake = asyncio.Event()
        self._cache_dirty = False
        self._cache_write: asyncio.Future[None] | None = None
        self._held_at_settle = 0
        self._settled_version = -1

    # ----------------------------------------------------------------- sources
    def add_source(self, config: SourceConfig) -> str:
        """Poll one question source; returns its board label (``form``, ``intake``).

        Before ``run()`` the source waits for it. A reader console (note-taker, read-only)
        polls nothing: it follows the facilitator's feed cache, and gets "".
        """
        if not self.polls:
            return ""
        label = self.feeds.add(config)
        self._configs[label] = config
        if self._running:
            self._spawn(self._run_source(label, config), f"feed {label}")
        self._on_change()
        return label

    def poll_now(self, label: str | None = None) -> list[str]:
        """Wake the pollers (one by label, or all) out of their wait; the labels woken."""
        woken = [name for name in self.pollers if label is None or name == label]
        for name in woken:
            self.pollers[name].poll_now()
        return woken

    def accept_smaller(self) -> list[str]:
        """Take the smaller list of every source that holds one (the facilitator's ``A``).

        Asks the pollers, not the last status shown: a held list may not have reached it yet.
        The labels whose smaller list was taken (already on the board when this returns).
        """
        return [label for label, p in self.pollers.items() if p.accept_smaller() is not None]

    @property
    def cache_pending(self) -> bool:
        """Whether a feed-cache write is due or under way."""
        return self._cache_dirty or self._cache_write is not None

    # -------------------------------------------------------------- the loop
    async def run(self) -> None:
        """Supervise every feed until ``stop()`` (or until cancelled); never raises."""
        if self._running or self._done.is_set():
            return
        self._running = True
        try:
            if self.polls:
                self._spawn(self._write_cache_loop(), "feed cache writer")
                for label, config in self._configs.items():
                    self._spawn(self._run_source(label, config), f"feed {label}")
            else:
                self._spawn(self._follow_cache(), "feed cache follower")
            await self._load_cache()
            await self._stop.wait()
        finally:
            await self._shutdown()

    async def stop(self) -> None:
        """End every task (pollers, writer, follower), close the clients, write what is due."""
        self._stop.set()
        if self._running:
            await self._done.wait()
        else:
            self.flush()

    def _spawn(self, coro: Coroutine[object, object, None], name: str) -> None:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _shutdown(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:  # each poller's own finally closes its client
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._cache_write is not None:  # a write in its thread still runs: let it finish
            with contextlib.suppress(Exception):
                await self._cache_write
        self.flush()
        self._running = False
        self._done.set()

    # ------------------------------------------------------------ the pollers
    async def _run_source(self, label: str, config: SourceConfig) -> None:
        await self._cache_ready.wait()

        def deliver(update: FeedUpdate) -> None:
            self.apply(label, update)

        poller = FeedPoller(
            config,
            deliver,
            transport=self.transport,
            now=self._now,
            initial=self.feeds.initial(label),
        )
        self.pollers[label] = poller
        try:
            await poller.run()
        finally:
            self.pollers.pop(label, None)
            with contextlib.suppress(Exception):
                await poller.stop()

    def apply(self, label: str, update: FeedUpdate) -> Applied:
        """Take one poller update into the board now (pollers call this; tests and benches
        may too): save the arrivals, schedule the cache write, tell the UI."""
        applied = self.feeds.apply(label, update, self.session.segment_id)
        if applied.records:
            self._save(list(applied.records))
        if applied.cache_due:
            self._cache_dirty = True
            self._cache_wake.set()
        self._on_change()
        return applied

    def settle_heap(self) -> None:
        """After a big intake (the first poll or the saved feed of a large session), keep the
        collector's full passes off the questions now held (see ``console.system.heap``).

        Call it once the change is drawn (the board panel does, after each feed change).
        Cheap when the board did not move; a reader console never polled and never does it.
        """
        board = self.session.board
        if not self.polls or board.version == self._settled_version:
            return
        self._settled_version = board.version
        held = len(board.keys())
        if held - self._held_at_settle >= BIG_CHANGE:
            self._held_at_settle = held
            keep_long_lived()

    # ------------------------------------------------------------- the cache
    async def _load_cache(self) -> None:
        """Show the last saved questions before the first poll returns."""
        try:
            cached = await asyncio.to_thread(self.cache.load)
        except FeedError as exc:
            self._notify(f"The saved question feed was not used: {exc}")
            cached = None
        finally:
            self._cache_ready.set()
        if cached is not None and self.polls:
            self.feeds.replay(cached)
            self._on_change()

    async def _write_cache_loop(self) -> None:
        """A burst of updates is one write, ``cache_delay`` after the first, in a thread (the
        JSON of 10,000 questions holds the GIL: it must not compete with the frame)."""
        while True:
            await self._cache_wake.wait()
            await asyncio.sleep(self.cache_delay)
            while self._cache_dirty:  # updates that came during a write: one more write
                self._cache_wake.clear()
                self._cache_dirty = False
                questions, kept, where = self.feeds.cache_contents()
                at = self._now()
                write = asyncio.ensure_future(
                    asyncio.to_thread(write_cache, self.cache, questions, where, at, kept=kept)
                )
                self._cache_write = write  # cancelled meanwhile: ``_shutdown`` awaits it
                try:
                    await asyncio.shield(write)
                except OSError as exc:
                    self._notify(f"Could not save the question feed copy: {exc}")
                self._cache_write = None

    def flush(self) -> None:
        """Write a feed change still waiting for its delay now (quitting inside the delay
        still leaves the newest feed on disk)."""
        if not self._cache_dirty:
            return
        self._cache_dirty = False
        questions, kept, where = self.feeds.cache_contents()
        with contextlib.suppress(OSError):
            write_cache(self.cache, questions, where, self._now(), kept=kept)

    async def _follow_cache(self) -> None:
        """A reader console: mirror the facilitator's feed cache whenever its stamp moves."""
        follower = CacheFollower(self.cache)
        warned = ""
        while True:
            try:
                changed, cached = await asyncio.to_thread(follower.poll)
            except FeedError as exc:
                if str(exc) != warned:
                    warned = str(exc)
                    self._notify(str(exc))
                changed, cached = False, None
            if changed:
                self.feeds.replay(cached, when=cached.saved_at if cached else None)
                self._on_change()
            await asyncio.sleep(self.follow_seconds)
