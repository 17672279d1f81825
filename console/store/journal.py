"""The write-ahead journal beside an author file: a put is one fsync'd append, not a rewrite.

Rewriting a TinyDB file of 5,000 notes on every keystroke costs tens of milliseconds and
rewrites megabytes. Instead each ``put`` appends ONE line to ``<file>.journal`` and fsyncs it;
the TinyDB file is rewritten (atomically) only when the journal is compacted into it.

A line is ``<crc32 as 8 hex digits> <json>\\n``. The JSON is one ``Record.to_json()`` object
for a single put, or a list of them for a ``put_many``: a batch is one line, so it lands whole
or not at all. The checksum covers the JSON bytes, so a line cut short by a crash or a power
cut is recognised. Only the LAST line can be cut short (a put returns only after its fsync,
and a failed append is truncated away), so a damaged last line was never confirmed and is
dropped; a damaged line with good lines after it means the file was corrupted later, and
reading refuses (``StoreCorrupt``) rather than guess.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from console.store.atomic import atomic_write_bytes, encode_json, fsync_dir
from console.store.errors import StoreCorrupt
from console.store.records import Record

JOURNAL_SUFFIX = ".journal"
_CHECKSUM = re.compile(rb"[0-9a-f]{8}")


def journal_path_for(path: Path) -> Path:
    """The journal of an author file: ``ann.json`` -> ``ann.json.journal``."""
    return path.with_name(path.name + JOURNAL_SUFFIX)


def owner_of_journal(path: Path) -> Path | None:
    """The author file a journal belongs to, or ``None`` when ``path`` is no journal."""
    if not path.name.endswith(JOURNAL_SUFFIX) or path.name == JOURNAL_SUFFIX:
        return None
    return path.with_name(path.name[: -len(JOURNAL_SUFFIX)])


def encode_entry(records: Sequence[Record]) -> bytes:
    """One journal line for ``records``; ``ValueError``/``TypeError`` if JSON cannot hold them."""
    if not records:
        raise ValueError("a journal entry holds at least one record")
    value = records[0].to_json() if len(records) == 1 else [r.to_json() for r in records]
    body = encode_json(value)
    return b"%08x " % zlib.crc32(body) + body + b"\n"


class _Torn(Exception):
    """A line that a crash could have cut short (fine at the end, corruption elsewhere)."""


def _check_kind(kind: str) -> None:
    if not kind or kind.startswith("_"):
        raise ValueError(f"record kind {kind!r} is not allowed")


def _parse_line(line: bytes) -> list[Record]:
    if len(line) < 10 or line[8:9] != b" " or not _CHECKSUM.fullmatch(line[:8]):
        raise _Torn("no checksum")
    body = line[9:]
    if int(line[:8], 16) != zlib.crc32(body):
        raise _Torn("checksum mismatch")
    # From here on the bytes are exactly what a writer wrote: bad content is no torn write.
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"the checksum matches but it is not JSON: {exc}") from exc
    raws = value if isinstance(value, list) else [value]
    if not raws or not all(isinstance(raw, dict) for raw in raws):
        raise ValueError("it is neither a record nor a non-empty list of records")
    records = [Record.from_json(raw) for raw in raws]
    for rec in records:
        _check_kind(rec.kind)
    return records


@dataclass(frozen=True, slots=True)
class JournalRead:
    """What a journal holds: its entries in write order, and where the valid bytes end."""

    entries: list[list[Record]] = field(default_factory=list)
    good_length: int = 0
    dropped_tail: bool = False  # bytes after the last good line (an unconfirmed append)

    def records(self) -> Iterator[Record]:
        for entry in self.entries:
            yield from entry

    @property
    def empty(self) -> bool:
        return not self.entries and not self.dropped_tail


def parse_journal(path: Path, raw: bytes) -> JournalRead:
    """Parse journal bytes; ``StoreCorrupt`` for damage anywhere but in the last line."""
    *complete, remainder = raw.split(b"\n")
    entries: list[list[Record]] = []
    offset = 0
    for number, line in enumerate(complete, 1):
        try:
            entries.append(_parse_line(line))
        except _Torn as exc:
            if number == len(complete) and not remainder:
                return JournalRead(entries, offset, dropped_tail=True)
            raise StoreCorrupt(
                path, f"journal line {number} is damaged ({exc}) and more lines follow it"
            ) from exc
        except ValueError as exc:
            raise StoreCorrupt(path, f"journal line {number}: {exc}") from exc
        offset += len(line) + 1
    return JournalRead(entries, offset, dropped_tail=bool(remainder))


def journal_bytes(path: Path) -> bytes:
    """The raw journal; a missing one is empty. ``OSError`` for other read failures."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return b""


def read_journal(path: Path) -> JournalRead:
    """Read and parse a journal (see ``parse_journal``)."""
    return parse_journal(path, journal_bytes(path))


class JournalAppender:
    """The writer's end of a journal (the caller holds the file lock).

    ``append`` returns only after the line is fsynced. If the write or the fsync fails, the
    file is cut back to its previous length so the next line never lands behind garbage;
    should even that fail, ``damaged`` tells the owner to compact (which replaces the file)
    before appending again.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = 0
        self.entries = 0
        self.damaged = False
        self._fd: int | None = None

    def _handle(self) -> int:
        if self._fd is None:
            existed = self.path.exists()
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            if not existed:
                fsync_dir(self.path.parent)  # the new name must survive a power cut too
            self._fd = fd
            self.size = os.fstat(fd).st_size
        return self._fd

    def append(self, line: bytes) -> None:
        """Append one encoded line and make it durable; ``OSError`` when it is not."""
        fd = self._handle()
        start = self.size
        try:
            view = memoryview(line)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        except BaseException:
            try:
                os.ftruncate(fd, start)
                os.fsync(fd)
            except OSError:
                self.damaged = True
            raise
        self.size += len(line)
        self.entries += 1

    def reset(self) -> None:
        """Replace the journal with an empty one, atomically (after a compaction)."""
        self.close()
        atomic_write_bytes(self.path, b"")
        self.size, self.entries, self.damaged = 0, 0, False

    def close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)
