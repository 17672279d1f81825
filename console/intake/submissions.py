"""Durable store of submitted questions, in TinyDB's JSON layout.

The file is ``{"_meta": {"1": {...}}, "questions": {"<seq>": {...}}}``, which TinyDB opens
as two tables, but it is written by this module, not TinyDB's JSONStorage (that rewrites in
place and can leave half a file). Questions live in memory; every change is written through
a single-thread executor (never on the event loop) with an atomic replace. Writes coalesce:
whoever takes the write lock saves everything added so far, so a burst costs few fsyncs.

Readers only see questions whose write has returned, so a question on the board is one
that survives a crash. Cursors are ``<epoch>.<seq>``: the epoch changes when the file is
started afresh, so a reader holding an old cursor gets everything again instead of nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from console.intake.files import atomic_write_bytes

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
STORE_FILE = "intake.json"
TABLE = "questions"
META_TABLE = "_meta"
MAX_PAGE = 500
"""Most questions one read returns; the reader asks again with the new cursor."""


class StoreWriteError(Exception):
    """The question could not be saved; the participant is asked to try again."""


@dataclass(frozen=True, slots=True)
class Submission:
    """One question as a participant sent it (text already cleaned)."""

    seq: int
    id: str
    text: str
    name: str | None
    display_name: bool
    email: str | None
    topic: str | None
    theme_id: str | None
    submitted_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "id": self.id,
            "text": self.text,
            "name": self.name,
            "display_name": self.display_name,
            "email": self.email,
            "topic": self.topic,
            "theme_id": self.theme_id,
            "submitted_at": self.submitted_at,
        }

    def to_api(self) -> dict[str, Any]:
        """The wire shape of ``GET /api/questions`` (no internal sequence number)."""
        out = self.to_json()
        del out["seq"]
        return out

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Submission:
        def opt(key: str) -> str | None:
            value = raw.get(key)
            return str(value) if value not in (None, "") else None

        seq, text, sid, when = raw["seq"], raw["text"], raw["id"], raw["submitted_at"]
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
            raise ValueError("seq must be a positive integer")
        if not (isinstance(text, str) and isinstance(sid, str) and isinstance(when, str)):
            raise ValueError("id, text and submitted_at must be strings")
        datetime.fromisoformat(when)
        return cls(
            seq=seq,
            id=sid,
            text=text,
            name=opt("name"),
            display_name=bool(raw.get("display_name", False)),
            email=opt("email"),
            topic=opt("topic"),
            theme_id=opt("theme_id"),
            submitted_at=when,
        )


@dataclass(frozen=True, slots=True)
class Cursor:
    epoch: str
    seq: int

    def __str__(self) -> str:
        return f"{self.epoch}.{self.seq}"

    @classmethod
    def parse(cls, text: str) -> Cursor:
        """Parse an opaque cursor; raises ``ValueError`` with a plain message."""
        epoch, sep, seq = text.partition(".")
        if not sep or not epoch.isalnum() or not seq.isdigit() or len(text) > 64:
            raise ValueError("cursor is not one this server gave out")
        return cls(epoch, int(seq))


class SubmissionStore:
    """All questions of one intake folder; one instance (one process) per file."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / STORE_FILE
        self.recovered_from: Path | None = None
        """Set when the file did not parse and was kept aside under this name."""
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="intake-store")
        self._lock = asyncio.Lock()
        self._items: list[Submission] = []
        self._persisted_seq = 0
        self._next_seq = 1
        self._changed = asyncio.Event()
        self.epoch = secrets.token_hex(4)
        self._load()

    # -- loading -------------------------------------------------------------------------
    def _load(self) -> None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        try:
            data = json.loads(raw)
            meta = data[META_TABLE]["1"]
            epoch = meta["epoch"]
            if not isinstance(epoch, str) or not epoch.isalnum():
                raise ValueError("bad epoch")
            if meta.get("schema") != SCHEMA_VERSION:
                raise ValueError(f"unknown schema {meta.get('schema')!r}")
            items = sorted(
                (Submission.from_json(doc) for doc in data[TABLE].values()),
                key=lambda s: s.seq,
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            aside = self.path.with_name(f"{self.path.stem}.unreadable-{stamp}.json")
            self.path.replace(aside)
            self.recovered_from = aside
            log.warning("%s did not parse (%s); kept it as %s", self.path, exc, aside)
            return
        self.epoch = epoch
        self._items = items
        last = items[-1].seq if items else 0
        self._persisted_seq = last
        self._next_seq = last + 1

    # -- writing -------------------------------------------------------------------------
    def _document(self, items: list[Submission]) -> bytes:
        doc = {
            META_TABLE: {"1": {"schema": SCHEMA_VERSION, "epoch": self.epoch}},
            TABLE: {str(s.seq): s.to_json() for s in items},
        }
        return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")

    def _write(self, items: list[Submission]) -> None:
        atomic_write_bytes(self.path, self._document(items))

    async def add(self, **fields: Any) -> Submission:
        """Store one question and return once it is on disk; raises ``StoreWriteError``."""
        item = Submission(seq=self._next_seq, **fields)
        self._next_seq += 1
        self._items.append(item)
        async with self._lock:
            if self._persisted_seq >= item.seq:
                return item
            batch = list(self._items)
            upto = batch[-1].seq
            loop = asyncio.get_running_loop()
            try:
                await loop.run_in_executor(self._executor, self._write, batch)
            except OSError as exc:
                lost = {s.seq for s in batch if s.seq > self._persisted_seq}
                self._items = [s for s in self._items if s.seq not in lost]
                log.error("could not save questions to %s: %s", self.path, exc)
                raise StoreWriteError("the question could not be saved") from exc
            self._persisted_seq = upto
            self.notify()
        return item

    async def save_empty(self) -> None:
        """Write the file now (so it exists, with its epoch, from the first start)."""
        if self.path.exists():
            return
        async with self._lock:
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(self._executor, self._write, list(self._items))

    def close(self) -> None:
        self._executor.shutdown(wait=True)

    # -- reading -------------------------------------------------------------------------
    def notify(self) -> None:
        """Wake every long-poll waiting for news (new questions or open/closed)."""
        old, self._changed = self._changed, asyncio.Event()
        old.set()

    def changed(self) -> asyncio.Event:
        """An event set at the next change; take it *before* checking for news."""
        return self._changed

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.epoch, self._persisted_seq)

    def start_of(self, cursor: Cursor | None) -> int:
        """The sequence number to read after: a cursor from another epoch reads everything."""
        if cursor is None or cursor.epoch != self.epoch:
            return 0
        return cursor.seq

    def after(self, seq: int, limit: int = MAX_PAGE) -> list[Submission]:
        """Saved questions newer than ``seq``, oldest first."""
        out: list[Submission] = []
        for item in reversed(self._items):
            if item.seq <= seq:
                break
            if item.seq <= self._persisted_seq:
                out.append(item)
        out.reverse()
        return out[:limit]

    def get(self, sid: str) -> Submission | None:
        for item in reversed(self._items):
            if item.id == sid and item.seq <= self._persisted_seq:
                return item
        return None

    def __len__(self) -> int:
        return sum(1 for s in self._items if s.seq <= self._persisted_seq)
