"""A modal to type in a question heard aloud, read in the chat or sent by email.

It returns a ``ManualQuestion`` through ``dismiss`` (``None`` when cancelled with escape), so
the board panel stays the only place that calls the board and persists.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, TextArea

from console.screens.dialog_css import dialog_css

MANUAL_ORIGINS: tuple[tuple[str, str], ...] = (
    ("Meeting chat", "chat"),
    ("Asked aloud", "aloud"),
    ("Email", "email"),
    ("Other", "other"),
)


@dataclass(frozen=True, slots=True)
class ManualQuestion:
    """A question typed in by hand, as the dialog returns it."""

    text: str
    origin: str
    asker: str | None
    display_name: bool


class AddQuestionScreen(ModalScreen[ManualQuestion | None]):
    """Type in a question heard aloud, read in the chat or sent by email."""

    DEFAULT_CSS = (
        dialog_css("AddQuestionScreen")
        + """
    AddQuestionScreen TextArea { height: 6; }
    AddQuestionScreen #add-error { color: $text-error; }
    """
    )
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel", tooltip="Close without adding"),
        Binding("ctrl+s", "save", "Add", id="prompt.save", tooltip="Add the question"),
    ]

    def __init__(self, origin: str = "chat") -> None:
        super().__init__()
        self.origin = origin

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Add a question by hand (ctrl+s adds)", classes="prompt-title")
            yield TextArea(id="add-text", soft_wrap=True)
            yield Select(MANUAL_ORIGINS, value=self.origin, allow_blank=False, id="add-origin")
            yield Input(placeholder="Asker's name (optional)", id="add-asker", max_length=120)
            yield Checkbox("The asker agreed to show their name", id="add-display")
            yield Label("", id="add-error")
            with Horizontal(classes="prompt-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Add", variant="primary", id="ok")

    def on_mount(self) -> None:
        self.query_one("#add-text", TextArea).focus()

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted)
    def action_save(self) -> None:
        text = self.query_one("#add-text", TextArea).text.strip()
        if not text:
            self.query_one("#add-error", Label).update("Type the question's text first.")
            return
        origin = self.query_one("#add-origin", Select).value
        asker = self.query_one("#add-asker", Input).value.strip() or None
        self.dismiss(
            ManualQuestion(
                text=text,
                origin=origin if isinstance(origin, str) else "other",
                asker=asker,
                display_name=self.query_one("#add-display", Checkbox).value,
            )
        )

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
