"""Key bindings of the question board, apart from the widget.

The main screen lists them in the command palette before the board itself (and the feed
machinery it imports) is loaded, which keeps the console's first frame fast.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

MODERATION_ACTIONS = frozenset({"moderate", "answer", "tag", "merge"})
ACCEPT_FEED_KEY = "A"
"""Takes a source's smaller list that was held as suspect (the status line names this key)."""


def _b(
    key: str,
    action: str,
    text: str,
    bid: str,
    tip: str,
    show: bool = False,
    key_display: str | None = None,
) -> Binding:
    return Binding(
        key, action, text, show=show, id=f"board.{bid}", tooltip=tip, key_display=key_display
    )


BOARD_BINDINGS: list[BindingType] = [
    _b("q", "moderate('queue')", "Queue", "queue", "Queue the question to take it", True),
    _b("l", "moderate('go_live')", "Live", "live", "Put the question live (now answering)", True),
    _b("a", "answer", "Answer", "answer", "Mark answered, with a short answer note", True),
    _b("d", "moderate('defer')", "Defer", "defer", "Defer: we will follow up", True),
    _b("x", "moderate('dismiss')", "Dismiss", "dismiss", "Dismiss (restorable with u)", True),
    _b("u", "moderate('restore')", "Restore", "restore", "Restore a dismissed question"),
    _b("asterisk", "moderate('star')", "Star", "star", "Star or unstar", key_display="*"),
    _b("t", "tag", "Theme", "tag", "Tag with one of the agenda's themes (toggles)"),
    _b("m", "merge", "Merge", "merge", "Merge this question into another (duplicates)"),
    _b("M", "moderate('unmerge')", "Unmerge", "unmerge", "Take a duplicate out of its primary"),
    _b("v", "moderate('plus_one')", "+1 vote", "vote", "Count a question raised again aloud"),
    _b(
        "i",
        "add_question",
        "Add",
        "add",
        "Add a question heard aloud, in the chat or by email",
        True,
    ),
    _b(
        "slash",
        "search",
        "Search",
        "search",
        "Search the questions as you type",
        True,
        key_display="/",
    ),
    _b(
        "f",
        "cycle_filter",
        "Filter",
        "filter",
        "Show open / all / answered / deferred / dismissed questions",
    ),
    _b("F", "theme_filter", "Theme filter", "theme-filter", "Show one theme only"),
    _b("o", "toggle_sort", "Sort", "sort", "Sort newest first or most votes first"),
    _b("r", "refresh_feeds", "Refresh", "refresh", "Fetch the question sources now"),
    _b(
        ACCEPT_FEED_KEY,
        "accept_feed",
        "Accept smaller feed",
        "accept-feed",
        "A source lost most of its questions: take its smaller list (questions with a "
        "decision or a note stay)",
    ),
    _b("z", "zoom", "Zoom", "zoom", "Give the board the whole screen, or give it back (Esc)"),
    _b(
        "P",
        "presenter",
        "Presenter",
        "presenter",
        "Presenter view of the live question, safe to share",
        True,
        key_display="P",
    ),
]

BOARD_PALETTE_BINDINGS: list[Binding] = [
    Binding(b.key, f"board({b.action!r})", b.description, id=b.id, tooltip=b.tooltip)
    for b in BOARD_BINDINGS
    if isinstance(b, Binding)
]
"""The same actions for the command palette: the screen's ``action_board(name)`` hands each
to ``BoardPanel.run_command``."""

__all__ = ["ACCEPT_FEED_KEY", "BOARD_BINDINGS", "BOARD_PALETTE_BINDINGS", "MODERATION_ACTIONS"]
