"""What the board list shows: the search box, the status filters and the words for the view.

Split off ``console.widgets.board_panel`` to keep that module short enough to read: the
panel owns the state (filter, theme, sort, search) and calls these to say, in the status bar
and in an empty list, why it shows what it shows. Pure text, so a test reads it directly.
"""

from __future__ import annotations

from textual.message import Message
from textual.widgets import Input

from console import actions
from console.board.feeds import OPEN_STATUSES

STATUS_FILTERS: dict[str, frozenset[str] | None] = {
    "open": OPEN_STATUSES,
    "all": None,
    "answered": frozenset({"answered"}),
    "deferred": frozenset({"deferred"}),
    "dismissed": frozenset({"dismissed"}),
    "held": None,
}
"""What ``f`` cycles through; "open" is new + queued + live; "held" is every question holding
a held word (``HELD_VIEW``), whatever its status."""
HELD_VIEW = "held"


class SearchInput(Input):
    """The incremental search box; escape clears it and goes back to the list."""

    BINDINGS = actions.bindings(actions.BOARD_SEARCH)

    class Cleared(Message):
        """The search was cleared with escape."""

    def action_clear_search(self) -> None:
        self.value = ""
        self.post_message(self.Cleared())


def view_words(status_filter: str, sort: str, theme: str | None, search: str) -> str:
    """The view in a few words: filter, theme, order and search (the status bar's end)."""
    parts = [status_filter, "most votes first" if sort == "votes" else "newest first"]
    if theme:
        parts.insert(1, f"theme {theme}")
    if search:
        parts.append(f"search {search!r}")
    return " · ".join(parts)


def empty_words(total: int, status_filter: str, theme: str | None, search: str) -> str:
    """What an empty list says: the filter or search that hides the board's questions."""
    if not total:
        return "No questions yet."
    what = f"{status_filter} questions" if status_filter != "all" else "questions"
    if theme:
        what += f" in theme {theme}"
    if search:
        return f"No {what} match {search!r} (Esc in the search clears it)."
    return f"No {what} (f: next filter)."


def first_line(text: str, limit: int = 70) -> str:
    """The first line of a question's text, cut at ``limit`` characters (lists, dialogs)."""
    line = text.split("\n", 1)[0]
    return (line[:limit] + "…") if len(line) > limit else line
