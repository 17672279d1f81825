"""The run of show as a compact table: done, current and upcoming segments.

On the facilitator's screen (``selectable``) it takes the focus (F4): a cursor then picks a
segment, and Enter or a click on a row asks to jump there (``JumpAsked``; the screen asks
for a confirmation and moves the clock, a widget opens no screens).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from console import actions


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One line of the timeline, already formatted by the screen."""

    title: str
    when: str
    """Planned (projected) start for upcoming ones, actual start for the rest."""
    planned: str
    """Planned minutes, on every row (the ``min`` column)."""
    delta: str
    """Actual minus planned (the ``±`` column): done segments, and the one in play once over."""
    state: str
    """``done``, ``current`` or ``upcoming``."""


_MARKS = {"done": "✓", "current": "▶", "upcoming": " "}


class AgendaTimeline(Widget, can_focus=False):
    """Segments with their times; the current one highlighted, its mark shown too.

    ``selectable`` (the facilitator's full run of show) lets it take the focus; a cursor
    then shows, and Enter or a click asks to jump to its segment.
    """

    COMPONENT_CLASSES = {"agenda-timeline--cursor"}
    DEFAULT_CSS = """
    AgendaTimeline { height: auto; padding: 0 1; }
    AgendaTimeline > .agenda-timeline--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
    }
    """
    BINDINGS = actions.bindings(actions.TIMELINE)

    HEADER_LINES = 1
    """Lines above the first segment's row: the column heads."""

    class JumpAsked(Message):
        """Enter or a click on a segment's row: the screen asks, then moves the clock there."""

        def __init__(self, timeline: AgendaTimeline, index: int) -> None:
            super().__init__()
            self.timeline = timeline
            self.index = index

        @property
        def control(self) -> AgendaTimeline:
            return self.timeline

    rows: reactive[tuple[TimelineRow, ...]] = reactive((), layout=True)
    """The rows to show, replaced as a whole when the schedule changes."""
    cursor: reactive[int] = reactive(0)
    """The row the cursor is on (shown while the timeline has the focus)."""

    def __init__(self, *, selectable: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.can_focus = selectable

    def set_rows(self, rows: Sequence[TimelineRow]) -> None:
        new = tuple(rows)
        if new != self.rows:  # an unchanged schedule costs no repaint
            self.rows = new

    def row_offset(self, index: int) -> int:
        """The line of the widget that shows segment ``index`` (for a click)."""
        return self.HEADER_LINES + index

    # ---------------------------------------------------------------- cursor
    def on_focus(self) -> None:
        """The cursor starts on the segment in play (the first one before the start)."""
        current = next((i for i, r in enumerate(self.rows) if r.state == "current"), None)
        if current is not None:
            self.cursor = current
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def validate_cursor(self, cursor: int) -> int:
        return max(0, min(cursor, len(self.rows) - 1))

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.rows) - 1

    def action_jump(self) -> None:
        if self.rows:
            self.post_message(self.JumpAsked(self, self.cursor))

    def on_click(self, event: events.Click) -> None:
        if not self.can_focus:
            return
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y - self.HEADER_LINES
        if 0 <= index < len(self.rows):
            self.cursor = index
            self.post_message(self.JumpAsked(self, index))

    # ---------------------------------------------------------------- render
    def render(self) -> Table:
        """Mark, start, segment, planned minutes (``min``) and actual minus planned (``±``):
        each column means one thing on every row."""
        table = Table(
            box=None,
            padding=(0, 1),
            collapse_padding=True,
            pad_edge=False,
            expand=True,
            show_header=True,
            header_style="bold dim",
        )
        table.add_column("", width=1)
        table.add_column("start", width=5)
        table.add_column("segment", ratio=1, overflow="ellipsis", no_wrap=True)
        table.add_column("min", justify="right", width=4)
        table.add_column("±", justify="right", width=4)
        cursor = self.get_component_rich_style("agenda-timeline--cursor", partial=True)
        for index, row in enumerate(self.rows):
            style = {"done": "dim", "current": "bold reverse"}.get(row.state, "")
            table.add_row(
                Text(_MARKS.get(row.state, " "), style=style),
                Text(row.when, style=style),
                Text(row.title, style=style),  # never markup: titles are plain text
                Text(row.planned, style=style),
                Text(row.delta, style="red" if row.delta.startswith("+") else "green"),
                style=cursor if self.has_focus and index == self.cursor else Style(),
            )
        return table
