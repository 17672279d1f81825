"""The board's view of one question: the source's fields joined with the facilitator's decision.

Kept apart from the board so that renderers (board widget, presenter view, report) can
import the shape without the moderation machinery.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from console.board.answers import ParticipantAnswer
from console.board.moderation import ORIGINS, Moderation, text_hash
from console.feeds.model import FeedQuestion, voter_tokens
from console.store import Record

MANUAL = "manual"
"""The source label of questions typed in by hand."""
FORM_VOTES_KIND = "form_votes"
"""The record of the form's "me too" count (and voters) of a question the console typed in:
kept in the session so the report and the next carry-over have them (id: the board key)."""


def question_key(source: str, source_id: str) -> str:
    """The board key of a question: ``"<source label>:<id>"`` (``"manual:<record id>"``)."""
    return f"{source}:{source_id}"


@dataclass(frozen=True, slots=True)
class Question:
    """What the board shows for one question."""

    key: str
    source: str
    text: str
    asker: str | None
    """``None`` means Anonymous."""
    email: str | None
    display_name: bool
    """Whether the asker agreed to have their name shown (presenter view, report)."""
    submitted_at: datetime | None
    votes: int
    """Feed votes + manual +1s + the votes of duplicates merged under this one (a voter the
    form names in two of them counts once)."""
    topic: str | None
    status: str
    starred: bool
    themes: tuple[str, ...]
    answer_note: str
    origin: str
    arrived_segment_id: str | None
    answered_segment_id: str | None
    merged_into: str | None
    duplicates: tuple[str, ...]
    edited: bool
    """The source changed the text after the facilitator last acted on it."""
    carried_over: bool
    """Brought over from an earlier session of the series."""
    seen: bool
    plus_ones: int
    added_by: str | None
    """The console author who typed a hand-added question in (``None`` for feed ones)."""
    published: bool = False
    """The facilitator published it for the other participants (or it went live)."""
    hidden: bool = False
    """The facilitator hid it from the other participants."""
    held: bool = False
    """It contains a held word (the form's list or the agenda's): it waits for publishing."""
    language: str | None = None
    """The language it was asked in, when the form said (``en``, ``es``)."""
    participant_answers: tuple[ParticipantAnswer, ...] = ()
    """Answers for the participants (public or for the asker), oldest first; never the
    internal ``answer_note``."""
    voters: frozenset[str] = frozenset()
    """The form's voter tokens behind ``votes`` (its own, its duplicates', carried ones)."""


def parse_time(value: Any) -> datetime | None:
    """An ISO timestamp as an aware datetime (naive ones are read as UTC), else ``None``."""
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def sort_time(q: Question) -> float:
    """Sort key for "newest first"; questions without a time sort as the oldest."""
    return q.submitted_at.timestamp() if q.submitted_at else float("-inf")


def carried_votes(data: dict[str, Any]) -> int:
    """The votes a question carried over from an earlier session had there (else 0).

    ``console.session.carry_over`` writes them in ``carried_from``; they count on the new
    board like a feed question's votes, and a later carry-over takes the new total along, so
    a vote counts once across the series.
    """
    origin = data.get("carried_from")
    votes = origin.get("votes") if isinstance(origin, dict) else None
    if isinstance(votes, bool) or not isinstance(votes, int) or votes < 0:
        return 0
    return votes


def carried_voters(data: dict[str, Any]) -> frozenset[str]:
    """The form's voter tokens among a carried question's votes (``carried_from.voters``):
    sent to the next session's form, so those voters count once and cannot vote again."""
    origin = data.get("carried_from")
    found = voter_tokens(origin.get("voters")) if isinstance(origin, dict) else None
    return found or frozenset()


def from_feed(
    key: str,
    fq: FeedQuestion,
    mod: Moderation,
    votes: int,
    dups: tuple[str, ...],
    seen: bool,
    *,
    held: bool = False,
    answers: tuple[ParticipantAnswer, ...] = (),
    voters: frozenset[str] = frozenset(),
) -> Question:
    return Question(
        key=key,
        source=key[: len(key) - len(fq.source_id) - 1],
        text=fq.text,
        asker=fq.asker or None,
        email=fq.email,
        display_name=fq.display_name,
        submitted_at=fq.submitted_at,
        votes=votes,
        topic=fq.topic,
        status=mod.status,
        starred=mod.starred,
        themes=mod.themes,
        answer_note=mod.answer_note,
        origin="form",
        arrived_segment_id=mod.arrived_segment_id,
        answered_segment_id=mod.answered_segment_id,
        merged_into=mod.merged_into,
        duplicates=dups,
        edited=mod.text_hash is not None and mod.text_hash != text_hash(fq.text),
        carried_over=mod.carried_over,
        seen=seen,
        plus_ones=mod.plus_ones,
        added_by=None,
        published=mod.published,
        hidden=mod.hidden,
        held=held or fq.held,
        language=fq.language,
        participant_answers=answers,
        voters=voters,
    )


def from_manual(
    key: str,
    rec: Record,
    mod: Moderation,
    votes: int,
    dups: tuple[str, ...],
    seen: bool,
    *,
    held: bool = False,
    answers: tuple[ParticipantAnswer, ...] = (),
    voters: frozenset[str] = frozenset(),
) -> Question:
    data = rec.data
    text = data.get("text")
    asker = data.get("asker")
    origin = data.get("origin")
    segment = data.get("segment_id")
    return Question(
        key=key,
        source=MANUAL,
        text=text if isinstance(text, str) else "",
        asker=asker if isinstance(asker, str) and asker else None,
        email=None,
        display_name=data.get("display_name") is True,
        submitted_at=parse_time(data.get("created_at")) or parse_time(rec.updated_at),
        votes=votes,
        topic=None,
        status=mod.status,
        starred=mod.starred,
        themes=mod.themes,
        answer_note=mod.answer_note,
        origin=origin if isinstance(origin, str) and origin in ORIGINS else "other",
        arrived_segment_id=segment if isinstance(segment, str) else mod.arrived_segment_id,
        answered_segment_id=mod.answered_segment_id,
        merged_into=mod.merged_into,
        duplicates=dups,
        edited=False,
        carried_over=mod.carried_over or data.get("carried_over") is True,
        seen=seen,
        plus_ones=mod.plus_ones,
        added_by=rec.author,
        published=mod.published,
        hidden=mod.hidden,
        held=held,
        participant_answers=answers,
        voters=voters,
    )
