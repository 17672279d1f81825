"""What ``session.json`` says about a session: ``SessionInfo``, read and written as JSON.

``session.json`` is the one file of a session folder that is not an author's records, and the
facilitator's console is its only writer (``console/store/folders.py`` writes it atomically).
Its parsing lives apart from the folder because everything that lists, finds or reports on
sessions reads it, and because it must stay lenient with older and hand-edited files: every
field added later reads as ``None`` when absent, text is cleaned on the way in, and a file
from a newer console is refused (``StoreTooNew``) rather than rewritten without the fields it
does not know. The names of the folder's files that are not author files are here too, so the
folder and its readers agree on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from console.store.errors import StoreTooNew
from console.text.clean import clean_text

SESSION_SCHEMA_VERSION = 1
"""The layout of ``session.json``, apart from the author files' (``schema.SCHEMA_VERSION``):
the decision log moved those to 2 and left this file as it was, so an older console still
opens the session and reads the files it can."""

SESSION_FILE = "session.json"
FEED_CACHE_FILE = "feed-cache.json"
"""The facilitator's copy of the last good feed: data, not an author's records."""
NOT_AUTHOR_FILES = frozenset({SESSION_FILE, FEED_CACHE_FILE})
FORM_FIELDS = ("form_port", "form_host", "form_public_url", "form_link", "form_url")
"""The question form's link as chosen for the session (``console.session.form_plan``), and
the address the facilitator's console last served it at (``form_url``, for note-takers)."""
TITLE_LIMIT = 200
NAME_LIMIT = 80
URL_LIMIT = 500


def _parse_time(value: object, field: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{field} is not a date-time string")
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.astimezone()


def _port(value: object) -> int | None:
    """A saved port; anything else (an older or hand-edited file) reads as none chosen yet."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 65536:
        return value
    return None


def _short_text(value: object, limit: int = NAME_LIMIT) -> str | None:
    if not isinstance(value, str):
        return None
    return clean_text(value, limit, single_line=True) or None


def _web_address(value: object) -> str | None:
    """An http(s) address from ``session.json`` (cleaned, one line); None for anything else."""
    text = clean_text(value, URL_LIMIT, single_line=True) if isinstance(value, str) else ""
    return text if text.startswith(("http://", "https://")) and " " not in text else None


def aware(moment: datetime) -> datetime:
    """``moment`` with a time zone (the local one if it had none): ``session.json`` keeps only
    aware times, so callers handing in a naive one get it read as local time."""
    return moment if moment.tzinfo else moment.astimezone()


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """What ``session.json`` says about a session (text fields already cleaned)."""

    id: str
    path: Path
    title: str
    agenda: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    rehearsal: bool
    facilitator: str
    follow_up_of: str | None
    timezone: str | None = None
    """The agenda's IANA time zone when the session was created (``None`` in older sessions):
    lists say when a session was held in the zone the console showed."""
    planned_start: datetime | None = None
    """When the session was planned to start, if its agenda has no date of its own (decided
    when the session was created); ``None`` when the agenda's date and start say it."""
    purged_at: datetime | None = None
    """When ``facilitator purge`` last removed askers' names and emails (None: never)."""
    form_port: int | None = None
    """The local question form's port, chosen once and reused on resume (None: none yet, or
    a hosted form only)."""
    form_host: str | None = None
    """The address the local form listens on (``127.0.0.1``, or ``0.0.0.0`` for a LAN link)."""
    form_public_url: str | None = None
    """The address participants use when it is not the local form's own: a hosted form the
    console follows (no port), or a proxy or tunnel in front of the local form (with a port)."""
    form_link: str | None = None
    """The link participants hold (in the invitation): it must keep working on resume."""
    form_url: str | None = None
    """The address the facilitator's console serves the session's question form at (None:
    it has served none), so a note-taker's console can show the link too."""

    def to_json(self) -> dict[str, Any]:
        def iso(moment: datetime | None) -> str | None:
            return None if moment is None else moment.isoformat()

        out: dict[str, Any] = {
            "schema_version": SESSION_SCHEMA_VERSION,
            "id": self.id,
            "title": self.title,
            "agenda": self.agenda,
            "created_at": iso(self.created_at),
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
            "rehearsal": self.rehearsal,
            "facilitator": self.facilitator,
            "follow_up_of": self.follow_up_of,
            "timezone": self.timezone,
            "planned_start": iso(self.planned_start),
        }
        if self.purged_at is not None:  # absent until a purge: older files stay byte-identical
            out["purged_at"] = iso(self.purged_at)
        for key in FORM_FIELDS:  # absent until the console chose the form's link
            if (value := getattr(self, key)) is not None:
                out[key] = value
        return out

    @classmethod
    def from_json(cls, raw: Mapping[str, Any], path: Path) -> SessionInfo:
        """Parse ``session.json``; ``ValueError`` when it is not one, ``StoreTooNew`` if newer."""
        version = raw.get("schema_version", 1)
        if not isinstance(version, int) or isinstance(version, bool):
            raise ValueError("schema_version is not a whole number")
        if version > SESSION_SCHEMA_VERSION:
            raise StoreTooNew(path / SESSION_FILE, version, SESSION_SCHEMA_VERSION)
        created = _parse_time(raw.get("created_at"), "created_at")
        if created is None:
            raise ValueError("created_at is missing")
        follow = raw.get("follow_up_of")
        zone = raw.get("timezone")
        return cls(
            id=clean_text(raw.get("id") or path.name, NAME_LIMIT, single_line=True),
            path=path,
            title=clean_text(raw.get("title"), TITLE_LIMIT, single_line=True),
            agenda=clean_text(raw.get("agenda"), NAME_LIMIT, single_line=True),
            created_at=created,
            started_at=_parse_time(raw.get("started_at"), "started_at"),
            finished_at=_parse_time(raw.get("finished_at"), "finished_at"),
            rehearsal=bool(raw.get("rehearsal", False)),
            facilitator=clean_text(raw.get("facilitator"), NAME_LIMIT, single_line=True),
            follow_up_of=None
            if follow is None
            else clean_text(follow, NAME_LIMIT, single_line=True),
            timezone=(clean_text(zone, NAME_LIMIT, single_line=True) or None) if zone else None,
            planned_start=_parse_time(raw.get("planned_start"), "planned_start"),
            purged_at=_parse_time(raw.get("purged_at"), "purged_at"),
            form_port=_port(raw.get("form_port")),
            form_host=_short_text(raw.get("form_host")),
            form_public_url=_short_text(raw.get("form_public_url"), 2_000),
            form_link=_short_text(raw.get("form_link"), 2_000),
            form_url=_web_address(raw.get("form_url")),
        )
