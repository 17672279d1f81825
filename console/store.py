"""The session store: one import for everything the app needs to keep data at rest.

The pieces live in small modules (atomic writes, the lock, the journal, the author file, the
async writer, session folders, setting a damaged file aside); this module only gathers their
public names. See docs/store.md.
"""

from __future__ import annotations

from console.atomic_storage import AtomicJSONStorage, atomic_write_bytes
from console.author_file import AuthorFile, fresh_path_for, read_author_file
from console.journal import journal_path_for
from console.sessions import (
    SESSION_FILE,
    FileStamp,
    FolderRead,
    FolderWatcher,
    SessionFolder,
    SessionInfo,
    author_slug,
    find_session,
    list_sessions,
    resumable_session,
)
from console.set_aside import Recovery, set_aside_damaged
from console.store_errors import (
    SET_ASIDE_OPTION,
    StoreCorrupt,
    StoreError,
    StoreLocked,
    StoreTooNew,
)
from console.store_schema import SCHEMA_VERSION
from console.store_writer import StoreWriter

__all__ = [
    "SCHEMA_VERSION",
    "SESSION_FILE",
    "SET_ASIDE_OPTION",
    "AtomicJSONStorage",
    "AuthorFile",
    "FileStamp",
    "FolderRead",
    "FolderWatcher",
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
    "read_author_file",
    "resumable_session",
    "set_aside_damaged",
]
