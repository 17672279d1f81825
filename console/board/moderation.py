"""The facilitator's decision about one question, and the rules for changing it.

The decision is kept apart from the question itself: the form is only ever read, so what
the facilitator decides lives in a ``moderation`` record keyed by the question key. This
module holds that record's payload (``Moderation``) and the transition table, so the
rules can be read in one place and tested without a board.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

STATUSES: tuple[str, ...] = ("new", "queued", "live", "answered", "deferred", "dismissed")
"""Every moderation status, in the order a question usually moves through them."""

ORIGINS: tuple[str, ...] = ("form", "chat", "aloud", "email", "carried", "other")
"""Where a question came from; feed questions are ``form``, hand-typed ones say which."""

ROLES: tuple[str, ...] = ("facilitator", "notes")

ANSWER_NOTE_LIMIT = 4_000

# -- what participants read --------------------------------------------------------------------
# The one place the board's statuses become the participants' states. The ids are the form's
# own (``console.intake.formdb.STATES``; a test keeps them in step), the words what its pages say.
WAITING, NOW_ANSWERING, ANSWERED, FOLLOW_UP, DISMISSED = (
    "waiting",
    "now_answering",
    "answered",
    "follow_up",
    "dismissed",
)
PARTICIPANT_STATES: dict[str, str] = {
    "new": WAITING,
    "queued": WAITING,  # to be taken: for the participant, still waiting
    "live": NOW_ANSWERING,
    "answered": ANSWERED,
    "deferred": FOLLOW_UP,  # "we will follow up"
    "dismissed": DISMISSED,  # gone from the list; its asker reads "Received"
}
PARTICIPANT_WORDS: dict[str, str] = {
    WAITING: "Waiting",
    NOW_ANSWERING: "Now answering",
    ANSWERED: "Answered",
    FOLLOW_UP: "We will follow up",
    DISMISSED: "Received (not on the list)",
}
"""The states in the words participants read (the form's English), for the console to show."""
PARTICIPANT_LISTS: tuple[str, ...] = ("screened", "open")


def participant_state(status: str) -> str:
    """The participants' state for a board status (an unknown status reads as waiting)."""
    return PARTICIPANT_STATES.get(status, WAITING)


# action -> (statuses it may start from, status it leads to). ``restore`` is special: it
# returns to the status the question had before it was dismissed.
_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "queue": (frozenset({"new", "live", "answered", "deferred"}), "queued"),
    "go_live": (frozenset({"new", "queued", "answered", "deferred"}), "live"),
    "answer": (frozenset({"new", "queued", "live", "deferred", "answered"}), "answered"),
    "defer": (frozenset({"new", "queued", "live", "answered"}), "deferred"),
    "dismiss": (frozenset({"new", "queued", "live", "answered", "deferred"}), "dismissed"),
    "restore": (frozenset({"dismissed"}), ""),
}

_VERBS = {
    "queue": "queue",
    "go_live": "put live",
    "answer": "answer",
    "defer": "defer",
    "dismiss": "dismiss",
    "restore": "restore",
}


def check_transition(action: str, status: str) -> str:
    """The status ``action`` leads to from ``status``; ``ValueError`` in plain words if not."""
    allowed, target = _TRANSITIONS[action]
    if status in allowed:
        return target
    verb = _VERBS[action]
    if status == target:
        raise ValueError(f"This question is already {status}.")
    if status == "dismissed":
        raise ValueError(f"Cannot {verb} a dismissed question: restore it first.")
    if action == "restore":
        raise ValueError(f"Only a dismissed question can be restored; this one is {status}.")
    raise ValueError(f"Cannot {verb} a question that is {status}.")


def text_hash(text: str) -> str:
    """A short fingerprint of a question's text, to notice when the form edits it later."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True, slots=True)
class Moderation:
    """The payload of one ``moderation`` record (a facilitator's decision)."""

    status: str = "new"
    before_dismissal: str | None = None
    """The status to go back to when a dismissed question is restored."""
    starred: bool = False
    themes: tuple[str, ...] = ()
    answer_note: str = ""
    merged_into: str | None = None
    plus_ones: int = 0
    arrived_segment_id: str | None = None
    live_segment_id: str | None = None
    answered_segment_id: str | None = None
    seen: bool = False
    text_hash: str | None = None
    """Fingerprint of the text the decision was taken on (``edited`` compares against it)."""
    carried_over: bool = False
    published: bool = False
    """Shown to the other participants (``publish``; also set when the question goes live)."""
    hidden: bool = False
    """Kept off the other participants' list (``hide``), in either mode."""

    @property
    def decided(self) -> bool:
        """Whether the facilitator decided anything about the question.

        Having looked at it (``seen``) or the segment it arrived in are no decision: a
        question with only those is let go when the form stops listing it.
        """
        return (
            self.status != "new"
            or self.starred
            or bool(self.themes)
            or bool(self.answer_note)
            or self.merged_into is not None
            or self.plus_ones > 0
            or self.carried_over
            or self.published
            or self.hidden
        )

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Moderation:
        """Read a stored payload; anything malformed falls back to a safe default.

        Records can come from files copied between machines, so one odd field must not
        take the board down: an unknown status reads as ``new``, bad counts as zero.
        """
        status = data.get("status")
        before = data.get("before_dismissal")
        themes = data.get("themes")
        plus = data.get("plus_ones")
        note = data.get("answer_note")
        return cls(
            status=status if status in STATUSES else "new",
            before_dismissal=before if before in STATUSES and before != "dismissed" else None,
            starred=data.get("starred") is True,
            themes=tuple(t for t in themes if isinstance(t, str) and t)
            if isinstance(themes, list)
            else (),
            answer_note=note if isinstance(note, str) else "",
            merged_into=_str_or_none(data.get("merged_into")),
            plus_ones=plus
            if isinstance(plus, int) and not isinstance(plus, bool) and plus > 0
            else 0,
            arrived_segment_id=_str_or_none(data.get("arrived_segment_id")),
            live_segment_id=_str_or_none(data.get("live_segment_id")),
            answered_segment_id=_str_or_none(data.get("answered_segment_id")),
            seen=data.get("seen") is True,
            text_hash=_str_or_none(data.get("text_hash")),
            carried_over=data.get("carried_over") is True,
            published=data.get("published") is True,
            hidden=data.get("hidden") is True,
        )

    def to_data(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "before_dismissal": self.before_dismissal,
            "starred": self.starred,
            "themes": list(self.themes),
            "answer_note": self.answer_note,
            "merged_into": self.merged_into,
            "plus_ones": self.plus_ones,
            "arrived_segment_id": self.arrived_segment_id,
            "live_segment_id": self.live_segment_id,
            "answered_segment_id": self.answered_segment_id,
            "seen": self.seen,
            "text_hash": self.text_hash,
            "carried_over": self.carried_over,
            "published": self.published,
            "hidden": self.hidden,
        }
