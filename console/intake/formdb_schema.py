"""The form database's tables, and what a row becomes in Python (``form.sqlite3``).

Kept apart from ``formdb`` (the store: its threads, writes and change notices) because the
schema and the row types are what every other part reads: the reads (``formdb_reads``), the
first start and the copy of an old ``intake.json`` (``formdb_open``), the visibility rules
and the API all need ``StoredQuestion`` or ``Decision``, none of them the writes.

The helpers at the end run inside a transaction the caller opened, on whichever thread owns
the connection.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DB_FILE = "form.sqlite3"

WAITING, NOW, ANSWERED, FOLLOW_UP, DISMISSED = (
    "waiting",
    "now_answering",
    "answered",
    "follow_up",
    "dismissed",
)
STATES = (WAITING, NOW, ANSWERED, FOLLOW_UP, DISMISSED)
SCREENED, OPEN = "screened", "open"
MODES = (SCREENED, OPEN)
FORM, CONSOLE = "form", "console"
"""Where a question came from: a participant, or the facilitator typing one heard aloud."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS questions (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL,
    name TEXT,
    display_name INTEGER NOT NULL DEFAULT 0,
    topic TEXT,
    theme_id TEXT,
    language TEXT,
    submitted_at TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT 'form',
    participant TEXT,
    private_token TEXT UNIQUE,
    votes INTEGER NOT NULL DEFAULT 0,
    changed INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS questions_changed ON questions (changed);
CREATE INDEX IF NOT EXISTS questions_participant ON questions (participant);
CREATE TABLE IF NOT EXISTS emails (
    question_id TEXT PRIMARY KEY REFERENCES questions (id),
    email TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS participants (id TEXT PRIMARY KEY, first_seen TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS votes (
    participant TEXT NOT NULL,
    question_id TEXT NOT NULL REFERENCES questions (id),
    voted_at TEXT NOT NULL,
    PRIMARY KEY (participant, question_id)
);
CREATE INDEX IF NOT EXISTS votes_question ON votes (question_id);
CREATE TABLE IF NOT EXISTS carried_voters (
    question_id TEXT NOT NULL REFERENCES questions (id),
    voter TEXT NOT NULL,
    PRIMARY KEY (question_id, voter)
);
CREATE INDEX IF NOT EXISTS carried_voters_voter ON carried_voters (voter);
CREATE TABLE IF NOT EXISTS decisions (
    question_id TEXT PRIMARY KEY REFERENCES questions (id),
    published INTEGER NOT NULL DEFAULT 0,
    hidden INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'waiting',
    duplicate_of TEXT,
    decided_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY,
    question_id TEXT NOT NULL REFERENCES questions (id),
    text TEXT NOT NULL,
    public INTEGER NOT NULL,
    author TEXT,
    answered_at TEXT
);
CREATE INDEX IF NOT EXISTS answers_question ON answers (question_id);
"""

QUESTION_COLUMNS = (
    "seq, id, text, name, display_name, topic, theme_id, language, submitted_at, origin, "
    "participant, private_token, votes, changed"
)


@dataclass(frozen=True, slots=True)
class StoredQuestion:
    """One question as stored (no email: that lives in its own table)."""

    seq: int
    id: str
    text: str
    name: str | None
    display_name: bool
    topic: str | None
    theme_id: str | None
    language: str | None
    submitted_at: str
    origin: str = FORM
    participant: str | None = None
    private_token: str | None = None
    votes: int = 0
    changed: int = 0

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> StoredQuestion:
        (seq, sid, text, name, shown, topic, theme, lang, when, origin, who, token, votes, ch) = row
        return cls(
            seq, sid, text, name, bool(shown), topic, theme, lang, when, origin, who, token,
            votes, ch,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Answer:
    """A participant answer the console pushed: public, or private to the asker."""

    id: str
    text: str
    public: bool
    author: str | None = None
    answered_at: str | None = None

    def to_api(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "public": self.public,
            "author": self.author,
            "answered_at": self.answered_at,
        }


@dataclass(frozen=True, slots=True)
class Decision:
    """What the console decided about one question (the form's copy)."""

    question_id: str
    published: bool = False
    hidden: bool = False
    state: str = WAITING
    duplicate_of: str | None = None
    answers: tuple[Answer, ...] = ()


UNDECIDED_STATE = Decision("")


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything the participant pages show, read in one transaction."""

    questions: tuple[StoredQuestion, ...]
    decisions: Mapping[str, Decision]
    mode_override: str | None = None
    merged_votes: Mapping[str, int] = field(default_factory=dict)
    """Distinct voters of each question of a merged group (or with carried voters); any
    other question shows its own ``votes`` (``console.intake.voters``)."""

    def decision(self, qid: str) -> Decision:
        return self.decisions.get(qid) or Decision(qid)

    def votes(self, q: StoredQuestion) -> int:
        """The "me too" figure shown for ``q``: each voter of its group once."""
        return self.merged_votes.get(q.id, q.votes)

    def question(self, qid: str) -> StoredQuestion | None:
        for q in self.questions:
            if q.id == qid:
                return q
        return None


@dataclass(slots=True)
class DecisionBatch:
    """A validated push from the console (see ``parse_decisions``)."""

    items: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    """``(question id, fields given)``; ``answers`` when given is a tuple of ``Answer``."""
    mode: str | None = None


def now_stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


# -- row helpers (run inside a transaction) ------------------------------------------------
def next_change(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COALESCE(MAX(changed), 0) + 1 FROM questions").fetchone()[0])


def touch_participant(conn: sqlite3.Connection, participant: str, at: str) -> None:
    conn.execute("INSERT OR IGNORE INTO participants VALUES (?, ?)", (participant, at))


def question_by(conn: sqlite3.Connection, column: str, value: object) -> StoredQuestion | None:
    assert column in {"seq", "id", "private_token"}
    row = conn.execute(
        f"SELECT {QUESTION_COLUMNS} FROM questions WHERE {column} = ?",  # noqa: S608
        (value,),
    ).fetchone()
    return StoredQuestion.from_row(row) if row else None


def question_and_decision(
    conn: sqlite3.Connection, qid: str
) -> tuple[StoredQuestion, Decision] | None:
    """A question and its decision (undecided when none), in one statement."""
    columns = ", ".join(f"q.{c.strip()}" for c in QUESTION_COLUMNS.split(","))
    row = conn.execute(
        f"SELECT {columns}, d.question_id, d.published, d.hidden, d.state, d.duplicate_of "  # noqa: S608
        "FROM questions q LEFT JOIN decisions d ON d.question_id = q.id WHERE q.id = ?",
        (qid,),
    ).fetchone()
    if row is None:
        return None
    question, (decided, published, hidden, state, dup) = StoredQuestion.from_row(row[:14]), row[14:]
    if decided is None:
        return question, Decision(qid)
    return question, Decision(qid, bool(published), bool(hidden), state, dup)


def decision_of(conn: sqlite3.Connection, qid: str) -> Decision:
    row = conn.execute(
        "SELECT published, hidden, state, duplicate_of FROM decisions WHERE question_id = ?",
        (qid,),
    ).fetchone()
    if row is None:
        return Decision(qid)
    return Decision(qid, bool(row[0]), bool(row[1]), row[2], row[3])


def missing() -> StoredQuestion:
    raise sqlite3.DatabaseError("the question just written could not be read back")
