"""Agenda models and loading: the run of show a facilitator keeps to, read from TOML.

An agenda is a small, hand-written TOML file (see ``agendas/README.md``). Loading never raises
anything but :class:`AgendaError`, which carries every problem of the file at once as
``path:line:col: message``, so an author fixes a file in one pass instead of one error per run.
The checks themselves live in :mod:`console.agenda.validate`; this module holds the models and
the file handling around them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import tomli_w

from console.system.paths import bundled_agendas_dir

SEGMENT_KINDS = ("opening", "overview", "questions", "discussion", "update", "break", "closing")
DEFAULT_AGENDA = "school-safety-office-hours"
MAX_AGENDA_BYTES = 1024 * 1024
"""Agendas are a few kilobytes; anything near a megabyte is a wrong file, not an agenda."""


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


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an agenda file; line 0 means the file as a whole."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        if self.line <= 0:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class AgendaError(Exception):
    """Every problem found in one agenda file (at least one)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))

    @classmethod
    def whole_file(cls, path: str | Path, message: str) -> AgendaError:
        return cls([Problem(str(path), 0, 0, message)])


# -- loading -------------------------------------------------------------------------------

_TIME_WITHOUT_SECONDS = re.compile(r"=\s*\d{2}:\d{2}\s*(?:#.*)?$")
_TOMLLIB_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")


def parse_agenda(text: str, path: str = "<agenda>") -> Agenda:
    """Parse and validate agenda TOML; ``path`` only labels the problems."""
    if len(text) > MAX_AGENDA_BYTES:
        raise AgendaError.whole_file(path, "too large for an agenda (over 1 MiB); refused")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise AgendaError([_syntax_problem(error, text, path)]) from None
    except RecursionError:
        raise AgendaError.whole_file(path, "TOML nested too deeply to read") from None
    # Imported here: the validator builds these models, so it imports this module first.
    from console.agenda.validate import build_agenda

    name = Path(path).stem if path != "<agenda>" else "agenda"
    return build_agenda(data, text, path, name=name)


def _syntax_problem(error: tomllib.TOMLDecodeError, text: str, path: str) -> Problem:
    """Where tomllib stopped: attributes on Python 3.14+, else parsed from its message."""
    message = str(getattr(error, "msg", "") or error)
    line = getattr(error, "lineno", None)
    col = getattr(error, "colno", None)
    match = _TOMLLIB_POSITION.search(message)
    if match:
        message = message[: match.start()]
        if match.group(1):
            line, col = int(match.group(1)), int(match.group(2))
    if not isinstance(line, int) or not isinstance(col, int):
        lines = text.split("\n")
        line, col = len(lines), len(lines[-1]) + 1
    hint = ""
    source_line = text.split("\n")[line - 1] if 0 < line <= text.count("\n") + 1 else ""
    if _TIME_WITHOUT_SECONDS.search(source_line):
        hint = " (TOML times need seconds: write 15:30:00, not 15:30)"
    return Problem(path, line, col, f"TOML syntax error: {message}{hint}")


def load_agenda(path: Path) -> Agenda:
    """Read, parse and validate one agenda file; every failure is an :class:`AgendaError`."""
    label = str(path)
    try:
        if not path.exists():
            raise AgendaError.whole_file(label, "no such agenda file")
        if path.is_dir():
            raise AgendaError.whole_file(label, "is a directory, not an agenda file")
        with path.open("rb") as handle:
            raw = handle.read(MAX_AGENDA_BYTES + 1)
    except OSError as error:
        raise AgendaError.whole_file(label, f"cannot read: {error.strerror or error}") from None
    if len(raw) > MAX_AGENDA_BYTES:
        raise AgendaError.whole_file(label, "too large for an agenda (over 1 MiB); refused")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        col = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        message = "not UTF-8 text (save the file as UTF-8)"
        raise AgendaError([Problem(label, line, col, message)]) from None
    text = text.removeprefix("\ufeff")  # Windows editors add a byte-order mark.
    return replace(parse_agenda(text, label), path=path, name=path.stem)


def bundled_agendas() -> list[Path]:
    folder = bundled_agendas_dir()
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


def resolve_agenda(name_or_path: str | None) -> Path:
    """An existing file path wins; otherwise a bundled agenda's name; None -> the default."""
    wanted = DEFAULT_AGENDA if name_or_path is None else name_or_path
    candidate = Path(wanted).expanduser()
    if name_or_path is not None and (candidate.exists() or _looks_like_path(wanted)):
        return candidate
    bundled = {path.stem: path for path in bundled_agendas()}
    if wanted in bundled:
        return bundled[wanted]
    message = f"no such agenda file or bundled agenda (bundled: {', '.join(bundled) or 'none'})"
    close = difflib.get_close_matches(wanted, list(bundled), n=1)
    if close:
        message += f"; did you mean {close[0]!r}?"
    raise AgendaError.whole_file(wanted, message)


def _looks_like_path(text: str) -> bool:
    return "/" in text or "\\" in text or text.endswith(".toml")


# -- writing -------------------------------------------------------------------------------


def agenda_to_dict(agenda: Agenda) -> dict[str, Any]:
    """The TOML shape of ``agenda``; ``parse_agenda(tomli_w.dumps(...))`` gives it back."""
    session: dict[str, Any] = {"title": agenda.title}
    for key in ("series", "host"):
        if (value := getattr(agenda, key)) is not None:
            session[key] = value
    if agenda.date is not None:
        session["date"] = agenda.date
    session |= {"start": agenda.start, "timezone": agenda.timezone}
    if agenda.end is not None:
        session["end"] = agenda.end
    if agenda.description is not None:
        session["description"] = agenda.description
    questions: dict[str, Any] = {}
    source = agenda.questions
    for key, value in (("source", source.url), ("preset", source.preset)):
        if value is not None:
            questions[key] = value
    if source.mapping:
        questions["map"] = dict(source.mapping)
    questions["interval_seconds"] = source.interval_seconds
    for key, value in (("token_env", source.token_env), ("form_id", source.form_id)):
        if value is not None:
            questions[key] = value
    return {
        "session": session,
        "themes": {theme.id: theme.label for theme in agenda.themes},
        "segments": [_segment_to_dict(segment) for segment in agenda.segments],
        "questions": questions,
    }


def _segment_to_dict(segment: Segment) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": segment.id,
        "title": segment.title,
        "kind": segment.kind,
        "minutes": segment.minutes,
        "wrapup_minutes": segment.wrapup_minutes,
    }
    if segment.talking_points:
        out["talking_points"] = list(segment.talking_points)
    if segment.prompts:
        out["prompts"] = list(segment.prompts)
    if segment.auto_advance:
        out["auto_advance"] = True
    return out


def starter_agenda(title: str = "Office hours", *, on: dt.date | None = None) -> dict[str, object]:
    """A small, valid agenda to edit: an hour of welcome, overview, questions, discussion."""
    day = on or dt.date.today()
    return {
        "session": {
            "title": title,
            "date": day,
            "start": dt.time(15, 30),
            "timezone": "America/New_York",
            "description": "What this session is for, in a sentence or two.",
        },
        "themes": {theme.id: theme.label for theme in DEFAULT_THEMES},
        "segments": [
            _starter_segment("welcome", "Welcome and purpose", "opening", 5, 1),
            _starter_segment("overview", "Overview", "overview", 15, 2),
            _starter_segment("questions", "Your questions", "questions", 20, 3),
            _starter_segment("discussion", "Open discussion", "discussion", 15, 2),
            _starter_segment("wrap-up", "Wrap-up and next steps", "closing", 5, 1),
        ],
        "questions": {"interval_seconds": 15.0},
    }


def _starter_segment(id: str, title: str, kind: str, minutes: int, wrapup: int) -> dict[str, Any]:
    return {
        "id": id,
        "title": title,
        "kind": kind,
        "minutes": minutes,
        "wrapup_minutes": wrapup,
        "talking_points": ["Replace with what you plan to say"],
    }


def write_starter(path: Path, title: str = "Office hours") -> None:
    """Write a starter agenda to a new file; an existing file is never overwritten."""
    text = tomli_w.dumps(starter_agenda(title))
    parse_agenda(text, str(path))  # What we write must load; a bad title fails here, not later.
    if path.exists():
        raise AgendaError.whole_file(path, "already exists; not overwritten")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise AgendaError.whole_file(path, "already exists; not overwritten") from None
    except OSError as error:
        raise AgendaError.whole_file(path, f"cannot write: {error.strerror or error}") from None
