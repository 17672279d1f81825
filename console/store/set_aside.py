"""Setting a damaged author file aside and starting afresh with what it still holds.

A console refuses its own file when it cannot be read (``StoreCorrupt``) and never overwrites
it. ``facilitator run --set-aside-damaged`` is the user's choice to go on: under the file's
lock, the file and its journal are copied byte for byte to ``<name>.damaged-<time>`` (and
``<name>.damaged-<time>.journal``), every record that can still be read from either is kept,
and a fresh file of the same name is started, so the console then opens it as usual.

Nothing is ever deleted or overwritten: the copies are created exclusively, and the damaged
names are replaced (atomically) only once their copies are on disk. The recovered records go
into the fresh file's journal first and its header last, so a crash half-way leaves either
the damaged file in place (run again) or the fresh file with every recovered record. The
set-aside names do not end in ``.json``, so readers of the folder never take them for an
author file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from console.store.atomic import atomic_write_bytes, encode_json, fsync_dir, parse_tables
from console.store.author_file import AuthorFile, records_of
from console.store.errors import DAMAGED_MARK, StoreCorrupt, StoreError
from console.store.journal import encode_entry, journal_bytes, journal_path_for, parse_journal
from console.store.lock import FileLock
from console.store.records import Record, merge
from console.store.schema import META_DOC_ID, META_TABLE, new_meta


@dataclass(frozen=True, slots=True)
class Recovery:
    """What setting a damaged file aside did, in numbers the console can say on start."""

    path: Path
    reason: str
    """Why the file (or its journal) could not be read."""
    moved: tuple[tuple[Path, Path], ...]
    """``(damaged name, set-aside name)`` for the file and, when it held anything, its journal."""
    recovered: int
    """Distinct records in the fresh file."""
    from_file: int
    from_journal: int
    skipped_documents: int
    """Documents of a file that parsed but were not valid records."""
    skipped_lines: int
    """Journal lines that could not be read (checksum, JSON or record)."""

    def summary(self) -> str:
        """One paragraph for the console's start: what was set aside, what was kept."""
        names = [f"{was.name} as {now.name}" for was, now in self.moved]
        aside = " and ".join(names) if names else "nothing (there was nothing to keep)"
        plural = "" if self.recovered == 1 else "s"
        skipped = []
        if self.skipped_documents:
            skipped.append(f"{self.skipped_documents} unreadable document(s) left behind")
        if self.skipped_lines:
            skipped.append(f"{self.skipped_lines} damaged journal line(s) left behind")
        rest = f"; {', '.join(skipped)}" if skipped else ""
        return (
            f"{self.path.name} could not be read ({self.reason}). Set aside {aside}, never "
            f"deleted. {self.recovered} record{plural} recovered into a fresh {self.path.name} "
            f"({self.from_file} from the file, {self.from_journal} from its journal{rest})."
        )


def damaged_path_for(path: Path, now: datetime | None = None) -> Path:
    """A free name for the damaged file: ``ann.json.damaged-20251217-153500`` (then ``-2``...)."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    base = f"{path.name}{DAMAGED_MARK}{stamp}"
    candidate, counter = path.with_name(base), 2
    while candidate.exists() or journal_path_for(candidate).exists():
        candidate, counter = path.with_name(f"{base}-{counter}"), counter + 1
    return candidate


def damage_of(path: Path, author: str) -> StoreCorrupt | None:
    """Why ``path`` (or its journal) cannot be opened, or ``None`` when it opens fine.

    Reads without writing (a read-only open runs every check a writer's open does);
    ``StoreTooNew`` and other refusals that are not damage are raised, not set aside.
    """
    probe = AuthorFile(path, author, read_only=True)
    try:
        probe.open()
    except StoreCorrupt as exc:
        return exc
    probe.close()
    return None


def _records_within(value: object) -> Iterator[Record]:
    """Records in a decoded JSON value: the value itself, or any object nested in it."""
    if not isinstance(value, dict):
        return
    try:
        yield Record.from_json(value)
    except ValueError:
        for inner in value.values():
            yield from _records_within(inner)


def scan_records(raw: bytes) -> list[Record]:
    """Every whole record object still in bytes that do not parse (cut short, garbage inside).

    Tries to decode a JSON value at each ``{``; a value that decodes is searched for records
    and skipped whole, so a record's own data is never taken for another record.
    """
    text = raw.decode("utf-8", errors="replace")
    decoder = json.JSONDecoder()
    found: list[Record] = []
    pos = text.find("{")
    while pos >= 0:
        try:
            value, end = decoder.raw_decode(text, pos)
        except ValueError:
            pos = text.find("{", pos + 1)
            continue
        found.extend(_records_within(value))
        pos = text.find("{", end)
    return found


def records_in_file(path: Path, raw: bytes) -> tuple[list[Record], int]:
    """Readable records of a TinyDB author file, and how many documents were not records."""
    if not raw.strip():
        return [], 0
    try:
        data = parse_tables(path, raw) or {}
    except StoreCorrupt:
        return scan_records(raw), 0
    found, _, problems = records_of(path, data)
    return list(found.values()), len(problems)


def records_in_journal(path: Path, raw: bytes) -> tuple[list[Record], int]:
    """Records of every journal line that still reads, and how many lines did not."""
    records: list[Record] = []
    skipped = 0
    for line in raw.split(b"\n"):
        if not line.strip():
            continue
        try:
            read = parse_journal(path, line + b"\n")
        except StoreCorrupt:
            skipped += 1
            continue
        if read.dropped_tail:
            skipped += 1
        records.extend(read.records())
    return records, skipped


def _keep_copy(raw: bytes, target: Path) -> None:
    """Write ``raw`` to a NEW file ``target`` (never over an existing one), durably."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        target.unlink(missing_ok=True)  # our own partial copy; the original is untouched
        raise
    fsync_dir(target.parent)


def _storable(records: Iterable[Record]) -> list[Record]:
    """Drop what a put would refuse (reserved kinds), so the fresh file always opens."""
    return [r for r in records if r.kind and not r.kind.startswith("_")]


def set_aside_damaged(path: Path, author: str, now: datetime | None = None) -> Recovery | None:
    """Set ``path`` aside if it or its journal cannot be read; ``None`` when both read fine.

    Raises ``StoreLocked`` when another console holds the file, ``StoreTooNew`` for a file of a
    newer console (that is no damage), and ``StoreError`` when the disk refuses a write (then
    the damaged file is still where it was).
    """
    journal = journal_path_for(path)
    lock = FileLock(path, author)
    lock.acquire()
    try:
        damage = damage_of(path, author)
        if damage is None:
            return None
        try:
            raw = path.read_bytes() if path.exists() else None
            journal_raw = journal_bytes(journal)
        except OSError as exc:
            raise StoreError(f"cannot read {path} or its journal: {exc}") from exc
        file_records, skipped_documents = records_in_file(path, raw or b"")
        journal_records, skipped_lines = records_in_journal(journal, journal_raw)
        kept = _storable(merge(file_records, journal_records).values())
        aside = damaged_path_for(path, now)
        moved: list[tuple[Path, Path]] = []
        try:
            if raw is not None:
                _keep_copy(raw, aside)
                moved.append((path, aside))
            if journal_raw:
                _keep_copy(journal_raw, journal_path_for(aside))
                moved.append((journal, journal_path_for(aside)))
            atomic_write_bytes(journal, b"".join(encode_entry([r]) for r in kept))
            atomic_write_bytes(path, encode_json({META_TABLE: {META_DOC_ID: new_meta(author)}}))
        except OSError as exc:
            raise StoreError(
                f"could not set {path.name} aside ({exc}); the damaged file was not replaced"
            ) from exc
        return Recovery(
            path=path,
            reason=damage.reason,
            moved=tuple(moved),
            recovered=len(kept),
            from_file=len(file_records),
            from_journal=len(journal_records),
            skipped_documents=skipped_documents,
            skipped_lines=skipped_lines,
        )
    finally:
        lock.release()


__all__ = [
    "Recovery",
    "damage_of",
    "damaged_path_for",
    "records_in_file",
    "records_in_journal",
    "scan_records",
    "set_aside_damaged",
]
