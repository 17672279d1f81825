"""Purging one file of a session folder: author files with their journals, the feed cache,
set-aside copies and backups. Each function reads, redacts and (unless ``dry_run``) replaces
the file atomically, and says what it took out. The store's own formats are rewritten by the
store (``console.store.rewrite_author_file`` and ``rewrite_copy``); purge says what changes.

The caller holds the locks: no console writes these files meanwhile.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from console.purge.redact import (
    FEED_FIELDS,
    FEED_KEYS,
    RECORD_FIELDS,
    RECORD_KEYS,
    Removed,
    feed_entries,
    redact_entries,
    redact_record,
    scrub_bytes,
    speakers,
    values_in,
)
from console.store import (
    Record,
    StoreError,
    atomic_write_bytes,
    journal_path_for,
    rewrite_author_file,
    rewrite_copy,
    stored_records,
)


class Unreadable(Exception):
    """A live file purge cannot parse; it is left as it is and named to the user."""


def _personal(record: Record) -> bool:
    return any(record.data.get(k) for k in RECORD_FIELDS) or bool(speakers(record))


def author_values(path: Path) -> set[str]:
    """The askers' names and emails anywhere in an author file and its journal (any revision)."""
    try:
        held = stored_records(path)
    except StoreError:
        raw = b""
        with contextlib.suppress(OSError):
            raw = path.read_bytes() + b"\n" + journal_path_for(path).read_bytes()
        return values_in(raw, RECORD_KEYS)
    return {v for r in held for k in RECORD_FIELDS if isinstance(v := r.data.get(k), str) and v}


def purge_author_file(path: Path, *, dry_run: bool) -> Removed:
    """Redact an author file and its journal: records without asker or email, each as its next
    revision, the journal folded in. ``Unreadable`` when the file does not parse."""
    removed = Removed()
    try:
        rewrite_author_file(path, lambda r: redact_record(r, removed), _personal, dry_run=dry_run)
    except StoreError as exc:
        raise Unreadable(str(exc)) from exc
    return removed


def purge_set_aside(path: Path, known: set[str], *, dry_run: bool) -> Removed:
    """A set-aside copy (``*.damaged-*``) or a backup (``*.schema-N.bak``), names taken out."""
    removed = Removed()
    rewrite_copy(
        path,
        lambda r: redact_record(r, removed),
        lambda raw: scrub_bytes(raw, known, removed, RECORD_KEYS),
        dry_run=dry_run,
    )
    return removed


def copy_values(path: Path) -> set[str]:
    """Personal values a set-aside copy or backup holds (read by pattern: it may not parse)."""
    try:
        return values_in(path.read_bytes(), RECORD_KEYS)
    except OSError:
        return set()


def purge_feed_cache(path: Path, known: set[str], *, dry_run: bool) -> Removed:
    """The feed cache without askers' names and emails (a cache that does not parse: scrubbed)."""
    removed = Removed()
    raw = path.read_bytes()
    try:
        payload = json.loads(raw.decode("utf-8"))
        if not isinstance(payload, dict):
            raise ValueError("not an object")
    except (UnicodeDecodeError, ValueError):
        out = scrub_bytes(raw, known, removed, FEED_KEYS)
        if out != raw and not dry_run:
            atomic_write_bytes(path, out, mode=path.stat().st_mode & 0o777)
        return removed
    redact_entries(feed_entries(payload), FEED_FIELDS, removed)
    if removed.any and not dry_run:
        text = json.dumps(payload, ensure_ascii=False, indent=1)
        atomic_write_bytes(path, text.encode("utf-8"))
    return removed


def feed_values(path: Path) -> set[str]:
    try:
        raw = path.read_bytes()
    except OSError:
        return set()
    return values_in(raw, FEED_KEYS)
