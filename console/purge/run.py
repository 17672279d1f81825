"""``facilitator purge``: take askers' names and emails out of every session that ended before
a date, keep the redacted record, and log what was removed and when.

Which folders:

- every session under ``<data dir>/sessions/`` that **ended** before the date: its
  ``finished_at``, or, for a session never finished (a console that crashed and was not
  restarted), the last time any of its files was written;
- the folder of a standalone ``form serve`` (``<data dir>/intake/``), if there is one: there
  the questions **sent** before the date.

Purge takes every lock first (each author file's, and each form folder's) and refuses, having
changed nothing, when any console or form holds one, naming each holder. Then, per folder:
author files and journals, the feed cache, set-aside copies and backups, the form's database
and old JSON stores are redacted (see ``console.purge.files`` and ``console.purge.form_folder``);
leftover temporary files of killed writers are deleted; every file of the folder is then read
back to check that no removed name or email is left in it (one still found inside a
question's or a note's own text is reported, not changed: purge keeps the record). The session
is marked purged (``purged_at`` in ``session.json``), and the report says so.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from console.purge.files import (
    Unreadable,
    author_values,
    copy_values,
    feed_values,
    purge_author_file,
    purge_feed_cache,
    purge_set_aside,
)
from console.purge.form_folder import (
    DB_FILE,
    OLD_STORES,
    UNREADABLE_GLOB,
    db_values,
    old_store_values,
    purge_db,
    purge_old_store,
)
from console.purge.redact import INTAKE_KEYS, Removed, contains_any, values_in
from console.store import (
    DAMAGED_MARK,
    FEED_CACHE_FILE,
    TMP_MARK,
    FileLock,
    SessionFolder,
    SessionInfo,
    StoreError,
    StoreLocked,
    list_sessions,
    lock_path_for,
)

PURGE_HOLDER = "facilitator purge"
LOG_FILE = "purge-log.jsonl"
INTAKE_FOLDER = "intake"
INTAKE_LOCK = "intake"
"""A form folder's lock is ``intake/intake.lock`` (``FileLock`` adds ``.lock``)."""


class PurgeRefused(StoreError):
    """A console or form holds a lock purge needs: nothing was changed."""

    def __init__(self, held: list[str]) -> None:
        self.held = held
        lines = "\n".join(f"  {line}" for line in held)
        super().__init__(
            "purge refused, nothing was changed: these files are in use.\n"
            f"{lines}\n"
            "Close those consoles (or stop that form; a session's own form a console left "
            "serving stops with: facilitator form stop --session ID), then run purge again."
        )


@dataclass(frozen=True, slots=True)
class FileResult:
    """What purge did to one file (counts only: the values themselves are never kept)."""

    name: str
    """The file's path inside its folder."""
    names: int
    emails: int
    action: str


@dataclass(slots=True)
class FolderResult:
    """One session (or standalone form) folder purged."""

    kind: str
    """``session`` or ``form``."""
    id: str
    title: str
    path: Path
    ended_at: datetime | None
    ended_by: str
    """``finished``, ``last written`` (a session never finished) or ``sent before``."""
    files: list[FileResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    """Files where a removed name or email still shows (inside text purge keeps)."""

    @property
    def names(self) -> int:
        return sum(f.names for f in self.files)

    @property
    def emails(self) -> int:
        return sum(f.emails for f in self.files)

    def to_log(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "id": self.id,
            "path": str(self.path),
            "ended_at": None if self.ended_at is None else self.ended_at.isoformat(),
            "ended_by": self.ended_by,
            "names": self.names,
            "emails": self.emails,
            "files": [
                {"file": f.name, "names": f.names, "emails": f.emails, "action": f.action}
                for f in self.files
            ],
            "problems": list(self.problems),
            "left_in_text": list(self.left),
        }


@dataclass(slots=True)
class PurgeResult:
    at: datetime
    before: datetime
    dry_run: bool
    folders: list[FolderResult] = field(default_factory=list)
    not_ended: list[str] = field(default_factory=list)
    """Sessions left alone: they had not ended before the date."""
    log_path: Path | None = None

    @property
    def problems(self) -> list[str]:
        return [p for f in self.folders for p in f.problems]

    def to_log(self) -> dict[str, object]:
        return {
            "at": self.at.isoformat(timespec="seconds"),
            "before": self.before.isoformat(timespec="seconds"),
            "names": sum(f.names for f in self.folders),
            "emails": sum(f.emails for f in self.folders),
            "folders": [f.to_log() for f in self.folders],
            "not_ended": len(self.not_ended),
        }


# -- which folders ---------------------------------------------------------------------------


def last_written(folder: Path) -> datetime | None:
    """When any file of ``folder`` (lock files aside) was last written."""
    newest: float | None = None
    for path in folder.rglob("*"):
        if path.name.endswith(".lock") or not path.is_file():
            continue
        with contextlib.suppress(OSError):
            stamp = path.stat().st_mtime
            newest = stamp if newest is None or stamp > newest else newest
    return None if newest is None else datetime.fromtimestamp(newest).astimezone()


def ended(info: SessionInfo) -> tuple[datetime | None, str]:
    if info.finished_at is not None:
        return info.finished_at, "finished"
    return last_written(info.path), "last written"


def _form_folder(root: Path) -> Path | None:
    folder = root / INTAKE_FOLDER
    if not folder.is_dir():
        return None
    if (folder / DB_FILE).exists() or any((folder / n).exists() for n in OLD_STORES):
        return folder
    return None


# -- locks -----------------------------------------------------------------------------------


def _lock_targets(folder: SessionFolder) -> list[Path]:
    paths = set(folder.author_files()) | {folder.facilitator_path()}
    for lock in folder.path.glob("*.json.lock"):  # a console whose file is not written yet
        paths.add(lock.with_name(lock.name[: -len(".lock")]))
    intake = folder.path / INTAKE_FOLDER
    if intake.is_dir():
        paths.add(intake / INTAKE_LOCK)
    return sorted(paths)


def _describe_holder(path: Path, root: Path, holder: dict[str, object]) -> str:
    who = holder.get("author") or "another program"
    where = f"pid {holder['pid']} on {holder.get('host', '?')}" if "pid" in holder else ""
    since = f", since {holder['since']}" if holder.get("since") else ""
    shown = lock_path_for(path)
    with contextlib.suppress(ValueError):
        shown = shown.relative_to(root)
    detail = f" ({where}{since})" if where else ""
    return f"{shown} is held by {who}{detail}"


@contextlib.contextmanager
def _holding(paths: list[Path], root: Path) -> Iterator[None]:
    """Hold every lock in ``paths`` for the block, or raise ``PurgeRefused`` naming each holder."""
    held: list[FileLock] = []
    refused: list[str] = []
    try:
        for path in paths:
            lock = FileLock(path, PURGE_HOLDER)
            try:
                lock.acquire()
            except StoreLocked as exc:
                refused.append(_describe_holder(path, root, exc.holder))
                continue
            held.append(lock)
        if refused:
            raise PurgeRefused(refused)
        yield
    finally:
        for lock in reversed(held):
            lock.release()


# -- one folder ------------------------------------------------------------------------------


def _rel(path: Path, folder: Path) -> str:
    try:
        return str(path.relative_to(folder))
    except ValueError:
        return path.name


def _set_aside_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and (DAMAGED_MARK in p.name or (".schema-" in p.name and p.suffix == ".bak"))
    )


def _temp_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob(f".*{TMP_MARK}*") if p.is_file())


def _record(result: FolderResult, path: Path, removed: Removed, action: str) -> None:
    if removed.any:
        result.files.append(
            FileResult(_rel(path, result.path), removed.names, removed.emails, action)
        )


def _purge_intake(
    result: FolderResult, intake: Path, known: set[str], cutoff: datetime | None, dry_run: bool
) -> None:
    _record(result, intake / DB_FILE, purge_db(intake, cutoff, dry_run=dry_run), "form database")
    for name in OLD_STORES:
        path = intake / name
        if path.exists():
            removed = purge_old_store(path, known, cutoff, dry_run=dry_run)
            _record(result, path, removed, "old form store")
    for path in sorted(intake.glob(UNREADABLE_GLOB)):
        removed = purge_old_store(path, known, cutoff, dry_run=dry_run)
        _record(result, path, removed, "form store kept aside")


def _intake_values(intake: Path, cutoff: datetime | None) -> set[str]:
    known = db_values(intake, cutoff)
    for name in OLD_STORES:
        known |= old_store_values(intake / name, cutoff)
    if cutoff is None:
        for path in intake.glob(UNREADABLE_GLOB):
            with contextlib.suppress(OSError):
                known |= values_in(path.read_bytes(), INTAKE_KEYS)
    return known


def _delete_temp_files(result: FolderResult, folders: list[Path], dry_run: bool) -> None:
    """Temporary files a killed writer left (their owner deletes them on its next start)."""
    for folder in folders:
        for path in _temp_files(folder):
            if not dry_run:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
            result.files.append(FileResult(_rel(path, result.path), 0, 0, "temporary file deleted"))


def _verify(result: FolderResult, known: set[str], dry_run: bool) -> None:
    """Read every file back: a removed value still present is named (values never printed)."""
    if dry_run or not known:
        return
    for path in sorted(result.path.rglob("*")):
        if not path.is_file() or path.name.endswith((".lock", "-shm")):
            continue
        try:
            raw = path.read_bytes()
        except OSError:
            continue
        found = contains_any(raw, known)
        if found:
            result.left.append(
                f"{_rel(path, result.path)}: {len(found)} removed name(s) or email(s) still "
                "appear inside question or note text (kept as written)"
            )


def purge_session(folder: SessionFolder, result: FolderResult, *, dry_run: bool) -> None:
    """Purge one session folder (its locks held by the caller)."""
    path = folder.path
    intake = path / INTAKE_FOLDER
    authors = folder.author_files()
    copies = _set_aside_files(path)
    feed = path / FEED_CACHE_FILE
    known: set[str] = set()
    for each in authors:
        known |= author_values(each)
    for each in copies:
        known |= copy_values(each)
    if feed.exists():
        known |= feed_values(feed)
    if intake.is_dir():
        known |= _intake_values(intake, None)
    for each in authors:
        try:
            removed = purge_author_file(each, dry_run=dry_run)
        except Unreadable as exc:
            result.problems.append(
                f"{each.name} cannot be read ({exc}); it was left as it is. Set it aside "
                f"with `facilitator run --session {folder.info.id} --set-aside-damaged` "
                "as its author, then purge again."
            )
            continue
        _record(result, each, removed, "author file and journal")
    if feed.exists():
        _record(result, feed, purge_feed_cache(feed, known, dry_run=dry_run), "feed cache")
    for each in copies:
        _record(result, each, purge_set_aside(each, known, dry_run=dry_run), "set-aside copy")
    if intake.is_dir():
        _purge_intake(result, intake, known, None, dry_run)
    _delete_temp_files(result, [path] + ([intake] if intake.is_dir() else []), dry_run)
    _verify(result, known, dry_run)


def purge_form(folder: Path, result: FolderResult, before: datetime, *, dry_run: bool) -> None:
    """Purge a standalone form's folder: questions sent before ``before`` (lock held)."""
    known = _intake_values(folder, before)
    _purge_intake(result, folder, known, before, dry_run)
    _delete_temp_files(result, [folder], dry_run)
    _verify(result, known, dry_run)


# -- the whole purge -------------------------------------------------------------------------


Planned = list[tuple[SessionFolder, FolderResult]]


def plan(root: Path, before: datetime) -> tuple[Planned, list[str]]:
    """The sessions that ended before ``before`` (with empty results), and the ids of the rest."""
    chosen: Planned = []
    rest: list[str] = []
    for info in sorted(list_sessions(root), key=lambda i: (i.created_at, i.id)):
        moment, how = ended(info)
        if moment is None or moment >= before:
            rest.append(info.id)
            continue
        try:
            folder = SessionFolder.open(info.path)
        except StoreError:
            rest.append(info.id)
            continue
        chosen.append(
            (folder, FolderResult("session", info.id, info.title, info.path, moment, how))
        )
    return chosen, rest


def purge(root: Path, before: datetime, *, now: datetime, dry_run: bool = False) -> PurgeResult:
    """Purge every session that ended before ``before`` (and a standalone form's old questions).

    Raises ``PurgeRefused`` (nothing changed) when a console or a form holds a lock needed.
    A real run appends one line to ``<root>/purge-log.jsonl`` (counts, never the values).
    """
    result = PurgeResult(at=now, before=before, dry_run=dry_run)
    sessions, result.not_ended = plan(root, before)
    form = _form_folder(root)
    locks = [p for folder, _ in sessions for p in _lock_targets(folder)]
    if form is not None:
        locks.append(form / INTAKE_LOCK)
    with _holding(locks, root):
        for folder, folder_result in sessions:
            purge_session(folder, folder_result, dry_run=dry_run)
            if not dry_run:
                folder.update_info(purged_at=now)
            result.folders.append(folder_result)
        if form is not None:
            form_result = FolderResult("form", INTAKE_FOLDER, "", form, before, "sent before")
            purge_form(form, form_result, before, dry_run=dry_run)
            result.folders.append(form_result)
    if not dry_run:
        result.log_path = append_log(root, result)
    return result


def append_log(root: Path, result: PurgeResult) -> Path:
    """Append the purge to ``<root>/purge-log.jsonl`` and make it durable."""
    path = root / LOG_FILE
    root.mkdir(parents=True, exist_ok=True)
    line = json.dumps(result.to_log(), ensure_ascii=False) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return path


__all__ = [
    "LOG_FILE",
    "FileResult",
    "FolderResult",
    "PurgeRefused",
    "PurgeResult",
    "plan",
    "purge",
]
