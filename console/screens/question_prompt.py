"""Small dialogs of the question board: an answer note, a question typed in by hand, a choice.

Each is a modal that returns its result through ``dismiss`` (``None`` when cancelled with
escape), so the board panel stays the only place that calls the board and persists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Select, TextArea
from textual.widgets.option_list import Option

MANUAL_ORIGINS: tuple[tuple[str, str], ...] = (
    ("Meeting chat", "chat"),
    ("Asked aloud", "aloud"),
    ("Email", "email"),
    ("Other", "other"),
)

_DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 80%; max-width: 90; height: auto; max-height: 90%;
    border: thick $primary; background: $surface; padding: 1 2;
}}
{name} .prompt-title {{ text-style: bold; margin-bottom: 1; }}
{name} .prompt-buttons {{ height: auto; margin-top: 1; align-horizontal: right; }}
{name} .prompt-buttons Button {{ margin-left: 1; }}
"""


class AnswerNoteScreen(ModalScreen[str | None]):
    """Ask for a short answer note (may be empty) before marking a question answered."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="AnswerNoteScreen")
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
        _DIALOG_CSS.format(name="AddQuestionScreen")
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


class ChoiceScreen(ModalScreen[str | None]):
    """Pick one item (a theme, a merge target); with many items, type to narrow the list."""

    DEFAULT_CSS = (
        _DIALOG_CSS.format(name="ChoiceScreen")
        + """
    ChoiceScreen OptionList { height: auto; max-height: 20; }
    """
    )
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel", tooltip="Close")]

    SEARCH_FROM = 8
    """Show a filter box when there are at least this many items."""

    def __init__(self, title: str, items: Sequence[tuple[str, str]]) -> None:
        """``items`` are ``(id, label)``; labels are shown literally."""
        super().__init__()
        self.title_text = title
        self.items = list(items)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="prompt-title")
            if len(self.items) >= self.SEARCH_FROM:
                yield Input(placeholder="Type to narrow the list", id="choice-filter")
            yield OptionList(*self._options(""), id="choice-list")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        if self.query("#choice-filter"):
            self.query_one("#choice-filter", Input).focus()

    def _options(self, needle: str) -> list[Option]:
        folded = needle.casefold()
        return [
            Option(Text(label, no_wrap=True, overflow="ellipsis"), id=item)
            for item, label in self.items
            if not folded or folded in label.casefold()
        ][:500]

    @on(Input.Changed, "#choice-filter")
    def narrow(self, event: Input.Changed) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(self._options(event.value))

    @on(Input.Submitted, "#choice-filter")
    def take_first(self) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            self.dismiss(options.get_option_at_index(0).id)

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
