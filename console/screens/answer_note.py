"""A modal asking for a short answer note before a question is marked answered.

It returns the note through ``dismiss`` (``None`` when cancelled with escape), so the board
panel stays the only place that calls the board and persists.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from console.screens.dialog_css import dialog_css


class AnswerNoteScreen(ModalScreen[str | None]):
    """Ask for a short answer note (may be empty) before marking a question answered."""

    DEFAULT_CSS = dialog_css("AnswerNoteScreen")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel", tooltip="Close")]

    def __init__(self, question: str, note: str = "") -> None:
        super().__init__()
        self.question = question
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Mark answered", classes="prompt-title")
            yield Label(Text(self.question[:300], no_wrap=False), markup=False)
            yield Input(
                self.note,
                placeholder="Short answer note (optional), Enter to save",
                id="answer-note",
                max_length=4000,
            )
            with Horizontal(classes="prompt-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Answered", variant="primary", id="ok")

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def done(self) -> None:
        self.dismiss(self.query_one("#answer-note", Input).value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
