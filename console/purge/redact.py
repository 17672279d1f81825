"""Taking askers' names and emails out of records and JSON files, keeping everything else.

What holds a participant's name or email, and the field it sits in:

- author files and journals: ``question`` records (typed in from the chat or heard aloud, and
  questions carried over from an earlier session): ``data.asker`` (and ``data.email``, which
  no console writes today but a copied file might hold);
- the feed cache (``feed-cache.json``): ``asker`` and ``email`` of every question, listed or
  kept;
- the form's old JSON store (``intake.json``, ``intake.pre-sqlite.json``): ``name``, ``email``;
- files that no longer parse (set-aside ``*.damaged-*`` copies, ``intake.unreadable-*``):
  the string value of every personal key (as above), found by pattern, and any string equal
  to a name or email seen elsewhere in the session.

Staff names (note authors, action owners, the facilitator, answer authors) are no asker's and
stay. A redacted record is the next revision of the same record, by the same author, so a
merge with an older copy keeps the redacted one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from console.store import Record

RECORD_FIELDS = ("asker", "email")
"""Personal fields of a record's data (``question`` records; any kind is checked)."""
FEED_FIELDS = (("asker", "name"), ("email", "email"))
"""Feed cache question fields, and whether each holds a name or an email."""
INTAKE_FIELDS = (("name", "name"), ("email", "email"))
MIN_SCRUB = 3
"""Shorter values are not searched for as loose strings (they would match at random)."""

RECORD_KEYS = ("asker", "email")
"""The keys searched for in damaged author files and journals."""
INTAKE_KEYS = ("name", "email")
"""The keys searched for in the form's damaged JSON files."""
FEED_KEYS = ("asker", "email")


def _pair_pattern(keys: Iterable[str]) -> re.Pattern[bytes]:
    names = b"|".join(re.escape(k.encode()) for k in keys)
    return re.compile(
        rb'"(?P<key>' + names + rb')"(?P<colon>\s*:\s*)"(?P<value>(?:[^"\\\n]|\\.)*)"'
    )


@dataclass(slots=True)
class Removed:
    """How many names and emails one step took out, and the values (kept in memory only)."""

    names: int = 0
    emails: int = 0
    values: set[str] = field(default_factory=set)

    def add(self, kind: str, value: object) -> None:
        if kind == "email":
            self.emails += 1
        else:
            self.names += 1
        if isinstance(value, str) and value:
            self.values.add(value)

    def merge(self, other: Removed) -> None:
        self.names += other.names
        self.emails += other.emails
        self.values |= other.values

    @property
    def any(self) -> bool:
        return bool(self.names or self.emails)


def _kind_of(key: str) -> str:
    return "email" if key == "email" else "name"


SPOKEN_KIND = "spoken"
"""``console.report.captions_review.SPOKEN_KIND``: an answer as spoken, whose turns name their
speakers (staff and participants alike, as the reviewer saw them)."""


def speakers(record: Record) -> list[str]:
    """The names an answer as spoken gives its turns (none for any other kind)."""
    turns = record.data.get("turns") if record.kind == SPOKEN_KIND else None
    if not isinstance(turns, list):
        return []
    return [t[0] for t in turns if isinstance(t, list) and t and isinstance(t[0], str) and t[0]]


def redact_record(record: Record, removed: Removed) -> Record | None:
    """The record without asker and email (and an answer as spoken without its speakers' names),
    as its next revision; None when it holds none of them."""
    if named := speakers(record):
        for name in named:
            removed.add("name", name)
        turns = [[None, *t[1:]] if isinstance(t, list) and t else t for t in record.data["turns"]]
        return replace(record, rev=record.rev + 1, data={**record.data, "turns": turns})
    found = {key: record.data[key] for key in RECORD_FIELDS if record.data.get(key)}
    if not found:
        return None
    for key, value in found.items():
        removed.add(_kind_of(key), value)
    data = dict(record.data)
    data.update(dict.fromkeys(found))
    return replace(record, rev=record.rev + 1, data=data)


def redact_entries(
    entries: Iterable[dict[str, Any]],
    fields: Iterable[tuple[str, str]],
    removed: Removed,
    keep: Any = None,
) -> None:
    """Null the personal fields of JSON objects in place (``keep(entry)`` true: left alone)."""
    wanted = tuple(fields)
    for entry in entries:
        if not isinstance(entry, dict) or (keep is not None and keep(entry)):
            continue
        for key, kind in wanted:
            if entry.get(key):
                removed.add(kind, entry[key])
                entry[key] = None


def values_in(raw: bytes, keys: Iterable[str]) -> set[str]:
    """Every string value of one of ``keys`` in bytes that may not parse."""
    out: set[str] = set()
    for match in _pair_pattern(keys).finditer(raw):
        try:
            value = json.loads(b'"' + match.group("value") + b'"')
        except ValueError:
            continue
        if isinstance(value, str) and value:
            out.add(value)
    return out


def _quoted_forms(value: str) -> set[bytes]:
    """How ``value`` looks as a JSON string in a file (escaped and unescaped)."""
    return {
        json.dumps(value, ensure_ascii=True).encode("ascii"),
        json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass"),
    }


def scrub_bytes(
    raw: bytes, known: Iterable[str], removed: Removed, keys: Iterable[str] = RECORD_KEYS
) -> bytes:
    """Bytes that may not parse, with personal string values replaced by ``null``.

    First every ``"<key>": "…"`` pair (``keys``: asker and email, or the form's name and
    email) gets ``null`` as its value; then every
    quoted string equal to a name or email known from elsewhere in the session becomes
    ``null``. The rest of the bytes are kept as they were, so what can still be recovered from
    a damaged file stays recoverable.
    """

    def pair(match: re.Match[bytes]) -> bytes:
        if not match.group("value"):
            return match.group(0)
        key = match.group("key").decode()
        try:
            value: object = json.loads(b'"' + match.group("value") + b'"')
        except ValueError:
            value = None
        removed.add(_kind_of(key), value)
        return b'"' + match.group("key") + b'"' + match.group("colon") + b"null"

    wanted = tuple(keys)
    out = _pair_pattern(wanted).sub(pair, raw) if wanted else raw
    for value in sorted(set(known), key=len, reverse=True):
        if len(value) < MIN_SCRUB:
            continue
        for form in _quoted_forms(value):
            hits = out.count(form)
            if hits:
                out = out.replace(form, b"null")
                for _ in range(hits):
                    removed.add("email" if "@" in value else "name", value)
    return out


def contains_any(raw: bytes, values: Iterable[str]) -> list[str]:
    """Which of ``values`` (long enough to search for) still occur in ``raw``, in any form."""
    left: list[str] = []
    for value in values:
        if len(value) < MIN_SCRUB:
            continue
        forms = _quoted_forms(value) | {value.encode("utf-8", "surrogatepass")}
        if any(form.strip(b'"') in raw for form in forms):
            left.append(value)
    return left


def feed_entries(raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The question objects of a feed cache (listed and kept)."""
    out: list[dict[str, Any]] = []
    for key in ("questions", "kept"):
        items = raw.get(key)
        if isinstance(items, list):
            out += [q for q in items if isinstance(q, dict)]
    return out


def intake_entries(raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The question documents of the form's old JSON store (``{"questions": {seq: doc}}``)."""
    table = raw.get("questions")
    if not isinstance(table, dict):
        return []
    return [doc for doc in table.values() if isinstance(doc, dict)]
