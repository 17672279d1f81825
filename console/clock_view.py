"""Turning clock state into the words and numbers the screen shows (no UI imports).

Kept in the core so the same formatting serves the console, the presenter view and tests,
and so every time is shown in the agenda's time zone (CI runs in UTC; the session does not).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from console.clock import RunOfShow
from console.clock_model import Phase, RowState, ScheduleRow, Status, format_signed


@dataclass(frozen=True, slots=True)
class TimelineLine:
    title: str
    when: str
    length: str
    delta: str
    state: str


@dataclass(frozen=True, slots=True)
class CountdownView:
    time_text: str
    state: str
    caption: str


def hhmm(moment: datetime | None, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%H:%M") if moment else "--:--"


def minutes_text(seconds: float) -> str:
    """``"12m"`` style length, rounded to the nearest minute (``"<1m"`` below that)."""
    minutes = round(seconds / 60)
    return f"{minutes}m" if minutes else "<1m"


def delta_text(seconds: float | None) -> str:
    if seconds is None or abs(seconds) < 30:
        return ""
    minutes = round(seconds / 60)
    return f"+{minutes}m" if minutes > 0 else f"{minutes}m"


def timeline(clock: RunOfShow, tz: ZoneInfo) -> list[TimelineLine]:
    return [_line(row, tz) for row in clock.schedule()]


def _line(row: ScheduleRow, tz: ZoneInfo) -> TimelineLine:
    if row.state is RowState.UPCOMING:
        when = row.projected_start or row.planned_start
        return TimelineLine(
            row.segment.title, hhmm(when, tz), minutes_text(row.allotted_seconds), "", "upcoming"
        )
    if row.state is RowState.SKIPPED:
        return TimelineLine(row.segment.title, "skip", "", "", "done")
    length = minutes_text(row.actual_seconds or 0.0)
    delta = delta_text(row.over_under_seconds) if row.state is RowState.DONE else ""
    state = "current" if row.state is RowState.CURRENT else "done"
    return TimelineLine(row.segment.title, hhmm(row.actual_start, tz), length, delta, state)


FAR_SECONDS = 12 * 3600


def countdown(clock: RunOfShow, tz: ZoneInfo) -> CountdownView:
    """Digits, a state word and a caption for the big countdown."""
    phase = clock.phase
    if phase is Phase.IDLE:
        until = clock.countdown_seconds()
        if abs(until) > FAR_SECONDS:
            # Another day (a rehearsal, or an agenda reused as a template): a countdown of
            # months says nothing; show the planned length and when it was meant to start.
            total = sum(clock.allotted(i) for i in range(len(clock.segments)))
            when = clock.scheduled_start.astimezone(tz).strftime("%a %d %b %Y %H:%M")
            return CountdownView(
                format_signed(total), "waiting", f"planned for {when} · s to start now"
            )
        if until >= 0:
            return CountdownView(format_signed(until), "waiting", "starts in · s to start")
        return CountdownView(format_signed(until), "waiting", "late start · s to start")
    if phase is Phase.FINISHED:
        return CountdownView("00:00", "done", "session finished")
    remaining = clock.remaining()
    status = clock.status()
    allotted = minutes_text(clock.allotted())
    word = {Status.WRAP_UP: "wrap up", Status.OVERTIME: "overtime"}.get(status, "on time")
    caption = f"of {allotted}"
    if phase is Phase.PAUSED:
        caption = f"PAUSED · {caption}"
    return CountdownView(format_signed(remaining), word, caption)
