"""A small prompt: the facilitator's message to the presenter's console.

The presets come first (Enter on the highlighted one sends it: ``ctrl+g`` then Enter says
"Wrap up"); typing anything goes to the line below, and Enter there sends what was typed.
"Clear the message" takes the message off the presenter's screen. The prompt returns the text
through ``dismiss`` ("" to clear, ``None`` when cancelled with escape): the main screen saves it.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from console.screens.dialog_css import dialog_css
from console.session.presenter_message import MESSAGE_LIMIT, PRESETS

CLEAR = "\x00clear"
"""The option id of "Clear the message" (no preset can be this)."""


class PresenterMessageScreen(ModalScreen[str | None]):
    """Pick a preset message for the presenter, type one, or clear the one showing."""

    DEFAULT_CSS = (
        dialog_css("PresenterMessageScreen")
        + """
    PresenterMessageScreen OptionList { height: auto; max-height: 8; }
    PresenterMessageScreen #message-now { color: $text-muted; margin-bottom: 1; }
    PresenterMessageScreen #message-text { margin-top: 1; }
    """
    )
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel", tooltip="Close")]

    def __init__(self, showing: str = "") -> None:
        """``showing``: the message the presenter sees now ("" for none)."""
        super().__init__()
        self.showing = showing

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Message to the presenter's console", classes="prompt-title")
            now = f"Showing now: {self.showing}" if self.showing else "No message is showing."
            yield Label(Text(now), id="message-now")
            options = [Option(Text(text), id=text) for text in PRESETS]
            if self.showing:
                options.append(Option(Text("Clear the message", style="italic"), id=CLEAR))
            yield OptionList(*options, id="message-presets")
            yield Input(
                placeholder="Or type a message and press Enter",
                id="message-text",
                max_length=MESSAGE_LIMIT,
                select_on_focus=False,  # the first letter typed on the presets is kept
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_key(self, event: events.Key) -> None:
        """Typing on the presets starts a message of one's own in the line below."""
        presets = self.query_one(OptionList)
        if presets.has_focus and event.is_printable and event.character not in (None, " "):
            field = self.query_one("#message-text", Input)
            field.focus()
            field.insert_text_at_cursor(event.character)
            event.stop()
            event.prevent_default()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss("" if event.option.id == CLEAR else event.option.id)

    @on(Input.Submitted, "#message-text")
    def typed(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
