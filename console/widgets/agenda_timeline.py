"""The run of show as a compact table: done, current and upcoming segments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One line of the timeline, already formatted by the screen."""

    title: str
    when: str
    """Planned (projected) start for upcoming ones, actual start for the rest."""
    length: str
    """Planned length for upcoming; actual duration for done and current."""
    delta: str
    """Over (+) or under (-) for done segments, empty otherwise."""
    state: str
    """``done``, ``current`` or ``upcoming``."""


_MARKS = {"done": "✓", "current": "▶", "upcoming": " "}


class AgendaTimeline(Widget, can_focus=False):
    """Segments with their times; the current one highlighted, its mark shown too.

    ``selectable`` (the facilitator's full run of show) lets it take the focus.
    """

    DEFAULT_CSS = """
    AgendaTimeline { height: auto; padding: 0 1; }
    """

    rows: reactive[tuple[TimelineRow, ...]] = reactive((), layout=True)
    """The rows to show, replaced as a whole when the schedule changes."""

    def __init__(self, *, selectable: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.can_focus = selectable

    def set_rows(self, rows: Sequence[TimelineRow]) -> None:
        new = tuple(rows)
        if new != self.rows:  # an unchanged schedule costs no repaint
            self.rows = new

    def render(self) -> Table:
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(width=1)
        table.add_column(width=5)
        table.add_column(ratio=1, overflow="ellipsis", no_wrap=True)
        table.add_column(justify="right", width=4)
        table.add_column(justify="right", width=4)
        for row in self.rows:
            style = {"done": "dim", "current": "bold reverse"}.get(row.state, "")
            table.add_row(
                Text(_MARKS.get(row.state, " "), style=style),
                Text(row.when, style=style),
                Text(row.title, style=style),  # never markup: titles are plain text
                Text(row.length, style=style),
                Text(row.delta, style="red" if row.delta.startswith("+") else "green"),
            )
        return table
