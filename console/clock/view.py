"""Turning clock state into the words and numbers the screen shows (no UI imports).

Kept in the core so the same formatting serves the console, the presenter view and tests,
and so every time is shown in the agenda's time zone (CI runs in UTC; the session does not).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from console.clock.model import Phase, RowState, ScheduleRow, Status, format_signed
from console.clock.run_of_show import RunOfShow


@dataclass(frozen=True, slots=True)
class TimelineLine:
    title: str
    when: str
    """Projected start for upcoming ones, actual start for the rest (``skip``: skipped)."""
    planned: str
    """The agenda's planned minutes, on every row (``"15"``, ``"2.5"``)."""
    delta: str
    """Actual minus planned (``"+2m"``, ``"-1m"``): done segments, and the one in play once it
    has run past its plan; empty otherwise."""
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


def planned_minutes(minutes: float) -> str:
    """``"15"``, ``"2.5"``: an agenda's minutes as written, without a unit (the column says)."""
    return f"{minutes:g}"


def timeline(clock: RunOfShow, tz: ZoneInfo) -> list[TimelineLine]:
    return [_line(row, tz) for row in clock.schedule()]


def _line(row: ScheduleRow, tz: ZoneInfo) -> TimelineLine:
    """One row: the planned minutes always, and the difference in a column of its own."""
    title, planned = row.segment.title, planned_minutes(row.segment.minutes)
    if row.state is RowState.UPCOMING:
        when = row.projected_start or row.planned_start
        return TimelineLine(title, hhmm(when, tz), planned, "", "upcoming")
    if row.state is RowState.SKIPPED:
        return TimelineLine(title, "skip", planned, "", "done")
    over = row.over_under_seconds
    if row.state is RowState.CURRENT:
        delta = delta_text(over) if over is not None and over > 0 else ""
        return TimelineLine(title, hhmm(row.actual_start, tz), planned, delta, "current")
    return TimelineLine(title, hhmm(row.actual_start, tz), planned, delta_text(over), "done")


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def span_text(seconds: float, *, up: bool) -> str:
    """``"45 s"``, ``"12 min"``, ``"2 h 05 min"``: a duration in words for a caption.

    ``up`` rounds up, as a countdown does ("starts in 5 min" while the digits read 04:59);
    otherwise it rounds down, as lateness is told ("12 min late" until the 13th minute).
    """
    whole = math.ceil(seconds) if up else math.floor(seconds)
    if whole < 60:
        return f"{whole} s"
    total = math.ceil(whole / 60) if up else whole // 60
    hours, minutes = divmod(total, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _days_between(moment: datetime, now: datetime, tz: ZoneInfo) -> int:
    """Calendar days from ``now`` to ``moment`` in the agenda's zone (not 24-hour blocks)."""
    return (moment.astimezone(tz).date() - now.astimezone(tz).date()).days


def day_and_time(moment: datetime, now: datetime, tz: ZoneInfo) -> str:
    """``"today 15:30"``, ``"tomorrow 08:00"``, ``"Thu 3 Dec 15:30"``, ``"Wed 17 Dec 2025 15:30"``.

    The year only when it is not this year. Names are English whatever the locale, like the
    rest of the console's words.
    """
    local = moment.astimezone(tz)
    word = {0: "today", 1: "tomorrow", -1: "yesterday"}.get(_days_between(moment, now, tz))
    if word:
        return f"{word} {local:%H:%M}"
    year = "" if local.year == now.astimezone(tz).year else f" {local.year}"
    return f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]}{year} {local:%H:%M}"


def _how_far(moment: datetime, now: datetime, tz: ZoneInfo) -> str:
    """``" (347 days ago)"``, ``" (in 3 days)"``, ``" (13 h 20 min ago)"``; empty when the
    day word (tomorrow, yesterday) already says it."""
    days = _days_between(moment, now, tz)
    if days in (1, -1):
        return ""
    if days:
        return f" (in {days} days)" if days > 0 else f" ({-days} days ago)"
    seconds = (moment - now).total_seconds()
    span = span_text(abs(seconds), up=False)
    return f" (in {span})" if seconds > 0 else f" ({span} ago)"


def _idle_caption(clock: RunOfShow, tz: ZoneInfo) -> tuple[str, str]:
    """Digits and caption before the start: a countdown when near, the plan's date when far.

    Captions say what is, never which key to press: a note-taker reads them too, and the
    footer already shows the key.
    """
    now = clock.now()
    planned = clock.scheduled_start
    if clock.would_rebase(now):
        # Another day (a template reused, a rehearsal): a countdown of months says nothing.
        # Show the session's length and when it was planned; starting rebases the times.
        total = sum(clock.allotted(i) for i in range(len(clock.segments)))
        when = day_and_time(planned, now, tz)
        return format_signed(total), (
            f"planned for {when}{_how_far(planned, now, tz)}\n"
            f"{span_text(total, up=False)}, timed from when it starts"
        )
    until = (planned - now).total_seconds()
    digits = format_signed(until)
    # The timeline shows the time of day; the caption names the day only when it is not today.
    day = "" if _days_between(planned, now, tz) == 0 else f", {day_and_time(planned, now, tz)}"
    if abs(until) < 1:
        return digits, f"due to start now{day}"
    if until > 0:
        return digits, f"starts in {span_text(until, up=True)}{day}"
    return digits, f"{day_and_time(planned, now, tz)}, {span_text(-until, up=False)} late"


def countdown(clock: RunOfShow, tz: ZoneInfo) -> CountdownView:
    """Digits, a state word and a caption for the big countdown.

    The caption's first line goes after the state word; a second line, when there is one,
    is detail shown below it (a one-line display may leave it out).
    """
    phase = clock.phase
    if phase is Phase.IDLE:
        time_text, caption = _idle_caption(clock, tz)
        return CountdownView(time_text, "waiting", caption)
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


def rebase_notice(clock: RunOfShow, tz: ZoneInfo) -> str | None:
    """What to tell the facilitator once a start was rebased; None when it was not.

    "Started on another day than planned (Wed 17 Dec 2025 15:30): the run of show follows
    the actual start, 01:22, and no late start is counted."
    """
    planned, started = clock.rebased_from, clock.started_at
    if planned is None or started is None:
        return None
    when = day_and_time(planned, started, tz)
    return (
        f"Started on another day than planned ({when}): the run of show follows the actual "
        f"start, {hhmm(started, tz)}, and no late start is counted."
    )
