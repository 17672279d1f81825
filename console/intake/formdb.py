"""The form's own data in one SQLite file in WAL mode (``<intake folder>/form.sqlite3``).

What participants create lives here: questions, votes, participant ids and private links;
beside them, a copy of the decisions the console pushes (published, hidden, state,
duplicate_of, answers), which the form only shows. Emails are kept in their own table, never
joined into a question row.

Why SQLite in WAL mode: the form takes many small writes from many people at once (a vote is
one row). A JSON file rewritten on every change costs a whole-file write and fsync per vote;
WAL appends one small record per commit, readers never block the writer, and a commit that
returned survives a kill of the process (``synchronous=NORMAL``: the WAL is written at every
commit, and synced by a checkpoint thread at most a second later; ``formdb_writer`` says why).

Every write is one short transaction on the event loop, through one connection
(``formdb_writer``: a write on a thread waited for the GIL at every statement); reads go
through one reader thread (another connection), off the loop. Cursors for the
board are ``<epoch>.<change>``: ``change`` is a per-question sequence bumped when the
question arrives and whenever its vote count changes, so a long-poll ``after`` a cursor
returns new questions and ones whose votes moved (the board merges by id).

This module is the store: its threads, its writes and its change notices. The tables and
row types are in ``formdb_schema``, the first start (and the copy of an old ``intake.json``)
in ``formdb_open``, the read queries in ``formdb_reads``; the names other parts use are
re-exported here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from console.intake.formdb_open import BACKUP_FILE, open_database
from console.intake.formdb_people import ParticipantMemory
from console.intake.formdb_reads import (
    emails_of,
    questions_after,
    read_snapshot,
    row_counts,
    votes_of,
)
from console.intake.formdb_schema import (
    ANSWERED,
    CONSOLE,
    DB_FILE,
    DISMISSED,
    FOLLOW_UP,
    FORM,
    MODES,
    NOW,
    OPEN,
    SCREENED,
    STATES,
    WAITING,
    Answer,
    Decision,
    DecisionBatch,
    Snapshot,
    StoredQuestion,
    decision_of,
    missing,
    next_change,
    now_stamp,
    question_and_decision,
    question_by,
    touch_participant,
)
from console.intake.formdb_writer import Checkpointer, connect_writer, run_transaction
from console.intake.submissions import MAX_PAGE, Cursor, StoreWriteError
from console.intake.tokens import load_server_secret
from console.intake.voters import (
    TokenMaker,
    add_carried,
    carried_for,
    group_counts,
    is_carried_voter,
    voters_of,
)

__all__ = [
    "ANSWERED",
    "BACKUP_FILE",
    "CONSOLE",
    "DB_FILE",
    "DISMISSED",
    "FOLLOW_UP",
    "FORM",
    "MODES",
    "NOW",
    "OPEN",
    "SCREENED",
    "STATES",
    "WAITING",
    "Answer",
    "Decision",
    "DecisionBatch",
    "FormDB",
    "Snapshot",
    "StoredQuestion",
]

log = logging.getLogger(__name__)

T = TypeVar("T")


class FormDB:
    """The form's SQLite store; one instance per folder (the folder lock guarantees it)."""

    def __init__(self, folder: Path, voter_key: bytes | None = None) -> None:
        self.folder = folder
        self.path = folder / DB_FILE
        self.recovered_from: Path | None = None
        """Set when an old ``intake.json`` did not parse and was kept aside under this name."""
        self.migrated: int | None = None
        """How many questions were copied from ``intake.json`` at this start (None: none)."""
        self.epoch = ""
        self.mode_override: str | None = None
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="form-db-read")
        self._local = threading.local()
        self._write_conn: sqlite3.Connection | None = None
        self._checkpointer = Checkpointer(self._conn)
        self._changed = asyncio.Event()
        self._version = 0
        self._boot = secrets.token_hex(3)
        self._snapshot: tuple[int, Snapshot] | None = None
        self._people = ParticipantMemory()
        self._token = TokenMaker(voter_key or b"")
        """Voter tokens (``console.intake.voters``), under the server secret by default."""
        self.listeners: list[Callable[[str], None]] = []
        """Called on the loop after each commit with its kind: ``question``, ``vote`` or
        ``decisions`` (the participants' live list coalesces its updates from these)."""

    # -- connections (each lives in its own thread) -------------------------------------
    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
            self._local.conn = conn
        return conn

    def _close_conn(self) -> None:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    async def _write(self, fn: Callable[[sqlite3.Connection], T], kind: str) -> T:
        """Run ``fn`` in a committed transaction on the loop (``formdb_writer``: it never waits
        for the disk); ``StoreWriteError`` on failure, with nothing of ``fn`` kept."""
        conn = self._write_conn
        if conn is None:
            raise StoreWriteError("the form's store is not open")
        try:
            result = run_transaction(conn, fn)
        except (sqlite3.Error, OSError) as exc:
            log.error("could not save to %s: %s", self.path, exc)
            raise StoreWriteError("the change could not be saved") from exc
        self._checkpointer.wrote()
        self._version += 1
        self.notify()
        for listener in self.listeners:
            listener(kind)
        return result

    async def _read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        def run() -> T:
            conn = self._conn()
            conn.execute("BEGIN")
            try:
                return fn(conn)
            finally:
                conn.execute("COMMIT")

        return await asyncio.get_running_loop().run_in_executor(self._reader, run)

    # -- lifecycle -----------------------------------------------------------------------
    async def start(self) -> None:
        """Open (or create) the database, in WAL mode, and migrate ``intake.json`` once."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._reader, self._open)
        self._checkpointer.start()

    def _open(self) -> None:
        """On the reader thread, with its connection (the first start may copy many rows)."""
        opened = open_database(self.folder, self.path, self._conn)
        if not self._token.key:
            self._token = TokenMaker(load_server_secret(self.folder))
        self.epoch, self.mode_override = opened.epoch, opened.mode_override
        self.migrated, self.recovered_from = opened.migrated, opened.recovered_from
        self._write_conn = connect_writer(self.path)

    async def save_empty(self) -> None:
        """Compatibility with the old store: the database exists once ``start`` returned."""
        if not self.epoch:
            await self.start()

    def close(self) -> None:
        """Sync what was written and close the connections (blocking; call in a thread once
        nothing writes: the write connection is the loop's)."""
        self._checkpointer.stop()
        with contextlib.suppress(RuntimeError):  # already shut down
            self._reader.submit(self._close_conn).result()
        self._reader.shutdown(wait=True)
        conn, self._write_conn = self._write_conn, None
        if conn is not None:
            conn.close()  # the last connection: SQLite copies the WAL in and removes it

    # -- change notification (the board's long-poll, live pages) ------------------------
    def notify(self) -> None:
        """Wake every long-poll waiting for news."""
        old, self._changed = self._changed, asyncio.Event()
        old.set()

    def changed(self) -> asyncio.Event:
        """An event set at the next change; take it *before* checking for news."""
        return self._changed

    @property
    def version(self) -> str:
        """Changes with every write (and every restart): the participant pages' freshness."""
        return f"{self._boot}{self._version}"

    def start_of(self, cursor: Cursor | None) -> int:
        """The change number to read after: a cursor from another epoch reads everything."""
        if cursor is None or cursor.epoch != self.epoch:
            return 0
        return cursor.seq

    # -- writes --------------------------------------------------------------------------
    async def add(self, **fields: Any) -> StoredQuestion:
        """Store one question; returns once committed. ``StoreWriteError`` when it failed.

        Fields: ``id, text, name, display_name, email, topic, theme_id, submitted_at`` and
        optionally ``language, participant, origin, published`` (a decision made with it).
        """
        email = fields.pop("email", None)
        published = fields.pop("published", None)
        fields.setdefault("language", None)
        fields.setdefault("participant", None)
        fields.setdefault("origin", FORM)
        token = secrets.token_urlsafe(24)

        def insert(conn: sqlite3.Connection) -> StoredQuestion:
            change = next_change(conn)
            if fields["participant"]:
                touch_participant(conn, fields["participant"], fields["submitted_at"])
            cur = conn.execute(
                "INSERT INTO questions (id, text, name, display_name, topic, theme_id, language,"
                " submitted_at, origin, participant, private_token, votes, changed)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,0,?)",
                (fields["id"], fields["text"], fields["name"], int(bool(fields["display_name"])),
                 fields["topic"], fields["theme_id"], fields["language"], fields["submitted_at"],
                 fields["origin"], fields["participant"], token, change),
            )  # fmt: skip
            if email:
                conn.execute("INSERT INTO emails VALUES (?, ?)", (fields["id"], email))
            if published is not None:
                conn.execute(
                    "INSERT INTO decisions (question_id, published, decided_at) VALUES (?,?,?)",
                    (fields["id"], int(bool(published)), now_stamp()),
                )
            return question_by(conn, "seq", cur.lastrowid) or missing()

        return await self._write(insert, "question")

    async def vote(
        self,
        participant: str,
        question_id: str,
        at: str,
        allowed: Callable[[StoredQuestion, Decision], bool] | None = None,
    ) -> bool | None:
        """Count one "me too"; True if new, False if this participant had voted already,
        None when there is no such question (or ``allowed`` says no, checked in the same
        transaction: what the participant may vote for is decided as the vote is written).
        A participant carried over as a voter of the question (an earlier session) is False."""
        token = self._token(participant)

        def insert(conn: sqlite3.Connection) -> bool | None:
            found = question_and_decision(conn, question_id)
            if found is None or (allowed is not None and not allowed(*found)):
                return None
            if is_carried_voter(conn, question_id, token):
                return False
            touch_participant(conn, participant, at)
            cur = conn.execute(
                "INSERT OR IGNORE INTO votes VALUES (?, ?, ?)", (participant, question_id, at)
            )
            if cur.rowcount == 0:
                return False
            conn.execute(
                "UPDATE questions SET votes = votes + 1,"
                " changed = (SELECT MAX(changed) FROM questions) + 1 WHERE id = ?",
                (question_id,),
            )
            return True

        counted = await self._write(insert, "vote")
        if counted:
            self._people.voted(participant, question_id)
        return counted

    async def add_carried_voters(self, question_id: str, voters: list[str]) -> int | None:
        """Keep voter tokens of an earlier session as voters of ``question_id`` (a carried
        question): counted once, and they cannot vote for it again. How many were new; None
        when there is no such question."""

        def insert(conn: sqlite3.Connection) -> int | None:
            if question_by(conn, "id", question_id) is None:
                return None
            added = add_carried(conn, question_id, voters)
            if added:
                conn.execute(
                    "UPDATE questions SET changed = (SELECT MAX(changed) FROM questions) + 1"
                    " WHERE id = ?",
                    (question_id,),
                )
            return added

        added = await self._write(insert, "vote")
        if added:
            self._people.forget_all()
        return added

    async def apply_decisions(self, batch: DecisionBatch) -> list[str]:
        """Apply the console's decisions in one transaction; returns the unknown ids (skipped).

        Fields given replace the stored ones; ``answers``, when given, is the question's whole
        answer list (so the same batch twice gives the same result).
        """

        def apply(conn: sqlite3.Connection) -> list[str]:
            unknown: list[str] = []
            stamp = now_stamp()
            if batch.mode is not None:
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('mode', ?)", (batch.mode,))
            for qid, given in batch.items:
                if question_by(conn, "id", qid) is None:
                    unknown.append(qid)
                    continue
                current = decision_of(conn, qid)
                merged = {
                    "published": given.get("published", current.published),
                    "hidden": given.get("hidden", current.hidden),
                    "state": given.get("state", current.state),
                    "duplicate_of": given.get("duplicate_of", current.duplicate_of),
                }
                conn.execute(
                    "INSERT OR REPLACE INTO decisions VALUES (?,?,?,?,?,?)",
                    (qid, int(merged["published"]), int(merged["hidden"]), merged["state"],
                     merged["duplicate_of"], stamp),
                )  # fmt: skip
                if "answers" in given:
                    conn.execute("DELETE FROM answers WHERE question_id = ?", (qid,))
                    conn.executemany(
                        "INSERT OR REPLACE INTO answers VALUES (?,?,?,?,?,?)",
                        [
                            (a.id, qid, a.text, int(a.public), a.author, a.answered_at)
                            for a in given["answers"]
                        ],
                    )
            return unknown

        unknown = await self._write(apply, "decisions")
        if batch.mode is not None:
            self.mode_override = batch.mode
        return unknown

    # -- reads (the queries are in formdb_reads) -----------------------------------------
    async def after(self, change: int, limit: int = MAX_PAGE) -> list[StoredQuestion]:
        """Questions new or changed after ``change``, in change order (for the board)."""
        return await self._read(lambda conn: questions_after(conn, change, limit))

    async def voters(self, ids: Iterable[str]) -> dict[str, frozenset[str]]:
        """Each question's voters as tokens, carried ones included (for the board only)."""
        wanted = list(ids)
        if not wanted:
            return {}
        return await self._read(lambda conn: voters_of(conn, wanted, self._token))

    async def emails(self, ids: Iterable[str]) -> dict[str, str]:
        """The emails of these questions (for the token-holding board only)."""
        wanted = list(ids)
        return await self._read(lambda conn: emails_of(conn, wanted)) if wanted else {}

    async def get(self, qid: str) -> StoredQuestion | None:
        return await self._read(lambda conn: question_by(conn, "id", qid))

    async def by_token(self, token: str) -> StoredQuestion | None:
        """The question a private link names (None for an unknown token)."""
        if not token or len(token) > 64:
            return None
        return await self._read(lambda conn: question_by(conn, "private_token", token))

    async def snapshot(self) -> Snapshot:
        """Every question and decision (cached until the next write)."""
        version = self._version
        if self._snapshot is not None and self._snapshot[0] == version:
            return self._snapshot[1]

        def read(conn: sqlite3.Connection) -> Snapshot:
            snap = read_snapshot(conn)
            ids = (q.id for q in snap.questions)
            merged = group_counts(conn, ids, snap.decisions, self._token)
            return Snapshot(snap.questions, snap.decisions, self.mode_override, merged)

        snap = await self._read(read)
        self._snapshot = (version, snap)
        return snap

    async def voted_by(self, participant: str) -> frozenset[str]:
        """The questions this participant said "me too" to, here or (a carried question) in an
        earlier session of the series; kept in memory once read."""
        known = self._people.votes(participant)
        if known is not None:
            return known
        # Read on the loop with the write connection (one indexed lookup, once per
        # participant): no vote of theirs can be committed between this read and the memory
        # update, as both run in one step of the loop (see formdb_people).
        if self._write_conn is None:
            return frozenset()
        conn = self._write_conn
        votes = votes_of(conn, participant) | carried_for(conn, self._token(participant))
        self._people.remember_votes(participant, votes)
        return votes

    @property
    def change_number(self) -> int:
        """How many writes this process has committed (the live list's freshness)."""
        return self._version

    async def counts(self) -> dict[str, int]:
        """Rows per table (for tests and the operator)."""
        return await self._read(row_counts)
