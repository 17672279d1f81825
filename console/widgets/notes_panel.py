"""The note panes: capture line, filter, one list per kind (and, for the facilitator, the notepad).

The panel turns intent into calls on ``session.notebook`` and hands the records it returns
to the App's ``persist`` in a worker: Enter never waits on the disk, and a row shows ``…``
until its record is on disk (``!`` if the write failed). Other consoles' entries arrive
through the notebook (the app merges the folder and posts ``SessionChanged``); the panel
notices the notebook's version change and asks it which entries changed since the version
it shows, so one remote change costs one row (added, redrawn or removed in place), not a
pass over 5,000 entries. The panel opens no screens: it asks its screen with a message
(``PasteOffered``, ``EditRequested``) and takes the answer (``paste_answered``,
``save_edit``); ``console.screens.note_dialogs`` opens the dialogs for either screen.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static, TabbedContent, TabPane

from console import actions
from console.host import host_of
from console.messages import SessionChanged
from console.notes.notebook import KINDS, Note
from console.store import Record
from console.widgets import notes_capture
from console.widgets.capture_line import CaptureInput, CaptureLine, PasteOffer, paste_offer
from console.widgets.notepad import Notepad
from console.widgets.notes_list import NoteFilter, NotesList, first_line, parse_filter
from console.widgets.notes_tabs import PANE_TITLES, TabCounts

if TYPE_CHECKING:
    from console.session.live import LiveSession

SHORT_BELOW = 16
"""Panel heights (cells) below which the line under the lists keeps to one line (80x24)."""
FILTER_DELAY = 0.2
"""Seconds of quiet in the filter box before the lists are filtered again."""
COUNT_DELAY = 0.3
"""Tab counts are recounted once per burst of changes, off the Enter-to-saved path."""


class NotesPanel(Vertical):
    """Concerns, action items, resource requests and general notes, tied to the segment."""

    DEFAULT_CSS = """
    NotesPanel { border: round $secondary; height: 1fr; }
    NotesPanel #notes-filter-row { height: 1; }
    NotesPanel #notes-filter { width: 1fr; border: none; height: 1; padding: 0 1; }
    NotesPanel #notes-filter-status { width: auto; color: $text-muted; padding: 0 1; }
    NotesPanel TabbedContent { height: 1fr; }
    NotesPanel #notes-detail { height: auto; max-height: 3; padding: 0 1; }
    NotesPanel #notes-detail.-empty { display: none; }
    NotesPanel.-short #notes-detail { max-height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    NotesPanel TabPane { padding: 0; }
    """
    BINDINGS = actions.bindings(actions.NOTES)

    class FocusNotepad(Message):
        """The panel has no notepad of its own: the screen should focus its notepad."""

    class PasteOffered(Message):
        """A paste the capture line refused: the screen asks ``offer.question`` and answers
        with ``control.paste_answered(offer, ok)`` (a widget opens no screens)."""

        def __init__(self, panel: NotesPanel, offer: PasteOffer) -> None:
            super().__init__()
            self.panel = panel
            self.offer = offer

        @property
        def control(self) -> NotesPanel:
            return self.panel

    class EditRequested(Message):
        """The user asked to edit ``note`` (theirs): the screen opens the editor and hands
        its changes to ``control.save_edit(note.id, changes)``."""

        def __init__(self, panel: NotesPanel, note: Note) -> None:
            super().__init__()
            self.panel = panel
            self.note = note

        @property
        def control(self) -> NotesPanel:
            return self.panel

    def __init__(
        self, *, notepad_tab: bool = True, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.notepad_tab = notepad_tab
        self._version = -1
        """The notebook's version the lists show (every change up to it is on screen)."""
        self._counts = TabCounts()
        self._states: dict[str, str] = {}
        self._filter = NoteFilter()
        self._filter_problems: list[str] = []
        self._filter_timer: Timer | None = None
        self._count_timer: Timer | None = None
        self._undo: str | None = None
        self._lists: dict[str, NotesList] = {}
        self._detail_id: str | None = None
        """The entry the line under the lists describes (None: that line is hidden)."""

    # ----------------------------------------------------------------- access
    @property
    def session(self) -> LiveSession:
        return host_of(self).session

    @property
    def capture(self) -> CaptureLine:
        return self.query_one(CaptureLine)

    def notes_list(self, kind: str) -> NotesList:
        return self._lists[kind]

    def _segment_title(self, segment_id: str | None) -> str:
        return self._titles.get(segment_id, segment_id or "") if segment_id else ""

    # ---------------------------------------------------------------- compose
    def compose(self) -> ComposeResult:
        session = self.session
        self._titles = {s.id: s.title for s in session.agenda.segments}
        themes = session.notebook.themes
        yield CaptureLine(themes, kind="note", id="capture")
        with Horizontal(id="notes-filter-row"):
            yield Input(placeholder="filter: words  #theme  seg:segment", id="notes-filter")
            yield Static("", id="notes-filter-status", markup=False)
        with TabbedContent(id="notes-tabs"):
            for kind in KINDS:
                with TabPane(PANE_TITLES[kind], id=f"pane-{kind}"):
                    lst = NotesList(
                        kind,
                        tz=session.agenda.tz,
                        me=session.author,
                        segment_title=self._segment_title,
                        id=f"list-{kind}",
                    )
                    self._lists[kind] = lst
                    yield lst
            if self.notepad_tab:
                with TabPane("Notepad", id="pane-notepad"):
                    yield Notepad(id="panel-notepad")
        yield Static("", id="notes-detail", classes="-empty")

    def on_resize(self) -> None:
        self.set_class(self.size.height < SHORT_BELOW, "-short")

    def on_mount(self) -> None:
        self.border_title = "Notes"
        self.refresh_lists()
        host_of(self).follow_session(self)

    @on(SessionChanged)
    def poll(self) -> None:
        """Catch up with other consoles' entries (nothing to do when the notebook is as shown)."""
        if self.session.notebook.version != self._version:
            self.catch_up()

    def catch_up(self) -> None:
        """Apply the entries changed since the lists were last brought up to date, row by row.

        A notepad save also moves the version but names no entry: then nothing is redrawn.
        """
        notebook = self.session.notebook
        changed = notebook.changed_since(self._version)
        self._version = notebook.version
        if changed:
            self._place([notebook.get(note_id) for note_id in changed])
            self._label_tabs()

    # ------------------------------------------------------------------ lists
    def refresh_lists(self) -> None:
        """Show the whole notebook through the filter (at mount, and when the filter changes).

        Only rows that changed are redrawn; a filter that hides many rows makes fresh tables.
        """
        notebook = self.session.notebook
        by_kind: dict[str, list[Note]] = {k: [] for k in KINDS}
        self._counts.reset()
        for note in notebook.notes():
            self._counts.count(note)
            if self._filter.match(note):
                by_kind[note.kind].append(note)
        for kind, notes in by_kind.items():
            self._lists[kind].show(notes, self._states)
        self._version = notebook.version
        self._label_tabs()

    def _place(self, notes: list[Note]) -> None:
        """Put changed entries where they belong now: added, redrawn or removed, per list."""
        upserts: dict[str, list[tuple[Note, str]]] = {k: [] for k in KINDS}
        drops: dict[str, list[str]] = {k: [] for k in KINDS}
        for note in notes:
            self._counts.count(note)
            visible = not note.deleted and self._filter.match(note)
            for kind, lst in self._lists.items():
                if visible and kind == note.kind:
                    upserts[kind].append((note, self._states.get(note.id, "")))
                elif lst.shows(note.id):
                    drops[kind].append(note.id)
        for kind, lst in self._lists.items():
            if upserts[kind] or drops[kind]:
                lst.patch(upserts[kind], drops[kind])
        if any(note.id == self._detail_id for note in notes):
            self.show_detail(self._detail_id)

    def _label_tabs(self) -> None:
        tabs = self.query_one(TabbedContent)
        shown = {kind: lst.row_count for kind, lst in self._lists.items()}
        filtered = self._filter.active
        for kind, label in self._counts.labels(shown, filtered).items():
            tab = tabs.get_tab(f"pane-{kind}")
            if str(tab.label) != label:
                tab.label = label
        words = self._counts.shown_words(shown, filtered)
        self.query_one("#notes-filter-status", Static).update(
            " · ".join(words + self._filter_problems)
        )

    def _show_one(self, note: Note) -> None:
        """The quick path after a local change: one row, no pass over 5,000 entries.

        The lists' version is left alone: the next catch-up passes this entry again (one
        comparison) and brings in whatever other consoles changed meanwhile.
        """
        self._place([note])
        if self._count_timer is None:  # one relabel for a burst of changes
            self._count_timer = self.set_timer(COUNT_DELAY, self._recount)

    def _recount(self) -> None:
        self._count_timer = None
        self._label_tabs()

    # ------------------------------------------------------------------ saving
    def _stage(self, records: list[Record], note_ids: list[str]) -> None:
        for note_id in note_ids:
            self._states[note_id] = "saving"
        self.save(records, note_ids)

    @work(exit_on_error=False, group="notes-save")
    async def save(self, records: list[Record], note_ids: list[str]) -> None:
        host = host_of(self)
        ok = await host.persist(records)
        notebook = self.session.notebook
        for note_id in note_ids:
            if ok:
                self._states.pop(note_id, None)
            else:
                self._states[note_id] = "failed"
            self._show_one(notebook.get(note_id))
        if ok and note_ids and not self.capture.input.value:  # keep a preview on show
            tz = self.session.agenda.tz
            self.capture.say(f"saved {host.now().astimezone(tz):%H:%M:%S}")

    # ---------------------------------------------------------------- capture
    @on(CaptureLine.Submitted)
    def _add(self, event: CaptureLine.Submitted) -> None:
        event.stop()
        notes_capture.add_one(self, event)

    @on(CaptureInput.PasteRefused)
    def _paste(self, event: CaptureInput.PasteRefused) -> None:
        event.stop()
        offer = paste_offer(event.text, self.capture.kind)
        self.capture.say("Paste not in the line yet: answer the question.", "warning")
        self.post_message(self.PasteOffered(self, offer))

    def paste_answered(self, offer: PasteOffer, ok: bool | None) -> None:
        """The screen's answer to ``PasteOffered``: add the entries, or say nothing was."""
        if ok:
            notes_capture.add_many(self, offer.parts, offer.kind)
        else:
            self.capture.say("Paste not added.", "warning")

    # ------------------------------------------------------------- list acts
    @on(NotesList.Act)
    def _act(self, event: NotesList.Act) -> None:
        event.stop()
        notebook = self.session.notebook
        try:
            note = notebook.get(event.note_id)
            if event.action == "edit":
                self.open_editor(note)
                return
            if event.action == "toggle_done":
                if note.kind != "action":
                    self.notify("Only action items are open or done.", severity="warning")
                    return
                record = notebook.set_done(note.id, not note.done)
            elif event.action == "delete":
                record = notebook.delete(note.id)
                self._undo = note.id
                self.notify(
                    f"Deleted “{first_line(note.text, 40)}”. Press ctrl+z to undo.",
                    title="Entry deleted",
                    markup=False,
                    timeout=8,
                )
            else:
                return
        except (PermissionError, ValueError, KeyError) as exc:
            self.notify(str(exc).strip("'\""), severity="warning", markup=False)
            return
        self._stage([record], [note.id])
        self._show_one(notebook.get(note.id))

    def open_editor(self, note: Note) -> None:
        """Ask the screen for the editor of one of this author's entries (``EditRequested``)."""
        if note.author != self.session.author:
            self.notify(
                f"This entry is {note.author}'s; only they can change it.",
                severity="warning",
                markup=False,
            )
            return
        self.post_message(self.EditRequested(self, note))

    def save_edit(self, note_id: str, changes: dict[str, Any]) -> str | None:
        """The editor's changes to one entry: staged for saving, or the problem to show."""
        notebook = self.session.notebook
        try:
            record = notebook.edit(note_id, **changes)
        except (PermissionError, ValueError, KeyError) as exc:
            return str(exc)
        self._stage([record], [note_id])
        self._show_one(notebook.get(note_id))
        return None

    # ----------------------------------------------------------------- detail
    def show_detail(self, note_id: str | None) -> None:
        """Describe one entry in the line under the lists (owner, due, segment, author...):
        the entry just added, or the one under the cursor of the open tab."""
        line = self.query_one("#notes-detail", Static)
        note = None
        if note_id is not None:
            with contextlib.suppress(KeyError):
                note = self.session.notebook.get(note_id)
        if note is None or note.deleted:
            self._detail_id = None
            line.update("")
            line.add_class("-empty")
            return
        self._detail_id = note.id
        line.update(self._lists[note.kind].detail(note))
        line.remove_class("-empty")

    def _show_open_tab(self) -> None:
        kind = self.query_one(TabbedContent).active.removeprefix("pane-")
        if kind in self._lists:
            self.show_detail(self._lists[kind].current_id)

    @on(NotesList.RowHighlighted)
    def _highlighted(self, event: NotesList.RowHighlighted) -> None:
        lst = event.data_table
        if not isinstance(lst, NotesList):
            return
        if self.query_one(TabbedContent).active == f"pane-{lst.kind}":  # the open tab's list
            self.show_detail(lst.current_id)

    @on(TabbedContent.TabActivated, "#notes-tabs")
    def _tab_changed(self) -> None:
        self._show_open_tab()

    # ---------------------------------------------------------------- actions
    def action_notes(self, what: str) -> None:
        if what == "capture":
            self.capture.input.focus()
        elif what == "filter":
            self.query_one("#notes-filter", Input).focus()
        elif what == "notepad":
            self.focus_notepad()
        elif what == "undo":
            self.undo_delete()
        elif what == "kind":
            self.capture.action_next_kind()

    def focus_entries(self) -> None:
        """Focus the open tab: its list of entries (or the notepad, on the notepad's tab)."""
        tabs = self.query_one(TabbedContent)
        kind = tabs.active.removeprefix("pane-")
        if kind in self._lists:
            self._lists[kind].focus()
        elif self.notepad_tab:
            self.query_one("#panel-notepad", Notepad).area.focus()

    def focus_notepad(self) -> None:
        if not self.notepad_tab:
            self.post_message(self.FocusNotepad())
            return
        self.query_one(TabbedContent).active = "pane-notepad"
        self.query_one("#panel-notepad", Notepad).area.focus()

    def undo_delete(self) -> None:
        if self._undo is None:
            self.notify("Nothing to undo.", severity="warning")
            return
        note_id, self._undo = self._undo, None
        try:
            record = self.session.notebook.undo_delete(note_id)
        except (PermissionError, ValueError, KeyError) as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self._stage([record], [note_id])
        self._show_one(self.session.notebook.get(note_id))
        self.notify("Entry restored.")

    # ----------------------------------------------------------------- filter
    @on(Input.Changed, "#notes-filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_DELAY, self.apply_filter)

    def apply_filter(self) -> None:
        self._filter_timer = None
        query = self.query_one("#notes-filter", Input).value
        segments = [(s.id, s.title) for s in self.session.agenda.segments]
        self._filter, self._filter_problems = parse_filter(
            query, self.session.notebook.themes, segments
        )
        self.refresh_lists()

    @on(Input.Submitted, "#notes-filter")
    def _filter_now(self, event: Input.Submitted) -> None:
        event.stop()
        self.apply_filter()

    # ------------------------------------------------------------------- quit
    async def flush_pending(self) -> None:
        """Save the notepad now and wait for every write of the panes (quit, tests)."""
        if self.notepad_tab:
            await self.query_one("#panel-notepad", Notepad).flush_pending()
        await host_of(self).settle()
