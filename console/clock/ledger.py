"""The planned-versus-actual ledger behind the run-of-show clock.

One list of runs and one granted-time figure per segment. The ledger knows arithmetic (elapsed,
allotted, remaining) and how to open, close and pause a run; the state machine in
``console.clock.run_of_show`` decides when. Durations are ``timedelta`` (exact microseconds), so
sums over the log match wall time exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from console.clock.model import PlannedSegment, Run, SegmentLog

ZERO = timedelta()


class Ledger:
    def __init__(self, segments: Sequence[PlannedSegment]) -> None:
        self._segments = tuple(segments)
        self.runs: list[list[Run]] = [[] for _ in segments]
        self.extra: list[float] = [0.0 for _ in segments]

    def has_run(self, i: int) -> bool:
        return bool(self.runs[i])

    def elapsed(self, i: int, now: datetime) -> timedelta:
        """Time on segment ``i`` over all its runs, pauses excluded."""
        return sum((run.active(now) for run in self.runs[i]), ZERO)

    def allotted(self, i: int) -> float:
        return max(0.0, self._segments[i].planned_seconds + self.extra[i])

    def remaining(self, i: int, now: datetime) -> timedelta:
        return timedelta(seconds=self.allotted(i)) - self.elapsed(i, now)

    def rest(self, i: int, now: datetime) -> timedelta:
        """What segment ``i`` still needs of the session, never negative."""
        return max(ZERO, self.remaining(i, now))

    def view(self, i: int) -> SegmentLog:
        return SegmentLog(self._segments[i].id, tuple(self.runs[i]), self.extra[i])

    def open(self, i: int, at: datetime, *, paused: bool) -> bool:
        """Start a run on ``i``; True when it may auto-advance (fresh, or time left)."""
        armed = not self.runs[i] or self.remaining(i, at) > ZERO
        pauses: tuple[tuple[datetime, datetime | None], ...] = ((at, None),) if paused else ()
        self.runs[i].append(Run(at, None, pauses))
        return armed

    def close(self, i: int, at: datetime) -> None:
        """End the open run on ``i`` at ``at``, ending an open pause with it."""
        self.unpause(i, at)
        self.runs[i][-1] = replace(self.runs[i][-1], end=at)

    def pause(self, i: int, at: datetime) -> None:
        run = self.runs[i][-1]
        self.runs[i][-1] = replace(run, pauses=(*run.pauses, (at, None)))

    def unpause(self, i: int, at: datetime) -> None:
        run = self.runs[i][-1]
        if run.pauses and run.pauses[-1][1] is None:
            closed = (run.pauses[-1][0], at)
            self.runs[i][-1] = replace(run, pauses=(*run.pauses[:-1], closed))

    def grant(self, i: int, seconds: float) -> float:
        """Add (or take away) time on ``i``, never below a zero allotment; returns what applied."""
        before = self.extra[i]
        after = max(before + seconds, -self._segments[i].planned_seconds)
        self.extra[i] = after
        return after - before
