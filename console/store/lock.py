"""One writer per file: an OS advisory lock that dies with its process.

``fcntl.flock`` on a sibling ``<file>.lock`` is released by the kernel when the holder exits,
however it exits (SIGKILL included), so a crashed console restarts without help and there is
no stale-lock guessing. After taking the lock the holder writes who it is into the lock file,
so a refused console can say whom it is waiting for.

Linux already refuses a second ``flock`` on a new descriptor inside the same process, but a
process-wide registry makes that refusal explicit and portable (some filesystems emulate
``flock`` with POSIX locks, which a process never conflicts with itself on).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import threading
from datetime import UTC, datetime
from pathlib import Path

from console.store.errors import StoreError, StoreLocked

_held: dict[Path, dict[str, object]] = {}
_held_guard = threading.Lock()


def lock_path_for(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def read_holder(lock_path: Path) -> dict[str, object]:
    """Holder info from a lock file; empty when unreadable (a holder mid-way through writing)."""
    try:
        raw = json.loads(lock_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return raw if isinstance(raw, dict) else {}


class FileLock:
    """An exclusive, non-blocking write lock on ``path`` held through ``path.lock``."""

    def __init__(self, path: Path, author: str) -> None:
        self.path = path
        self.lock_path = lock_path_for(path)
        self.author = author
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock or raise ``StoreLocked`` naming the holder; never waits."""
        if self._fd is not None:
            return
        key = self.path.resolve()
        holder = {
            "author": self.author,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        with _held_guard:
            if key in _held:
                raise StoreLocked(self.path, _held[key])
            try:
                fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise StoreError(f"cannot create the lock file {self.lock_path}: {exc}") from exc
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise StoreLocked(self.path, read_holder(self.lock_path)) from None
            _held[key] = holder
        self._fd = fd
        payload = json.dumps(holder).encode()
        os.ftruncate(fd, 0)
        os.pwrite(fd, payload, 0)
        os.fsync(fd)

    def release(self) -> None:
        """Drop the lock; the lock file stays (removing it would race a waiting opener)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)  # closing the descriptor releases the flock
        with _held_guard:
            _held.pop(self.path.resolve(), None)
