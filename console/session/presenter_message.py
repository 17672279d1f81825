"""The facilitator's message to the presenter: one record, the newest wins.

The facilitator's console writes it (a key or the palette: "Wrap up", "Next: questions", or
free text); every presenter's console (``run --role presenter``) reads it from the
facilitator's file through the folder poll and shows it on its message line. It is one
record (kind ``presenter_message``, id ``message``) revised on each send, so the merge's
highest revision is the message showing; clearing is a send of empty text (not a tombstone,
so a later send still wins by revision).

The text is typed by the facilitator, but on a presenter's console it is read from a file:
it is cleaned at both ends (one line, no escapes or control characters, capped).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from console.board.question import parse_time
from console.store import Record
from console.text.clean import clean_text

MESSAGE_KIND = "presenter_message"
MESSAGE_ID = "message"
"""The facilitator's message is the one record of this kind and id in the session."""

MESSAGE_LIMIT = 120
"""Characters of a message: one line a presenter reads at a glance."""

PRESETS: tuple[str, ...] = ("Wrap up", "Next: questions", "Two minutes")
"""The messages offered first (the palette has one entry for each, in ``console.actions``)."""


@dataclass(frozen=True, slots=True)
class PresenterMessage:
    """What the presenter's message line shows: ``text`` ("" when cleared) and when it was
    sent (None when nothing was ever sent)."""

    text: str = ""
    sent_at: datetime | None = None
    rev: int = 0

    @property
    def showing(self) -> bool:
        return bool(self.text)


NO_MESSAGE = PresenterMessage()


def clean_message(text: str) -> str:
    """A message as it is sent and shown: one line, safe, at most ``MESSAGE_LIMIT``."""
    return clean_text(text, MESSAGE_LIMIT, single_line=True)


def from_record(record: Record) -> PresenterMessage:
    """The message a record holds (cleaned: it was read from a file)."""
    if record.deleted:
        return PresenterMessage(rev=record.rev)
    text = record.data.get("text")
    return PresenterMessage(
        clean_message(text if isinstance(text, str) else ""),
        parse_time(record.data.get("sent_at")) or parse_time(record.updated_at),
        record.rev,
    )


def newest(records: Iterable[Record]) -> Record | None:
    """The newest message record among ``records`` (None when there is none)."""
    saved = [r for r in records if r.kind == MESSAGE_KIND and r.id == MESSAGE_ID]
    return max(saved, key=lambda r: (r.rev, r.updated_at), default=None)


def message_record(
    text: str, *, author: str, after: int, now: Callable[[], datetime]
) -> tuple[PresenterMessage, Record]:
    """The next revision (after revision ``after``) of the message record, saying ``text``."""
    sent_at = now()
    message = PresenterMessage(clean_message(text), sent_at, after + 1)
    record = Record(
        kind=MESSAGE_KIND,
        id=MESSAGE_ID,
        author=author,
        rev=message.rev,
        data={"text": message.text, "sent_at": sent_at.isoformat()},
    )
    return message, record


__all__ = [
    "MESSAGE_ID",
    "MESSAGE_KIND",
    "MESSAGE_LIMIT",
    "NO_MESSAGE",
    "PRESETS",
    "PresenterMessage",
    "clean_message",
    "from_record",
    "message_record",
    "newest",
]
