"""Crash-safe JSON files in TinyDB's layout.

TinyDB's stock ``JSONStorage`` rewrites the file in place, so a crash mid-write leaves half a
file. Here every write goes to a temporary file in the same folder, is flushed and fsynced,
then ``os.replace``-d over the old one, and the folder is fsynced so the rename itself survives
a power cut. A reader therefore sees the old file or the new one, never a mix.

The file stays plain TinyDB (``{table: {doc_id: document}}``), one document per line, so
``TinyDB(path, storage=AtomicJSONStorage)`` or ``jq`` can read it. Serialised documents are
cached, so a write after changing one record re-encodes one record, not five thousand.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from console.store.errors import StoreCorrupt

Tables = dict[str, dict[str, dict[str, Any]]]
TMP_MARK = ".tmp-"


def temp_prefix(path: Path) -> str:
    """Prefix of this file's temporary files: hidden, so folder readers skip them."""
    return f".{path.name}{TMP_MARK}"


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (no-op where folders can't be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, payload: bytes, mode: int | None = None) -> None:
    """Replace ``path`` with ``payload`` so that a crash leaves the old or the new content.

    The one atomic write of the project (store, feed cache, form data, state file); ``mode``
    sets the file's permissions (the temp file's are 0o600 otherwise).
    """
    fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(path), dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            Path(tmp_name).chmod(mode)
        Path(tmp_name).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp_name).unlink()
        raise
    fsync_dir(path.parent)


def remove_stale_temp_files(path: Path) -> list[Path]:
    """Delete temporary files a killed writer left behind (call only while holding the lock)."""
    removed = []
    for leftover in path.parent.glob(temp_prefix(path) + "*"):
        with contextlib.suppress(OSError):
            leftover.unlink()
            removed.append(leftover)
    return removed


def encode_json(value: object) -> bytes:
    """Compact UTF-8 JSON on one line; NaN and non-JSON values raise ``ValueError``/``TypeError``.

    No indentation, and JSON escapes control characters inside strings, so the bytes never
    hold a newline: the journal relies on that to keep one entry per line.
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, sort_keys=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: fall back to \u escapes, still valid JSON
        return json.dumps(value, ensure_ascii=True, allow_nan=False).encode("ascii")


def _encode_line(doc_id: str, doc: Mapping[str, Any]) -> bytes:
    return json.dumps(doc_id).encode("ascii") + b": " + encode_json(doc)


def parse_tables(path: Path, raw: bytes) -> Tables | None:
    """Parse and shape-check a TinyDB file; ``None`` when empty, ``StoreCorrupt`` when broken."""
    if not raw:
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise StoreCorrupt(path, f"not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise StoreCorrupt(path, "the top level is not a JSON object of tables")
    for table, docs in data.items():
        if not isinstance(docs, dict):
            raise StoreCorrupt(path, f"table {table!r} is not an object of documents")
        for doc_id, doc in docs.items():
            if not doc_id.isdigit() or not isinstance(doc, dict):
                raise StoreCorrupt(path, f"table {table!r} has a malformed document {doc_id!r}")
    return data


class AtomicJSONStorage(Storage):
    """A TinyDB storage that writes atomically and never overwrites a file it cannot parse.

    As the single writer of its file it keeps the last state in memory after the first read,
    so TinyDB's read-before-every-operation costs nothing. With ``read_only=True`` every read
    goes back to the disk (someone else is writing) and writes are refused.
    """

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False) -> None:
        super().__init__()
        self.path = Path(path)
        self.read_only = read_only
        self._memory: Tables | None = None
        self._loaded = False
        self._lines: dict[str, dict[str, bytes]] = {}  # table -> doc id -> encoded line
        self._joined: dict[str, bytes] = {}  # table -> its encoded block, reused when untouched

    def read(self) -> Tables | None:
        if self._loaded and not self.read_only:
            return self._memory
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            raw = b""
        data = parse_tables(self.path, raw)
        self._memory, self._loaded = data, True
        self._forget_encoding()
        return data

    def write(self, data: Tables) -> None:
        """Write every document (TinyDB's entry point; it may have changed any of them)."""
        self._forget_encoding()
        self.write_docs(data, ())

    def write_docs(self, data: Tables, changed: Iterable[tuple[str, str]]) -> None:
        """Write ``data``, re-encoding only the ``(table, doc_id)`` pairs in ``changed``.

        Tables with no named document reuse the bytes of the previous write, so the caller
        must name every document it added, changed or removed (a table whose size disagrees
        with the cache is re-encoded whole, as a safety net). Raises ``ValueError`` or
        ``TypeError`` for data JSON cannot hold and ``OSError`` from the disk; on any error
        the file and the cache are unchanged.
        """
        if self.read_only:
            raise PermissionError(f"{self.path} was opened read-only")
        if not self._loaded and self.path.exists():
            self.read()  # refuse to replace a file we have not proven parses
        dirty: dict[str, set[str]] = {}
        for table, doc_id in changed:
            dirty.setdefault(table, set()).add(doc_id)
        lines: dict[str, dict[str, bytes]] = {}
        joined: dict[str, bytes] = {}
        for table, docs in data.items():
            cached = self._lines.get(table)
            if cached is not None and table not in dirty and len(cached) == len(docs):
                lines[table], joined[table] = cached, self._joined[table]
                continue
            if cached is None or len(cached) + len(dirty.get(table, ())) < len(docs):
                fresh = {doc_id: _encode_line(doc_id, doc) for doc_id, doc in docs.items()}
            else:
                fresh = dict(cached)
                for doc_id in dirty.get(table, ()):
                    if doc_id in docs:
                        fresh[doc_id] = _encode_line(doc_id, docs[doc_id])
                    else:
                        fresh.pop(doc_id, None)
                if len(fresh) != len(docs):
                    fresh = {doc_id: _encode_line(doc_id, doc) for doc_id, doc in docs.items()}
            lines[table] = fresh
            body = b",\n  ".join(fresh.values())
            head = json.dumps(table).encode("utf-8") + b": {"
            joined[table] = head + (b"\n  " + body + b"\n}" if fresh else b"}")
        payload = b"{\n" + b",\n".join(joined.values()) + b"\n}\n"
        atomic_write_bytes(self.path, payload)
        self._lines, self._joined, self._memory, self._loaded = lines, joined, data, True

    def _forget_encoding(self) -> None:
        self._lines, self._joined = {}, {}

    def close(self) -> None:
        self._memory, self._loaded = None, False
        self._forget_encoding()
