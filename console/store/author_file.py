"""One console's own file in a session folder, kept in memory, journalled, compacted atomically.

Each console writes only its own file (``<session>/<author-slug>.json``), so two note-takers
never contend for one file, and readers merge the folder. The file is TinyDB's layout: one
table per record kind, one document per record (the record id maps to a TinyDB doc id), plus
``_meta`` with the schema version and the author.

A ``put`` appends one checksummed line to the journal beside the file (``ann.json.journal``,
see ``console.store.journal``) and fsyncs it, a couple of milliseconds whatever the file's size;
``put`` returns once that fsync did, so a record the user saw saved is on disk. The TinyDB file
is rewritten only on compaction (journal past ``compact_records`` entries or
``compact_bytes`` bytes, on ``open`` when a journal is left over, and on ``close``): merged
state to the TinyDB file atomically first, then an empty journal atomically. A crash between
the two leaves records in both files, and replaying them is harmless: the highest revision
wins (``console.store.records.wins``), as in every merge.

``AuthorFile`` drives ``AtomicJSONStorage`` directly instead of through TinyDB's ``Table`` API
so that only the documents touched since the last compaction are re-encoded.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from console.store.atomic import (
    AtomicJSONStorage,
    Tables,
    atomic_write_bytes,
    parse_tables,
    remove_stale_temp_files,
)
from console.store.errors import StoreCorrupt, StoreError, StoreTooNew
from console.store.journal import (
    JournalAppender,
    JournalRead,
    encode_entry,
    journal_bytes,
    journal_path_for,
    parse_journal,
)
from console.store.lock import FileLock
from console.store.records import Record, append_only_problem, merge, wins
from console.store.schema import (
    META_DOC_ID,
    META_TABLE,
    SCHEMA_VERSION,
    meta_of,
    migrate,
    new_meta,
    version_of,
)


def fresh_path_for(path: Path, now: datetime | None = None) -> Path:
    """A new file name beside ``path`` for starting over when ``path`` cannot be read."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.fresh-{stamp}{path.suffix}")
    counter = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.fresh-{stamp}-{counter}{path.suffix}")
        counter += 1
    return candidate


def _check_kind(kind: str) -> None:
    if not isinstance(kind, str) or not kind or kind.startswith("_"):
        raise StoreError(f"record kind {kind!r} is not allowed (empty or starting with '_')")


def records_of(
    path: Path, data: Tables
) -> tuple[dict[tuple[str, str], Record], dict[tuple[str, str], str], list[str]]:
    """Records in parsed tables, their doc ids, and a note for every document that is not one."""
    found: dict[tuple[str, str], Record] = {}
    doc_ids: dict[tuple[str, str], str] = {}
    problems: list[str] = []
    for table, docs in data.items():
        if table == META_TABLE:
            continue
        for doc_id, doc in docs.items():
            try:
                rec = Record.from_json(doc)
                if rec.kind != table:
                    raise ValueError(f"kind {rec.kind!r} stored in table {table!r}")
            except ValueError as exc:
                problems.append(f"{path.name}: table {table!r} document {doc_id}: {exc}")
                continue
            have = found.get(rec.key)
            if have is None or wins(have, rec) is rec:
                found[rec.key] = rec
                doc_ids[rec.key] = doc_id
    return found, doc_ids, problems


COMPACT_RECORDS = 500
EMPTY_REASON = "the file is empty, yet every write leaves at least its header"
COMPACT_BYTES = 1 << 20


def read_author_file(path: Path) -> tuple[list[Record], list[str]]:
    """Records of an author file and its journal, read without a lock, writing nothing.

    Returns the records plus a note per TinyDB document that is not a valid record. The
    journal is read BEFORE the TinyDB file: a compaction writes the TinyDB file first and
    empties the journal second, so whatever moment the reads straddle, every record is seen.
    A torn last journal line is an append still in progress and is ignored. Raises
    ``StoreCorrupt`` (either file damaged), ``StoreTooNew``, or ``StoreError`` when unreadable.
    """
    journal_path = journal_path_for(path)
    try:
        journal_raw = journal_bytes(journal_path)
        raw = path.read_bytes()
    except FileNotFoundError:
        raw = b""
    except OSError as exc:
        raise StoreError(f"cannot read {path} or its journal: {exc}") from exc
    data = parse_tables(path, raw) or {}
    try:
        version = version_of(data)
    except ValueError as exc:
        raise StoreCorrupt(path, str(exc)) from exc
    if version > SCHEMA_VERSION:  # checked first: a newer console may journal differently
        raise StoreTooNew(path, version, SCHEMA_VERSION)
    found, _, problems = records_of(path, data)
    journal = parse_journal(journal_path, journal_raw)
    return list(merge(found.values(), journal.records()).values()), problems


class AuthorFile:
    """One console's own TinyDB file (a table per record kind plus ``_meta``) and its journal.

    ``compact_records`` / ``compact_bytes`` bound the journal before it is folded into the
    TinyDB file (tests pass small values to make compaction frequent).
    """

    def __init__(
        self,
        path: Path,
        author: str,
        *,
        read_only: bool = False,
        compact_records: int = COMPACT_RECORDS,
        compact_bytes: int = COMPACT_BYTES,
    ) -> None:
        self.path = Path(path)
        self.author = author
        self.read_only = read_only
        self.compact_records = max(1, compact_records)
        self.compact_bytes = max(1, compact_bytes)
        self.migrated_from: int | None = None
        self.compactions = 0
        self.compaction_error: StoreError | None = None  # last failed compaction (data is safe)
        self.journal_path = journal_path_for(self.path)
        self._lock = None if read_only else FileLock(self.path, author)
        self._storage = AtomicJSONStorage(self.path, read_only=read_only)
        self._journal = JournalAppender(self.journal_path)
        self._unflushed: set[tuple[str, str]] = set()  # documents changed since the compaction
        self._data: Tables = {}
        self._doc_ids: dict[tuple[str, str], str] = {}
        self._next_doc: dict[str, int] = {}
        self._records: dict[tuple[str, str], Record] = {}
        self._memory_guard = threading.Lock()  # held only for dict updates, never for disk I/O
        self._write_guard = threading.RLock()  # one write at a time, whatever thread calls
        self._is_open = False

    # -- lifecycle ---------------------------------------------------------------------------

    def fresh_path(self, now: datetime | None = None) -> Path:
        """Where a fresh file would go if this one cannot be read (the CLI can suggest it)."""
        return fresh_path_for(self.path, now)

    def open(self) -> None:
        """Lock (unless read-only), load, and migrate the file; create it if missing.

        Raises ``StoreLocked`` when another console writes this file, ``StoreCorrupt`` when it
        or its journal does not parse (or the file is empty: something other than this store
        cut it), ``StoreTooNew`` when a newer console wrote it. ``console.store.set_aside`` is the
        way on from ``StoreCorrupt``.
        """
        if self._is_open:
            return
        if self._lock is not None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the folder {self.path.parent}: {exc}") from exc
            self._lock.acquire()
        try:
            self._load()
        except BaseException:
            if self._lock is not None:
                self._lock.release()
            raise
        self._is_open = True

    def _load(self) -> None:
        if not self.read_only:
            remove_stale_temp_files(self.path)
            remove_stale_temp_files(self.journal_path)
        try:
            journal_raw = journal_bytes(self.journal_path)  # first: see ``read_author_file``
        except OSError as exc:
            raise StoreError(f"cannot read {self.journal_path}: {exc}") from exc
        try:
            data = self._storage.read()
        except StoreCorrupt as exc:
            raise StoreCorrupt(self.path, exc.reason, owner=self.path) from exc
        except OSError as exc:
            raise StoreError(f"cannot read {self.path}: {exc}") from exc
        if data is None and self.path.exists():  # an atomic write never leaves an empty file
            raise StoreCorrupt(self.path, EMPTY_REASON, owner=self.path)
        must_write = data is None
        if data is None:
            data = {META_TABLE: {META_DOC_ID: new_meta(self.author)}}
        try:
            version = version_of(data)
        except ValueError as exc:
            raise StoreCorrupt(self.path, str(exc), owner=self.path) from exc
        if version > SCHEMA_VERSION:
            raise StoreTooNew(self.path, version, SCHEMA_VERSION)
        owner = meta_of(data).get("author")
        if version >= 1 and not self.read_only and owner != self.author:
            raise StoreError(
                f"{self.path} belongs to {owner!r}, not {self.author!r}; "
                f"each console writes only its own file (open it with --read-only to look)."
            )
        if version < SCHEMA_VERSION:
            self.migrated_from = version
            if not self.read_only:
                self._keep_backup(version)
                must_write = True
            data = migrate(data, self.author)
        records, doc_ids, problems = records_of(self.path, data)
        if problems:
            raise StoreCorrupt(self.path, problems[0], owner=self.path)
        self._data, self._doc_ids, self._records = data, doc_ids, records
        self._next_doc = {
            table: max((int(d) for d in docs), default=0) + 1 for table, docs in data.items()
        }
        self._unflushed = set()
        try:
            journal = parse_journal(self.journal_path, journal_raw)
        except StoreCorrupt as exc:
            raise StoreCorrupt(self.journal_path, exc.reason, owner=self.path) from exc
        self._replay(journal)
        if not self.read_only and (must_write or not journal.empty):
            self._compact()  # also drops a torn tail, so no new line ever lands behind it

    def _replay(self, journal: JournalRead) -> None:
        """Fold journal records into memory; the highest revision wins, so replaying records
        a crash left in both files changes nothing."""
        for rec in journal.records():
            have = self._records.get(rec.key)
            if have is None or wins(have, rec) is rec:
                self._remember([rec])

    def _keep_backup(self, version: int) -> None:
        """Copy the pre-migration bytes aside, so a migration can never lose the original."""
        with contextlib.suppress(FileNotFoundError):
            original = self.path.read_bytes()
            backup = self.path.with_name(f"{self.path.name}.schema-{version}.bak")
            if not backup.exists():
                atomic_write_bytes(backup, original)

    def close(self) -> None:
        """Compact the journal into the TinyDB file, then release the lock.

        A failed compaction does not raise: every record is still in the journal, and the next
        ``open`` folds it in. The failure is kept in ``compaction_error``.
        """
        with self._write_guard:
            if self._is_open and not self.read_only and (self._journal.entries or self._unflushed):
                self._compact_quietly()
            self._is_open = False
            self._journal.close()
            self._storage.close()
            if self._lock is not None:
                self._lock.release()

    def __enter__(self) -> AuthorFile:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- reading (from memory) ---------------------------------------------------------------

    @property
    def meta(self) -> dict[str, Any]:
        return dict(meta_of(self._data))

    def records(self, kind: str | None = None) -> list[Record]:
        with self._memory_guard:
            return [r for r in self._records.values() if kind is None or r.kind == kind]

    def get(self, kind: str, id: str) -> Record | None:
        with self._memory_guard:
            return self._records.get((kind, id))

    # -- writing (journal append, then compaction now and then) --------------------------------

    def put(self, record: Record) -> None:
        """Store ``record`` (replacing its earlier version); durable when this returns.

        Revisions only grow: should an older revision be put after a newer one, a reopen
        keeps the newer, as every merge does.
        """
        self.put_many((record,))

    def put_many(self, records: Iterable[Record]) -> None:
        """Store several records as ONE journal line: after a crash all of them are there, or
        none (a cut line fails its checksum and is dropped)."""
        batch = list(records)
        with self._write_guard:
            if not self._is_open:
                raise StoreError(f"{self.path.name} is not open")
            if self.read_only:
                raise StoreError(f"{self.path.name} was opened read-only; nothing was saved")
            if not batch:
                return
            for rec in batch:
                _check_kind(rec.kind)
                problem = append_only_problem(rec, self._records.get(rec.key))
                if problem is not None:
                    raise StoreError(f"{problem}; nothing was saved")
            try:
                line = encode_entry(batch)
            except (ValueError, TypeError) as exc:
                raise StoreError(
                    f"a record cannot be stored as JSON ({exc}); nothing was saved"
                ) from exc
            if self._journal.damaged:  # a failed append left bytes we could not cut away
                try:
                    self._compact()
                except StoreError as exc:
                    raise StoreError(f"{exc}. This change was not saved.") from exc
            try:
                self._journal.append(line)
            except OSError as exc:
                raise StoreError(
                    f"could not save to {self.journal_path} ({exc}); "
                    f"the file still holds the previous state"
                ) from exc
            self._remember(batch)
            if (
                self._journal.entries >= self.compact_records
                or self._journal.size >= self.compact_bytes
            ):
                self._compact_quietly()

    def compact(self) -> None:
        """Fold the journal into the TinyDB file now; ``StoreError`` if that failed."""
        with self._write_guard:
            if not self._is_open or self.read_only:
                raise StoreError(f"{self.path.name} is not open for writing")
            self._compact()

    def _remember(self, batch: Iterable[Record]) -> None:
        """Put durable records into memory: the records view and the TinyDB tables."""
        with self._memory_guard:
            for rec in batch:
                table = self._data.setdefault(rec.kind, {})
                doc_id = self._doc_ids.get(rec.key)
                if doc_id is None:
                    number = self._next_doc.get(rec.kind, 1)
                    doc_id, self._next_doc[rec.kind] = str(number), number + 1
                    self._doc_ids[rec.key] = doc_id
                table[doc_id] = rec.to_json()
                self._records[rec.key] = rec
                self._unflushed.add((rec.kind, doc_id))

    def _compact_quietly(self) -> None:
        """Compact, keeping a failure for later: the records are already safe in the journal."""
        try:
            self._compact()
        except StoreError as exc:
            self.compaction_error = exc

    def _compact(self) -> None:
        """TinyDB file first (atomic), then an empty journal (atomic): a crash between the two
        leaves records in both, which the replay on ``open`` absorbs."""
        try:
            self._storage.write_docs(self._data, self._unflushed)
        except (ValueError, TypeError) as exc:
            raise StoreError(f"a record cannot be stored as JSON ({exc})") from exc
        except OSError as exc:
            raise StoreError(
                f"could not rewrite {self.path} ({exc}); its journal still holds every record"
            ) from exc
        self._unflushed = set()
        try:
            self._journal.reset()
        except OSError as exc:
            raise StoreError(
                f"could not empty {self.journal_path} ({exc}); its records are all in "
                f"{self.path.name} already, so replaying them later is harmless"
            ) from exc
        self.compactions += 1
        self.compaction_error = None
