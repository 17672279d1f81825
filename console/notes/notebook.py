"""Notes taken during a session: concerns, action items, resource requests and general notes.

Each entry is a ``note`` record; each author has one free-form Markdown notepad per segment
(a ``notepad`` record with id ``"<author>:<segment>"``). Every change is a new revision and
a deletion is a tombstone, so several note-takers' files merge without losing anything and
an undo is just one more revision. Entries belong to their author: another console's
entries are shown but cannot be changed here.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from console.board.question import parse_time
from console.notes.carried import CarriedFrom
from console.notes.markers import Parsed, parse_markers
from console.store import Record, new_id, wins
from console.text.clean import clean_text

KINDS: tuple[str, ...] = ("concern", "action", "resource", "note")
NOTE_LIMIT = 20_000
NOTEPAD_LIMIT = 200_000
OWNER_LIMIT = 120
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EDITABLE = frozenset(
    {"text", "kind", "themes", "owner", "due", "done", "segment_id", "question_key"}
)


class NoteTooLong(ValueError):
    """Text over the limit: refused whole, never cut, so the user can split it."""

    def __init__(self, length: int, limit: int, what: str = "note") -> None:
        self.length = length
        self.limit = limit
        parts = -(-length // limit)
        super().__init__(
            f"This {what} has {length:,} characters; the limit is {limit:,}. "
            f"Split it into {parts} or more parts, or shorten it."
        )


def split_text(text: str, limit: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` characters at the gentlest boundary.

    Paragraphs first, then lines, then spaces; a single word longer than the limit is cut
    hard. Pieces are stripped; nothing but the whitespace at the cuts is lost.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    pieces: list[str] = []
    rest = text.strip()
    while rest:
        if len(rest) <= limit:
            pieces.append(rest)
            break
        window = rest[: limit + 1]
        cut = -1
        for sep in ("\n\n", "\n", " ", "\t"):
            cut = window.rfind(sep)
            if cut > 0:
                break
        if cut <= 0:
            cut = limit
        head = rest[:cut].strip()
        if head:
            pieces.append(head)
        rest = rest[cut:].strip()
    return pieces


def _day(value: Any) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _opt_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True, slots=True)
class Note:
    """One entry as the panes show it."""

    id: str
    kind: str
    text: str
    themes: tuple[str, ...]
    owner: str | None
    due: date | None
    done: bool
    """Action items stay open until done; other kinds ignore it."""
    segment_id: str | None
    question_key: str | None
    author: str
    created_at: datetime
    updated_at: datetime
    rev: int
    deleted: bool
    carried_from: CarriedFrom | None = None
    """Set on an action item carried over from an earlier session of the series."""

    @property
    def carried_over(self) -> bool:
        return self.carried_from is not None

    @property
    def open(self) -> bool:
        return self.kind == "action" and not self.done and not self.deleted

    @classmethod
    def from_record(cls, record: Record) -> Note:
        """Read a stored entry defensively: a malformed field falls back, never raises."""
        d = record.data
        themes = d.get("themes")
        updated = parse_time(record.updated_at) or _EPOCH
        return cls(
            id=record.id,
            kind=d["kind"] if d.get("kind") in KINDS else "note",
            text=d["text"] if isinstance(d.get("text"), str) else "",
            themes=tuple(t for t in themes if isinstance(t, str))
            if isinstance(themes, list)
            else (),
            owner=_opt_str(d.get("owner")),
            due=_day(d.get("due")),
            done=d.get("done") is True,
            segment_id=_opt_str(d.get("segment_id")),
            question_key=_opt_str(d.get("question_key")),
            author=record.author,
            created_at=parse_time(d.get("created_at")) or updated,
            updated_at=updated,
            rev=record.rev,
            deleted=record.deleted,
            carried_from=CarriedFrom.from_data(d.get("carried_from"))
            if d.get("carried_over") is True
            else None,
        )


class NoteBook:
    """Every author's entries and notepads in one session, as seen by one console."""

    def __init__(self, author: str, now: Callable[[], datetime], themes: Sequence[str]) -> None:
        self.author = author
        self._now = now
        self.themes: tuple[str, ...] = tuple(themes)
        self._records: dict[tuple[str, str], Record] = {}
        self._notes: dict[str, Note] = {}
        self._changed: dict[str, int] = {}
        """Entry id -> the version that last changed it, in the order of those versions."""
        self.version = 0
        """Grows with every change to an entry or a notepad (a whole ``load`` counts once)."""

    # ----------------------------------------------------------------- inputs
    def load(self, records: Iterable[Record]) -> None:
        changed = [record for record in records if self._take(record)]
        if changed:
            self.version += 1
            for record in changed:
                self._touch(record)

    def apply(self, record: Record) -> None:
        """A record from another console or a reloaded file (newest revision wins)."""
        self._apply(record)

    def changed_since(self, version: int) -> list[str]:
        """Ids of the entries changed after ``version``, oldest change first.

        Lets a view that showed the notebook at ``version`` catch up row by row instead of
        redrawing every entry; notepad changes move the version but name no entry. Costs
        the number of entries changed since, not the size of the notebook.
        """
        out: list[str] = []
        for note_id, at in reversed(self._changed.items()):
            if at <= version:
                break
            out.append(note_id)
        out.reverse()
        return out

    # ---------------------------------------------------------------- entries
    def parse(self, line: str) -> Parsed:
        """Preview what ``add`` would make of ``line`` (for warnings while typing)."""
        return parse_markers(clean_text(line), self.themes, self._now().date())

    def add(
        self,
        line: str,
        kind: str,
        segment_id: str | None = None,
        question_key: str | None = None,
    ) -> tuple[Note, Record]:
        """A new entry from a typed line; quick markers set themes, owner and due date.

        Raises ``NoteTooLong`` over the limit and ``ValueError`` for an empty entry or a due
        date that does not parse, so the caller keeps the line for the user to fix.
        """
        self._check_kind(kind)
        cleaned = clean_text(line)
        if len(cleaned) > NOTE_LIMIT:
            raise NoteTooLong(len(cleaned), NOTE_LIMIT)
        parsed = parse_markers(cleaned, self.themes, self._now().date())
        if parsed.problems:
            raise ValueError("; ".join(parsed.problems).capitalize() + ".")
        if not parsed.text:
            raise ValueError("Type some text for the entry, not only markers.")
        if parsed.owner and len(parsed.owner) > OWNER_LIMIT:
            raise ValueError(f"An owner name has at most {OWNER_LIMIT} characters.")
        stamp = self._stamp()
        data = {
            "kind": kind,
            "text": parsed.text,
            "themes": list(parsed.themes),
            "owner": parsed.owner,
            "due": parsed.due.isoformat() if parsed.due else None,
            "done": False,
            "segment_id": segment_id,
            "question_key": question_key,
            "created_at": stamp,
        }
        record = Record("note", new_id(), self.author, 1, stamp, False, data)
        self._apply(record)
        return self._notes[record.id], record

    def edit(self, note_id: str, **changes: Any) -> Record:
        """Change fields of one of this author's entries (the small editor's path)."""
        have = self._own(note_id)
        if have.deleted:
            raise ValueError("This entry was deleted; undo the deletion to edit it.")
        unknown = set(changes) - _EDITABLE
        if unknown:
            raise ValueError(f"Cannot edit {', '.join(sorted(unknown))} on an entry.")
        data = dict(have.data)
        for name, value in changes.items():
            data[name] = self._validated(name, value)
        return self._revise(have, data)

    def delete(self, note_id: str) -> Record:
        """Soft-delete (a tombstone that keeps the content, so undo can bring it back)."""
        have = self._own(note_id)
        if have.deleted:
            raise ValueError("This entry is already deleted.")
        return self._revise(have, dict(have.data), deleted=True)

    def undo_delete(self, note_id: str) -> Record:
        have = self._own(note_id)
        if not have.deleted:
            raise ValueError("This entry is not deleted.")
        return self._revise(have, dict(have.data))

    def set_done(self, note_id: str, done: bool) -> Record:
        return self.edit(note_id, done=done)

    def get(self, note_id: str) -> Note:
        try:
            return self._notes[note_id]
        except KeyError:
            raise KeyError(f"no entry {note_id!r}") from None

    def notes(
        self,
        kind: str | None = None,
        theme: str | None = None,
        segment_id: str | None = None,
        text: str = "",
        include_deleted: bool = False,
    ) -> list[Note]:
        """Entries in the order they were taken, filtered as asked."""
        needle = text.casefold().strip()
        out = [
            n
            for n in self._notes.values()
            if (include_deleted or not n.deleted)
            and (kind is None or n.kind == kind)
            and (theme is None or theme in n.themes)
            and (segment_id is None or n.segment_id == segment_id)
            and (not needle or needle in f"{n.text}\n{n.owner or ''}".casefold())
        ]
        out.sort(key=lambda n: (n.created_at, n.id))
        return out

    def notes_on(self, keys: Collection[str]) -> list[Note]:
        """The entries taken on any of the question ``keys`` (a question and its duplicates),
        oldest first; one pass over the entries, for the board's detail pane."""
        out = [n for n in self._notes.values() if n.question_key in keys and not n.deleted]
        out.sort(key=lambda n: (n.created_at, n.id))
        return out

    # --------------------------------------------------------------- notepads
    def notepad(self, segment_id: str, author: str | None = None) -> str:
        record = self._records.get(("notepad", f"{author or self.author}:{segment_id}"))
        if record is None or record.deleted:
            return ""
        text = record.data.get("text")
        return text if isinstance(text, str) else ""

    def notepad_authors(self, segment_id: str) -> list[str]:
        """Who wrote a notepad for this segment (to show the others' beside one's own)."""
        return sorted(
            r.author
            for (kind, rid), r in self._records.items()
            if kind == "notepad" and not r.deleted and rid == f"{r.author}:{segment_id}"
        )

    def set_notepad(self, segment_id: str, text: str) -> Record:
        """Save this author's notepad for a segment; unchanged text returns the current record.

        The text is kept as typed, trailing spaces and blank lines included (only control
        characters go): the notepad shows it again exactly when the segment comes back.
        """
        cleaned = clean_text(text, keep_ends=True)
        if len(cleaned) > NOTEPAD_LIMIT:
            raise NoteTooLong(len(cleaned), NOTEPAD_LIMIT, "notepad")
        rid = f"{self.author}:{segment_id}"
        have = self._records.get(("notepad", rid))
        data = {"segment_id": segment_id, "text": cleaned}
        if have is None:
            record = Record("notepad", rid, self.author, 1, self._stamp(), False, data)
        elif have.data == data and not have.deleted:
            return have
        else:
            record = have.revised(self.author, data, updated_at=self._stamp())
        self._apply(record)
        return record

    # -------------------------------------------------------------- internals
    def _apply(self, record: Record) -> None:
        if self._take(record):
            self.version += 1
            self._touch(record)

    def _take(self, record: Record) -> bool:
        """Keep ``record`` if it is newer than what is held; True when it was kept."""
        if record.kind not in ("note", "notepad"):
            return False
        have = self._records.get(record.key)
        if have is not None and wins(have, record) is have:
            return False
        self._records[record.key] = record
        if record.kind == "note":
            self._notes[record.id] = Note.from_record(record)
        return True

    def _touch(self, record: Record) -> None:
        """Note an entry's change at the current version (moved to the end of the log)."""
        if record.kind == "note":
            self._changed.pop(record.id, None)
            self._changed[record.id] = self.version

    def _own(self, note_id: str) -> Record:
        have = self._records.get(("note", note_id))
        if have is None:
            raise KeyError(f"no entry {note_id!r}")
        if have.author != self.author:
            raise PermissionError(f"This entry is {have.author}'s; only they can change it.")
        return have

    def _revise(self, have: Record, data: dict[str, Any], *, deleted: bool = False) -> Record:
        record = have.revised(self.author, data, deleted=deleted, updated_at=self._stamp())
        self._apply(record)
        return record

    def _check_kind(self, kind: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")

    def _validated(self, name: str, value: Any) -> Any:
        """One edited field, checked and in its stored (JSON) form."""
        if name == "text":
            text = clean_text(value)
            if len(text) > NOTE_LIMIT:
                raise NoteTooLong(len(text), NOTE_LIMIT)
            if not text:
                raise ValueError("An entry needs some text.")
            return text
        if name == "kind":
            self._check_kind(value)
            return value
        if name == "themes":
            themes = [value] if isinstance(value, str) else list(value)
            bad = [t for t in themes if t not in self.themes]
            if bad:
                raise ValueError(f"Not one of this agenda's themes: {', '.join(map(str, bad))}.")
            return list(dict.fromkeys(themes))
        if name == "owner":
            owner = clean_text(value, single_line=True)
            if len(owner) > OWNER_LIMIT:
                raise ValueError(f"An owner name has at most {OWNER_LIMIT} characters.")
            return owner or None
        if name == "due":
            if value is None or value == "":
                return None
            day = _day(value)
            if day is None:
                raise ValueError(f"Due date {value!r} is not a date (use YYYY-MM-DD).")
            return day.isoformat()
        if name == "done":
            return bool(value)
        # segment_id, question_key: links, None to unlink
        return (clean_text(value, single_line=True) or None) if value is not None else None

    def _stamp(self) -> str:
        return self._now().astimezone(UTC).isoformat(timespec="microseconds")


def theme_ids(themes: Collection[Any]) -> tuple[str, ...]:
    """Theme ids from agenda ``Theme`` objects or plain strings."""
    return tuple(t if isinstance(t, str) else str(t.id) for t in themes)
