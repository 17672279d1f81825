"""Small wording helpers the renderers share, so every format says things the same way."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.report.model import ReportData

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


def times_words(windows: Sequence[tuple[str, str | None]], answered_at: str | None) -> str:
    """``"live 15:52–15:55 and 16:10–16:12; answered 15:55"`` from ISO times in the agenda's
    zone ("" when the decision log has neither)."""
    spans = [
        f"{hhmm(start)}–{hhmm(end)}" if end else f"from {hhmm(start)} (still live at the end)"
        for start, end in windows
    ]
    bits = [f"live {' and '.join(spans)}"] if spans else []
    if answered_at:
        bits.append(f"answered {hhmm(answered_at)}")
    return "; ".join(bits)


def note_words(kind: str, author: str, owner: str | None, due: str | None, done: bool) -> str:
    """What the question block says about one of its notes: ``"action, Ana Ruiz, due …"``."""
    bits = [kind, author]
    if kind == "action":
        bits += [*([f"owner {owner}"] if owner else []), *([f"due {due}"] if due else [])]
        bits.append("done" if done else "open")
    return ", ".join(bits)


def status_word(status: str) -> str:
    return STATUS_WORDS.get(status, status)


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def meta_rows(
    data: ReportData, extra: Sequence[tuple[str, str | None]] = ()
) -> list[tuple[str, str]]:
    """The report's header facts that have a value, in the order every format shows them
    (``extra`` goes before the time zone, which comes last)."""
    planned = (
        f"{planned_words(data.planned_for)} (held on another day; the planned times "
        "follow the actual start)"
        if data.planned_for
        else None
    )
    rows: list[tuple[str, str | None]] = [
        ("Date", data.date),
        ("Planned for", planned),
        ("Host", data.host),
        ("Facilitator", data.facilitator),
        ("Series", data.series),
        ("Session", data.session_id),
        ("Follows up on", data.follow_up_of),
        *extra,
        ("Times", data.timezone),
    ]
    return [(k, v) for k, v in rows if v]
