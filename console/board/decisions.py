"""The decision log: when each question went live, was answered, deferred, dismissed or merged,
and who decided it.

A ``moderation`` record keeps only a question's newest decision (a merge and a compaction keep
the newest revision alone), so the history is kept apart, in ``decision`` records: one record
per decision, with an id of its own, written once at revision 1 and never revised or deleted
(the store refuses to: ``APPEND_ONLY_KINDS`` in console/store/records.py). They travel in the
same batch as the moderation record they describe, through the same writer, so the log costs
the board no extra write, and a compaction, a merge or a restart keeps every entry.

``entries`` turns one decision (the moderation before and after) into log entries; ``DecisionLog``
holds them per question, in order; ``live_windows`` reads when a question was live from them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any

from console.board.moderation import STATUSES, Moderation
from console.store import DECISION_KIND, Record, new_id

__all__ = ["DECISION_KIND", "EVENTS", "Decision", "DecisionLog", "Window", "live_windows"]

EVENTS: dict[str, str] = {
    "new": "back to new",
    "queued": "queued",
    "live": "went live",
    "answered": "answered",
    "deferred": "deferred",
    "dismissed": "dismissed",
    "restored": "restored",
    "answer_note": "answer note changed",
    "merged": "merged",
    "unmerged": "unmerged",
    "published": "published for the participants",
    "hidden": "hidden from the participants",
}
"""Every event the log records, in the words the console and the report use."""

Window = tuple[datetime, datetime | None]
"""When a question was live: from, until (None: still live, or cut off when the log ends)."""


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _opt(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True, slots=True)
class Decision:
    """One entry of the decision log."""

    id: str
    question_key: str
    event: str
    at: datetime
    by: str
    """The console author who decided (the facilitator's name)."""
    role: str
    number: int
    """The entry's place in its author's log, from 1: orders entries written at one instant."""
    status_from: str | None = None
    status_to: str | None = None
    segment_id: str | None = None
    """The segment it went live or was answered in, when the board knew it."""
    merged_into: str | None = None

    @property
    def words(self) -> str:
        return EVENTS.get(self.event, self.event)

    def to_data(self) -> dict[str, Any]:
        return {
            "question_key": self.question_key,
            "event": self.event,
            "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "by": self.by,
            "role": self.role,
            "number": self.number,
            "from": self.status_from,
            "to": self.status_to,
            "segment_id": self.segment_id,
            "merged_into": self.merged_into,
        }

    @classmethod
    def from_record(cls, record: Record) -> Decision | None:
        """The entry a record holds; None for a tombstone or a payload that is not one (files
        are copied between machines: one odd entry is left out, never fatal)."""
        data = record.data
        key, event, at = data.get("question_key"), data.get("event"), _time(data.get("at"))
        if record.deleted or not isinstance(key, str) or not key or event not in EVENTS:
            return None
        if at is None:
            return None
        number = data.get("number")
        status_from, status_to = data.get("from"), data.get("to")
        return cls(
            id=record.id,
            question_key=key,
            event=str(event),
            at=at,
            by=_opt(data.get("by")) or record.author,
            role=_opt(data.get("role")) or "facilitator",
            number=number if isinstance(number, int) and not isinstance(number, bool) else 0,
            status_from=status_from if status_from in STATUSES else None,
            status_to=status_to if status_to in STATUSES else None,
            segment_id=_opt(data.get("segment_id")),
            merged_into=_opt(data.get("merged_into")),
        )


in_order = attrgetter("at", "by", "number", "id")
"""The log's order: time, then author and their entry's number (for entries of one instant)."""


def events(old: Moderation, new: Moderation) -> list[tuple[str, dict[str, Any]]]:
    """The log events of one change of a question's decision, with their fields.

    Read from the change itself rather than from the key that asked for it, so a question
    sent back to the queue because another went live is logged too (its live window ends).
    """
    out: list[tuple[str, dict[str, Any]]] = []
    if old.status != new.status:
        event = "restored" if old.status == "dismissed" else new.status
        segment = {"live": new.live_segment_id, "answered": new.answered_segment_id}
        fields = {"status_from": old.status, "status_to": new.status}
        out.append((event, {**fields, "segment_id": segment.get(new.status)}))
    elif new.status == "answered" and old.answer_note != new.answer_note:
        out.append(("answer_note", {"status_from": old.status, "status_to": new.status}))
    if old.merged_into != new.merged_into:
        if new.merged_into is None:
            out.append(("unmerged", {"merged_into": old.merged_into}))
        else:
            out.append(("merged", {"merged_into": new.merged_into}))
    if new.published and not old.published:
        out.append(("published", {}))
    if new.hidden and not old.hidden:
        out.append(("hidden", {}))
    return out


def live_windows(log: Iterable[Decision]) -> list[Window]:
    """When a question was live, from its entries (any order): a question can go live more
    than once; one still live when the log ends has an open window (``None``)."""
    windows: list[Window] = []
    start: datetime | None = None
    for entry in sorted(log, key=in_order):
        if entry.status_to == "live" and start is None:
            start = entry.at
        elif entry.status_from == "live" and entry.status_to != "live" and start is not None:
            windows.append((start, entry.at))
            start = None
    if start is not None:
        windows.append((start, None))
    return windows


def answered_at(log: Iterable[Decision]) -> datetime | None:
    """When the question was last marked answered (None: never)."""
    times = [d.at for d in log if d.event == "answered"]
    return max(times, default=None)


class DecisionLog:
    """Every entry of a session's log, by question, in order; safe to feed the same entry twice."""

    def __init__(self) -> None:
        self._of: dict[str, dict[str, Decision]] = {}
        self._seen: set[str] = set()
        self._numbers: dict[str, int] = {}
        """Per author: the highest entry number seen (the next entry gets the one after)."""

    def take(self, record: Record) -> str | None:
        """Keep a ``decision`` record; the question key it is about, None if nothing new.

        An entry already held is passed over before it is parsed: a reader console gets the
        facilitator's whole file again at every change of it."""
        if record.id in self._seen:
            return None
        entry = Decision.from_record(record)
        if entry is None:
            return None
        self._seen.add(record.id)
        self._of.setdefault(entry.question_key, {})[entry.id] = entry
        self._numbers[entry.by] = max(self._numbers.get(entry.by, 0), entry.number)
        return entry.question_key

    def of(self, key: str) -> list[Decision]:
        """One question's entries, oldest first."""
        return sorted(self._of.get(key, {}).values(), key=in_order)

    def all(self) -> list[Decision]:
        """Every entry of the session, oldest first."""
        every = [d for mine in self._of.values() for d in mine.values()]
        return sorted(every, key=in_order)

    def keys(self) -> list[str]:
        return list(self._of)

    def write(
        self, key: str, old: Moderation, new: Moderation, *, by: str, role: str, at: str
    ) -> list[Record]:
        """The records logging one change of ``key``'s decision (none when nothing the log
        keeps changed), taken in at once so numbering goes on from them."""
        out: list[Record] = []
        for event, fields in events(old, new):
            number = self._numbers.get(by, 0) + 1
            moment = _time(at) or datetime.now(UTC)
            entry = Decision(new_id(), key, event, moment, by, role, number, **fields)
            record = Record(DECISION_KIND, entry.id, by, 1, at, False, entry.to_data())
            self.take(record)
            out.append(record)
        return out
