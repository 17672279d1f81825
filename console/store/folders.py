"""Session folders: ``<data>/sessions/<id>/`` with ``session.json`` and one file per author.

The facilitator's console creates the folder and alone writes ``session.json`` (atomically);
every console writes only its own author file; anyone can read the whole folder without a
lock: every TinyDB file is replaced atomically and never edited in place, and its journal
(``<file>.journal``) only grows by checksummed lines until a compaction replaces it (a reader
ignores a last line still being written). Readers of other consoles' files poll cheaply with
``changed_files`` (a ``stat`` per file and per journal) and re-read only what changed.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from console.store.atomic import atomic_write_bytes
from console.store.author_file import read_author_file
from console.store.errors import StoreCorrupt, StoreError, StoreTooNew
from console.store.journal import journal_path_for, owner_of_journal
from console.store.records import Record, merge
from console.store.schema import SCHEMA_VERSION
from console.system.paths import sessions_dir
from console.text.clean import clean_text

SESSION_FILE = "session.json"
FEED_CACHE_FILE = "feed-cache.json"
"""The facilitator's copy of the last good feed: data, not an author's records."""
NOT_AUTHOR_FILES = frozenset({SESSION_FILE, FEED_CACHE_FILE})
TITLE_LIMIT = 200
NAME_LIMIT = 80
URL_LIMIT = 500
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


def _parse_time(value: object, field: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{field} is not a date-time string")
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.astimezone()


def _web_address(value: object) -> str | None:
    """An http(s) address from ``session.json`` (cleaned, one line); None for anything else."""
    text = clean_text(value, URL_LIMIT, single_line=True) if isinstance(value, str) else ""
    return text if text.startswith(("http://", "https://")) and " " not in text else None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.astimezone()


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """What ``session.json`` says about a session (text fields already cleaned)."""

    id: str
    path: Path
    title: str
    agenda: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    rehearsal: bool
    facilitator: str
    follow_up_of: str | None
    timezone: str | None = None
    """The agenda's IANA time zone when the session was created (``None`` in older sessions):
    lists say when a session was held in the zone the console showed."""
    planned_start: datetime | None = None
    """When the session was planned to start, if its agenda has no date of its own (decided
    when the session was created); ``None`` when the agenda's date and start say it."""
    purged_at: datetime | None = None
    """When ``facilitator purge`` last removed askers' names and emails (None: never)."""
    form_url: str | None = None
    """The address the facilitator's console serves the session's question form at (None:
    it has served none), so a note-taker's console can show the link too."""

    def to_json(self) -> dict[str, Any]:
        def iso(moment: datetime | None) -> str | None:
            return None if moment is None else moment.isoformat()

        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "id": self.id,
            "title": self.title,
            "agenda": self.agenda,
            "created_at": iso(self.created_at),
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
            "rehearsal": self.rehearsal,
            "facilitator": self.facilitator,
            "follow_up_of": self.follow_up_of,
            "timezone": self.timezone,
            "planned_start": iso(self.planned_start),
        }
        if self.purged_at is not None:  # absent until a purge: older files stay byte-identical
            out["purged_at"] = iso(self.purged_at)
        if self.form_url is not None:  # absent until a form ran, likewise
            out["form_url"] = self.form_url
        return out

    @classmethod
    def from_json(cls, raw: Mapping[str, Any], path: Path) -> SessionInfo:
        """Parse ``session.json``; ``ValueError`` when it is not one, ``StoreTooNew`` if newer."""
        version = raw.get("schema_version", 1)
        if not isinstance(version, int) or isinstance(version, bool):
            raise ValueError("schema_version is not a whole number")
        if version > SCHEMA_VERSION:
            raise StoreTooNew(path / SESSION_FILE, version, SCHEMA_VERSION)
        created = _parse_time(raw.get("created_at"), "created_at")
        if created is None:
            raise ValueError("created_at is missing")
        follow = raw.get("follow_up_of")
        zone = raw.get("timezone")
        return cls(
            id=clean_text(raw.get("id") or path.name, NAME_LIMIT, single_line=True),
            path=path,
            title=clean_text(raw.get("title"), TITLE_LIMIT, single_line=True),
            agenda=clean_text(raw.get("agenda"), NAME_LIMIT, single_line=True),
            created_at=created,
            started_at=_parse_time(raw.get("started_at"), "started_at"),
            finished_at=_parse_time(raw.get("finished_at"), "finished_at"),
            rehearsal=bool(raw.get("rehearsal", False)),
            facilitator=clean_text(raw.get("facilitator"), NAME_LIMIT, single_line=True),
            follow_up_of=None
            if follow is None
            else clean_text(follow, NAME_LIMIT, single_line=True),
            timezone=(clean_text(zone, NAME_LIMIT, single_line=True) or None) if zone else None,
            planned_start=_parse_time(raw.get("planned_start"), "planned_start"),
            purged_at=_parse_time(raw.get("purged_at"), "purged_at"),
            form_url=_web_address(raw.get("form_url")),
        )


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
        created = _aware(now or datetime.now().astimezone())
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
            planned_start=None if planned_start is None else _aware(planned_start),
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
        | {"form_url"}
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
                changes[key] = _aware(changes[key])
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


class FolderWatcher:
    """Keeps a merged view of a session folder fresh by re-reading only changed files.

    ``poll()`` returns ``None`` when nothing changed (the common case, one ``stat`` per file),
    else the new merged records and warnings. Call it from a thread if files are large.
    """

    def __init__(self, folder: SessionFolder, *, skip: Collection[Path] = ()) -> None:
        """``skip``: files not to follow, such as the console's own (already in memory):
        re-reading it after each of its own saves would parse the whole file again."""
        self.folder = folder
        self._skip = {Path(p) for p in skip}
        self._stamps: dict[Path, FileStamp] = {}
        self._per_file: dict[Path, list[Record]] = {}
        self._problems: dict[Path, list[str]] = {}

    def poll(self) -> FolderRead | None:
        changed, stamps = self.folder.changed_files(self._stamps)
        self._stamps = {p: st for p, st in stamps.items() if p not in self._skip}
        changed = [p for p in changed if p not in self._skip]
        if not changed:
            return None
        for path in changed:
            self._per_file.pop(path, None)
            self._problems.pop(path, None)
            if path not in self._stamps:
                continue
            try:
                recs, problems = self.folder.read_file_checked(path)
            except StoreError as exc:
                self._problems[path] = [f"skipped {path.name}: {exc}"]
                continue
            self._per_file[path] = recs
            self._problems[path] = problems
        warnings = [w for path in sorted(self._problems) for w in self._problems[path]]
        return FolderRead(merge(*self._per_file.values()), warnings)


# -- finding sessions ------------------------------------------------------------------------


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
    moment = _aware(now)
    for info in list_sessions(root):
        if info.agenda != agenda or info.finished_at is not None:
            continue
        began = info.started_at or info.created_at
        if timedelta(0) <= moment - began <= within:
            return info
    return None
