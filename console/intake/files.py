"""Crash-safe file writes and the one-writer lock for the intake folder.

A write goes to a temp file in the same folder, is flushed and fsynced, replaces the target
with ``os.replace`` and then the folder is fsynced, so a crash leaves the old file or the new
one, never half of either.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from typing import IO

from console.atomic_storage import atomic_write_bytes as write_atomically


def atomic_write_bytes(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` atomically and durably (private to the form's user)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, data, mode)


class FolderLock:
    """An advisory lock that dies with its process, so a killed server restarts without help."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock or raise ``BlockingIOError`` naming the holder's process id."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")  # noqa: SIM115 - held open while locked
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise BlockingIOError(f"held by process {holder}") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
