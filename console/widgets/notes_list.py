"""One pane of entries (a kind) as a DataTable: virtualised, so 5,000 rows cost what a screen does.

Cells are ``rich.text.Text``: entry text is whatever a note-taker typed or pasted and is
never read as markup. Rows are keyed by entry id, so an added or edited entry touches one
row and the cursor stays where the user left it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from console.notes import Note

TEXT_WIDTH = 60
"""Characters of an entry's first line shown in the list (the editor shows all of it)."""

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


class NotesList(DataTable[Text]):
    """The entries of one kind, oldest first; the newest is at the bottom, as typed."""

    DEFAULT_CSS = """
    NotesList { height: 1fr; }
    """
    BINDINGS = [
        Binding("e", "edit", "Edit", id="notes.edit", tooltip="Edit the entry under the cursor"),
        Binding(
            "x",
            "toggle_done",
            "Done",
            id="notes.done",
            tooltip="Mark the action item done, or open again",
        ),
        Binding(
            "delete",
            "delete",
            "Delete",
            id="notes.delete",
            tooltip="Delete the entry (ctrl+z brings it back)",
        ),
    ]

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
        self._cells: dict[str, tuple[Text, ...]] = {}
        self._stamps: dict[str, tuple[int, str]] = {}
        """(revision, save state) each shown row was built from."""

    def on_mount(self) -> None:
        self.add_column(Text(" "), key="mark", width=1)
        self.add_column(Text("Time"), key="time", width=5)
        self.add_column(Text("Entry"), key="text")
        self.add_column(Text("Themes"), key="themes")
        if self.kind == "action":
            self.add_column(Text("Owner"), key="owner")
            self.add_column(Text("Due"), key="due", width=10)
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
        row: list[Text] = [
            mark,
            Text(note.created_at.astimezone(self.tz).strftime("%H:%M"), style=style),
            Text(first_line(note.text), style=style + (" strike" if note.done else "")),
            Text(" ".join(f"#{t}" for t in note.themes), style=style),
        ]
        if self.kind == "action":
            row.append(Text(note.owner or "", style=style))
            row.append(Text(note.due.isoformat() if note.due else "", style=style))
        row.append(Text(self.segment_title(note.segment_id), style=style))
        row.append(Text(note.author if mine else f"{note.author} (ro)", style=style))
        return tuple(row)

    def show(self, notes: Sequence[Note], states: Mapping[str, str] | None = None) -> None:
        """Show exactly ``notes`` in this order, touching only the rows that changed."""
        states = states or {}
        ids = [n.id for n in notes]
        fresh: dict[str, tuple[Text, ...]] = {}
        stamps: dict[str, tuple[int, str]] = {}
        for n in notes:  # rebuild cells only for entries that changed since last shown
            stamp = (n.rev, states.get(n.id, ""))
            stamps[n.id] = stamp
            have = self._cells.get(n.id)
            fresh[n.id] = (
                have
                if have is not None and self._stamps.get(n.id) == stamp
                else (self.cells(n, stamp[1]))
            )
        self._stamps = stamps
        if ids[: len(self._shown)] != self._shown:
            self._rebuild(ids, fresh)
            return
        for note_id in self._shown:
            if fresh[note_id] is not self._cells[note_id]:
                self._update_row(note_id, fresh[note_id])
        for note_id in ids[len(self._shown) :]:
            self.add_row(*fresh[note_id], key=note_id)
            self._cells[note_id] = fresh[note_id]
        self._shown = ids

    def upsert(self, note: Note, state: str = "") -> None:
        """One entry added or changed (the quick path after Enter)."""
        cells = self.cells(note, state)
        self._stamps[note.id] = (note.rev, state)
        if note.id in self._cells:
            if cells != self._cells[note.id]:
                self._update_row(note.id, cells)
            return
        self.add_row(*cells, key=note.id)
        self._cells[note.id] = cells
        self._shown.append(note.id)

    def drop(self, note_id: str) -> None:
        if note_id not in self._cells:
            return
        with contextlib.suppress(RowDoesNotExist):
            self.remove_row(note_id)
        del self._cells[note_id]
        self._shown.remove(note_id)

    @property
    def shown_ids(self) -> list[str]:
        return list(self._shown)

    def _rebuild(self, ids: list[str], fresh: dict[str, tuple[Text, ...]]) -> None:
        keep = self.current_id
        self.clear()
        for note_id in ids:
            self.add_row(*fresh[note_id], key=note_id)
        self._shown = ids
        self._cells = fresh
        if keep in fresh:
            self.move_cursor(row=ids.index(keep), animate=False)

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
