"""Versioned records: the unit every console writes and every reader merges.

Each console writes only its own file, so the same logical record (a moderation decision,
a note) can exist in several files. ``merge`` picks one version per ``(kind, id)`` with a
rule that is idempotent and commutative: the highest revision wins, ties go to the later
``updated_at``, then to the greater author id. Deletions are tombstones (``deleted=True``)
so a merge never resurrects what someone removed.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

JSON = dict[str, Any]

DECISION_KIND = "decision"
"""The decision log's entries (console/board/decisions.py): one record per decision."""
APPEND_ONLY_KINDS = frozenset({DECISION_KIND})
"""Kinds whose records are written once, at revision 1, and never revised or deleted: since
every entry has an id of its own, a merge or a compaction (which keep one revision per id)
keep them all. ``AuthorFile.put_many`` refuses anything else for them."""


def utc_now_iso() -> str:
    """Current UTC time in the ISO 8601 form used in every record."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class Record:
    """One version of one logical record.

    ``kind`` names the table (``"note"``, ``"moderation"``, ``"question"``, ``"clock"`` ...),
    ``data`` is the kind's own JSON-safe payload.
    """

    kind: str
    id: str
    author: str
    rev: int = 1
    updated_at: str = field(default_factory=utc_now_iso)
    deleted: bool = False
    data: JSON = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.id)

    def revised(
        self,
        author: str,
        data: JSON | None = None,
        *,
        deleted: bool = False,
        updated_at: str | None = None,
    ) -> Record:
        """The next revision of this record, written by ``author``."""
        return replace(
            self,
            author=author,
            rev=self.rev + 1,
            updated_at=updated_at or utc_now_iso(),
            deleted=deleted,
            data=dict(self.data if data is None else data),
        )

    def to_json(self) -> JSON:
        return {
            "kind": self.kind,
            "id": self.id,
            "author": self.author,
            "rev": self.rev,
            "updated_at": self.updated_at,
            "deleted": self.deleted,
            "data": self.data,
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Record:
        """Parse a stored record; raises ``ValueError`` when a field is missing or mistyped."""
        try:
            kind, rid, author = raw["kind"], raw["id"], raw["author"]
            rev, updated_at = raw["rev"], raw["updated_at"]
            deleted, data = raw.get("deleted", False), raw.get("data", {})
        except (KeyError, TypeError) as exc:
            raise ValueError(f"record is missing field {exc}") from exc
        if not (isinstance(kind, str) and isinstance(rid, str) and isinstance(author, str)):
            raise ValueError("record kind, id and author must be strings")
        if not isinstance(rev, int) or isinstance(rev, bool) or rev < 1:
            raise ValueError("record rev must be a positive integer")
        if not isinstance(updated_at, str) or not isinstance(data, dict):
            raise ValueError("record updated_at must be a string and data an object")
        return cls(kind, rid, author, rev, updated_at, bool(deleted), dict(data))


def _data_key(record: Record) -> str:
    return json.dumps(record.data, sort_keys=True, separators=(",", ":"), default=str)


def wins(a: Record, b: Record) -> Record:
    """The version of one record that a merge keeps.

    A total order (revision, time, author, tombstone, then the data itself), so a merge
    gives the same result in any order even for two versions that differ only in data.
    """
    ka = (a.rev, a.updated_at, a.author, a.deleted)
    kb = (b.rev, b.updated_at, b.author, b.deleted)
    if ka == kb and a.data != b.data:
        return a if _data_key(a) >= _data_key(b) else b
    return a if ka >= kb else b


def merge(*sources: Iterable[Record]) -> dict[tuple[str, str], Record]:
    """Fold any number of record collections into one version per ``(kind, id)``."""
    out: dict[tuple[str, str], Record] = {}
    for source in sources:
        for rec in source:
            have = out.get(rec.key)
            out[rec.key] = rec if have is None else wins(have, rec)
    return out


def append_only_problem(record: Record, have: Record | None) -> str | None:
    """Why ``record`` may not be stored over ``have`` (an append-only kind), or None."""
    if record.kind not in APPEND_ONLY_KINDS:
        return None
    if record.rev != 1 or record.deleted:
        return f"{record.kind} records are append-only: written once, never revised or deleted"
    if have is not None and have != record:
        return f"{record.kind} {record.id} is already written, and the log is append-only"
    return None


def live(records: Iterable[Record], kind: str | None = None) -> list[Record]:
    """Records that are not tombstones, optionally of one kind."""
    return [r for r in records if not r.deleted and (kind is None or r.kind == kind)]
