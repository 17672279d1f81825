"""The list of questions: a Line API widget that draws only the rows on screen.

Why not DataTable: DataTable keeps a row-key -> index map and a y-offset list, both rebuilt in
Python (``RowKey`` hashes in Python) whenever a row is inserted anywhere but at the end. A
newest-first board inserts at the top on every poll, so ten new questions among ten thousand
cost ~15 ms of index rebuilding plus ~5 ms on the next frame, and keeping it fast needed
DataTable's private attributes. Here the board's ordered list *is* the table: ``show`` swaps
in the new list, ``render_line`` draws row ``scroll_y + y`` from it, and lines are cached per
question object, so a poll costs what changed. Every cell is a rich ``Text`` (never markup).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import tzinfo
from operator import attrgetter, is_

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from console import actions
from console.board.question import Question

TEXT_CELL_LIMIT = 240
"""Characters of the first line kept in a list cell (the detail pane shows it all)."""

CELL_PADDING = 1
"""Spaces on each side of a cell."""

# (key, header, width): the text column's width follows the widget's.
FULL_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("time", "Time", 5),
    ("votes", "Votes", 5),
    ("asker", "Asker", 14),
    ("theme", "Theme", 12),
    ("status", "Status", 10),
    ("text", "Question", 20),
)
COMPACT_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("time", "Time", 5),
    ("votes", "Votes", 5),
    ("status", "Status", 10),
    ("text", "Question", 20),
)
NARROW_COLUMNS: tuple[tuple[str, str, int], ...] = COMPACT_COLUMNS[1:]
"""Under ``NARROW_BELOW`` cells the time goes: the question needs the room more."""
NARROW_BELOW = 50
RIGHT_ALIGNED = frozenset({"votes"})

_key_of = attrgetter("key")


def first_line(text: str, limit: int = TEXT_CELL_LIMIT) -> str:
    """The first line of a question, shortened with an ellipsis when there is more."""
    line, _, rest = text.partition("\n")
    line = line.strip()
    if len(line) > limit:
        return line[: limit - 1] + "…"
    return line + (" …" if rest.strip() else "")


def asker_cell(q: Question) -> str:
    """The name only when the asker agreed to show it; the detail pane has the rest."""
    return q.asker if q.asker and q.display_name else "Anonymous"


def status_cell(q: Question) -> str:
    marks = ("★" if q.starred else "") + ("✎" if q.edited else "")
    dot = "●" if not q.seen and q.status != "dismissed" else " "
    return f"{dot}{q.status}{' ' + marks if marks else ''}"


class QuestionBoard(ScrollView, can_focus=True):
    """The board's question list, one line per question, with a fixed header line."""

    COMPONENT_CLASSES = {
        "question-board--header",
        "question-board--cursor",
        "question-board--cursor-blurred",
        "question-board--empty",
    }

    DEFAULT_CSS = """
    QuestionBoard {
        height: 1fr;
        overflow-x: hidden;
        background: $surface;
        color: $foreground;
        &:focus { background-tint: $foreground 5%; }
        & > .question-board--header { text-style: bold; background: $panel; color: $foreground; }
        & > .question-board--cursor { text-style: bold; background: $block-cursor-background;
            color: $block-cursor-foreground; }
        & > .question-board--cursor-blurred { background: $block-cursor-blurred-background; }
        & > .question-board--empty { color: $text-muted; text-style: italic; }
    }
    """

    BINDINGS = actions.bindings(actions.QUESTION_BOARD)

    class Highlighted(Message):
        """The cursor is on another question (or the list under it changed)."""

        def __init__(self, key: str | None) -> None:
            super().__init__()
            self.key = key

    class PutLive(Message):
        """Enter on a row: the panel puts that question live."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(
        self,
        *,
        tz: tzinfo,
        theme_labels: Mapping[str, str] | None = None,
        compact: bool = False,
        empty_text: str = "No questions yet.",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.tz = tz
        self.theme_labels = dict(theme_labels or {})
        self.compact = compact
        self.empty_text = empty_text
        self._rows: list[Question] = []
        self._keys: list[str] = []
        self._text_width = 20
        self._narrow = False
        self._fitted_for = -1
        self._fitted_compact = compact
        self._lines: LRUCache[tuple[str, int, bool, bool], tuple[Question, Strip]] = LRUCache(512)
        self._highlight_sent: str | None = None
        self.cursor_row = 0
        """Index of the highlighted question in the shown list."""
        self.updates = 0
        """How many times ``show`` changed what is shown (tests and the bench read it)."""

    # --------------------------------------------------------------- columns
    @property
    def column_spec(self) -> tuple[tuple[str, str, int], ...]:
        if not self.compact:
            return FULL_COLUMNS
        return NARROW_COLUMNS if self._narrow else COMPACT_COLUMNS

    def set_compact(self, compact: bool) -> None:
        """Switch between the full and the note-taker's narrow column set."""
        if compact != self.compact:
            self.compact = compact
            self._fit_text_column()  # new columns, cache cleared, redrawn

    def on_mount(self) -> None:
        self._update_virtual_size()

    def on_resize(self) -> None:
        self._fit_text_column()

    def _fit_text_column(self) -> None:
        """Choose the columns for the width and give the question whatever the others leave.

        Also called when drawing, with the width being drawn: after a zoom is undone the
        resize can be handled before the region shrinks back.
        """
        region = self.scrollable_content_region.width
        if region == self._fitted_for and self._fitted_compact == self.compact:
            return
        self._fitted_for, self._fitted_compact = region, self.compact
        self._narrow = region < NARROW_BELOW
        pad = 2 * CELL_PADDING
        others = sum(w + pad for k, _, w in self.column_spec if k != "text")
        self._text_width = max(10, region - others - pad)
        self._lines.clear()
        self.refresh()

    def _update_virtual_size(self) -> None:
        """Rows plus the header line; no width, so there is never a horizontal scrollbar
        (the question column takes what is left and is cut with an ellipsis)."""
        self.virtual_size = Size(0, len(self._rows) + 1)

    def _width(self, key: str, width: int) -> int:
        return self._text_width if key == "text" else width

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()

    # ------------------------------------------------------------------ rows
    def cell_text(self, q: Question, column: str) -> Text:
        """One cell as rich Text (never markup); answered and dismissed rows are dimmed."""
        if column == "time":
            when = q.submitted_at.astimezone(self.tz).strftime("%H:%M") if q.submitted_at else ""
            text = Text(when or "--:--")
        elif column == "votes":
            text = Text(str(q.votes))
        elif column == "asker":
            text = Text(asker_cell(q))
        elif column == "theme":
            text = Text(", ".join(self.theme_labels.get(t, t) for t in q.themes))
        elif column == "status":
            text = Text(status_cell(q))
            if q.status == "live":
                text.stylize("bold reverse")
        else:
            text = Text(first_line(q.text))
        if q.status in ("answered", "dismissed"):
            text.stylize("dim")
        return text

    def show(self, questions: Sequence[Question]) -> None:
        """Show ``questions`` in this order, keeping the cursor on the same question.

        Costs a list copy and an identity comparison in C: nothing is rebuilt per row, and
        only the lines on screen are drawn (from cache when their question is unchanged).
        """
        if len(questions) == len(self._rows) and all(map(is_, questions, self._rows)):
            return
        keep = self.highlighted_key
        self._rows = list(questions)
        self._keys = list(map(_key_of, self._rows))
        self.updates += 1
        self._update_virtual_size()
        row = self._index_of(keep) if keep is not None else None
        if row is None:
            row = min(self.cursor_row, max(0, len(self._rows) - 1))
        self._set_cursor(row)
        self.refresh()
        self._announce()

    def set_empty_text(self, text: str) -> None:
        """What an empty list says (the panel names the filter or search hiding questions)."""
        if text != self.empty_text:
            self.empty_text = text
            self.refresh()

    def _index_of(self, key: str) -> int | None:
        try:
            return self._keys.index(key)
        except ValueError:
            return None

    # --------------------------------------------------------------- queries
    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def highlighted_key(self) -> str | None:
        """The question under the cursor (None on an empty list)."""
        if not self._rows:
            return None
        return self._keys[min(self.cursor_row, len(self._keys) - 1)]

    @property
    def shown_keys(self) -> list[str]:
        return list(self._keys)

    def question_at(self, row: int) -> Question:
        return self._rows[row]

    def get_row_index(self, key: str) -> int:
        """The row of a shown question (ValueError when it is not shown)."""
        index = self._index_of(key)
        if index is None:
            raise ValueError(f"{key!r} is not in the list")
        return index

    def select_key(self, key: str) -> bool:
        """Move the cursor to a question; False when it is not in the (filtered) list."""
        index = self._index_of(key)
        if index is None:
            return False
        self._set_cursor(index)
        self._announce()
        return True

    # ---------------------------------------------------------------- cursor
    def _set_cursor(self, row: int) -> None:
        row = max(0, min(row, len(self._rows) - 1)) if self._rows else 0
        if row != self.cursor_row:
            self.cursor_row = row
            self.refresh()
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        visible = max(1, self.scrollable_content_region.height - 1)
        top = round(self.scroll_offset.y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False, immediate=True)

    def _announce(self) -> None:
        """Tell the panel when the highlighted question is another one than last said."""
        key = self.highlighted_key
        if key != self._highlight_sent:
            self._highlight_sent = key
            self.post_message(self.Highlighted(key))

    def _move(self, delta: int) -> None:
        self._set_cursor(self.cursor_row + delta)
        self._announce()

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_page_up(self) -> None:
        self._move(-max(1, self.scrollable_content_region.height - 2))

    def action_page_down(self) -> None:
        self._move(max(1, self.scrollable_content_region.height - 2))

    def action_first(self) -> None:
        self._move(-self.cursor_row)

    def action_last(self) -> None:
        self._move(len(self._rows))

    def action_put_live(self) -> None:
        key = self.highlighted_key
        if key is not None:
            self.post_message(self.PutLive(key))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        row = round(self.scroll_offset.y) + offset.y - 1
        if row < len(self._rows):
            self._set_cursor(row)
            self._announce()

    # ---------------------------------------------------------------- render
    def render_line(self, y: int) -> Strip:
        self._fit_text_column()
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            header = self.get_component_rich_style("question-board--header")
            return self._join([Text(h) for _, h, _ in self.column_spec], base + header, width)
        row = round(self.scroll_offset.y) + y - 1
        if row >= len(self._rows):
            if row == 0 and not self._rows:
                empty = self.get_component_rich_style("question-board--empty")
                text = Text(" " * CELL_PADDING + self.empty_text)
                return self._join_plain(text, base + empty, width)
            return Strip.blank(width, base)
        q = self._rows[row]
        cursor = row == self.cursor_row
        cache_key = (q.key, width, cursor, self.has_focus)
        hit = self._lines.get(cache_key)
        if hit is not None and hit[0] is q:
            return hit[1]
        style = base
        if cursor:
            name = "question-board--cursor" if self.has_focus else "question-board--cursor-blurred"
            style = base + self.get_component_rich_style(name)
        strip = self._join([self.cell_text(q, k) for k, _, _ in self.column_spec], style, width)
        self._lines[cache_key] = (q, strip)
        return strip

    def _join(self, cells: list[Text], style: Style, width: int) -> Strip:
        line = Text(no_wrap=True, end="")
        pad = " " * CELL_PADDING
        for (key, _, w), cell in zip(self.column_spec, cells, strict=True):
            cell.no_wrap = True
            cell.overflow = "ellipsis"
            cell.align("right" if key in RIGHT_ALIGNED else "left", self._width(key, w))
            line.append(pad)
            line.append_text(cell)
            line.append(pad)
        return self._join_plain(line, style, width)

    def _join_plain(self, line: Text, style: Style, width: int) -> Strip:
        segments = [s for s in line.render(self.app.console) if s.text != "\n"]
        strip = Strip(Segment.apply_style(segments, style), line.cell_len)
        return strip.crop_extend(0, width, style)
