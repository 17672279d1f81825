"""The form database's read queries: the board's "what changed after", emails for the
token-holding API, and the snapshot the participant pages are rendered from.

Kept apart from ``formdb`` (the store, which owns the threads and the writes) so the queries
can be read on their own: each function takes a connection and runs inside the read
transaction ``FormDB`` opens for it on its reader thread, never on the event loop.
"""

from __future__ import annotations

import sqlite3

from console.intake.formdb_schema import (
    QUESTION_COLUMNS,
    Answer,
    Decision,
    Snapshot,
    StoredQuestion,
)

COUNTED_TABLES = (
    "questions",
    "votes",
    "participants",
    "emails",
    "decisions",
    "answers",
    "carried_voters",
)


def questions_after(conn: sqlite3.Connection, change: int, limit: int) -> list[StoredQuestion]:
    """Questions new or changed after ``change``, in change order (for the board)."""
    rows = conn.execute(
        f"SELECT {QUESTION_COLUMNS} FROM questions WHERE changed > ? "  # noqa: S608
        "ORDER BY changed LIMIT ?",
        (change, limit),
    ).fetchall()
    return [StoredQuestion.from_row(r) for r in rows]


def emails_of(conn: sqlite3.Connection, wanted: list[str]) -> dict[str, str]:
    """The emails of these questions, 500 ids per query."""
    out: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT question_id, email FROM emails WHERE question_id IN ({marks})",  # noqa: S608
            chunk,
        ).fetchall()
        out.update(dict(rows))
    return out


def read_snapshot(conn: sqlite3.Connection) -> Snapshot:
    """Every question with its decision and answers (the mode is added by the store)."""
    rows = conn.execute(
        f"SELECT {QUESTION_COLUMNS} FROM questions ORDER BY seq"  # noqa: S608
    ).fetchall()
    answers: dict[str, list[Answer]] = {}
    for qid, aid, text, public, author, when in conn.execute(
        "SELECT question_id, id, text, public, author, answered_at FROM answers "
        "ORDER BY answered_at, rowid"
    ):
        answers.setdefault(qid, []).append(Answer(aid, text, bool(public), author, when))
    decisions = {
        qid: Decision(qid, bool(pub), bool(hid), state, dup, tuple(answers.get(qid, ())))
        for qid, pub, hid, state, dup in conn.execute(
            "SELECT question_id, published, hidden, state, duplicate_of FROM decisions"
        )
    }
    return Snapshot(tuple(StoredQuestion.from_row(r) for r in rows), decisions)


def votes_of(conn: sqlite3.Connection, participant: str) -> frozenset[str]:
    """The questions this participant said "me too" to."""
    rows = conn.execute(
        "SELECT question_id FROM votes WHERE participant = ?", (participant,)
    ).fetchall()
    return frozenset(r[0] for r in rows)


def row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per table (for tests and the operator)."""
    return {
        n: int(conn.execute(f"SELECT COUNT(*) FROM {n}").fetchone()[0])  # noqa: S608
        for n in COUNTED_TABLES
    }
