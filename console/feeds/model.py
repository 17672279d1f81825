"""The normalised question every feed adapter produces.

Adapters turn a form service's payload into ``FeedQuestion`` values at the boundary, once:
text cleaned and capped, asker name and email kept apart from the text, timestamps
time-zone aware, and an id that stays stable when a response is edited (the service's own
id; for sheets, which only append, the row's position).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

QUESTION_TEXT_LIMIT = 2_000
NAME_LIMIT = 120
EMAIL_LIMIT = 254
TOPIC_LIMIT = 80
LANGUAGE_LIMIT = 16
VOTER_TOKEN = re.compile(r"[0-9a-f]{16}\Z")
"""A voter as the built-in form names it to the console (``console.intake.voters``)."""
MAX_VOTERS = 1_000_000


@dataclass(frozen=True, slots=True)
class FeedQuestion:
    """One question as the source published it (never changed by moderation)."""

    source_id: str
    text: str
    asker: str | None = None
    email: str | None = None
    submitted_at: datetime | None = None
    votes: int | None = None
    topic: str | None = None
    display_name: bool = True
    """Whether the asker agreed to have their name shown (the built-in form asks)."""
    language: str | None = None
    """The language the question was asked in (the built-in form says; ``None``: unknown)."""
    held: bool = False
    """The built-in form found one of its held words in it: it waits for publishing."""
    voters: frozenset[str] | None = None
    """Who voted, as the built-in form's voter tokens (``None``: the source gives a count
    only). The board counts a voter of merged questions once, and a carried question keeps
    them (``console.session.carry_over``)."""

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "id": self.source_id,
            "text": self.text,
            "asker": self.asker,
            "email": self.email,
            "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
            "votes": self.votes,
            "topic": self.topic,
            "display_name": self.display_name,
        }
        if self.language is not None:  # only when set: older caches stay byte-identical
            out["language"] = self.language
        if self.held:
            out["held"] = True
        if self.voters is not None:
            out["voters"] = sorted(self.voters)
        return out

    @classmethod
    def from_json(cls, raw: dict[str, object]) -> FeedQuestion:
        when = raw.get("submitted_at")
        votes = raw.get("votes")
        return cls(
            source_id=str(raw["id"]),
            text=str(raw.get("text") or ""),
            asker=str(raw["asker"]) if raw.get("asker") else None,
            email=str(raw["email"]) if raw.get("email") else None,
            submitted_at=datetime.fromisoformat(when) if isinstance(when, str) else None,
            votes=votes if isinstance(votes, int) and not isinstance(votes, bool) else None,
            topic=str(raw["topic"]) if raw.get("topic") else None,
            display_name=bool(raw.get("display_name", True)),
            language=str(raw["language"])[:LANGUAGE_LIMIT] if raw.get("language") else None,
            held=raw.get("held") is True,
            voters=voter_tokens(raw.get("voters")),
        )


def voter_tokens(value: object) -> frozenset[str] | None:
    """Voter tokens from outside data: the valid ones, or ``None`` when it is not a list."""
    if not isinstance(value, list):
        return None
    return frozenset(v for v in value[:MAX_VOTERS] if isinstance(v, str) and VOTER_TOKEN.match(v))
