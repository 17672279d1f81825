"""The note panes region of the main screen (filled by the notes work)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static


class NotesPanel(Vertical):
    """Concerns, action items, resource requests and general notes, tied to the segment."""

    DEFAULT_CSS = """
    NotesPanel { border: round $secondary; }
    """

    def on_mount(self) -> None:
        self.border_title = "Notes"

    def compose(self) -> ComposeResult:
        yield Static("Note panes fill this region.", classes="placeholder")
