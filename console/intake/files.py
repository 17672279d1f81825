"""Crash-safe file writes for the intake folder: private files, through the project's one
atomic write (temp file, fsync, replace, fsync the folder); the folder lock is the store's
``FileLock``.
"""

from __future__ import annotations

from pathlib import Path

from console.store import atomic_write_bytes as write_atomically


def atomic_write_bytes(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` atomically and durably (private to the form's user)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, data, mode)
