"""Rewriting the records of a file in place (what ``facilitator purge`` needs of the store).

The store alone knows its file formats, so it offers the two rewrites purge makes, both
atomic and both under a lock the caller already holds:

- ``rewrite_author_file``: every record of an author file and its journal through a function
  (a changed record is stored as it returns it, normally its next revision); the file is
  rewritten with every record and the journal emptied, the same two steps as a compaction,
  so a crash between them leaves the new revisions winning over the journal's old ones;
- ``rewrite_copy``: a set-aside copy (``*.damaged-*``, ``*.damaged-*.journal``) or a backup
  (``*.schema-N.bak``), which may not parse: records that read go through the function (a
  journal line that reads is re-encoded with a fresh checksum, so it stays recoverable), and
  the bytes that do not read go through a byte-level ``scrub`` the caller gives.

``stored_records`` lists every revision a file still holds (superseded ones included), so the
caller can tell whether an old revision keeps what the rewrite takes out.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from console.store.atomic import AtomicJSONStorage, Tables, atomic_write_bytes, parse_tables
from console.store.author_file import records_of
from console.store.errors import StoreCorrupt, StoreError, StoreTooNew
from console.store.journal import encode_entry, journal_bytes, journal_path_for, parse_journal
from console.store.records import Record, merge
from console.store.schema import META_TABLE, SCHEMA_VERSION, version_of

Change = Callable[[Record], Record | None]
"""Returns the record to store instead, or None to keep it as it is."""
Scrub = Callable[[bytes], bytes]


def _read(path: Path) -> tuple[Tables, list[Record], bytes]:
    """The file's tables, its journal's records and the raw journal; ``StoreError`` if bad."""
    journal = journal_path_for(path)
    try:
        raw = path.read_bytes()
        journal_raw = journal_bytes(journal)
    except OSError as exc:
        raise StoreError(f"cannot read {path} or its journal: {exc}") from exc
    data = parse_tables(path, raw)
    if data is None:
        raise StoreCorrupt(path, "the file is empty")
    try:
        version = version_of(data)
    except ValueError as exc:
        raise StoreCorrupt(path, str(exc)) from exc
    if version > SCHEMA_VERSION:
        raise StoreTooNew(path, version, SCHEMA_VERSION)
    _, _, problems = records_of(path, data)
    if problems:
        raise StoreCorrupt(path, problems[0])
    return data, list(parse_journal(journal, journal_raw).records()), journal_raw


def _documents(data: Tables) -> list[Record]:
    out: list[Record] = []
    for table, docs in data.items():
        if table == META_TABLE:
            continue
        out += [Record.from_json(doc) for doc in docs.values()]
    return out


def stored_records(path: Path) -> list[Record]:
    """Every record revision an author file and its journal hold, superseded ones included.

    Raises ``StoreError`` (``StoreCorrupt``, ``StoreTooNew``) when either cannot be read.
    """
    data, journal_records, _ = _read(path)
    return _documents(data) + journal_records


def rewrite_author_file(
    path: Path, change: Change, stale: Callable[[Record], bool], *, dry_run: bool = False
) -> int:
    """Pass every record of an author file and its journal through ``change`` and store them.

    The file is rewritten (atomically) when a record changed or when any revision it still
    holds, superseded ones included, is ``stale``; the journal is then emptied (atomically).
    Returns how many records changed. The caller holds the file's lock. Raises
    ``StoreError`` when the file or its journal cannot be read (nothing is written then).
    """
    data, journal_records, journal_raw = _read(path)
    found, doc_ids, _ = records_of(path, data)
    final: dict[tuple[str, str], Record] = {}
    changed = 0
    for key, record in merge(found.values(), journal_records).items():
        new = change(record)
        changed += new is not None
        final[key] = new or record
    held = _documents(data) + journal_records
    if dry_run or not (changed or any(stale(r) for r in held)):
        return changed
    tables: Tables = {}
    if META_TABLE in data:
        tables[META_TABLE] = data[META_TABLE]
    next_id = {t: max((int(d) for d in docs), default=0) + 1 for t, docs in data.items()}
    for key, record in sorted(final.items()):
        doc_id = doc_ids.get(key)
        if doc_id is None:
            number = next_id.get(record.kind, 1)
            doc_id, next_id[record.kind] = str(number), number + 1
        tables.setdefault(record.kind, {})[doc_id] = record.to_json()
    AtomicJSONStorage(path).write(tables)
    if journal_raw:
        atomic_write_bytes(journal_path_for(path), b"")
    return changed


def rewrite_copy(path: Path, change: Change, scrub: Scrub, *, dry_run: bool = False) -> bool:
    """Rewrite a set-aside copy or a backup through ``change`` and ``scrub``; True if it changed.

    A journal copy (``….journal``) line by line; any other copy as TinyDB tables when they
    parse (records through ``change``, then the whole encoding through ``scrub`` for what was
    no record), else as bytes through ``scrub``. The file keeps its permissions.
    """
    raw = path.read_bytes()
    if path.name.endswith(".journal"):
        out = _journal_copy(path, raw, change, scrub)
    else:
        try:
            data = parse_tables(path, raw)
        except StoreCorrupt:
            data = None
        if data is None:
            out = scrub(raw)
        else:
            touched = False
            for table, docs in data.items():
                if table == META_TABLE:
                    continue
                for doc_id, doc in list(docs.items()):
                    try:
                        new = change(Record.from_json(doc))
                    except ValueError:
                        continue
                    if new is not None:
                        docs[doc_id], touched = new.to_json(), True
            encoded = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
            scrubbed = scrub(encoded)
            out = scrubbed if touched or scrubbed != encoded else raw
    if out == raw:
        return False
    if not dry_run:
        atomic_write_bytes(path, out, mode=path.stat().st_mode & 0o777)
    return True


def _journal_copy(path: Path, raw: bytes, change: Change, scrub: Scrub) -> bytes:
    out: list[bytes] = []
    for line in raw.split(b"\n"):
        if not line:
            out.append(line)
            continue
        try:
            read = parse_journal(path, line + b"\n")
        except StoreCorrupt:
            read = None
        if read is None or read.dropped_tail or len(read.entries) != 1:
            out.append(scrub(line))
            continue
        records = [change(r) or r for r in read.entries[0]]
        if all(a is b for a, b in zip(records, read.entries[0], strict=True)):
            out.append(line)
        else:
            out.append(encode_entry(records).rstrip(b"\n"))
    return b"\n".join(out)
