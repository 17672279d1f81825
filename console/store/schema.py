"""The version of the author-file layout and the steps that bring older files up to date.

Every author file carries ``_meta`` (document 1) with ``schema_version``. A change of layout
bumps ``SCHEMA_VERSION`` and adds one function to ``MIGRATIONS`` taking version ``n`` to
``n + 1``; opening a file runs the missing steps in order. A file from a newer console is
refused rather than guessed at, since rewriting it could drop fields we do not know.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from console.store.atomic import Tables
from console.store.records import utc_now_iso

SCHEMA_VERSION = 2
META_TABLE = "_meta"
META_DOC_ID = "1"
APP_NAME = "facilitator-console"


def new_meta(author: str) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "author": author,
        "created_at": utc_now_iso(),
        "app": APP_NAME,
    }


def meta_of(data: Tables) -> dict[str, Any]:
    return data.get(META_TABLE, {}).get(META_DOC_ID, {})


def version_of(data: Tables) -> int:
    """Schema version of a parsed file; 0 means records without ``_meta`` (pre-versioning)."""
    found = meta_of(data).get("schema_version", 0)
    if not isinstance(found, int) or isinstance(found, bool) or found < 0:
        raise ValueError(f"schema_version {found!r} is not a whole number")
    return found


def _v0_to_v1(data: Tables, author: str) -> Tables:
    """Version 0 was plain TinyDB tables of records; version 1 adds the ``_meta`` table."""
    upgraded: Tables = {META_TABLE: {META_DOC_ID: new_meta(author)}}
    upgraded.update({name: docs for name, docs in data.items() if name != META_TABLE})
    return upgraded


def _v1_to_v2(data: Tables, author: str) -> Tables:
    """Version 2 keeps the decision log (``decision`` records, written once, never revised).

    Nothing to convert: a version 1 file has no log, and its questions' past times are not
    known (the moderation records kept only each newest decision), so none are made up. The
    version moves so that a version 1 console, which would decide without logging, refuses
    the file instead of leaving holes in the log.
    """
    del author
    return data


MIGRATIONS: dict[int, Callable[[Tables, str], Tables]] = {0: _v0_to_v1, 1: _v1_to_v2}


def migrate(data: Tables, author: str) -> Tables:
    """Bring ``data`` to ``SCHEMA_VERSION``; the caller checks the version is not newer."""
    version = version_of(data)
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data, author)
        version += 1
        data[META_TABLE][META_DOC_ID]["schema_version"] = version
    return data
