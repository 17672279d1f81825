"""Where a carried-over action item came from, read from its record.

``facilitator run --follow-up`` carries an earlier session's open action items into the new
session (``console.session.carry_over``); each record keeps ``carried_over`` and a ``carried_from``
mapping, so the note panes can say "carried over from “Office hours” of 2025-12-17"
without opening the earlier session's folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from console.board.question import parse_time
from console.text.clean import clean_text

_SESSION_DAY = re.compile(r"(\d{4}-\d{2}-\d{2})")
CARRIED_TITLE_LIMIT = 80


@dataclass(frozen=True, slots=True)
class CarriedFrom:
    """Where a carried-over action item came from: the earlier session of the series.

    Read from the record's ``carried_from``, which another console wrote: every field is
    cleaned and may be missing (records carried before the title was stored have none).
    """

    session: str | None = None
    title: str | None = None
    started_at: datetime | None = None
    author: str | None = None

    @classmethod
    def from_data(cls, value: Any) -> CarriedFrom:
        if not isinstance(value, dict):
            return cls()

        def text(name: str) -> str | None:
            return clean_text(value.get(name), CARRIED_TITLE_LIMIT, single_line=True) or None

        return cls(
            session=text("session"),
            title=text("title"),
            started_at=parse_time(value.get("started_at")),
            author=text("author"),
        )

    def day(self, tz: tzinfo) -> date | None:
        """The earlier session's day: its start, else the date its id begins with."""
        if self.started_at is not None:
            try:
                return self.started_at.astimezone(tz).date()
            except (OverflowError, ValueError):  # year 1 or 9999 moved across midnight
                pass
        found = _SESSION_DAY.match(self.session or "")
        if not found:
            return None
        try:
            return date.fromisoformat(found.group(1))
        except ValueError:
            return None

    def describe(self, tz: tzinfo) -> str:
        """``carried over from “Office hours” of 2025-12-17``, in the words a note-taker reads."""
        day = self.day(tz)
        when = f" of {day.isoformat()}" if day else ""
        if self.title:
            return f"carried over from “{self.title}”{when}"
        if day:
            return f"carried over from the session of {day.isoformat()}"
        return "carried over from an earlier session"
