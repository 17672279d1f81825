"""A modal asking for an answer for the participants: its text and who may read it.

It returns a ``ParticipantReply`` through ``dismiss`` (``None`` when cancelled with escape),
so the board panel stays the only place that calls the board and persists. This is not the
answer note of ``a`` (internal, never published).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet

from console.screens.dialog_css import dialog_css

REPLY_LIMIT = 4000
"""Characters the dialog takes (the board checks the text again)."""


@dataclass(frozen=True, slots=True)
class ParticipantReply:
    text: str
    public: bool
    """True: under the question on the participants' list; False: the asker's page only."""


class ParticipantAnswerScreen(ModalScreen[ParticipantReply | None]):
    """Ask for an answer for the participants, public or for the asker only."""

    DEFAULT_CSS = dialog_css("ParticipantAnswerScreen")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel", tooltip="Close")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Answer for the participants", classes="prompt-title")
            yield Label(Text(self.question[:300], no_wrap=False), markup=False)
            yield Input(
                placeholder="The answer participants will read, Enter to save",
                id="reply-text",
                max_length=REPLY_LIMIT,
            )
            with RadioSet(id="reply-audience"):
                yield RadioButton("Public: on the participants' list", value=True, id="public")
                yield RadioButton("Private: only the asker, on their page", id="private")
            with Horizontal(classes="prompt-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save answer", variant="primary", id="ok")

    def on_mount(self) -> None:
        self.query_one("#reply-text", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def done(self) -> None:
        text = self.query_one("#reply-text", Input).value.strip()
        if not text:
            self.notify("Write the answer first (Esc to cancel).", severity="warning")
            return
        public = self.query_one("#public", RadioButton).value
        self.dismiss(ParticipantReply(text, public))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
