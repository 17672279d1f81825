"""Purging a question form's folder: ``form.sqlite3`` and the old JSON stores beside it.

In the SQLite store a name is a column of ``questions`` and an email a row of ``emails``.
Setting a column to NULL leaves the old bytes in the freed page and in the write-ahead log,
so purge turns ``secure_delete`` on (freed content is overwritten with zeros), rebuilds the
file (``VACUUM``) and empties the log (``wal_checkpoint(TRUNCATE)``): afterwards no byte of a
removed name or email is left in ``form.sqlite3`` or its ``-wal``.

``cutoff``: for the folder of a session, None (the whole session ended); for a standalone
``form serve`` folder, only questions sent before the cutoff are purged.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from console.purge.redact import (
    INTAKE_FIELDS,
    INTAKE_KEYS,
    Removed,
    intake_entries,
    redact_entries,
    scrub_bytes,
    values_in,
)
from console.store import atomic_write_bytes

DB_FILE = "form.sqlite3"
OLD_STORES = ("intake.json", "intake.pre-sqlite.json")
"""The form's JSON store of older versions, and its copy kept after the move to SQLite."""
UNREADABLE_GLOB = "intake.unreadable-*.json"


def _sent_before(value: object, cutoff: datetime | None) -> bool:
    if cutoff is None:
        return True
    if not isinstance(value, str):
        return False  # no readable time: left alone (and counted by the caller)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return False
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment < cutoff


def db_values(folder: Path, cutoff: datetime | None) -> set[str]:
    """The names and emails the purge would take out of ``form.sqlite3`` (read only)."""
    path = folder / DB_FILE
    if not path.exists():
        return set()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30.0)
    try:
        rows = _rows(conn)
    finally:
        conn.close()
    out: set[str] = set()
    for _, when, name, email in rows:
        if _sent_before(when, cutoff):
            out |= {v for v in (name, email) if v}
    return out


def _rows(conn: sqlite3.Connection) -> list[tuple[str, object, str | None, str | None]]:
    return conn.execute(
        "SELECT q.id, q.submitted_at, q.name, e.email FROM questions q "
        "LEFT JOIN emails e ON e.question_id = q.id "
        "UNION ALL SELECT e.question_id, NULL, NULL, e.email FROM emails e "
        "WHERE e.question_id NOT IN (SELECT id FROM questions)"
    ).fetchall()


def purge_db(folder: Path, cutoff: datetime | None, *, dry_run: bool) -> Removed:
    """Take names and emails out of ``form.sqlite3`` and leave none of their bytes behind."""
    path = folder / DB_FILE
    removed = Removed()
    if not path.exists():
        return removed
    conn = sqlite3.connect(path, isolation_level=None, timeout=30.0)
    try:
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("BEGIN IMMEDIATE")
        try:
            chosen = [r for r in _rows(conn) if r[1] is None or _sent_before(r[1], cutoff)]
            named = [r for r in chosen if r[2]]
            mailed = [r for r in chosen if r[3]]
            for row in named:
                removed.add("name", row[2])
            for row in mailed:
                removed.add("email", row[3])
            if not dry_run:
                conn.executemany(
                    "UPDATE questions SET name = NULL WHERE id = ?", [(r[0],) for r in named]
                )
                conn.executemany(
                    "DELETE FROM emails WHERE question_id = ?", [(r[0],) for r in mailed]
                )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("ROLLBACK" if dry_run else "COMMIT")
        if not dry_run:
            free = int(conn.execute("PRAGMA freelist_count").fetchone()[0])
            if removed.any or free:
                conn.execute("VACUUM")  # rebuilds every page: no freed page keeps old bytes
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the log's old pages go too
    finally:
        conn.close()
    return removed


def old_store_values(path: Path, cutoff: datetime | None) -> set[str]:
    try:
        raw = path.read_bytes()
    except OSError:
        return set()
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return values_in(raw, INTAKE_KEYS) if cutoff is None else set()
    out: set[str] = set()
    if isinstance(payload, dict):
        for entry in intake_entries(payload):
            if _sent_before(entry.get("submitted_at"), cutoff):
                out |= {v for k, _ in INTAKE_FIELDS if isinstance(v := entry.get(k), str) and v}
    return out


def purge_old_store(
    path: Path, known: set[str], cutoff: datetime | None, *, dry_run: bool
) -> Removed:
    """An old JSON store (or one that did not parse, kept aside), without names and emails."""
    raw = path.read_bytes()
    removed = Removed()
    try:
        payload = json.loads(raw.decode("utf-8"))
        if not isinstance(payload, dict):
            raise ValueError("not an object")
    except (UnicodeDecodeError, ValueError):
        # Whose questions it held is unknown: in a standalone form's folder only the values
        # purged from the database are scrubbed from it, in a session's every name and email.
        keys = INTAKE_KEYS if cutoff is None else ()
        out = scrub_bytes(raw, known, removed, keys)
    else:
        redact_entries(
            intake_entries(payload),
            INTAKE_FIELDS,
            removed,
            keep=lambda entry: not _sent_before(entry.get("submitted_at"), cutoff),
        )
        out = json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
    if removed.any and not dry_run:
        atomic_write_bytes(path, out, mode=path.stat().st_mode & 0o777)
    return removed
