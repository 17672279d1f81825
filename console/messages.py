"""The App's messages: what the App tells itself and its views.

- ``FolderChanged``: the folder watcher read other consoles' files (the App applies them).
- ``SessionChanged``: the open session may have moved; every view that shows it re-reads it.

How ``SessionChanged`` travels. Textual messages bubble up, from a widget to its screen and
the App, never down; but this news starts at the App and is for views anywhere below it
(widgets of the active screen, and those of a screen under a modal: the board under the
presenter must be current when the modal closes). So a view asks for it once, on mount, with
``host_of(self).follow_session(self)``, and the App posts one message to each such view that
is still mounted (``FacilitatorApp.session_changed``). The message does not bubble: each view
gets its own copy, and its screen and the App do not see it again.

It carries no data. A view re-reads what it shows from the session and redraws only what
moved (the board compares version counters, the timeline its rows), so an unchanged clock
tick repaints nothing but the seconds. Because it carries nothing, any number of them queued
at one view are the same news: ``can_replace`` lets the newest replace the rest (the idiom of
Textualize/toolong), and a flood of changes (a burst of saves, a big folder read, the tick)
costs one redraw per view.
"""

from __future__ import annotations

from textual.message import Message

from console.store import Record


class FolderChanged(Message):
    """Another console's file changed: the merged records of the whole session folder."""

    def __init__(self, records: dict[tuple[str, str], Record], warnings: list[str]) -> None:
        super().__init__()
        self.records = records
        self.warnings = warnings


class SessionChanged(Message, bubble=False):
    """The session may have moved (folder read, feed update, local write, clock tick, the
    form started): re-read what you show. Posted by the App to each view that follows the
    session; a newer one replaces one still queued."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SessionChanged)


__all__ = ["FolderChanged", "SessionChanged"]
