"""Key bindings of the note panes, apart from the widget, so screens can list them in the
command palette without loading the panes before the first frame."""

from __future__ import annotations

from textual.binding import Binding, BindingType

NOTES_BINDINGS: list[BindingType] = [
    Binding(
        "ctrl+n",
        "notes('capture')",
        "New entry",
        id="notes.capture",
        tooltip="Type a new entry (the capture line)",
    ),
    Binding(
        "ctrl+f",
        "notes('filter')",
        "Filter",
        id="notes.filter",
        tooltip="Filter the entries: words, #theme, seg:segment",
    ),
    Binding(
        "ctrl+o",
        "notes('notepad')",
        "Notepad",
        id="notes.notepad",
        tooltip="Write in the segment's notepad",
    ),
    Binding(
        "ctrl+t",
        "notes('kind')",
        "Kind",
        id="notes.kind",
        tooltip="Cycle the kind of the next entry (or start the line with ! > ? ~)",
    ),
    Binding(
        "ctrl+z",
        "notes('undo')",
        "Undo delete",
        id="notes.undo",
        tooltip="Bring back the entry deleted last",
    ),
]
"""Keys of the note panes, also offered in the command palette by the screens."""

__all__ = ["NOTES_BINDINGS"]
