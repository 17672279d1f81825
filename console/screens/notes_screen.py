"""The note-taker's layout: the note panes first, the facilitator's clock and board beside them.

A note-taker follows the facilitator's run of show (read from the facilitator's file by the
app) and writes only entries and notepads. The clock keys of the main screen do not exist
here, so nothing typed can move the clock. The screen only composes: the header, the compact
clock pane, the board, the panes and the notepad follow the session themselves.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer

from console import actions
from console.screens.board_dialogs import open_dialog
from console.screens.note_dialogs import ask_about_paste, edit_entry
from console.widgets.board_panel import BoardPanel
from console.widgets.clock_pane import ClockPane
from console.widgets.notepad import Notepad
from console.widgets.notes_panel import NotesPanel
from console.widgets.session_header import SessionHeader


class NotesScreen(Screen[None]):
    """Capture line and panes on the left; timeline, board and notepad on the right."""

    DEFAULT_CSS = """
    NotesScreen #notes-body { height: 1fr; }
    NotesScreen #notes-main { width: 3fr; }
    NotesScreen #notes-side { width: 2fr; min-width: 30; }
    NotesScreen #notes-clock { height: auto; max-height: 40%; border: round $primary; }
    NotesScreen #notes-board { height: 1fr; }
    NotesScreen #screen-notepad { height: 1fr; }
    """
    BINDINGS = actions.bindings(actions.NOTES)

    def compose(self) -> ComposeResult:
        yield SessionHeader()
        with Horizontal(id="notes-body"):
            yield NotesPanel(notepad_tab=False, id="notes-main")
            with Vertical(id="notes-side"):
                yield ClockPane(compact=True, id="notes-clock")
                yield BoardPanel(classes="compact", id="notes-board")
                yield Notepad(id="screen-notepad")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(NotesPanel).capture.input.focus()

    def on_notes_panel_focus_notepad(self, _message: object) -> None:
        self.query_one("#screen-notepad", Notepad).area.focus()

    def on_board_panel_dialog_requested(self, event: BoardPanel.DialogRequested) -> None:
        open_dialog(self, event)

    def on_notes_panel_paste_offered(self, event: NotesPanel.PasteOffered) -> None:
        ask_about_paste(self, event)

    def on_notes_panel_edit_requested(self, event: NotesPanel.EditRequested) -> None:
        edit_entry(self, event)

    def action_notes(self, what: str) -> None:
        self.query_one(NotesPanel).action_notes(what)

    async def flush_pending(self) -> None:
        """Save the notepad now and wait for every pending write (call before quitting)."""
        await self.query_one("#screen-notepad", Notepad).flush_pending()
        await self.query_one(NotesPanel).flush_pending()
