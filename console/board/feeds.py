"""Between the feed pollers and the board: labels, feed-cache contents and status words.

The feed service (``console.session.feed_service``) runs the pollers; everything the board
decides about a feed update lives here, so it can be tested without a terminal: which board
label a source gets (its questions are keyed ``"<label>:<id>"`` in the moderation records, so
labels must be stable across restarts), what ``board.update_feed`` returned, whether the list
needs a repaint, what the one feed-cache file holds for every source, and the plain-words
lines the status bar shows.

One cache file (``<session>/feed-cache.json``, the name the store skips as "not an author")
holds every source: each question's id is prefixed with its board label, so one
``FeedCache`` carries them all and a reader splits them back. Beside what the sources list it
keeps the questions they dropped that the board still holds (a decision, a note), so neither
a restart nor the report loses those.

A source whose new list lost too many questions is held by its poller (``FeedStatus.held_back``):
the board keeps the last good list, the status line says so as a problem, and the cache is
not rewritten until the facilitator accepts the smaller list (``FeedPoller.accept_smaller``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo
from pathlib import Path

from console.board.model import Board
from console.board.question import Question
from console.clock.model import Phase
from console.clock.run_of_show import RunOfShow
from console.feeds.cache import CachedFeed, FeedCache
from console.feeds.config import SourceConfig
from console.feeds.fetch import describe_source
from console.feeds.model import FeedQuestion
from console.feeds.poller import FeedStatus, FeedUpdate
from console.notes.notebook import NoteBook
from console.store import FEED_CACHE_FILE, Record

FORM_LABEL = "form"
INTAKE_LABEL = "intake"
OPEN_STATUSES = frozenset({"new", "queued", "live"})


def label_for(config: SourceConfig, taken: Collection[str]) -> str:
    """The board label of a source: ``intake`` for the built-in form, else ``form``.

    A second source of the same kind gets ``form-2`` and so on, in the order sources are added
    (the agenda's, then the built-in form's), which is the same at every start.
    """
    base = INTAKE_LABEL if config.preset == INTAKE_LABEL else FORM_LABEL
    label, n = base, 2
    while label in taken:
        label, n = f"{base}-{n}", n + 1
    return label


def cache_path(session_dir: Path) -> Path:
    """Where the facilitator keeps the last good feed of every source."""
    return session_dir / FEED_CACHE_FILE


def pack(by_label: Mapping[str, Iterable[FeedQuestion]]) -> list[FeedQuestion]:
    """Every source's questions in one list, ids prefixed with the board label."""
    out: list[FeedQuestion] = []
    for label, questions in by_label.items():
        for q in questions:
            out.append(_with_id(q, f"{label}:{q.source_id}"))
    return out


def unpack(questions: Iterable[FeedQuestion]) -> dict[str, list[FeedQuestion]]:
    """The inverse of ``pack``; an id without a label (an older cache) belongs to ``form``."""
    out: dict[str, list[FeedQuestion]] = {}
    for q in questions:
        label, sep, rest = q.source_id.partition(":")
        if not sep or not label:
            label, rest = FORM_LABEL, q.source_id
        out.setdefault(label, []).append(_with_id(q, rest))
    return out


def _with_id(q: FeedQuestion, source_id: str) -> FeedQuestion:
    return replace(q, source_id=source_id)


@dataclass(frozen=True, slots=True)
class Applied:
    """What one feed update meant for the board."""

    records: list[Record]
    """Arrival records to persist (facilitator only)."""
    repaint: bool
    """The board's content moved: the list must be redrawn."""
    cache_due: bool
    """The feed changed and this console keeps the cache: rewrite it (in a thread)."""


@dataclass(slots=True)
class SourceState:
    """What the status bar knows about one source."""

    label: str
    where: str
    """The source's URL with secrets masked (or the cache file, for a reader console)."""
    status: FeedStatus | None = None
    last_arrival: datetime | None = None
    """When the question set last changed (a new or edited question came in)."""
    questions: tuple[FeedQuestion, ...] = field(default_factory=tuple)


class BoardFeeds:
    """The feeds of one board: per label, the latest questions and status."""

    def __init__(
        self, board: Board, *, writes_cache: bool, notebook: NoteBook | None = None
    ) -> None:
        self.board = board
        self.writes_cache = writes_cache
        self.notebook = notebook
        """The session's notes: a question one of them refers to stays when its source drops it."""
        self.sources: dict[str, SourceState] = {}

    def add(self, config: SourceConfig) -> str:
        """Register a source; returns its board label."""
        label = label_for(config, [k for k, s in self.sources.items() if s.status is not None])
        have = self.sources.get(label)
        where = describe_source(config.url)
        if have is None:
            self.sources[label] = SourceState(label, where)
        else:
            have.where = where
        self.sources[label].status = _waiting(where, len(self.sources[label].questions))
        return label

    def initial(self, label: str) -> tuple[FeedQuestion, ...]:
        """The cached questions of a source, to seed its poller."""
        state = self.sources.get(label)
        return state.questions if state else ()

    def replay(self, cached: CachedFeed | None, *, when: datetime | None = None) -> bool:
        """Show the saved feed (start-up, or a reader console following the file).

        No segment is passed: old questions must not be stamped with the segment in play now.
        A label missing from the file keeps its questions only for a writer console (its
        poller owns them); a reader mirrors the file exactly. True when the board moved.
        """
        before = self.board.version
        by_label = unpack(cached.questions) if cached is not None else {}
        kept = unpack(cached.kept) if cached is not None else {}
        labels = set(by_label) | set(kept) | (set() if self.writes_cache else set(self.sources))
        for label in sorted(labels):
            questions = tuple(by_label.get(label, ()))
            state = self.sources.get(label)
            if state is None:
                state = self.sources[label] = SourceState(label, "")
            if state.questions != questions:
                state.last_arrival = when or (cached.saved_at if cached else None)
            state.questions = questions  # what the source listed: the poller's seed
            self.board.update_feed(label, questions + tuple(kept.get(label, ())), None)
        return self.board.version != before

    def apply(self, label: str, update: FeedUpdate, segment_id: str | None) -> Applied:
        """Take one poller update for ``label`` into the board."""
        state = self.sources.setdefault(label, SourceState(label, update.status.source_label))
        state.status = update.status
        before = self.board.version
        records: list[Record] = []
        moved = update.changed or state.questions != update.questions
        if moved:
            state.questions = update.questions
            state.last_arrival = update.status.last_success_at or update.status.last_attempt_at
            records = self.board.update_feed(
                label, update.questions, segment_id, keep=self.noted_keys()
            )
        return Applied(
            records,
            repaint=self.board.version != before,
            cache_due=self.writes_cache and moved and update.status.ok,
        )

    def noted_keys(self) -> set[str]:
        """The questions the session's notes refer to."""
        if self.notebook is None:
            return set()
        return {n.question_key for n in self.notebook.notes() if n.question_key}

    def cache_contents(self) -> tuple[list[FeedQuestion], list[FeedQuestion], str]:
        """What the cache file should hold now: the questions the sources list, the ones they
        dropped that the board keeps, and the (already redacted) sources it names."""
        questions = pack({label: s.questions for label, s in self.sources.items()})
        kept: dict[str, list[FeedQuestion]] = {}
        for label, state in self.sources.items():
            listed = {q.source_id for q in state.questions}
            kept[label] = [q for q in self.board.feed_of(label) if q.source_id not in listed]
        where = ", ".join(f"{s.label}={s.where}" for s in self.sources.values() if s.where)
        return questions, pack(kept), where

    def status_lines(self, tz: tzinfo, *, accept_hint: str = "") -> list[str]:
        """One line per source; ``accept_hint`` (the UI's "press A to accept it") is added to
        the line of a source whose smaller list is held."""
        return [status_line(s, tz, accept_hint=accept_hint) for s in self.sources.values()]

    @property
    def problem(self) -> bool:
        """Whether some source's last attempt failed (the status bar shows it as a warning)."""
        return any(
            s.status is not None and not s.status.ok and s.status.last_attempt_at is not None
            for s in self.sources.values()
        )


def write_cache(
    cache: FeedCache,
    questions: Sequence[FeedQuestion],
    where: str,
    at: datetime,
    *,
    kept: Sequence[FeedQuestion] = (),
) -> None:
    """Rewrite the feed cache (called from a thread: it fsyncs)."""
    cache.store(questions, True, source_label=where, saved_at=at, kept=kept)


def _waiting(where: str, kept: int) -> FeedStatus:
    return FeedStatus(
        ok=False,
        message="not fetched yet" + (f" (showing {kept} saved)" if kept else ""),
        last_success_at=None,
        last_attempt_at=None,
        question_count=kept,
        source_label=where,
    )


def _hhmm(moment: datetime | None, tz: tzinfo, seconds: bool = False) -> str:
    if moment is None:
        return "never"
    return moment.astimezone(tz).strftime("%H:%M:%S" if seconds else "%H:%M")


def status_line(state: SourceState, tz: tzinfo, *, accept_hint: str = "") -> str:
    """One source in plain words: what is wrong first, then how many, when, and where from."""
    where = f" · {state.where}" if state.where else ""
    st = state.status
    if st is None:
        n = len(state.questions)
        saved = f", saved {_hhmm(state.last_arrival, tz)}" if state.last_arrival else ""
        return f"{state.label}: {n} question{'s' if n != 1 else ''} (the facilitator's copy{saved})"
    arrived = f"last new {_hhmm(state.last_arrival, tz)}" if state.last_arrival else ""
    if st.ok:
        parts = [st.message, arrived, f"checked {_hhmm(st.last_attempt_at, tz, True)}"]
        if st.source_open is False:
            parts.append("the form is closed")
    elif st.last_attempt_at is None:
        parts = [st.message]
    else:
        retry = f"retrying in {round(st.retry_in)} s" if st.retry_in else ""
        hint = accept_hint if st.held_back is not None else ""
        parts = [f"PROBLEM: {st.message}", hint, arrived, retry]
    return f"{state.label}: " + " · ".join(p for p in parts if p) + where


@dataclass(frozen=True, slots=True)
class BoardCounts:
    """Counts over the whole board (merged duplicates not counted)."""

    by_status: dict[str, int]
    unseen: int
    total: int


def count(questions: Iterable[Question]) -> BoardCounts:
    by_status: dict[str, int] = {}
    unseen = total = 0
    for q in questions:
        if q.merged_into is not None:
            continue
        total += 1
        by_status[q.status] = by_status.get(q.status, 0) + 1
        if not q.seen and q.status != "dismissed":
            unseen += 1
    return BoardCounts(by_status, unseen, total)


def queue_line(counts: BoardCounts, clock: RunOfShow) -> str:
    """Weigh the queue against the clock: ``"7 queued, 6 min left in this segment"``."""
    queued = counts.by_status.get("queued", 0)
    head = f"{queued} queued"
    if counts.by_status.get("live"):
        head += ", 1 live"
    phase = clock.phase
    if phase is Phase.FINISHED:
        return f"{head}; session ended"
    if clock.current_index is None:
        return f"{head}; not started"
    left = clock.remaining()
    minutes = round(abs(left) / 60)
    if left >= 0:
        words = f"{minutes} min left" if minutes else "under a minute left"
    else:
        words = f"{minutes} min over" if minutes else "just over time"
    paused = " (paused)" if phase is Phase.PAUSED else ""
    return f"{head}, {words} in this segment{paused}"


def new_line(counts: BoardCounts) -> str:
    return f"{counts.unseen} new since you last looked" if counts.unseen else "nothing new"


def summary_line(counts: BoardCounts, clock: RunOfShow) -> str:
    """The status bar's first line: what is new, then the queue against the clock."""
    return f"{new_line(counts)} · {queue_line(counts, clock)}"


@dataclass
class CacheFollower:
    """A reader console's view of the facilitator's cache file: reload when its stamp moves."""

    cache: FeedCache
    _stamp: tuple[int, int] | None = None

    def poll(self) -> tuple[bool, CachedFeed | None]:
        """``(changed, feed)``: reads the file only when its (mtime, size) changed.

        Raises ``FeedCacheError`` for a file that does not parse (it is left alone).
        """
        try:
            st = self.cache.path.stat()
        except FileNotFoundError:
            if self._stamp is None:
                return False, None
            self._stamp = None
            return True, None
        stamp = (st.st_mtime_ns, st.st_size)
        if stamp == self._stamp:
            return False, None
        self._stamp = stamp
        return True, self.cache.load()
