"""The agenda's models: the run of show a facilitator keeps to, as frozen dataclasses.

Nothing here reads a file: loading and its checks live in :mod:`console.agenda.load` and
:mod:`console.agenda.validate`, so the models import nothing from the rest of the package and
every other part (clock, board, report) can use them without pulling in the TOML reader.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo

SEGMENT_KINDS = ("opening", "overview", "questions", "discussion", "update", "break", "closing")
PARTICIPANT_LISTS = ("screened", "open")
"""What participants see of each other's questions: ``screened`` (only what the facilitator
publishes; the default) or ``open`` (every question at once, unless hidden)."""


@dataclass(frozen=True, slots=True)
class Theme:
    """A concern category notes and questions are filed under (``drills`` -> "Drills ...")."""

    id: str
    label: str


DEFAULT_THEMES: tuple[Theme, ...] = (
    Theme("drills", "Drills and exercises"),
    Theme("building-access", "Physical security and building access"),
    Theme("communication", "Communication and alerts during an incident"),
    Theme("mental-health", "Mental health, behavior and threat assessment"),
    Theme("training", "Training for staff"),
    Theme("roles", "Knowing the plan and one's own role in it"),
    Theme("funding", "Funding and resources"),
    Theme("coordination", "Coordination with police and first responders"),
)
"""Used when an agenda has no ``[themes]`` table: the concerns teachers raise most."""


@dataclass(frozen=True, slots=True)
class Segment:
    """One block of the run of show."""

    id: str
    title: str
    kind: str
    minutes: float
    wrapup_minutes: float
    """The "wrap up" warning shows when this many minutes remain (0 = no warning)."""
    talking_points: tuple[str, ...] = ()
    prompts: tuple[str, ...] = ()
    """Questions the facilitator can put to the room when discussion stalls."""
    auto_advance: bool = False
    """Move on to the next segment by itself when the time is up (breaks, mostly)."""
    carried_item_minutes: float | None = None
    """Minutes per item carried over from the last session: at ``run --follow-up`` the
    console proposes this segment's length as the open items times this (one segment at most)."""


@dataclass(frozen=True, slots=True)
class QuestionSource:
    """Where the question board pulls from; no ``url`` means the built-in intake form."""

    url: str | None = None
    preset: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    """Question field (``text``, ``asker``, ...) -> column or key name in the source."""
    interval_seconds: float = 15.0
    token_env: str | None = None
    """Name of the environment variable holding the token; the token never sits in a file."""
    form_id: str | None = None
    participant_list: str = "screened"
    """The participants' list mode (``PARTICIPANT_LISTS``): ``screened`` by default, because a
    school's weak spot should not be public before a person looks."""
    held_words: tuple[str, ...] = ()
    """Words that hold a question for the facilitator (it waits for publishing in both
    modes); none by default."""


@dataclass(frozen=True, slots=True)
class Agenda:
    title: str
    series: str | None
    host: str | None
    date: dt.date | None
    """The day, in the agenda's zone; ``None`` for an undated agenda, a plan for any day: a
    session of it is planned when it is created (``planned_start``, ``planned_for``)."""
    start: dt.time
    timezone: str
    end: dt.time | None
    segments: tuple[Segment, ...]
    themes: tuple[Theme, ...]
    questions: QuestionSource = field(default_factory=QuestionSource)
    name: str = "agenda"
    """The file's stem: how the agenda is named on the command line."""
    path: Path | None = None
    description: str | None = None
    facilitator: str | None = None
    """Who runs the session: the report's facilitator unless ``--author`` names another."""
    staff: tuple[str, ...] = ()
    """Staff who speak in the session (panelists, note-takers): an answer as spoken from
    captions keeps their names even without ``--with-names``."""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def scheduled_start(self) -> dt.datetime:
        """Start as an aware datetime in the agenda's own zone (never the machine's).

        An undated agenda has none: ``ValueError``. A session dates it first (``planned_for``
        with the start saved with the session), so the clock, the form and the report always
        see a dated one.
        """
        if self.date is None:
            raise ValueError(
                f"agenda {self.name!r} has no date: plan it for a day first (Agenda.planned_for)"
            )
        return dt.datetime.combine(self.date, self.start, tzinfo=self.tz)

    def planned_start(self, now: dt.datetime) -> dt.datetime:
        """When a session of this agenda created at ``now`` is planned to start.

        A dated agenda says so itself. An undated one: today (in the agenda's zone) at its
        start time, or ``now`` (to the second) once that time has passed. Decided when the
        session is created and saved with it, never when the file is read, so a session
        keeps its planned time whenever it is opened again.
        """
        if self.date is not None:
            return self.scheduled_start
        local = now.astimezone(self.tz)
        today = dt.datetime.combine(local.date(), self.start, tzinfo=self.tz)
        return today if today >= local else local.replace(microsecond=0)

    def planned_for(self, start: dt.datetime) -> Agenda:
        """This agenda dated for ``start``: its day and time of day in the agenda's zone."""
        local = start.astimezone(self.tz)
        return replace(self, date=local.date(), start=local.time().replace(tzinfo=None))

    @property
    def planned_minutes(self) -> float:
        return sum(segment.minutes for segment in self.segments)

    @property
    def planned_end(self) -> dt.datetime:
        return self.scheduled_start + dt.timedelta(minutes=self.planned_minutes)

    def planned_starts(self) -> tuple[dt.datetime, ...]:
        """Planned start of each segment, in order, if nothing runs late."""
        starts: list[dt.datetime] = []
        at = self.scheduled_start
        for segment in self.segments:
            starts.append(at)
            at += dt.timedelta(minutes=segment.minutes)
        return tuple(starts)

    def segment(self, id: str) -> Segment:
        for segment in self.segments:
            if segment.id == id:
                return segment
        raise KeyError(id)

    def segment_index(self, id: str) -> int:
        for index, segment in enumerate(self.segments):
            if segment.id == id:
                return index
        raise KeyError(id)

    def theme_label(self, id: str) -> str:
        """The theme's label; an unknown id (say, from an older agenda) is shown as is."""
        for theme in self.themes:
            if theme.id == id:
                return theme.label
        return id
