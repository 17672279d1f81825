"""The note-taker's layout: the note panes first, the facilitator's clock and board beside them.

A note-taker follows the facilitator's run of show (read from the facilitator's file by the
app) and writes only entries and notepads. The clock keys of the main screen do not exist
here, so nothing typed can move the clock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from console import actions
from console.clock.view import countdown, timeline
from console.widgets.agenda_timeline import AgendaTimeline, TimelineRow
from console.widgets.board_panel import BoardPanel
from console.widgets.notepad import Notepad
from console.widgets.notes_panel import NotesPanel, notepad_segment
from console.widgets.session_header import SessionHeader

if TYPE_CHECKING:
    from console.app import FacilitatorApp


class NotesScreen(Screen[None]):
    """Capture line and panes on the left; timeline, board and notepad on the right."""

    DEFAULT_CSS = """
    NotesScreen #notes-body { height: 1fr; }
    NotesScreen #notes-main { width: 3fr; }
    NotesScreen #notes-side { width: 2fr; min-width: 30; }
    NotesScreen #notes-clock { height: auto; max-height: 40%; border: round $primary; }
    NotesScreen #notes-countdown { height: auto; padding: 0 1; text-style: bold; }
    NotesScreen #notes-board { height: 1fr; }
    NotesScreen #screen-notepad { height: 1fr; }
    """
    BINDINGS = actions.bindings(actions.NOTES)

    @property
    def facilitator(self) -> FacilitatorApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield SessionHeader()
        with Horizontal(id="notes-body"):
            yield NotesPanel(notepad_tab=False, id="notes-main")
            with Vertical(id="notes-side"):
                with Vertical(id="notes-clock") as clock:
                    clock.border_title = "Run of show"
                    yield Static("", id="notes-countdown", markup=False)
                    yield AgendaTimeline()
                yield BoardPanel(classes="compact", id="notes-board")
                yield Notepad(id="screen-notepad")
        yield Footer()

    def on_mount(self) -> None:
        session = self.facilitator.session
        self.query_one(
            SessionHeader
        ).title = f"{session.agenda.title} · {session.role}: {session.author}"
        self.refresh_view()
        self.set_interval(1.0, self.refresh_view)
        self.query_one(NotesPanel).capture.input.focus()

    def refresh_view(self) -> None:
        app = self.facilitator
        session = app.session
        clock = session.clock
        tz = session.agenda.tz
        header = self.query_one(SessionHeader)
        header.wall_clock = app.now().astimezone(tz).strftime("%H:%M:%S")
        header.projected_end = clock.projected_end().astimezone(tz).strftime("%H:%M")
        saved = app.last_saved_at
        header.saved = f"saved {saved.astimezone(tz):%H:%M:%S}" if saved else ""
        self.query_one(AgendaTimeline).set_rows(
            [TimelineRow(r.title, r.when, r.length, r.delta, r.state) for r in timeline(clock, tz)]
        )
        view = countdown(clock, tz)
        caption = view.caption.partition("\n")[0]  # the first line; the notes need the room
        self.query_one("#notes-countdown", Static).update(
            Text(f"{view.time_text}  {view.state.upper()}  {caption}")
        )
        pad = self.query_one("#screen-notepad", Notepad)
        segment = notepad_segment(session, pad.segment_id)
        if segment is not None:
            titles = {s.id: s.title for s in session.agenda.segments}
            pad.show_segment(segment, titles.get(segment, segment))

    def on_facilitator_app_folder_changed(self, _message: object) -> None:
        self.refresh_view()
        self.query_one(NotesPanel).poll()

    def on_notes_panel_focus_notepad(self, _message: object) -> None:
        self.query_one("#screen-notepad", Notepad).area.focus()

    def action_notes(self, what: str) -> None:
        self.query_one(NotesPanel).action_notes(what)

    async def flush_pending(self) -> None:
        """Save the notepad now and wait for every pending write (call before quitting)."""
        await self.query_one("#screen-notepad", Notepad).flush_pending()
        await self.query_one(NotesPanel).flush_pending()
