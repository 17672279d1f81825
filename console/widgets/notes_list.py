"""One pane of entries (a kind) as a DataTable: virtualised, so 5,000 rows cost what a screen does.

Cells are ``rich.text.Text``: entry text is whatever a note-taker typed or pasted and is
never read as markup. Rows are keyed by entry id, so an added or edited entry touches one
row and the cursor stays where the user left it. ``patch`` puts a new row straight into its
place in the notebook's order (found by bisect; the table itself only appends, so rows are
reordered once per batch), which is how another console's change arrives.
"""

from __future__ import annotations

import bisect
import contextlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from console import actions
from console.notes.notebook import Note

TEXT_WIDTH = 60
"""Characters of an entry's first line shown in the list (the editor shows all of it)."""
REBUILD_AFTER = 64
"""More rows than this to remove at once: a fresh table is cheaper than removing each."""
CARRIED_GLYPH = "↪"
"""Marks an action item carried over from an earlier session (the Segment column says which)."""
CARRIED_LABEL = f"{CARRIED_GLYPH} carried over"
"""Leads the entry's text in the list: the narrow panel may not reach the Segment column."""

SortKey = tuple[datetime, str]
"""(created_at, id): the notebook's order, oldest first."""

_SEGMENT_WORD = re.compile(r"(?i)^seg(?:ment)?:(?P<value>\S+)$")


@dataclass(frozen=True, slots=True)
class NoteFilter:
    """What the filter box asks for: themes (all must match), a segment, words in the text."""

    themes: tuple[str, ...] = ()
    segment: str | None = None
    text: str = ""

    @property
    def active(self) -> bool:
        return bool(self.themes or self.segment or self.text)

    def match(self, note: Note) -> bool:
        if any(t not in note.themes for t in self.themes):
            return False
        if self.segment is not None and note.segment_id != self.segment:
            return False
        if self.text:
            hay = f"{note.text}\n{note.owner or ''}\n{note.author}".casefold()
            return all(word in hay for word in self.text.split())
        return True


def parse_filter(
    query: str, themes: Sequence[str], segments: Sequence[tuple[str, str]]
) -> tuple[NoteFilter, list[str]]:
    """``#theme``, ``seg:ID`` (an id, or the start of a title) and words, plus problems.

    ``segments`` are ``(id, title)`` pairs; an unknown theme or segment is reported rather
    than silently matching nothing.
    """
    by_fold = {t.casefold(): t for t in themes}
    chosen: list[str] = []
    segment: str | None = None
    words: list[str] = []
    problems: list[str] = []
    for word in query.split():
        if word.startswith("#") and len(word) > 1:
            theme = by_fold.get(word[1:].casefold())
            if theme is None:
                problems.append(f"no theme {word}")
            else:
                chosen.append(theme)
            continue
        if m := _SEGMENT_WORD.match(word):
            want = m["value"].casefold()
            found = [sid for sid, _ in segments if sid.casefold() == want] or [
                sid for sid, title in segments if title.casefold().startswith(want)
            ]
            if found:
                segment = found[0]
            else:
                problems.append(f"no segment {m['value']}")
            continue
        words.append(word.casefold())
    return NoteFilter(tuple(dict.fromkeys(chosen)), segment, " ".join(words)), problems


def first_line(text: str, width: int = TEXT_WIDTH) -> str:
    line, _, rest = text.partition("\n")
    if len(line) > width:
        return line[: width - 1] + "…"
    return line + (" …" if rest.strip() else "")


def clock_time(moment: datetime, tz: ZoneInfo) -> str:
    """``HH:MM`` in the agenda's zone; a stamp at the edge of time (year 1) shows as ``--:--``."""
    try:
        return moment.astimezone(tz).strftime("%H:%M")
    except (OverflowError, ValueError):
        return "--:--"


class NotesList(DataTable[Text]):
    """The entries of one kind, oldest first; the newest is at the bottom, as typed."""

    DEFAULT_CSS = """
    NotesList { height: 1fr; }
    """
    BINDINGS = actions.bindings(actions.NOTES_LIST)

    class Act(Message):
        """The user asked for something on the entry under the cursor."""

        def __init__(self, notes_list: NotesList, action: str, note_id: str) -> None:
            super().__init__()
            self.notes_list = notes_list
            self.action = action
            self.note_id = note_id

        @property
        def control(self) -> NotesList:
            return self.notes_list

    def __init__(
        self,
        kind: str,
        *,
        tz: ZoneInfo,
        me: str,
        segment_title: Callable[[str | None], str],
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.kind = kind
        self.tz = tz
        self.me = me
        self.segment_title = segment_title
        self._shown: list[str] = []
        """Ids of the rows, in the table's order."""
        self._order: list[SortKey] = []
        """The sort key of each row, beside ``_shown`` (kept sorted, for bisect)."""
        self._keys: dict[str, SortKey] = {}
        self._cells: dict[str, tuple[Text, ...]] = {}
        self._stamps: dict[str, tuple[int, str]] = {}
        """(revision, save state) each shown row was built from."""

    def on_mount(self) -> None:
        self.add_column(Text(" "), key="mark", width=1)
        self.add_column(Text("Time"), key="time", width=5)
        self.add_column(Text("Entry"), key="text")
        if self.kind == "action":  # right after the entry: the first met when scrolling
            self.add_column(Text("Owner"), key="owner")
            self.add_column(Text("Due"), key="due", width=10)
        self.add_column(Text("Themes"), key="themes")
        self.add_column(Text("Segment"), key="segment")
        self.add_column(Text("By"), key="author")

    # ------------------------------------------------------------------ rows
    def cells(self, note: Note, state: str = "") -> tuple[Text, ...]:
        """A row; ``state`` is ``"saving"``, ``"failed"`` (not on disk) or ``""``."""
        mine = note.author == self.me
        style = "" if mine else "dim"
        if state == "saving":
            mark = Text("…", style="yellow")
        elif state == "failed":
            mark = Text("!", style="bold red")
        elif note.kind == "action":
            mark = Text("✓" if note.done else "○", style="green" if note.done else "bold")
        else:
            mark = Text(" ")
        entry = Text(style=style + (" strike" if note.done else ""))
        if note.carried_from is not None:
            entry.append(CARRIED_LABEL, style="bold cyan")
            entry.append(" · ")
            entry.append(first_line(note.text, TEXT_WIDTH - len(CARRIED_LABEL) - 3))
        else:
            entry.append(first_line(note.text))
        row: list[Text] = [mark, Text(clock_time(note.created_at, self.tz), style=style), entry]
        if self.kind == "action":
            row.append(Text(note.owner or "", style=style))
            row.append(Text(note.due.isoformat() if note.due else "", style=style))
        row.append(Text(" ".join(f"#{t}" for t in note.themes), style=style))
        row.append(self._segment_cell(note, style))
        row.append(Text(note.author if mine else f"{note.author} (ro)", style=style))
        return tuple(row)

    def detail(self, note: Note) -> Text:
        """One entry's fields in words, for the line under the lists: what a narrow pane's
        columns cannot all show (``Owner: Lee · Due: 2026-01-09 · Segment: ... · By: Dana``)."""
        out = Text()

        def field(label: str, value: Text) -> None:
            if out:
                out.append(" · ", style="dim")
            out.append(f"{label}: ", style="bold")
            out.append(value if value.plain else Text("none", style="dim"))

        if note.kind == "action":
            field("Owner", Text(note.owner or ""))
            field("Due", Text(note.due.isoformat() if note.due else ""))
        field("Segment", self._segment_cell(note, ""))
        field("By", Text(note.author))
        if note.themes:
            field("Themes", Text(" ".join(f"#{t}" for t in note.themes)))
        return out

    def _segment_cell(self, note: Note, style: str) -> Text:
        """The segment, or for a carried-over item where it came from, in words."""
        title = self.segment_title(note.segment_id)
        if note.carried_from is None:
            return Text(title, style=style)
        words = note.carried_from.describe(self.tz)
        cell = Text(f"{title} · " if title else "", style=style)
        cell.append(f"{CARRIED_GLYPH} {words}", style="cyan")
        return cell

    def show(self, notes: Sequence[Note], states: Mapping[str, str] | None = None) -> None:
        """Show exactly ``notes`` (in the notebook's order), touching only the rows that changed.

        A few rows gone are removed one by one; many (a filter that narrows the list) make a
        fresh table, cheaper than removing them one at a time.
        """
        states = states or {}
        wanted = {n.id for n in notes}
        gone = [note_id for note_id in self._shown if note_id not in wanted]
        if len(gone) > REBUILD_AFTER:
            self._rebuild(notes, states)
            return
        self.patch([(n, states.get(n.id, "")) for n in notes], gone)

    def patch(self, upserts: Iterable[tuple[Note, str]] = (), drops: Iterable[str] = ()) -> None:
        """Add, update in place and remove rows; the cursor stays on the entry it was on.

        ``upserts`` are entries with their save state: a new entry goes to its place in the
        order (oldest first), a changed one is redrawn where it is, an unchanged one costs a
        comparison. ``drops`` are ids to take away (unknown ids are ignored).
        """
        keep = self.current_id
        for note_id in drops:
            self._remove(note_id)
        out_of_place = False
        for note, state in upserts:
            key: SortKey = (note.created_at, note.id)
            stamp = (note.rev, state)
            have = self._keys.get(note.id)
            if have == key:
                if self._stamps[note.id] != stamp:
                    self._stamps[note.id] = stamp
                    self._update_row(note.id, self.cells(note, state))
                continue
            if have is not None:  # its time changed: it moves
                self._remove(note.id)
            at = bisect.bisect(self._order, key)
            self._order.insert(at, key)
            self._shown.insert(at, note.id)
            self._keys[note.id] = key
            self._stamps[note.id] = stamp
            cells = self._cells[note.id] = self.cells(note, state)
            self.add_row(*cells, key=note.id)
            out_of_place |= at != len(self._shown) - 1
        if out_of_place:
            self._reorder()
        if keep is not None and keep in self._keys:
            row = self.row_of(keep)
            if row != self.cursor_row:
                self.move_cursor(row=row, animate=False)

    def upsert(self, note: Note, state: str = "") -> None:
        """One entry added or changed (the quick path after Enter)."""
        self.patch([(note, state)])

    def drop(self, note_id: str) -> None:
        if note_id in self._keys:
            self.patch(drops=[note_id])

    def reset(self) -> None:
        """Forget every row: the next ``show`` builds each one again."""
        self.clear()
        self._shown, self._order = [], []
        self._keys, self._cells, self._stamps = {}, {}, {}

    @property
    def shown_ids(self) -> list[str]:
        return list(self._shown)

    def shows(self, note_id: str) -> bool:
        return note_id in self._keys

    def row_of(self, note_id: str) -> int:
        """The row an entry is on (raises KeyError when it is not shown)."""
        return bisect.bisect_left(self._order, self._keys[note_id])

    def _remove(self, note_id: str) -> None:
        key = self._keys.pop(note_id, None)
        if key is None:
            return
        at = bisect.bisect_left(self._order, key)
        del self._order[at]
        del self._shown[at]
        del self._cells[note_id]
        del self._stamps[note_id]
        with contextlib.suppress(RowDoesNotExist):
            self.remove_row(note_id)

    def _reorder(self) -> None:
        """Put the table's rows in ``_shown``'s order (rows are added at the bottom).

        DataTable sorts by cell values only, so each row is found by its first cell, a
        ``Text`` made for that row alone.
        """
        place = {id(self._cells[note_id][0]): at for at, note_id in enumerate(self._shown)}
        self.sort("mark", key=lambda mark: place[id(mark)])

    def _rebuild(self, notes: Sequence[Note], states: Mapping[str, str]) -> None:
        keep = self.current_id
        cells = self._cells
        stamps = self._stamps
        self.reset()
        for note in notes:
            state = states.get(note.id, "")
            stamp = (note.rev, state)
            row = cells.get(note.id) if stamps.get(note.id) == stamp else None
            self._cells[note.id] = row = row if row is not None else self.cells(note, state)
            self._stamps[note.id] = stamp
            self._keys[note.id] = key = (note.created_at, note.id)
            self._order.append(key)
            self._shown.append(note.id)
            self.add_row(*row, key=note.id)
        if keep in self._keys:
            self.move_cursor(row=self.row_of(keep), animate=False)

    def _update_row(self, note_id: str, cells: tuple[Text, ...]) -> None:
        for column, value in zip(self.columns, cells, strict=True):
            self.update_cell(note_id, column, value)
        self._cells[note_id] = cells

    @property
    def current_id(self) -> str | None:
        if not self._shown or not self.is_valid_row_index(self.cursor_row):
            return None
        row_key, _ = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0))
        return row_key.value

    # --------------------------------------------------------------- actions
    def _act(self, action: str) -> None:
        note_id = self.current_id
        if note_id is None:
            self.notify("No entry here yet.", severity="warning")
            return
        self.post_message(self.Act(self, action, note_id))

    def action_edit(self) -> None:
        self._act("edit")

    def action_toggle_done(self) -> None:
        self._act("toggle_done")

    def action_delete(self) -> None:
        self._act("delete")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._act("edit")
