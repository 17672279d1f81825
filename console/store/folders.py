"""Session folders: ``<data>/sessions/<id>/`` with ``session.json`` and one file per author.

The facilitator's console creates the folder and alone writes ``session.json`` (atomically);
every console writes only its own author file; anyone can read the whole folder without a
lock: every TinyDB file is replaced atomically and never edited in place, and its journal
(``<file>.journal``) only grows by checksummed lines until a compaction replaces it (a reader
ignores a last line still being written). Readers of other consoles' files poll cheaply with
``changed_files`` (a ``stat`` per file and per journal) and re-read only what changed.

This module is the folder itself: creating and opening one, its author files and reading
them. What ``session.json`` says is in ``console/store/session_info.py``, following a folder
as it changes in ``console/store/watcher.py``, and finding sessions under the data directory
in ``console/store/session_lookup.py``.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from console.store.atomic import atomic_write_bytes
from console.store.author_file import read_author_file
from console.store.errors import StoreCorrupt, StoreError
from console.store.journal import journal_path_for, owner_of_journal
from console.store.records import Record, merge
from console.store.session_info import (
    FORM_FIELDS,
    NAME_LIMIT,
    NOT_AUTHOR_FILES,
    SESSION_FILE,
    TITLE_LIMIT,
    SessionInfo,
    _web_address,
    aware,
)
from console.system.paths import sessions_dir
from console.text.clean import clean_text

_RESERVED = {"session"}


def author_slug(author: str) -> str:
    """A safe, readable file stem for an author name: ``"Zoë O'Hara"`` -> ``"zoe-o-hara"``.

    Only ``[a-z0-9-]`` survive, so no name can climb out of the folder; a name with nothing
    usable left gets a stable hash instead.
    """
    folded = unicodedata.normalize("NFKD", author).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:40].strip("-")
    if not slug:
        slug = "author-" + hashlib.sha256(author.encode("utf-8", "replace")).hexdigest()[:10]
    if slug in _RESERVED:
        slug += "-author"
    return slug


class FileStamp(NamedTuple):
    """Enough of ``stat`` to notice a replaced file (atomic writes change the inode)."""

    inode: int
    mtime_ns: int
    size: int


@dataclass(frozen=True, slots=True)
class FolderRead:
    """Everything a reader learned from one pass over a session folder."""

    records: dict[tuple[str, str], Record]
    warnings: list[str]


class SessionFolder:
    """A session folder: ``session.json`` plus one TinyDB file per author."""

    def __init__(self, path: Path, info: SessionInfo) -> None:
        self.path = path
        self.info = info

    # -- creating and opening ----------------------------------------------------------------

    @classmethod
    def create(
        cls,
        root: Path,
        *,
        agenda: str,
        title: str,
        facilitator: str,
        rehearsal: bool = False,
        follow_up_of: str | None = None,
        now: datetime | None = None,
        timezone: str | None = None,
        planned_start: datetime | None = None,
    ) -> SessionFolder:
        """Create a new session under ``root`` (the DATA directory; sessions go in ``sessions/``).

        The id (``2025-12-17-1530-3fa9c2``) sorts by creation time and is unique.
        """
        created = aware(now or datetime.now().astimezone())
        base = sessions_dir(root)
        base.mkdir(parents=True, exist_ok=True)
        while True:
            session_id = f"{created:%Y-%m-%d-%H%M}-{uuid.uuid4().hex[:6]}"
            folder = base / session_id
            try:
                folder.mkdir()
                break
            except FileExistsError:
                continue
        info = SessionInfo(
            id=session_id,
            path=folder,
            title=clean_text(title, TITLE_LIMIT, single_line=True),
            agenda=clean_text(agenda, NAME_LIMIT, single_line=True),
            created_at=created,
            started_at=None,
            finished_at=None,
            rehearsal=rehearsal,
            facilitator=clean_text(facilitator, NAME_LIMIT, single_line=True),
            follow_up_of=(
                None
                if follow_up_of is None
                else clean_text(follow_up_of, NAME_LIMIT, single_line=True)
            ),
            timezone=timezone,
            planned_start=None if planned_start is None else aware(planned_start),
        )
        session = cls(folder, info)
        session._write_info()
        return session

    @classmethod
    def open(cls, path: Path) -> SessionFolder:
        """Open an existing session folder; ``StoreError`` when it is not a readable session."""
        meta = path / SESSION_FILE
        try:
            raw = json.loads(meta.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise StoreError(f"{path} is not a session folder (no {SESSION_FILE})") from exc
        except (OSError, ValueError) as exc:
            raise StoreCorrupt(meta, f"not valid JSON: {exc}") from exc
        if not isinstance(raw, dict):
            raise StoreCorrupt(meta, "the top level is not a JSON object")
        try:
            info = SessionInfo.from_json(raw, path)
        except ValueError as exc:
            raise StoreCorrupt(meta, str(exc)) from exc
        return cls(path, info)

    def _write_info(self) -> None:
        payload = json.dumps(self.info.to_json(), indent=2, ensure_ascii=False) + "\n"
        atomic_write_bytes(self.path / SESSION_FILE, payload.encode("utf-8"))

    _UPDATABLE = frozenset(
        {"title", "started_at", "finished_at", "rehearsal", "follow_up_of", "purged_at"}
        | set(FORM_FIELDS)
    )

    def update_info(self, **changes: Any) -> None:
        """Change ``session.json`` (facilitator's console only: it is the file's one writer)."""
        unknown = set(changes) - self._UPDATABLE
        if unknown:
            raise StoreError(f"session fields {sorted(unknown)} cannot be changed")
        if "title" in changes:
            changes["title"] = clean_text(changes["title"], TITLE_LIMIT, single_line=True)
        if "form_url" in changes:
            changes["form_url"] = _web_address(changes["form_url"])
        for key in ("started_at", "finished_at", "purged_at"):
            if changes.get(key) is not None:
                changes[key] = aware(changes[key])
        self.info = replace(self.info, **changes)
        self._write_info()

    # -- author files ------------------------------------------------------------------------

    def author_path(self, author: str) -> Path:
        """This author's own file in the folder (a slug: no name can escape the folder)."""
        path = self.path / f"{author_slug(author)}.json"
        if path.parent != self.path:  # belt and braces: the slug alphabet already forbids it
            raise StoreError(f"author name {author!r} does not give a file inside the session")
        return path

    def facilitator_path(self) -> Path:
        return self.author_path(self.info.facilitator)

    def author_files(self) -> list[Path]:
        """Every author file (and fresh replacement), skipping temp files and ``session.json``.

        Journals (``.json.journal``), locks and backups are not ``*.json``, so they never
        count as authors of their own; a journal is read with its author file."""
        return sorted(
            p
            for p in self.path.glob("*.json")
            if p.name not in NOT_AUTHOR_FILES and not p.name.startswith(".") and p.is_file()
        )

    # -- reading everyone's records ----------------------------------------------------------

    def read_file(self, path: Path) -> list[Record]:
        """Records of one author file; ``StoreCorrupt`` if it does not parse, records skipped
        with a problem are left out (see ``read_file_checked`` for the reasons)."""
        return self.read_file_checked(path)[0]

    def read_file_checked(self, path: Path) -> tuple[list[Record], list[str]]:
        """Records of one author file and its journal, plus a note per document that is not a
        valid record; ``StoreCorrupt`` when either file is damaged."""
        return read_author_file(path)

    def read_all(self) -> tuple[dict[tuple[str, str], Record], list[str]]:
        """Merge the records of EVERY author file (no lock taken, nothing written).

        A file that does not parse is skipped and named in the warnings, never touched.
        """
        result = self._read(self.author_files())
        return result.records, result.warnings

    def _read(self, paths: list[Path]) -> FolderRead:
        per_file: list[list[Record]] = []
        warnings: list[str] = []
        for path in paths:
            try:
                recs, problems = self.read_file_checked(path)
            except StoreError as exc:
                warnings.append(f"skipped {path.name}: {exc}")
                continue
            per_file.append(recs)
            warnings.extend(problems)
        return FolderRead(merge(*per_file), warnings)

    def stamps(self) -> dict[Path, FileStamp]:
        """Current ``stat`` stamp of every author file and of its journal (keyed by each path)."""
        out: dict[Path, FileStamp] = {}
        for path in self.author_files():
            for each in (path, journal_path_for(path)):
                try:
                    st = each.stat()
                except FileNotFoundError:
                    continue
                out[each] = FileStamp(st.st_ino, st.st_mtime_ns, st.st_size)
        return out

    def changed_files(
        self, since: Mapping[Path, FileStamp]
    ) -> tuple[list[Path], dict[Path, FileStamp]]:
        """Author files added, changed or removed since the ``since`` stamps, and the new stamps.

        Costs one ``stat`` per file and journal, so a reader can poll every second; pass the
        returned stamps back next time. A change to a journal lists its author file (append
        only grows it, a compaction replaces it). A removed file is listed but absent from the
        new stamps.
        """
        now = self.stamps()
        touched = [p for p, stamp in now.items() if since.get(p) != stamp]
        touched += [p for p in since if p not in now]
        return sorted({owner_of_journal(p) or p for p in touched}), now
