"""The session store: one import for everything the app needs to keep data at rest.

The pieces live in small modules (atomic writes, the lock, the journal, the author file, the
async writer, session folders, what ``session.json`` says, following a folder as it changes,
finding sessions, setting a damaged file aside, rewriting records in place for ``facilitator
purge``); this module only gathers their public names. See docs/store.md.
"""

from __future__ import annotations

from console.store.atomic import TMP_MARK, AtomicJSONStorage, atomic_write_bytes
from console.store.author_file import AuthorFile, fresh_path_for, read_author_file
from console.store.errors import (
    DAMAGED_MARK,
    SET_ASIDE_OPTION,
    StoreCorrupt,
    StoreError,
    StoreLocked,
    StoreTooNew,
)
from console.store.folders import FileStamp, FolderRead, SessionFolder, author_slug
from console.store.journal import journal_path_for
from console.store.lock import FileLock, lock_path_for
from console.store.records import (
    APPEND_ONLY_KINDS,
    DECISION_KIND,
    Record,
    merge,
    new_id,
    wins,
)
from console.store.rewrite import rewrite_author_file, rewrite_copy, stored_records
from console.store.schema import SCHEMA_VERSION
from console.store.session_info import (
    FEED_CACHE_FILE,
    NOT_AUTHOR_FILES,
    SESSION_FILE,
    SessionInfo,
)
from console.store.session_lookup import find_session, list_sessions, resumable_session
from console.store.set_aside import Recovery, set_aside_damaged
from console.store.watcher import FolderWatcher
from console.store.writer import StoreWriter

__all__ = [
    "APPEND_ONLY_KINDS",
    "DAMAGED_MARK",
    "DECISION_KIND",
    "FEED_CACHE_FILE",
    "NOT_AUTHOR_FILES",
    "SCHEMA_VERSION",
    "SESSION_FILE",
    "SET_ASIDE_OPTION",
    "TMP_MARK",
    "AtomicJSONStorage",
    "AuthorFile",
    "FileLock",
    "FileStamp",
    "FolderRead",
    "FolderWatcher",
    "Record",
    "Recovery",
    "SessionFolder",
    "SessionInfo",
    "StoreCorrupt",
    "StoreError",
    "StoreLocked",
    "StoreTooNew",
    "StoreWriter",
    "atomic_write_bytes",
    "author_slug",
    "find_session",
    "fresh_path_for",
    "journal_path_for",
    "list_sessions",
    "lock_path_for",
    "merge",
    "new_id",
    "read_author_file",
    "resumable_session",
    "rewrite_author_file",
    "rewrite_copy",
    "set_aside_damaged",
    "stored_records",
    "wins",
]
