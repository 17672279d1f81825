"""A modal to pick one item (a theme, a merge target); with many items, type to narrow it.

It returns the chosen id through ``dismiss`` (``None`` when cancelled with escape), so the
board panel stays the only place that calls the board and persists.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from console.screens.dialog_css import dialog_css


class ChoiceScreen(ModalScreen[str | None]):
    """Pick one item (a theme, a merge target); with many items, type to narrow the list."""

    DEFAULT_CSS = (
        dialog_css("ChoiceScreen")
        + """
    ChoiceScreen OptionList { height: auto; max-height: 20; }
    """
    )
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel", tooltip="Close")]

    SEARCH_FROM = 8
    """Show a filter box when there are at least this many items."""

    def __init__(
        self, title: str, items: Sequence[tuple[str, str]], highlight: str | None = None
    ) -> None:
        """``items`` are ``(id, label)``; labels are shown literally. ``highlight`` is the id
        the cursor starts on (the first item otherwise)."""
        super().__init__()
        self.title_text = title
        self.items = list(items)
        self.highlight = highlight

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="prompt-title")
            if len(self.items) >= self.SEARCH_FROM:
                yield Input(placeholder="Type to narrow the list", id="choice-filter")
            yield OptionList(*self._options(""), id="choice-list")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        if self.highlight is not None:
            with contextlib.suppress(OptionDoesNotExist):
                options.highlighted = options.get_option_index(self.highlight)
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
