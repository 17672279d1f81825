"""The question board region of the main screen (filled by the board work)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static


class BoardPanel(Vertical):
    """Live questions: list, detail and moderation keys."""

    DEFAULT_CSS = """
    BoardPanel { border: round $secondary; }
    """

    def on_mount(self) -> None:
        self.border_title = "Questions"

    def compose(self) -> ComposeResult:
        yield Static("The question board fills this region.", classes="placeholder")
