"""``facilitator purge``: askers' names and emails out of sessions that ended before a date.

``purge(root, before, now=...)`` does it (``dry_run=True`` only counts); ``PurgeRefused``
when a console or form holds a lock. See ``console.purge.run`` for what is purged where, and
docs/intake.md ("Removing names and emails").
"""

from __future__ import annotations

from console.purge.run import (
    LOG_FILE,
    FileResult,
    FolderResult,
    PurgeRefused,
    PurgeResult,
    plan,
    purge,
)

__all__ = [
    "LOG_FILE",
    "FileResult",
    "FolderResult",
    "PurgeRefused",
    "PurgeResult",
    "plan",
    "purge",
]
