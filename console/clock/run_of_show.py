"""The run-of-show clock: a state machine over an injected ``now()``, planned versus actual.

The clock never reads the system time: the caller passes ``now`` (a function returning an aware
datetime), so tests drive it with a fake clock and a restored session sees the time that passed
while the console was closed. Everything is kept in UTC.

What the log records, and why it always adds up: each stay on a segment is a ``Run`` (entered,
left, pauses inside it). Moving on closes one run and opens the next at the same instant, so the
runs of a session tile the wall time from start to finish. Going back to a segment opens a new
run on it; its elapsed time is the sum over its runs, so it resumes where it stopped instead of
starting over (a facilitator who goes back by mistake does not get fresh time).

Auto-advance happens in ``tick()`` and before every operation, dated at the moment the time
actually ran out (not when the UI noticed), so a late tick or a console restored after a crash
still yields a true log. A reopened segment that has no time left does not auto-advance again
until it is given time, so going back never bounces forward.

A start more than ``REBASE_AFTER`` (12 hours) from the scheduled start is a session held on
another day: the plan is rebased on the actual start (no late-start penalty, planned times
follow the start) and the log says so with both dates, instead of a lateness of months.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from console.clock.ledger import ZERO, Ledger
from console.clock.model import (
    REBASE_AFTER,
    ClockError,
    ClockEvent,
    EventKind,
    Phase,
    PlannedSegment,
    RowState,
    ScheduleRow,
    SegmentLog,
    StaleClockState,
    Status,
    format_signed,
)
from console.clock.saved import SCHEMA, dump_state, load_state

__all__ = [
    "REBASE_AFTER",
    "SCHEMA",
    "ClockError",
    "ClockEvent",
    "EventKind",
    "Phase",
    "PlannedSegment",
    "RowState",
    "RunOfShow",
    "ScheduleRow",
    "SegmentLog",
    "StaleClockState",
    "Status",
    "format_signed",
]

Now = Callable[[], datetime]


def _aware_utc(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be a time-zone aware datetime, got {moment!r}")
    return moment.astimezone(UTC)


class RunOfShow:
    """Runs an agenda against the clock: phases, moves, nudges, projections and the log."""

    def __init__(
        self, segments: Sequence[PlannedSegment], scheduled_start: datetime, now: Now
    ) -> None:
        if not segments:
            raise ValueError("a run of show needs at least one segment")
        ids = [segment.id for segment in segments]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate segment ids: {', '.join(duplicates)}")
        self._segments = tuple(segments)
        self._scheduled = _aware_utc(scheduled_start, "scheduled_start")
        self._rebased_from: datetime | None = None
        self._now_fn = now
        self._high: datetime | None = None
        self._phase = Phase.IDLE
        self._current = 0
        self._started_at: datetime | None = None
        self._finished_at: datetime | None = None
        self._last_change: datetime | None = None
        self._armed = False
        self._ledger = Ledger(self._segments)
        self._events: list[ClockEvent] = []
        self.restore_warnings: tuple[str, ...] = ()
        """What ``from_dict`` had to drop or clamp because the agenda changed."""

    # ----------------------------------------------------------------- time and lookups
    def _now(self) -> datetime:
        """The injected time, in UTC, never earlier than a moment already seen.

        A wall clock stepped backwards (NTP, a VM resumed) must not make elapsed time shrink.
        """
        moment = _aware_utc(self._now_fn(), "now()")
        if self._high is not None and moment < self._high:
            moment = self._high
        self._high = moment
        return moment

    def _index(self, index: int | None) -> int:
        if index is None:
            return self._current
        if not 0 <= index < len(self._segments):
            raise IndexError(f"no segment {index}; the agenda has {len(self._segments)}")
        return index

    # ----------------------------------------------------------------- read-only state
    @property
    def segments(self) -> tuple[PlannedSegment, ...]:
        return self._segments

    def now(self) -> datetime:
        """The clock's time: the injected ``now()`` in UTC, never earlier than one already seen."""
        return self._now()

    @property
    def scheduled_start(self) -> datetime:
        """The start the agenda planned (kept as given, even once the clock is rebased)."""
        return self._scheduled

    @property
    def planned_start(self) -> datetime:
        """Where the plan begins: the scheduled start, or the actual start once rebased on it."""
        if self._rebased_from is not None and self._started_at is not None:
            return self._started_at
        return self._scheduled

    @property
    def rebased_from(self) -> datetime | None:
        """The scheduled start a rebased clock left behind; None when it was not rebased."""
        return self._rebased_from

    def would_rebase(self, at: datetime | None = None) -> bool:
        """Whether a start now (or ``at``) would rebase the plan: idle, and more than
        ``REBASE_AFTER`` from the scheduled start."""
        moment = self._now() if at is None else _aware_utc(at, "at")
        return self._phase is Phase.IDLE and self._far(moment)

    def _far(self, moment: datetime) -> bool:
        return abs(moment - self._scheduled) > REBASE_AFTER

    @property
    def phase(self) -> Phase:
        return self._phase

    @property
    def current_index(self) -> int | None:
        """The segment in play while running or paused, else None."""
        return self._current if self._phase in (Phase.RUNNING, Phase.PAUSED) else None

    @property
    def current_segment(self) -> PlannedSegment | None:
        index = self.current_index
        return None if index is None else self._segments[index]

    @property
    def started_at(self) -> datetime | None:
        return self._started_at

    @property
    def finished_at(self) -> datetime | None:
        return self._finished_at

    @property
    def start_delay_seconds(self) -> float | None:
        """How late the session started (negative = early); None before the start.

        Measured against the plan, so 0 for a clock rebased on its start.
        """
        if self._started_at is None:
            return None
        return (self._started_at - self.planned_start).total_seconds()

    @property
    def events(self) -> tuple[ClockEvent, ...]:
        return tuple(self._events)

    def segment_log(self, index: int) -> SegmentLog:
        return self._ledger.view(self._index(index))

    def countdown_seconds(self) -> float:
        """Seconds until the scheduled start; negative once it has passed (running late).

        Beyond ``REBASE_AFTER`` either way this is no countdown: ``would_rebase()`` says so.
        """
        return (self._scheduled - self._now()).total_seconds()

    def _idle_start(self, now: datetime) -> datetime:
        """Where an idle session's plan begins if started at the earliest moment it can be.

        The scheduled start, or now when that has passed; now as well when starting would
        rebase the plan, since a start now is then what the times will follow.
        """
        if now > self._scheduled or self._far(now):
            return now
        return self._scheduled

    def elapsed(self, index: int | None = None) -> float:
        """Time spent on a segment over all its runs, pauses excluded.

        ``index`` None means the segment in play (the first before the start, the last one
        played after the finish); the same holds for every per-segment query.
        """
        return self._ledger.elapsed(self._index(index), self._now()).total_seconds()

    def allotted(self, index: int | None = None) -> float:
        """Planned seconds plus what was granted (minus what was taken), never below 0."""
        return self._ledger.allotted(self._index(index))

    def remaining(self, index: int | None = None) -> float:
        """Allotted minus elapsed; negative in overtime."""
        return self._ledger.remaining(self._index(index), self._now()).total_seconds()

    def row_state(self, index: int) -> RowState:
        i = self._index(index)
        if self._phase is Phase.IDLE:
            return RowState.UPCOMING
        ran = self._ledger.has_run(i)
        if self._phase is Phase.FINISHED or i < self._current:
            return RowState.DONE if ran else RowState.SKIPPED
        return RowState.CURRENT if i == self._current else RowState.UPCOMING

    def status(self, index: int | None = None) -> Status:
        """WAITING ahead, DONE behind (or skipped); for the one in play, how it stands."""
        return self._status(self._index(index), self._now())

    def _status(self, i: int, now: datetime) -> Status:
        state = self.row_state(i)
        if state in (RowState.DONE, RowState.SKIPPED):
            return Status.DONE
        if state is RowState.UPCOMING:
            return Status.WAITING
        left = self._ledger.remaining(i, now).total_seconds()
        if left < 0:
            return Status.OVERTIME
        if left <= self._segments[i].wrapup_minutes * 60.0:
            return Status.WRAP_UP
        return Status.ON_TIME

    def projected_end(self) -> datetime:
        """When the session will end at this pace; the actual end once finished.

        Before the start: from the scheduled start, or from now if that has passed or is
        more than ``REBASE_AFTER`` away. While running: now + what the current segment has
        left + what the later ones still need.
        """
        now = self._now()
        if self._phase is Phase.FINISHED:
            assert self._finished_at is not None
            return self._finished_at
        if self._phase is Phase.IDLE:
            total = sum((timedelta(seconds=self._ledger.allotted(i)) for i in self._each()), ZERO)
            return self._idle_start(now) + total
        later = range(self._current, len(self._segments))
        return now + sum((self._ledger.rest(i, now) for i in later), ZERO)

    def _each(self) -> range:
        return range(len(self._segments))

    def schedule(self) -> list[ScheduleRow]:
        """The timeline, one row per segment: planned, projected and actual."""
        now = self._now()
        if self._phase is Phase.IDLE:
            cursor = self._idle_start(now)
        else:
            cursor = now + self._ledger.rest(self._current, now)
        planned = self.planned_start
        rows: list[ScheduleRow] = []
        for i, segment in enumerate(self._segments):
            runs = self._ledger.runs[i]
            state = self.row_state(i)
            actual = self._ledger.elapsed(i, now).total_seconds() if runs else None
            projected: datetime | None
            if self._phase is Phase.IDLE:
                projected = cursor
                cursor += timedelta(seconds=self._ledger.allotted(i))
            elif state is RowState.UPCOMING:
                projected = cursor
                cursor += self._ledger.rest(i, now)
            else:
                projected = runs[0].start if runs else None
            rows.append(
                ScheduleRow(
                    index=i,
                    segment=segment,
                    state=state,
                    status=self._status(i, now),
                    planned_start=planned,
                    projected_start=projected,
                    actual_start=runs[0].start if runs else None,
                    actual_end=runs[-1].end if runs else None,
                    actual_seconds=actual,
                    allotted_seconds=self._ledger.allotted(i),
                    extra_seconds=self._ledger.extra[i],
                    over_under_seconds=None if actual is None else actual - segment.planned_seconds,
                )
            )
            planned += timedelta(seconds=segment.planned_seconds)
        return rows

    # ----------------------------------------------------------------- operations
    def _require(self, action: str, *phases: Phase) -> None:
        if self._phase not in phases:
            raise ClockError(f"cannot {action}: the session is {self._phase.value}")

    def _log(
        self,
        kind: EventKind,
        at: datetime,
        index: int | None,
        from_index: int | None = None,
        seconds: float | None = None,
        planned_at: datetime | None = None,
    ) -> ClockEvent:
        event = ClockEvent(
            kind=kind,
            at=at,
            segment_id=None if index is None else self._segments[index].id,
            from_segment_id=None if from_index is None else self._segments[from_index].id,
            seconds=seconds,
            planned_at=planned_at,
        )
        self._events.append(event)
        return event

    def _open(self, i: int, at: datetime) -> None:
        """Enter segment ``i`` at ``at`` (paused if the session is paused)."""
        self._armed = self._ledger.open(i, at, paused=self._phase is Phase.PAUSED)
        self._current = i
        self._last_change = at

    def _move(self, target: int, kind: EventKind, at: datetime) -> ClockEvent:
        source = self._current
        self._ledger.close(source, at)
        self._open(target, at)
        return self._log(kind, at, target, from_index=source)

    def _settle(self, now: datetime) -> list[ClockEvent]:
        """Carry out every auto-advance due by ``now``, each dated when its time ran out."""
        events: list[ClockEvent] = []
        last = len(self._segments) - 1
        while (
            self._phase is Phase.RUNNING
            and self._armed
            and self._current < last
            and self._segments[self._current].auto_advance
        ):
            over = -self._ledger.remaining(self._current, now)
            if over < ZERO:
                break
            at = max(now - over, self._last_change or now)
            events.append(self._move(self._current + 1, EventKind.AUTO_ADVANCED, at))
        return events

    def tick(self) -> list[ClockEvent]:
        """Call every second or so: performs due auto-advances and returns them."""
        if self._phase is not Phase.RUNNING:
            return []
        return self._settle(self._now())

    def start(self) -> list[ClockEvent]:
        """Begin segment 0 now; the log keeps how late (or early) that was.

        More than ``REBASE_AFTER`` from the scheduled start, the plan is rebased on now
        instead: a REBASED event keeps both dates and the start is logged with no delay.
        """
        self._require("start", Phase.IDLE)
        now = self._now()
        events: list[ClockEvent] = []
        if self._far(now):
            self._rebased_from = self._scheduled
            events.append(self._log(EventKind.REBASED, now, None, planned_at=self._scheduled))
        self._phase = Phase.RUNNING
        self._started_at = now
        self._open(0, now)
        delay = (now - self.planned_start).total_seconds()
        return [*events, self._log(EventKind.STARTED, now, 0, seconds=delay)]

    def pause(self) -> list[ClockEvent]:
        self._require("pause", Phase.RUNNING)
        now = self._now()
        events = self._settle(now)
        self._ledger.pause(self._current, now)
        self._phase = Phase.PAUSED
        self._last_change = now
        return [*events, self._log(EventKind.PAUSED, now, self._current)]

    def resume(self) -> list[ClockEvent]:
        self._require("resume", Phase.PAUSED)
        now = self._now()
        self._ledger.unpause(self._current, now)
        self._phase = Phase.RUNNING
        self._last_change = now
        return [self._log(EventKind.RESUMED, now, self._current)]

    def toggle_pause(self) -> list[ClockEvent]:
        if self._phase is Phase.PAUSED:
            return self.resume()
        return self.pause()

    def _go(
        self, action: str, target_of: Callable[[int], int], kind: EventKind
    ) -> list[ClockEvent]:
        self._require(action, Phase.RUNNING, Phase.PAUSED)
        now = self._now()
        events = self._settle(now)
        target = target_of(self._current)
        if not 0 <= target < len(self._segments):
            edge = "last" if target >= len(self._segments) else "first"
            hint = "; finish() ends the session" if edge == "last" else ""
            raise ClockError(f"cannot {action}: already on the {edge} segment{hint}")
        if target == self._current:
            raise ClockError(f"cannot {action}: segment {target} is already in play")
        return [*events, self._move(target, kind, now)]

    def next(self) -> list[ClockEvent]:
        """Move to the following segment (keeps a pause: the new segment starts paused)."""
        return self._go("go to the next segment", lambda i: i + 1, EventKind.NEXT)

    def previous(self) -> list[ClockEvent]:
        """Reopen the segment before: a new run on it, its earlier time still counted."""
        return self._go("go to the previous segment", lambda i: i - 1, EventKind.PREVIOUS)

    def jump(self, index: int) -> list[ClockEvent]:
        """Move to any segment; ones jumped over stay SKIPPED unless played later.

        An index outside the agenda raises IndexError before anything changes.
        """
        self._index(index)
        return self._go(f"jump to segment {index}", lambda _i: index, EventKind.JUMPED)

    def extend(self, seconds: float) -> list[ClockEvent]:
        """Give the current segment more time (negative: less); allotted never goes below 0.

        Logs what was actually applied, which is less than asked when the floor was hit; a
        nudge that changes nothing logs nothing.
        """
        if not math.isfinite(seconds):
            raise ValueError(f"extend needs a finite number of seconds, got {seconds!r}")
        self._require("change the time", Phase.RUNNING, Phase.PAUSED)
        now = self._now()
        events = self._settle(now)
        i = self._current
        applied = self._ledger.grant(i, seconds)
        if applied == 0:
            return events
        self._last_change = now
        # Taking time away re-arms auto-advance (a deliberate "cut it short"); adding time
        # re-arms it only when there is now time left to run out.
        if applied < 0 or self._ledger.remaining(i, now) > ZERO:
            self._armed = True
        kind = EventKind.EXTENDED if applied > 0 else EventKind.SHORTENED
        return [*events, self._log(kind, now, i, seconds=applied)]

    def shorten(self, seconds: float) -> list[ClockEvent]:
        return self.extend(-seconds)

    def finish(self) -> list[ClockEvent]:
        """End the session now; the current segment closes and the actual end is fixed."""
        self._require("finish", Phase.RUNNING, Phase.PAUSED)
        now = self._now()
        events = self._settle(now)
        self._ledger.close(self._current, now)
        self._phase = Phase.FINISHED
        self._finished_at = now
        self._last_change = now
        return [*events, self._log(EventKind.FINISHED, now, self._current)]

    # ----------------------------------------------------------------- persistence
    def to_dict(self) -> dict[str, Any]:
        """JSON-safe state (ISO timestamps, ``"schema": 1``), keyed by segment id."""
        return dump_state(
            phase=self._phase,
            scheduled_start=self._scheduled,
            current_id=self._segments[self._current].id,
            started_at=self._started_at,
            finished_at=self._finished_at,
            last_change=self._last_change,
            armed=self._armed,
            logs=[self.segment_log(i) for i in self._each()],
            events=self._events,
            rebased_from=self._rebased_from,
        )

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        segments: Sequence[PlannedSegment],
        scheduled_start: datetime,
        now: Now,
    ) -> RunOfShow:
        """Rebuild a clock saved by ``to_dict``; a running one has kept running meanwhile.

        ``scheduled_start`` is the agenda's as it is now; a clock saved after a rebase keeps
        following its actual start whatever the agenda says since.

        Raises ValueError for malformed data or another schema, and ``StaleClockState`` (a
        ValueError) when the segment in play is no longer in the agenda. Logs of other
        segments that left the agenda are dropped and time taken away beyond a shortened
        segment's new length is clamped; both are listed in ``restore_warnings``.
        """
        clock = cls(segments, scheduled_start, now)
        saved = load_state(data, clock._segments)
        clock._phase = saved.phase
        clock._current = saved.current
        clock._started_at = saved.started_at
        clock._finished_at = saved.finished_at
        clock._last_change = saved.last_change
        clock._high = saved.last_change
        clock._armed = saved.armed
        clock._ledger.runs = saved.runs
        clock._ledger.extra = saved.extra
        clock._events = list(saved.events)
        clock._rebased_from = saved.rebased_from
        clock.restore_warnings = tuple(saved.warnings)
        return clock
