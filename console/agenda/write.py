"""Agendas written out as TOML: the inverse of loading, and the starter file ``agenda new`` writes.

Kept apart from :mod:`console.agenda.load` because only ``facilitator agenda new`` (and the
round-trip tests) write an agenda; reading one never needs ``tomli_w``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import tomli_w

from console.agenda.errors import AgendaError
from console.agenda.load import parse_agenda
from console.agenda.model import DEFAULT_THEMES, Agenda, Segment


def agenda_to_dict(agenda: Agenda) -> dict[str, Any]:
    """The TOML shape of ``agenda``; ``parse_agenda(tomli_w.dumps(...))`` gives it back."""
    session: dict[str, Any] = {"title": agenda.title}
    for key in ("series", "host", "facilitator"):
        if (value := getattr(agenda, key)) is not None:
            session[key] = value
    if agenda.date is not None:
        session["date"] = agenda.date
    session |= {"start": agenda.start, "timezone": agenda.timezone}
    if agenda.end is not None:
        session["end"] = agenda.end
    if agenda.description is not None:
        session["description"] = agenda.description
    if agenda.staff:
        session["staff"] = list(agenda.staff)
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
    if source.participant_list != "screened":
        questions["participant_list"] = source.participant_list
    if source.held_words:
        questions["held_words"] = list(source.held_words)
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
    if segment.carried_item_minutes is not None:
        out["carried_item_minutes"] = segment.carried_item_minutes
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
