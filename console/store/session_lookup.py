"""Finding sessions under the data directory: listing them, one by reference, one to resume.

Commands take a session as a full id, a unique start of one, ``latest`` or a folder path, and
``facilitator run`` offers to resume an unfinished session of the same agenda. These read only
``session.json`` of each folder (``SessionInfo``) and skip folders that are not readable
sessions, so they live apart from ``SessionFolder``, which works inside one folder. A reference
that matches nothing, or several, gives a ``StoreError`` that lists the known sessions.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from console.store.errors import StoreError
from console.store.folders import SessionFolder
from console.store.session_info import SESSION_FILE, SessionInfo, aware
from console.system.paths import sessions_dir


def list_sessions(root: Path) -> list[SessionInfo]:
    """Sessions under the data directory ``root``, newest first; broken folders are skipped."""
    base = sessions_dir(root)
    if not base.is_dir():
        return []
    found = []
    for folder in base.iterdir():
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        try:
            found.append(SessionFolder.open(folder).info)
        except StoreError:
            continue
    found.sort(key=lambda info: (info.created_at, info.id), reverse=True)
    return found


def _describe(sessions: list[SessionInfo], limit: int = 10) -> str:
    if not sessions:
        return "There are no sessions yet."
    lines = [f"  {s.id}  {s.title}" for s in sessions[:limit]]
    more = f"\n  … and {len(sessions) - limit} more" if len(sessions) > limit else ""
    return "Known sessions (newest first):\n" + "\n".join(lines) + more


def find_session(root: Path, ref: str) -> SessionFolder:
    """A session by id, unique id prefix, ``"latest"``, or folder path; ``StoreError`` if none."""
    sessions = list_sessions(root)
    if ref == "latest":
        if not sessions:
            raise StoreError(f"No session to open under {sessions_dir(root)}. {_describe([])}")
        return SessionFolder.open(sessions[0].path)
    as_path = Path(ref).expanduser()
    if ("/" in ref or ref.startswith(".")) and (as_path / SESSION_FILE).is_file():
        return SessionFolder.open(as_path)
    exact = [s for s in sessions if s.id == ref]
    matches = exact or [s for s in sessions if ref and s.id.startswith(ref)]
    if len(matches) == 1:
        return SessionFolder.open(matches[0].path)
    if matches:
        raise StoreError(
            f"{ref!r} matches several sessions; give more of the id.\n" + _describe(matches)
        )
    raise StoreError(f"No session matches {ref!r}.\n{_describe(sessions)}")


def resumable_session(
    root: Path, agenda: str, now: datetime, within: timedelta = timedelta(hours=12)
) -> SessionInfo | None:
    """The latest unfinished session of ``agenda`` started (or created) within ``within``."""
    moment = aware(now)
    for info in list_sessions(root):
        if info.agenda != agenda or info.finished_at is not None:
            continue
        began = info.started_at or info.created_at
        if timedelta(0) <= moment - began <= within:
            return info
    return None
