"""Small wording helpers the renderers share, so every format says things the same way."""

from __future__ import annotations

from datetime import datetime

STATUS_WORDS = {
    "new": "not reached",
    "queued": "queued, not reached",
    "live": "cut off while live",
    "answered": "answered",
    "deferred": "deferred (we will follow up)",
    "dismissed": "dismissed",
}

PURGED_WORDS = "askers' names and emails removed (the record is kept)"
"""How a report says that ``facilitator purge`` ran on the session (then when)."""

COUNT_WORDS: tuple[tuple[str, str], ...] = (
    ("questions", "Questions (merged duplicates counted once)"),
    ("questions_answered", "Answered"),
    ("questions_deferred", "Deferred"),
    ("questions_follow_up", "To follow up (deferred and never reached)"),
    ("questions_dismissed", "Dismissed"),
    ("duplicates_merged", "Duplicates merged"),
    ("questions_carried_over", "Carried over from the previous session"),
    ("votes", "Votes"),
    ("notes_concern", "Concerns"),
    ("notes_action", "Action items"),
    ("actions_open", "Action items still open"),
    ("notes_resource", "Resource requests"),
    ("notes_note", "Other notes"),
)


LANGUAGE_WORDS = {"en": "English", "es": "Spanish"}


def language_word(code: str) -> str:
    """``"Spanish"`` for ``es``; a code the form does not offer is shown as it came."""
    return LANGUAGE_WORDS.get(code, code)


def answer_words(public: bool, author: str, answered_at: str | None) -> str:
    """``"Answer for the participants, public, by Dana at 15:32"`` (or for the asker only)."""
    seen = "public" if public else "for the asker only"
    when = f" at {hhmm(answered_at)}" if answered_at else ""
    return f"Answer for the participants, {seen}, by {author}{when}"


def hhmm(iso: str | None) -> str:
    """``"15:32"`` from an ISO timestamp already in the agenda's zone; ``"–"`` for none."""
    if not iso:
        return "–"
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return "–"
    return moment.time().isoformat("minutes")  # strftime("%H:%M") at a fifth of the cost


def planned_words(iso: str) -> str:
    """``"2025-12-17 15:30"`` from an ISO timestamp in the agenda's zone."""
    return f"{iso[:10]} {hhmm(iso)}"


def minutes(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:g} min"


def over_under(value: float | None) -> str:
    """``"+3 min over"``, ``"2.5 min under"``, ``"on time"``; ``"–"`` when it never ran."""
    if value is None:
        return "–"
    if abs(value) < 0.5:
        return "on time"
    return f"{value:+g} min over" if value > 0 else f"{-value:g} min under"


def status_word(status: str) -> str:
    return STATUS_WORDS.get(status, status)


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"
