"""The run-of-show clock: a state machine over an injected ``now()``, planned versus actual.

:class:`RunOfShow` is what the facilitator acts on: start, pause, next, jump, nudges, finish,
and saving and restoring. Everything it can be asked (elapsed, remaining, status, timeline,
projected end) lives in :class:`~console.clock.readings.ClockReadings`, which it extends, so
this module reads as the list of things that change the clock and nothing else.

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
from datetime import datetime
from typing import Any

from console.clock.ledger import ZERO
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
from console.clock.readings import ClockReadings, Now
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


class RunOfShow(ClockReadings):
    """Runs an agenda against the clock: phases, moves, nudges, projections and the log."""

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
            hint = "; end the session instead" if edge == "last" else ""
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

    def allot(self, index: int, seconds: float) -> None:
        """Before the start, give segment ``index`` ``seconds`` in this session (the length
        proposed for the carried-over items). The agenda's minutes stay the plan of record:
        the difference is kept as the segment's granted time, saved with the clock."""
        if not math.isfinite(seconds) or seconds <= 0:
            raise ValueError(f"a segment needs a positive length, got {seconds!r} seconds")
        self._require("change a segment's length", Phase.IDLE)
        i = self._index(index)
        self._ledger.extra[i] = seconds - self._segments[i].planned_seconds

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
