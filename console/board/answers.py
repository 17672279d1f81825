"""Participant answers: what the participants read back about a question.

A ``participant_answer`` record is an answer written for the asker (``public=False``: only on
the asker's private page) or for everyone (``public=True``: under the question on the
participants' list). It is a record of its own, apart from the ``answer_note`` the ``a`` key
keeps in the moderation record: that note is the facilitator's internal summary and is never
published.

Several answers per question are allowed. Each is editable and deletable through revisions
(a deletion is a tombstone), and any console may write one in its own file: a note-taker's
answer reaches the participants through the facilitator's console, which reads the folder
and pushes it to the form (``console.session.form_sync``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from console.feeds.model import NAME_LIMIT
from console.store import Record
from console.text.clean import clean_text

ANSWER_KIND = "participant_answer"
PARTICIPANT_ANSWER_LIMIT = 5_000
"""The form takes answers up to 5,000 characters (``console.intake.visibility.ANSWER_LIMIT``)."""


@dataclass(frozen=True, slots=True)
class ParticipantAnswer:
    """One answer as the board and the form pusher see it."""

    id: str
    question_key: str
    text: str
    public: bool
    """True: everyone on the list sees it; False: only the asker, on their private page."""
    author: str
    """The name shown with the answer (given when it was written; default the console author)."""
    written_by: str
    """The console author who wrote it first (a note-taker may change only their own)."""
    answered_at: datetime | None
    updated_at: str


def check_text(text: str) -> str:
    """The answer's text cleaned; ``ValueError`` in plain words when empty or too long."""
    body = clean_text(text)
    if not body:
        raise ValueError("Type the answer first.")
    if len(body) > PARTICIPANT_ANSWER_LIMIT:
        raise ValueError(
            f"The answer has {len(body):,} characters; the limit is "
            f"{PARTICIPANT_ANSWER_LIMIT:,}. Shorten it, or split it into two answers."
        )
    return body


def author_name(name: str | None, fallback: str) -> str:
    return clean_text(name, NAME_LIMIT, single_line=True) or fallback


def answer_data(
    question_key: str, text: str, public: bool, author: str, written_by: str, stamp: str
) -> dict[str, Any]:
    return {
        "question_key": question_key,
        "text": text,
        "public": public,
        "author_name": author,
        "written_by": written_by,
        "answered_at": stamp,
    }


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def from_record(record: Record) -> ParticipantAnswer | None:
    """The answer a record holds; None for a tombstone or a payload that is not one.

    Records can come from files copied between machines: one odd field reads as a safe
    default (a ``public`` that is not ``true`` is private), a missing text or question drops it.
    """
    if record.deleted:
        return None
    data = record.data
    key, text = data.get("question_key"), data.get("text")
    if not isinstance(key, str) or not key or not isinstance(text, str) or not text:
        return None
    name, by = data.get("author_name"), data.get("written_by")
    return ParticipantAnswer(
        id=record.id,
        question_key=key,
        text=text,
        public=data.get("public") is True,
        author=name if isinstance(name, str) and name else record.author,
        written_by=by if isinstance(by, str) and by else record.author,
        answered_at=_time(data.get("answered_at")) or _time(record.updated_at),
        updated_at=record.updated_at,
    )
