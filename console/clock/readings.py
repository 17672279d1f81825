"""The run-of-show clock's read side: its state and every question the screen asks of it.

:class:`ClockReadings` holds the clock's state (phase, segment in play, the ledger of runs) and
answers from it: elapsed, remaining, status, the projected end and the timeline rows. It never
changes the state; the operations that do (start, pause, moves, nudges, auto-advance) and
saving and restoring live in :mod:`console.clock.run_of_show`, whose :class:`RunOfShow` extends
this class. The split follows the one seam the clock has, reading versus acting, so each half
stays readable on its own (the machine was one 530-line module).

The clock never reads the system time: the caller passes ``now`` (a function returning an aware
datetime), so tests drive it with a fake clock and a restored session sees the time that passed
while the console was closed. Everything is kept in UTC, and ``now`` never goes backwards.

A start more than ``REBASE_AFTER`` (12 hours) from the scheduled start is a session held on
another day: once rebased, the plan follows the actual start (``planned_start``) while
``scheduled_start`` keeps the agenda's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from console.clock.ledger import ZERO, Ledger
from console.clock.model import (
    REBASE_AFTER,
    ClockEvent,
    Phase,
    PlannedSegment,
    RowState,
    ScheduleRow,
    SegmentLog,
    Status,
)

Now = Callable[[], datetime]


def _aware_utc(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be a time-zone aware datetime, got {moment!r}")
    return moment.astimezone(UTC)


class ClockReadings:
    """The run of show's state and every reading of it; :class:`RunOfShow` changes it."""

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
