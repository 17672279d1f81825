"""Value types of the run-of-show clock: its input, its states, its log and its schedule rows.

Kept apart from ``console.clock.run_of_show`` (the state machine) so widgets, the store and the
report can use these types without reading the machine, and so ``console.clock.run_of_show``
stays small. Nothing here imports ``console.agenda.model``: the clock takes its own
``PlannedSegment`` and the agenda is adapted to it, so the two can evolve separately.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

REBASE_AFTER = timedelta(hours=12)
"""A start further than this from the planned start, either way, rebases the run of show.

Within it, a start is this session begun late or early, and the log measures by how much (a
start hours late is still a fact worth reporting). Beyond it, the session is being held on
another day than planned: an agenda reused as a template, a date never updated, a rehearsal the
evening before. Measuring that as months of lateness is noise, so the plan then follows the
actual start. Twelve hours is far above any real lateness for a session of an hour or two, yet
below the next day's slot at the same time; ``run`` uses the same horizon to decide whether to
resume a session, and the countdown the same to stop counting down.
"""


class ClockError(Exception):
    """An operation that the clock's current phase does not allow (e.g. pause before start).

    The UI shows the message; the clock's state is unchanged when it is raised.
    """


class StaleClockState(ValueError):
    """Saved clock state that cannot be applied to the agenda as it is now."""


@dataclass(frozen=True, slots=True)
class PlannedSegment:
    """One agenda item as the clock sees it: how long it should take and how it ends."""

    id: str
    title: str
    minutes: float
    wrapup_minutes: float = 2.0
    """The "wrap up" (yellow) warning starts when this little time is left."""
    auto_advance: bool = False
    """Move on to the next segment by itself when the time runs out."""

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("segment id must not be empty")
        for name in ("minutes", "wrapup_minutes"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"segment {self.id!r}: {name} must be >= 0, got {value!r}")

    @property
    def planned_seconds(self) -> float:
        return self.minutes * 60.0


class Phase(StrEnum):
    IDLE = "idle"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"


class Status(StrEnum):
    """How a segment stands against its time; drives the countdown colour."""

    WAITING = "waiting"
    ON_TIME = "on time"
    WRAP_UP = "wrap up"
    OVERTIME = "overtime"
    DONE = "done"


class RowState(StrEnum):
    """Where a segment sits in the session: behind us, in play, ahead, or jumped over."""

    DONE = "done"
    CURRENT = "current"
    UPCOMING = "upcoming"
    SKIPPED = "skipped"


class EventKind(StrEnum):
    STARTED = "started"
    PAUSED = "paused"
    RESUMED = "resumed"
    NEXT = "next"
    PREVIOUS = "previous"
    JUMPED = "jumped"
    AUTO_ADVANCED = "auto advanced"
    EXTENDED = "extended"
    SHORTENED = "shortened"
    FINISHED = "finished"
    REBASED = "rebased"
    """Started more than ``REBASE_AFTER`` from the planned start: the plan follows the start."""


MOVES = frozenset({EventKind.NEXT, EventKind.PREVIOUS, EventKind.JUMPED, EventKind.AUTO_ADVANCED})


@dataclass(frozen=True, slots=True)
class ClockEvent:
    """One line of the session log.

    Segments are named by id (not index) so the log still reads right after the agenda is
    edited. ``seconds`` is the start delay for STARTED (positive = late, negative = early) and
    the time granted for EXTENDED / SHORTENED (negative when taken away). REBASED records a
    session held on another day: ``at`` is when it started, ``planned_at`` when the agenda had
    planned it (the STARTED event beside it then has a delay of 0).
    """

    kind: EventKind
    at: datetime
    segment_id: str | None
    from_segment_id: str | None = None
    seconds: float | None = None
    planned_at: datetime | None = None

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "kind": self.kind.value,
            "at": iso(self.at),
            "segment_id": self.segment_id,
            "from_segment_id": self.from_segment_id,
            "seconds": self.seconds,
        }
        if self.planned_at is not None:  # only REBASED has it: other events keep their shape
            data["planned_at"] = iso(self.planned_at)
        return data


@dataclass(frozen=True, slots=True)
class Run:
    """One continuous stay on a segment, from entering it to leaving it.

    A segment gets a second run when the facilitator goes back to it. ``end`` is None while
    the run is open; a pause's end is None while it lasts. Runs of the whole session tile the
    time from start to finish without gaps, so planned-versus-actual always adds up.
    """

    start: datetime
    end: datetime | None = None
    pauses: tuple[tuple[datetime, datetime | None], ...] = ()

    def active(self, now: datetime) -> timedelta:
        """Time spent on the segment in this run, pauses not counted (exact, in timedelta)."""
        return max(timedelta(), (self.end or now) - self.start - self.paused(now))

    def paused(self, now: datetime) -> timedelta:
        """Time paused within this run (an open pause counts up to ``now``)."""
        stop = self.end or now
        return sum(((pe or stop) - ps for ps, pe in self.pauses), timedelta())

    def to_dict(self) -> dict[str, object]:
        return {
            "start": iso(self.start),
            "end": iso(self.end) if self.end else None,
            "pauses": [[iso(ps), iso(pe) if pe else None] for ps, pe in self.pauses],
        }


@dataclass(frozen=True, slots=True)
class SegmentLog:
    """Planned versus actual for one segment: its runs and the time granted or taken."""

    segment_id: str
    runs: tuple[Run, ...] = ()
    extra_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    """One line of the timeline: what was planned, what is expected now, what happened.

    ``planned_start`` is the plan (the scheduled start, or the actual start when the clock was
    rebased on it, + planned minutes before it);
    ``projected_start`` follows actual progress (None for a skipped segment);
    ``over_under_seconds`` is actual minus planned minutes (positive = ran over), None until
    the segment has run.
    """

    index: int
    segment: PlannedSegment
    state: RowState
    status: Status
    planned_start: datetime
    projected_start: datetime | None
    actual_start: datetime | None
    actual_end: datetime | None
    actual_seconds: float | None
    allotted_seconds: float
    extra_seconds: float
    over_under_seconds: float | None


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_iso(value: object, what: str) -> datetime:
    """An aware UTC datetime from saved state, or a ValueError naming the field."""
    if not isinstance(value, str):
        raise ValueError(f"clock state: {what} must be an ISO timestamp, got {value!r}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"clock state: {what}: {exc}") from None
    if moment.tzinfo is None:
        raise ValueError(f"clock state: {what} has no time zone: {value!r}")
    return moment.astimezone(UTC)


def format_signed(seconds: float) -> str:
    """Countdown text: ``"12:00"``, ``"-01:05"`` in overtime, ``"1:02:03"`` over an hour.

    Rounds towards +infinity, so a countdown reads ``00:00`` exactly when the time is up and
    ``-00:01`` only once a full second of overtime has passed (what stage timers do).
    """
    if not math.isfinite(seconds):
        raise ValueError(f"cannot format {seconds!r} as a countdown")
    whole = math.ceil(seconds)
    sign = "-" if whole < 0 else ""
    hours, rest = divmod(abs(whole), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes:02d}:{secs:02d}"
