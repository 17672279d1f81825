"""The form's own data in one SQLite file in WAL mode (``<intake folder>/form.sqlite3``).

What participants create lives here: questions, votes, participant ids and private links;
beside them, a copy of the decisions the console pushes (published, hidden, state,
duplicate_of, answers), which the form only shows. Emails are kept in their own table, never
joined into a question row.

Why SQLite in WAL mode: the form takes many small writes from many people at once (a vote is
one row). A JSON file rewritten on every change costs a whole-file write and fsync per vote;
WAL appends one small record per commit, readers never block the writer, and a commit that
returned survives a kill (``synchronous=FULL``: the WAL is fsynced at every commit).

All writes go through one writer thread (its own connection); reads through one reader
thread (another connection), so neither ever runs on the event loop. Cursors for the
board are ``<epoch>.<change>``: ``change`` is a per-question sequence bumped when the
question arrives and whenever its vote count changes, so a long-poll ``after`` a cursor
returns new questions and ones whose votes moved (the board merges by id).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from console.intake.submissions import (
    MAX_PAGE,
    META_TABLE,
    SCHEMA_VERSION,
    STORE_FILE,
    TABLE,
    Cursor,
    StoreWriteError,
    Submission,
)

log = logging.getLogger(__name__)

DB_FILE = "form.sqlite3"
BACKUP_FILE = "intake.pre-sqlite.json"
"""``intake.json`` after it was copied into the database (kept, never read again)."""

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

T = TypeVar("T")

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

_QUESTION_COLUMNS = (
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

    def decision(self, qid: str) -> Decision:
        return self.decisions.get(qid) or Decision(qid)

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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class FormDB:
    """The form's SQLite store; one instance per folder (the folder lock guarantees it)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / DB_FILE
        self.recovered_from: Path | None = None
        """Set when an old ``intake.json`` did not parse and was kept aside under this name."""
        self.migrated: int | None = None
        """How many questions were copied from ``intake.json`` at this start (None: none)."""
        self.epoch = ""
        self.mode_override: str | None = None
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="form-db-write")
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="form-db-read")
        self._local = threading.local()
        self._changed = asyncio.Event()
        self._version = 0
        self._boot = secrets.token_hex(3)
        self._snapshot: tuple[int, Snapshot] | None = None

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

    async def _write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` in one transaction on the writer thread; ``StoreWriteError`` on failure."""

        def run() -> T:
            conn = self._conn()
            conn.execute("BEGIN IMMEDIATE")
            try:
                out = fn(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return out

        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(self._writer, run)
        except (sqlite3.Error, OSError) as exc:
            log.error("could not save to %s: %s", self.path, exc)
            raise StoreWriteError("the change could not be saved") from exc
        self._version += 1
        self.notify()
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
        await loop.run_in_executor(self._writer, self._open)

    def _open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fresh = not self.path.exists()
        conn = self._conn()
        if fresh:
            self.path.chmod(0o600)
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"could not use WAL mode (got {mode})")
        conn.executescript(SCHEMA)
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        if "epoch" not in meta:
            self._first_start(conn)
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        self.epoch = meta["epoch"]
        self.mode_override = meta.get("mode") if meta.get("mode") in MODES else None
        old = self.folder / STORE_FILE
        if meta.get("migrated") and old.exists():  # a kill between commit and rename
            old.replace(self.folder / BACKUP_FILE)

    def _first_start(self, conn: sqlite3.Connection) -> None:
        """Set the epoch, copying the questions of an old ``intake.json`` if there is one."""
        old = self.folder / STORE_FILE
        epoch, items = secrets.token_hex(4), list[Submission]()
        migrated = False
        if old.exists():
            try:
                epoch, items = _read_old_store(old)
                migrated = True
            except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
                aside = old.with_name(f"{old.stem}.unreadable-{stamp}.json")
                old.replace(aside)
                self.recovered_from = aside
                log.warning("%s did not parse (%s); kept it as %s", old, exc, aside)
        conn.execute("BEGIN IMMEDIATE")
        try:
            for s in items:
                conn.execute(
                    f"INSERT INTO questions ({_QUESTION_COLUMNS}) "  # noqa: S608 - constant
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (s.seq, s.id, s.text, s.name, int(s.display_name), s.topic, s.theme_id,
                     None, s.submitted_at, FORM, None, None, 0, s.seq),
                )  # fmt: skip
                if s.email:
                    conn.execute("INSERT INTO emails VALUES (?, ?)", (s.id, s.email))
            rows = [("epoch", epoch), ("schema", "1")]
            if migrated:
                rows.append(("migrated", _now()))
            conn.executemany("INSERT INTO meta VALUES (?, ?)", rows)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        if migrated:
            self.migrated = len(items)
            old.replace(self.folder / BACKUP_FILE)
            log.info("copied %d questions from %s into %s", len(items), old, self.path)

    async def save_empty(self) -> None:
        """Compatibility with the old store: the database exists once ``start`` returned."""
        if not self.epoch:
            await self.start()

    def close(self) -> None:
        """Finish pending writes and close both connections (blocking; call in a thread)."""
        for pool in (self._writer, self._reader):
            with contextlib.suppress(RuntimeError):  # already shut down
                pool.submit(self._close_conn).result()
            pool.shutdown(wait=True)

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
            change = _next_change(conn)
            if fields["participant"]:
                _touch_participant(conn, fields["participant"], fields["submitted_at"])
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
                    (fields["id"], int(bool(published)), _now()),
                )
            return _question_by(conn, "seq", cur.lastrowid) or _missing()

        return await self._write(insert)

    async def vote(self, participant: str, question_id: str, at: str) -> bool | None:
        """Count one "me too"; True if new, False if this participant had voted already,
        None when there is no such question."""

        def insert(conn: sqlite3.Connection) -> bool | None:
            if _question_by(conn, "id", question_id) is None:
                return None
            _touch_participant(conn, participant, at)
            cur = conn.execute(
                "INSERT OR IGNORE INTO votes VALUES (?, ?, ?)", (participant, question_id, at)
            )
            if cur.rowcount == 0:
                return False
            conn.execute(
                "UPDATE questions SET votes = votes + 1, changed = ? WHERE id = ?",
                (_next_change(conn), question_id),
            )
            return True

        return await self._write(insert)

    async def apply_decisions(self, batch: DecisionBatch) -> list[str]:
        """Apply the console's decisions in one transaction; returns the unknown ids (skipped).

        Fields given replace the stored ones; ``answers``, when given, is the question's whole
        answer list (so the same batch twice gives the same result).
        """

        def apply(conn: sqlite3.Connection) -> list[str]:
            unknown: list[str] = []
            stamp = _now()
            if batch.mode is not None:
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('mode', ?)", (batch.mode,))
            for qid, given in batch.items:
                if _question_by(conn, "id", qid) is None:
                    unknown.append(qid)
                    continue
                current = _decision(conn, qid)
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

        unknown = await self._write(apply)
        if batch.mode is not None:
            self.mode_override = batch.mode
        return unknown

    # -- reads ---------------------------------------------------------------------------
    async def after(self, change: int, limit: int = MAX_PAGE) -> list[StoredQuestion]:
        """Questions new or changed after ``change``, in change order (for the board)."""

        def read(conn: sqlite3.Connection) -> list[StoredQuestion]:
            rows = conn.execute(
                f"SELECT {_QUESTION_COLUMNS} FROM questions WHERE changed > ? "  # noqa: S608
                "ORDER BY changed LIMIT ?",
                (change, limit),
            ).fetchall()
            return [StoredQuestion.from_row(r) for r in rows]

        return await self._read(read)

    async def emails(self, ids: Iterable[str]) -> dict[str, str]:
        """The emails of these questions (for the token-holding board only)."""
        wanted = list(ids)

        def read(conn: sqlite3.Connection) -> dict[str, str]:
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

        return await self._read(read) if wanted else {}

    async def get(self, qid: str) -> StoredQuestion | None:
        return await self._read(lambda conn: _question_by(conn, "id", qid))

    async def by_token(self, token: str) -> StoredQuestion | None:
        """The question a private link names (None for an unknown token)."""
        if not token or len(token) > 64:
            return None
        return await self._read(lambda conn: _question_by(conn, "private_token", token))

    async def snapshot(self) -> Snapshot:
        """Every question and decision (cached until the next write)."""
        version = self._version
        if self._snapshot is not None and self._snapshot[0] == version:
            return self._snapshot[1]

        def read(conn: sqlite3.Connection) -> Snapshot:
            rows = conn.execute(
                f"SELECT {_QUESTION_COLUMNS} FROM questions ORDER BY seq"  # noqa: S608
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

        snap = await self._read(read)
        snap = Snapshot(snap.questions, snap.decisions, self.mode_override)
        self._snapshot = (version, snap)
        return snap

    async def voted_by(self, participant: str) -> frozenset[str]:
        """The questions this participant said "me too" to."""

        def read(conn: sqlite3.Connection) -> frozenset[str]:
            rows = conn.execute(
                "SELECT question_id FROM votes WHERE participant = ?", (participant,)
            ).fetchall()
            return frozenset(r[0] for r in rows)

        return await self._read(read)

    async def counts(self) -> dict[str, int]:
        """Rows per table (for tests and the operator)."""

        def read(conn: sqlite3.Connection) -> dict[str, int]:
            names = ("questions", "votes", "participants", "emails", "decisions", "answers")
            return {
                n: int(conn.execute(f"SELECT COUNT(*) FROM {n}").fetchone()[0])  # noqa: S608
                for n in names
            }

        return await self._read(read)


# -- helpers (run inside a transaction) ----------------------------------------------------
def _next_change(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COALESCE(MAX(changed), 0) + 1 FROM questions").fetchone()[0])


def _touch_participant(conn: sqlite3.Connection, participant: str, at: str) -> None:
    conn.execute("INSERT OR IGNORE INTO participants VALUES (?, ?)", (participant, at))


def _question_by(conn: sqlite3.Connection, column: str, value: object) -> StoredQuestion | None:
    assert column in {"seq", "id", "private_token"}
    row = conn.execute(
        f"SELECT {_QUESTION_COLUMNS} FROM questions WHERE {column} = ?",  # noqa: S608
        (value,),
    ).fetchone()
    return StoredQuestion.from_row(row) if row else None


def _decision(conn: sqlite3.Connection, qid: str) -> Decision:
    row = conn.execute(
        "SELECT published, hidden, state, duplicate_of FROM decisions WHERE question_id = ?",
        (qid,),
    ).fetchone()
    if row is None:
        return Decision(qid)
    return Decision(qid, bool(row[0]), bool(row[1]), row[2], row[3])


def _missing() -> StoredQuestion:
    raise sqlite3.DatabaseError("the question just written could not be read back")


def _read_old_store(path: Path) -> tuple[str, list[Submission]]:
    """The epoch and questions of an ``intake.json`` (TinyDB layout); ``ValueError`` if bad."""
    data = json.loads(path.read_bytes())
    meta = data[META_TABLE]["1"]
    epoch = meta["epoch"]
    if not isinstance(epoch, str) or not epoch.isalnum():
        raise ValueError("bad epoch")
    if meta.get("schema") != SCHEMA_VERSION:
        raise ValueError(f"unknown schema {meta.get('schema')!r}")
    items = sorted((Submission.from_json(doc) for doc in data[TABLE].values()), key=lambda s: s.seq)
    return epoch, items
