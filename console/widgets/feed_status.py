"""The board's status bar: what is new, the queue against the clock, and where questions come from.

It only shows lines it is given (computed by ``console.board.feeds``); a source in trouble is
flagged with a word ("PROBLEM"), not only a colour.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static


class FeedStatus(Static):
    """Two or more lines: counts and queue line, then one line per source."""

    DEFAULT_CSS = """
    FeedStatus { height: auto; max-height: 3; color: $text-muted; padding: 0 1;
        text-wrap: nowrap; text-overflow: ellipsis; }
    FeedStatus.-problem { color: $text-warning; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text(""), id=id, markup=False)
        self.summary = ""
        self.sources: tuple[str, ...] = ()
        self.view = ""
        """The filter/sort/search in force, e.g. ``open · newest first``."""

    def set_lines(
        self, summary: str, sources: Sequence[str], *, problem: bool = False, view: str = ""
    ) -> None:
        sources = tuple(sources)
        if (summary, sources, view) == (self.summary, self.sources, self.view) and (
            self.has_class("-problem") == problem
        ):
            return
        self.summary, self.sources, self.view = summary, sources, view
        self.set_class(problem, "-problem")
        # The view first: short, and it must not be cut off by a long summary.
        out = Text(f"{view} · " if view else "", style="italic")
        out.append(summary, style="bold")
        for line in sources or ("no question source configured",):
            out.append("\n")
            out.append(line)
        out.no_wrap = True
        out.overflow = "ellipsis"
        self.update(out)

    @property
    def plain(self) -> str:
        """Everything shown, as plain text (tests, screen readers)."""
        first = f"{self.view} · {self.summary}" if self.view else self.summary
        return "\n".join([first, *self.sources])
