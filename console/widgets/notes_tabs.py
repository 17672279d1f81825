"""The note panes' tab labels: entries per kind and open action items, kept one entry at a time.

The panel shows 5,000 entries in four lists; a change from another console or a keystroke
touches one entry, so the counts are kept incrementally (the entry's old kind and state taken
off, its new ones added) instead of recounted. No Textual here: the labels are plain text the
panel puts on its tabs.
"""

from __future__ import annotations

from collections.abc import Mapping

from console.notes.notebook import KINDS, Note

PANE_TITLES: dict[str, str] = {
    "concern": "Concerns",
    "action": "Actions",
    "resource": "Resources",
    "note": "Notes",
}


class TabCounts:
    """How many entries of each kind there are (deleted ones left out), and open actions."""

    def __init__(self) -> None:
        self._counted: dict[str, tuple[str, bool]] = {}
        """(kind, open) of every entry not deleted."""
        self.totals: dict[str, int] = dict.fromkeys(KINDS, 0)
        self.open_actions = 0

    def reset(self) -> None:
        """Forget every entry (before counting the whole notebook again)."""
        self._counted = {}
        self.totals = dict.fromkeys(KINDS, 0)
        self.open_actions = 0

    def count(self, note: Note) -> None:
        """Keep the counts right for one entry (its old kind and state taken off first)."""
        old = self._counted.pop(note.id, None)
        if old is not None:
            self.totals[old[0]] -= 1
            self.open_actions -= old[1]
        if not note.deleted:
            self._counted[note.id] = (note.kind, note.open)
            self.totals[note.kind] += 1
            self.open_actions += note.open

    def labels(self, shown: Mapping[str, int], filtered: bool) -> dict[str, str]:
        """Each kind's tab label: ``Actions 12, 3 open``; ``shown/total`` under a filter."""
        out: dict[str, str] = {}
        for kind in KINDS:
            total = self.totals[kind]
            count = f"{shown[kind]}/{total}" if filtered else str(total)
            extra = f", {self.open_actions} open" if kind == "action" and self.open_actions else ""
            out[kind] = f"{PANE_TITLES[kind]} {count}{extra}"
        return out

    def shown_words(self, shown: Mapping[str, int], filtered: bool) -> list[str]:
        """``40 of 5000 shown`` under a filter; nothing otherwise."""
        if not filtered:
            return []
        return [f"{sum(shown.values())} of {sum(self.totals.values())} shown"]
