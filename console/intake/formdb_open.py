"""Opening the form database: WAL mode, the tables, and on first start the copy of an old
``intake.json`` (the JSON store of earlier versions) with its epoch and sequence numbers.

Kept apart from ``formdb`` because it runs once, at start, and carries the old store's
format (``submissions``) that nothing else in the database needs: the store proper only
ever sees ``form.sqlite3``. Runs on the reader thread, with its connection, before anything
is served (a first start may copy many rows: never on the event loop).
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from console.intake.formdb_schema import FORM, MODES, QUESTION_COLUMNS, SCHEMA, now_stamp
from console.intake.submissions import (
    META_TABLE,
    SCHEMA_VERSION,
    STORE_FILE,
    TABLE,
    Submission,
)

log = logging.getLogger(__name__)

BACKUP_FILE = "intake.pre-sqlite.json"
"""``intake.json`` after it was copied into the database (kept, never read again)."""


@dataclass(frozen=True, slots=True)
class Opened:
    """What ``open_database`` found or made."""

    epoch: str
    mode_override: str | None
    migrated: int | None = None
    """How many questions were copied from ``intake.json`` at this start (None: none)."""
    recovered_from: Path | None = None
    """Set when an old ``intake.json`` did not parse and was kept aside under this name."""


def open_database(folder: Path, path: Path, connect: Callable[[], sqlite3.Connection]) -> Opened:
    """Open (or create) the database in WAL mode and migrate ``intake.json`` once."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    fresh = not path.exists()
    conn = connect()
    if fresh:
        path.chmod(0o600)
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise sqlite3.OperationalError(f"could not use WAL mode (got {mode})")
    conn.executescript(SCHEMA)
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    migrated: int | None = None
    recovered: Path | None = None
    if "epoch" not in meta:
        migrated, recovered = _first_start(folder, path, conn)
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    old = folder / STORE_FILE
    if meta.get("migrated") and old.exists():  # a kill between commit and rename
        old.replace(folder / BACKUP_FILE)
    override = meta.get("mode") if meta.get("mode") in MODES else None
    return Opened(meta["epoch"], override, migrated, recovered)


def _first_start(
    folder: Path, path: Path, conn: sqlite3.Connection
) -> tuple[int | None, Path | None]:
    """Set the epoch, copying the questions of an old ``intake.json`` if there is one.

    Returns ``(questions copied or None, where an unreadable intake.json was kept or None)``.
    """
    old = folder / STORE_FILE
    epoch, items = secrets.token_hex(4), list[Submission]()
    migrated = False
    recovered: Path | None = None
    if old.exists():
        try:
            epoch, items = read_old_store(old)
            migrated = True
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            aside = old.with_name(f"{old.stem}.unreadable-{stamp}.json")
            old.replace(aside)
            recovered = aside
            log.warning("%s did not parse (%s); kept it as %s", old, exc, aside)
    conn.execute("BEGIN IMMEDIATE")
    try:
        for s in items:
            conn.execute(
                f"INSERT INTO questions ({QUESTION_COLUMNS}) "  # noqa: S608 - constant
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (s.seq, s.id, s.text, s.name, int(s.display_name), s.topic, s.theme_id,
                 None, s.submitted_at, FORM, None, None, 0, s.seq),
            )  # fmt: skip
            if s.email:
                conn.execute("INSERT INTO emails VALUES (?, ?)", (s.id, s.email))
        rows = [("epoch", epoch), ("schema", "1")]
        if migrated:
            rows.append(("migrated", now_stamp()))
        conn.executemany("INSERT INTO meta VALUES (?, ?)", rows)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    if not migrated:
        return None, recovered
    old.replace(folder / BACKUP_FILE)
    log.info("copied %d questions from %s into %s", len(items), old, path)
    return len(items), recovered


def read_old_store(path: Path) -> tuple[str, list[Submission]]:
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
