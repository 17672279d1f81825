"""Semantic checks that turn parsed agenda TOML into an :class:`~console.agenda.model.Agenda`.

Every check records a problem and carries on, so one run reports everything wrong with a file.
The generic typed readers (and the text cleaning: an agenda may come from someone else, and
its titles end up on the facilitator's terminal) live in :mod:`console.agenda.reader`.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from console.agenda.errors import AgendaError, Problem
from console.agenda.model import (
    DEFAULT_THEMES,
    SEGMENT_KINDS,
    Agenda,
    QuestionSource,
    Segment,
    Theme,
)
from console.agenda.positions import KeyPath
from console.agenda.reader import (
    SLUG,
    SLUG_LIMIT,
    fmt_minutes,
    is_date,
    show,
    suggest,
    type_name,
)
from console.agenda.validate_questions import (
    MAP_FIELDS,
    QUESTION_KEYS,
    QUESTION_PRESETS,
    QuestionChecks,
)

__all__ = ["MAP_FIELDS", "QUESTION_KEYS", "QUESTION_PRESETS", "build_agenda", "default_wrapup"]
"""The [questions] names are re-exported: they were always read from here."""

TOP_KEYS = ("session", "themes", "segments", "questions")
SESSION_KEYS = (
    "title",
    "series",
    "host",
    "facilitator",
    "date",
    "start",
    "timezone",
    "end",
    "description",
    "staff",
)
FACILITATOR_LIMIT = 80
"""Characters of the facilitator's name (as a session keeps it)."""
SEGMENT_KEYS = (
    "id",
    "title",
    "kind",
    "minutes",
    "wrapup_minutes",
    "talking_points",
    "prompts",
    "auto_advance",
    "carried_item_minutes",
)

_SESSION_REQUIRED = ("title", "start", "timezone")
DEFAULT_KIND = "discussion"
DESCRIPTION_LIMIT = 4_000
MAX_MINUTES = 24 * 60


def default_wrapup(minutes: float) -> float:
    """Two minutes' warning for long segments, one for short ones, half of a tiny one."""
    if minutes >= 10:
        return 2.0
    if minutes > 1:
        return 1.0
    return minutes / 2


def build_agenda(data: dict[str, Any], text: str, path: str, *, name: str) -> Agenda:
    """Check ``data`` (tomllib's output for ``text``) and build the agenda, or raise with all
    problems sorted by position."""
    check = _Checker(text, path)
    check.unknown_keys(data, (), TOP_KEYS, "the top level")
    session = check.session(data)
    segments = check.segments(data)
    themes = check.themes(data)
    questions = check.questions(data)
    if session is not None:
        check.end_fits(session)
    if (
        check.problems
        or session is None
        or any(session[key] is None for key in _SESSION_REQUIRED)
        or segments is None
        or themes is None
    ):
        problems = check.problems or [Problem(path, 1, 1, "not a valid agenda")]
        raise AgendaError(sorted(problems, key=lambda p: (p.line, p.col)))
    return Agenda(
        title=session["title"],
        series=session["series"],
        host=session["host"],
        date=session["date"],
        start=session["start"],
        timezone=session["timezone"],
        end=session["end"],
        description=session["description"],
        facilitator=session["facilitator"],
        staff=session["staff"],
        segments=segments,
        themes=themes,
        questions=questions or QuestionSource(),
        name=name,
    )


def _minutes_of(item: object) -> float | None:
    if not isinstance(item, dict):
        return None
    value = item.get("minutes")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if 0 < value <= MAX_MINUTES else None


@cache
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def _zone_exists(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


class _Checker(QuestionChecks):
    """The agenda's sections, read with the generic readers."""

    def __init__(self, text: str, path: str) -> None:
        super().__init__(text, path)
        self.planned: list[float | None] = []
        """Each segment's minutes when valid, for the check against the session's end."""

    def session(self, data: dict[str, Any]) -> dict[str, Any] | None:
        table = self.table(data, "session", (), required=True, example="[session] with a title")
        if table is None:
            return None
        where, ctx = ("session",), "[session]"
        self.unknown_keys(table, where, SESSION_KEYS, ctx)
        out: dict[str, Any] = {
            "title": self.text(table, "title", where, ctx, required=True),
            "series": self.text(table, "series", where, ctx),
            "host": self.text(table, "host", where, ctx),
            "facilitator": self.text(table, "facilitator", where, ctx, limit=FACILITATOR_LIMIT),
            "description": self.text(
                table, "description", where, ctx, limit=DESCRIPTION_LIMIT, single_line=False
            ),
            "date": self.value(
                table,
                "date",
                where,
                ctx,
                accept=is_date,
                expected="a date like 2025-12-17",
            ),
            "start": self.value(
                table,
                "start",
                where,
                ctx,
                accept=lambda v: isinstance(v, dt.time),
                expected="a time like 15:30:00",
                required=True,
            ),
            "end": self.value(
                table,
                "end",
                where,
                ctx,
                accept=lambda v: isinstance(v, dt.time),
                expected="a time like 16:30:00",
            ),
            "timezone": self.time_zone(table, where, ctx),
            "staff": self.staff(table, where, ctx),
        }
        return out

    def staff(self, table: dict[str, Any], where: KeyPath, ctx: str) -> tuple[str, ...]:
        """Staff names: kept in answers as spoken; each a name, once, as long as a
        facilitator's."""
        out: list[str] = []
        for index, name in enumerate(self.string_list(table, "staff", where, ctx)):
            if len(name) > FACILITATOR_LIMIT:
                self.add(
                    (*where, "staff", index),
                    f'"staff" item is too long (at most {FACILITATOR_LIMIT} characters)',
                )
            elif name.casefold() in {n.casefold() for n in out}:
                self.add((*where, "staff", index), f'"staff" lists {show(name)} twice')
            else:
                out.append(name)
        return tuple(out)

    def time_zone(self, table: dict[str, Any], where: KeyPath, ctx: str) -> str | None:
        if not self.visible(table, "timezone", where, like="America/New_York"):
            return None
        name = self.text(table, "timezone", where, ctx, required=True)
        if name is None or _zone_exists(name):
            return name
        names = _zone_names()
        folded = [zone for zone in names if zone.lower() == name.lower().replace(" ", "_")]
        hint = f" (did you mean {show(folded[0])}?)" if folded else suggest(name, names)
        self.add(
            (*where, "timezone"),
            f"unknown time zone {show(name)}{hint or ' (use an IANA name like America/New_York)'}",
        )
        return None

    def segments(self, data: dict[str, Any]) -> tuple[Segment, ...] | None:
        example = "[[segments]] blocks with id, title and minutes"
        if "segments" not in data:
            self.add((), f"missing segments: an agenda needs at least one ({example})")
            return None
        raw = data["segments"]
        if not isinstance(raw, list):
            self.add(("segments",), f'"segments" must be {example}, not {type_name(raw)}')
            return None
        if not raw:
            self.add(("segments",), f"an agenda needs at least one segment ({example})")
            return None
        built: list[Segment | None] = []
        first_use: dict[str, int] = {}
        self.one_carried_segment(raw)
        self.planned = [_minutes_of(item) for item in raw]
        for index, item in enumerate(raw):
            where: KeyPath = ("segments", index)
            if not isinstance(item, dict):
                self.add(where, f"segment {index + 1} must be a table, not {type_name(item)}")
                built.append(None)
                continue
            segment = self.segment(item, where, index)
            seg_id = item.get("id")
            if isinstance(seg_id, str) and seg_id in first_use:
                line, _ = self.positions.locate(("segments", first_use[seg_id], "id"))
                self.add(
                    (*where, "id"),
                    f"duplicate segment id {show(seg_id)} (first used on line {line})",
                )
                segment = None
            elif isinstance(seg_id, str):
                first_use[seg_id] = index
            built.append(segment)
        if any(segment is None for segment in built):
            return None
        return tuple(segment for segment in built if segment is not None)

    def segment(self, table: dict[str, Any], where: KeyPath, index: int) -> Segment | None:
        ctx = f"[[segments]] number {index + 1}"
        self.unknown_keys(table, where, SEGMENT_KEYS, ctx)
        seg_id = self.slug(table, "id", where, ctx, required=True)
        title = self.text(table, "title", where, ctx, required=True)
        kind = self.kind(table, where, ctx)
        minutes = self.number(
            table,
            "minutes",
            where,
            ctx,
            low=0,
            high=MAX_MINUTES,
            low_inclusive=False,
            required=True,
        )
        wrapup = self.number(
            table, "wrapup_minutes", where, ctx, low=0, high=MAX_MINUTES, low_inclusive=True
        )
        if wrapup is not None and minutes is not None and wrapup >= minutes:
            self.add(
                (*where, "wrapup_minutes"),
                f'"wrapup_minutes" ({fmt_minutes(wrapup)}) must be less than "minutes"'
                f" ({fmt_minutes(minutes)})",
            )
            return None
        talking_points = self.string_list(table, "talking_points", where, ctx)
        prompts = self.string_list(table, "prompts", where, ctx)
        auto_advance = self.value(
            table,
            "auto_advance",
            where,
            ctx,
            accept=lambda v: isinstance(v, bool),
            expected="true or false",
        )
        per_item = self.number(
            table, "carried_item_minutes", where, ctx, low=0, high=MAX_MINUTES, low_inclusive=False
        )
        if seg_id is None or title is None or kind is None or minutes is None:
            return None
        if "wrapup_minutes" in table and wrapup is None:
            return None
        if "carried_item_minutes" in table and per_item is None:
            return None
        return Segment(
            id=seg_id,
            title=title,
            kind=kind,
            minutes=minutes,
            wrapup_minutes=default_wrapup(minutes) if wrapup is None else wrapup,
            talking_points=talking_points,
            prompts=prompts,
            auto_advance=bool(auto_advance),
            carried_item_minutes=per_item,
        )

    def one_carried_segment(self, raw: list[Any]) -> None:
        """Only one segment takes the carried-over items: a second is named where it is."""
        first: int | None = None
        for index, item in enumerate(raw):
            if not isinstance(item, dict) or "carried_item_minutes" not in item:
                continue
            if first is None:
                first = index
                continue
            line, _ = self.positions.locate(("segments", first, "carried_item_minutes"))
            self.add(
                ("segments", index, "carried_item_minutes"),
                '"carried_item_minutes" is set on one segment only (first on line '
                f"{line}): the carried-over items are taken in one segment",
            )

    def kind(self, table: dict[str, Any], where: KeyPath, ctx: str) -> str | None:
        if "kind" not in table:
            return DEFAULT_KIND
        kind = self.text(table, "kind", where, ctx)
        if kind is None or kind in SEGMENT_KINDS:
            return kind
        hint = suggest(kind, SEGMENT_KINDS)
        self.add(
            (*where, "kind"),
            f"unknown segment kind {show(kind)}{hint}; expected one of: {', '.join(SEGMENT_KINDS)}",
        )
        return None

    def themes(self, data: dict[str, Any]) -> tuple[Theme, ...] | None:
        example = '[themes] with lines like drills = "Drills and exercises"'
        table = self.table(data, "themes", (), required=False, example=example)
        if table is None:
            return None if "themes" in data else DEFAULT_THEMES
        themes: list[Theme] = []
        ok = True
        for key in table:
            label = self.text(table, key, ("themes",), "[themes]")
            if not SLUG.match(key) or len(key) > SLUG_LIMIT:
                self.add(
                    ("themes", key),
                    f"theme id {show(key)} must be a short slug of lower-case letters, digits,"
                    " '-' or '_'",
                )
                ok = False
            elif label is None:
                ok = False
            else:
                themes.append(Theme(key, label))
        return tuple(themes) if ok else None

    # -- whole-agenda checks ---------------------------------------------------------------
    def end_fits(self, session: dict[str, Any]) -> None:
        """Compare the planned length with ``end`` whenever the values it needs are sound."""
        end: dt.time | None = session["end"]
        if end is None or session["start"] is None:
            return
        day = session["date"] or dt.date(2000, 1, 1)  # undated: only the times of day matter
        start = dt.datetime.combine(day, session["start"])
        finish = dt.datetime.combine(day, end)
        if finish <= start:
            self.add(
                ("session", "end"),
                f'"end" ({end:%H:%M}) must be after "start" ({session["start"]:%H:%M})',
            )
            return
        if not self.planned or any(minutes is None for minutes in self.planned):
            return
        planned = sum(minutes for minutes in self.planned if minutes is not None)
        runs_to = start + dt.timedelta(minutes=planned)
        if runs_to > finish:
            over = (runs_to - finish).total_seconds() / 60
            self.add(
                ("session", "end"),
                f"segments add up to {fmt_minutes(planned)} min and run to {runs_to:%H:%M},"
                f' past "end" ({end:%H:%M}) by {fmt_minutes(round(over, 2))} min',
            )
