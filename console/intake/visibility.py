"""Who sees what on the participant pages, and the console's decision pushes: pure functions.

The rules (docs/intake.md, "The participants' list"):

- ``screened`` (the default): another participant sees a question only once it is published;
  ``open``: at once, unless hidden. A question with a held word waits for publishing in both.
- Hidden or dismissed questions are never shown to others; the asker sees "received".
- A duplicate shows its primary's state and public answers.
- Names only when the asker chose "show my name"; emails never (they are not even read here).
- The list shows public answers; the asker's private page adds answers private to them.
- A merged primary and its duplicates show one "me too" figure: each voter once
  (``Snapshot.votes``, ``console.intake.voters``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from console.intake.cleaning import clean_text
from console.intake.formdb_schema import (
    ANSWERED,
    DISMISSED,
    FOLLOW_UP,
    MODES,
    NOW,
    SCREENED,
    STATES,
    WAITING,
    Answer,
    Decision,
    DecisionBatch,
    Snapshot,
    StoredQuestion,
)
from console.text.words import contains_word, word_matcher

RECEIVED = "received"
"""What the asker sees for a question others do not (yet) see."""
STATE_ALIASES = {
    "now answering": NOW,
    "now-answering": NOW,
    "we will follow up": FOLLOW_UP,
    "follow up": FOLLOW_UP,
    "follow-up": FOLLOW_UP,
}
MAX_BATCH = 1000
ANSWER_LIMIT = 5000


class DecisionError(ValueError):
    """A push the form cannot apply (the whole batch is refused)."""


# -- held words (one definition with the board's: console.text.words) -------------------------
def held_matcher(words: Iterable[str]) -> re.Pattern[str] | None:
    """A case-insensitive whole-word pattern for the held words (None: no list)."""
    return word_matcher(words)


def is_held(text: str, matcher: re.Pattern[str] | None) -> bool:
    return contains_word(text, matcher)


# -- the console's pushes --------------------------------------------------------------------
def parse_state(value: object) -> str:
    if not isinstance(value, str):
        raise DecisionError("state must be a string")
    key = value.strip().casefold()
    key = STATE_ALIASES.get(key, key)
    if key not in STATES:
        raise DecisionError(f"state must be one of {', '.join(STATES)}")
    return key


def parse_mode(value: object) -> str:
    if value not in MODES:
        raise DecisionError(f"mode must be one of {', '.join(MODES)}")
    return str(value)


def _text(value: object, what: str, limit: int, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or (not optional and not value.strip()) or len(value) > limit:
        raise DecisionError(f"{what} must be a string of up to {limit} characters")
    return value


def parse_answer(raw: object) -> Answer:
    if not isinstance(raw, Mapping):
        raise DecisionError("each answer must be an object")
    aid = _text(raw.get("id"), "answer id", 200)
    text = clean_text(_text(raw.get("text"), "answer text", ANSWER_LIMIT))
    public = raw.get("public", True)
    if not isinstance(public, bool):
        raise DecisionError("answer 'public' must be true or false")
    author = _text(raw.get("author"), "answer author", 200, optional=True)
    when = _text(raw.get("answered_at"), "answered_at", 64, optional=True)
    assert aid is not None
    return Answer(aid, text, public, clean_text(author, single_line=True) if author else None, when)


def parse_decisions(data: object) -> DecisionBatch:
    """``{"mode"?: ..., "decisions": [{"id": ..., "published"?, "hidden"?, "state"?,
    "duplicate_of"?, "answers"?: [...]}]}`` (or a bare list); ``DecisionError`` if bad."""
    mode = None
    if isinstance(data, Mapping):
        if "mode" in data:
            mode = parse_mode(data["mode"])
        items = data.get("decisions", [])
    else:
        items = data
    if not isinstance(items, list) or len(items) > MAX_BATCH:
        raise DecisionError(f"decisions must be a list of at most {MAX_BATCH} objects")
    batch = DecisionBatch(mode=mode)
    seen_answers: set[str] = set()
    for raw in items:
        if not isinstance(raw, Mapping):
            raise DecisionError("each decision must be an object")
        qid = _text(raw.get("id", raw.get("question_id")), "id", 200)
        assert qid is not None
        given: dict[str, Any] = {}
        for flag in ("published", "hidden"):
            if flag in raw:
                if not isinstance(raw[flag], bool):
                    raise DecisionError(f"{flag} must be true or false")
                given[flag] = raw[flag]
        if "state" in raw:
            given["state"] = parse_state(raw["state"])
        if "duplicate_of" in raw:
            dup = _text(raw["duplicate_of"], "duplicate_of", 200, optional=True)
            if dup == qid:
                raise DecisionError("a question cannot be a duplicate of itself")
            given["duplicate_of"] = dup or None
        if "answers" in raw:
            if not isinstance(raw["answers"], list):
                raise DecisionError("answers must be a list")
            answers = tuple(parse_answer(a) for a in raw["answers"])
            for a in answers:
                if a.id in seen_answers:
                    raise DecisionError(f"answer id {a.id!r} is given twice")
                seen_answers.add(a.id)
            given["answers"] = answers
        batch.items.append((qid, given))
    return batch


# -- what a participant sees ----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Entry:
    """One question as one participant sees it."""

    question: StoredQuestion
    state: str
    """``waiting``, ``now_answering``, ``answered``, ``follow_up`` or ``received``."""
    answers: tuple[Answer, ...]
    mine: bool
    voted: bool
    shown_name: str | None
    duplicate_of: StoredQuestion | None = None
    public: bool = True
    """Others see it too (False: only the asker, in "your questions")."""
    votes: int = 0
    """The "me too" figure: each voter of the question's merged group once."""


def effective_mode(snapshot: Snapshot, configured: str) -> str:
    return snapshot.mode_override or configured


def visible_to_others(
    q: StoredQuestion, d: Decision, mode: str, held: re.Pattern[str] | None
) -> bool:
    if d.hidden or d.state == DISMISSED:
        return False
    if mode == SCREENED or is_held(q.text, held):
        return d.published
    return True


def _state_and_answers(
    q: StoredQuestion, snapshot: Snapshot, *, private: bool
) -> tuple[str, tuple[Answer, ...], StoredQuestion | None]:
    d = snapshot.decision(q.id)
    primary = snapshot.question(d.duplicate_of) if d.duplicate_of else None
    own = tuple(a for a in d.answers if a.public or private)
    if primary is None:
        return d.state, own, None
    pd = snapshot.decision(primary.id)
    theirs = tuple(a for a in pd.answers if a.public)
    state = pd.state if pd.state != DISMISSED else d.state
    return state, own + theirs, primary


def entry_for(
    q: StoredQuestion,
    snapshot: Snapshot,
    *,
    mode: str,
    held: re.Pattern[str] | None,
    participant: str | None,
    voted: frozenset[str] = frozenset(),
    private: bool = False,
) -> Entry:
    """How ``q`` looks to ``participant`` (``private``: on the asker's private page)."""
    d = snapshot.decision(q.id)
    mine = participant is not None and q.participant == participant
    public = visible_to_others(q, d, mode, held)
    state, answers, primary = _state_and_answers(q, snapshot, private=private)
    if not public or d.state == DISMISSED:
        state = RECEIVED if d.state in {WAITING, DISMISSED} or d.hidden else state
    if not public and not private:
        answers = ()
    name = q.name if (q.display_name and q.name) else None
    return Entry(q, state, answers, mine, q.id in voted, name, primary, public, snapshot.votes(q))


_ORDER = {NOW: 0, WAITING: 1, FOLLOW_UP: 2, RECEIVED: 3, ANSWERED: 4}


def list_order(e: Entry) -> tuple[int, int, int]:
    """Now answering first, then by votes (most first), then oldest first; answered last."""
    return (_ORDER.get(e.state, 1), -e.votes, e.question.seq)


def list_parts(
    snapshot: Snapshot, *, mode: str, held: re.Pattern[str] | None
) -> tuple[list[Entry], dict[str, list[Entry]]]:
    """The list as no one in particular sees it: ``(the entries everyone sees, in list order;
    by participant, their questions others do not see)``. Personal marks (``mine``,
    ``voted``) are all off; ``for_participant`` puts them on."""
    shared: list[Entry] = []
    unseen: dict[str, list[Entry]] = {}
    for q in snapshot.questions:
        e = entry_for(q, snapshot, mode=mode, held=held, participant=None)
        if e.public:
            shared.append(e)
        elif q.participant is not None:
            unseen.setdefault(q.participant, []).append(e)
    shared.sort(key=list_order)
    return shared, unseen


def for_participant(e: Entry, participant: str | None, voted: frozenset[str]) -> Entry:
    """``e`` as ``participant`` sees it: their own question, one they said "me too" to."""
    mine = participant is not None and e.question.participant == participant
    if not mine and e.question.id not in voted:
        return e
    return replace(e, mine=mine, voted=e.question.id in voted)


def participant_list(
    snapshot: Snapshot,
    *,
    mode: str,
    held: re.Pattern[str] | None,
    participant: str | None,
    voted: frozenset[str] = frozenset(),
) -> tuple[list[Entry], list[Entry]]:
    """``(the list everyone sees, this participant's own questions others do not see)``.

    The list: now answering first, then by votes (most first), then oldest first; answered
    questions last.
    """
    shared, unseen = list_parts(snapshot, mode=mode, held=held)
    own = unseen.get(participant, []) if participant is not None else []
    return (
        [for_participant(e, participant, voted) for e in shared],
        [for_participant(e, participant, voted) for e in own],
    )
