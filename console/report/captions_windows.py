"""What a session folder says about when each question was live, for laying captions over it.

The board writes every "went live", "answered", "queued"... to the decision log
(``console.board.decisions``), which gives each window exactly. A session from before the
log was kept has only each decision's newest revision, so its windows are estimates: a
question answered (or still live) ends its window at its decision's time (``updated_at``)
and begins it where the question answered before it ended, never before the clock started
nor before the segment it was put live in. ``live_windows_of`` is the one place that reads
them; the alignment in ``console.report.captions_align`` takes the plain mapping and does
not care where it came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from console.board.decisions import DECISION_KIND
from console.board.decisions import live_windows as _logged_windows
from console.board.feeds import unpack
from console.board.model import Board
from console.clock.plan import CLOCK_ID, CLOCK_KIND
from console.feeds.cache import FeedCache, FeedCacheError
from console.report.captions_align import Window
from console.report.decision_log import log_of
from console.store import FEED_CACHE_FILE, Record, SessionFolder

TAKEN = ("answered", "live")
"""Statuses a question has only after being live (deferred ones may have been, or not)."""


@dataclass(frozen=True, slots=True)
class SessionTimes:
    """What the alignment needs from a session: windows, question texts, askers, clock."""

    windows: dict[str, list[Window]]
    texts: dict[str, str]
    statuses: dict[str, str]
    askers: frozenset[str]
    """Askers' names, kept out of caption text unless the report is ``--with-names``."""
    clock_start: datetime | None
    estimated: bool = True
    """True while the windows are read off decision times, not a log of them."""


def session_times(folder: SessionFolder, now: datetime) -> SessionTimes:
    """Read ``folder`` once: its questions, their live windows and the clock's start."""
    found, _ = folder.read_all()
    records = list(found.values())
    board = Board("captions", lambda: now, role="facilitator")
    board.load(records)
    try:
        cached = FeedCache(folder.path / FEED_CACHE_FILE).load()
    except FeedCacheError:
        cached = None
    if cached is not None:
        for source, feed in unpack(cached.every_question).items():
            board.update_feed(source, feed, None)
    questions = [board.get(key) for key in board.keys()]
    clock = _clock_data(records)
    start = _moment(clock.get("started_at")) or folder.info.started_at
    return SessionTimes(
        windows=live_windows_of(folder, records, start),
        estimated=not logged(records),
        texts={q.key: q.text for q in questions},
        statuses={q.key: q.status for q in questions},
        askers=frozenset(q.asker for q in questions if q.asker),
        clock_start=start,
    )


def live_windows_of(
    folder: SessionFolder,
    records: list[Record] | None = None,
    clock_start: datetime | None = None,
) -> dict[str, list[Window]]:
    """Question key -> live windows: from the decision log when the session has one, else
    estimated from the folder's newest decisions (a session from before the log)."""
    if records is None:
        found, _ = folder.read_all()
        records = list(found.values())
    if logged(records):
        log = log_of(records)
        exact = {key: _logged_windows(log.of(key)) for key in log.keys()}
        return {key: windows for key, windows in exact.items() if windows}
    if clock_start is None:
        clock_start = _moment(_clock_data(records).get("started_at")) or folder.info.started_at
    runs = _segment_runs(_clock_data(records))
    ended: list[tuple[datetime, str, str | None, bool]] = []
    for record in records:
        if record.kind != "moderation" or record.deleted:
            continue
        status = record.data.get("status")
        when = _moment(record.updated_at)
        if status in TAKEN and when is not None:
            segment = record.data.get("live_segment_id")
            ended.append(
                (when, record.id, segment if isinstance(segment, str) else None, status == "live")
            )
    ended.sort()
    out: dict[str, list[Window]] = {}
    previous = clock_start
    for when, key, segment, still_live in ended:
        bounds = (previous, clock_start, _run_start(runs, segment, when))
        begin = max((m for m in bounds if m is not None and m <= when), default=when)
        out[key] = [(begin, None if still_live else when)]
        previous = when
    return out


def logged(records: list[Record]) -> bool:
    """Whether the session kept a decision log (its windows are exact, not estimated)."""
    return any(r.kind == DECISION_KIND for r in records)


def _clock_data(records: list[Record]) -> Mapping[str, Any]:
    for record in records:
        if record.kind == CLOCK_KIND and record.id == CLOCK_ID and not record.deleted:
            return record.data
    return {}


def _segment_runs(clock: Mapping[str, Any]) -> dict[str, list[datetime]]:
    """Each segment's run starts, from the saved clock (what cannot be read is skipped)."""
    out: dict[str, list[datetime]] = {}
    segments = clock.get("segments")
    if not isinstance(segments, dict):
        return out
    for segment_id, log in segments.items():
        runs = log.get("runs") if isinstance(log, dict) else None
        for run in runs if isinstance(runs, list) else ():
            start = _moment(run.get("start")) if isinstance(run, dict) else None
            if start is not None:
                out.setdefault(str(segment_id), []).append(start)
    return out


def _run_start(
    runs: Mapping[str, list[datetime]], segment: str | None, when: datetime
) -> datetime | None:
    """The latest start of ``segment``'s runs before ``when``: the question went live after."""
    starts = [s for s in runs.get(segment or "", ()) if s <= when]
    return max(starts) if starts else None


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
