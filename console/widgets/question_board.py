"""The list of questions: a DataTable (virtualised) kept in step with the board incrementally.

A poll that adds ten questions to ten thousand must not rebuild the table: ``show`` compares
the wanted rows with the shown ones and only adds, updates or removes what differs, then
reorders (one sort) when the order moved. Every cell is a rich ``Text``, so question text and
names are never read as markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import tzinfo

from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.geometry import Size
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, ColumnKey, Row, RowKey

from console.question import Question

TEXT_CELL_LIMIT = 240
"""Characters of the first line kept in a list cell (the detail pane shows it all)."""

REBUILD_AT = 200
"""More removals than this in one change: clearing and refilling is cheaper than removing."""

# (key, header, width): the text column's width follows the table's.
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


class _Cell:
    """One cell, rendered only when it is on screen (a 10,000-row fill makes no Text).

    The DataTable accepts any rich renderable; ``__rich__`` builds the ``Text`` (never
    markup) on demand. ``qkey`` lets the table sort rows by the board's order.
    """

    __slots__ = ("column", "owner", "q")

    def __init__(self, owner: QuestionBoard, q: Question, column: str) -> None:
        self.owner = owner
        self.q = q
        self.column = column

    @property
    def qkey(self) -> str:
        return self.q.key

    def __rich__(self) -> Text:
        return self.owner.cell_text(self.q, self.column)


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


class QuestionBoard(DataTable[_Cell]):
    """The board's question list, one row per question, keyed by question key."""

    DEFAULT_CSS = """
    QuestionBoard { height: 1fr; }
    QuestionBoard > .datatable--cursor { text-style: bold; }
    """

    BINDINGS = [
        Binding(
            "enter",
            "put_live",
            "Live",
            show=False,
            id="board.enter-live",
            tooltip="Put the highlighted question live",
        ),
    ]

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
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.tz = tz
        self.theme_labels = dict(theme_labels or {})
        self.compact = compact
        self._shown: dict[str, Question] = {}
        self._row_keys: dict[str, RowKey] = {}
        self._order: list[str] = []
        self.rebuilds = 0
        """How many times the table was cleared and refilled (tests and the bench read it)."""

    # --------------------------------------------------------------- columns
    @property
    def column_spec(self) -> tuple[tuple[str, str, int], ...]:
        return COMPACT_COLUMNS if self.compact else FULL_COLUMNS

    def on_mount(self) -> None:
        self._make_columns()

    def _make_columns(self) -> None:
        self.clear(columns=True)
        for key, header, width in self.column_spec:
            self.add_column(Text(header), width=width, key=key)
        self._shown.clear()
        self._order = []
        self._fit_text_column()

    def set_compact(self, compact: bool) -> None:
        """Switch between the full and the note-taker's narrow column set."""
        if compact == self.compact:
            return
        self.compact = compact
        wanted = [self._shown[k] for k in self._order]
        self._make_columns()
        self.show(wanted)

    def on_resize(self) -> None:
        self._fit_text_column()

    def _fit_text_column(self) -> None:
        """Give the question column whatever width the other columns leave."""
        text = self.columns.get(ColumnKey("text"))
        if text is None:
            return
        pad = 2 * self.cell_padding
        others = sum(w + pad for k, _, w in self.column_spec if k != "text")
        available = self.scrollable_content_region.width - others - pad - 1
        width = max(10, available)
        if width != text.width:
            text.width = width
            self._require_update_dimensions = True
            self.refresh()

    # ------------------------------------------------------------------ rows
    def cells(self, q: Question) -> list[_Cell]:
        """The row of one question (lazy cells: built into Text when drawn)."""
        return [_Cell(self, q, key) for key, _, _ in self.column_spec]

    def cell_text(self, q: Question, column: str) -> Text:
        """One cell as rich Text (never markup); answered and dismissed rows are dimmed."""
        if column == "time":
            when = q.submitted_at.astimezone(self.tz).strftime("%H:%M") if q.submitted_at else ""
            text = Text(when or "--:--")
        elif column == "votes":
            text = Text(str(q.votes), justify="right")
        elif column == "asker":
            text = Text(asker_cell(q), no_wrap=True, overflow="ellipsis")
        elif column == "theme":
            labels = ", ".join(self.theme_labels.get(t, t) for t in q.themes)
            text = Text(labels, no_wrap=True, overflow="ellipsis")
        elif column == "status":
            text = Text(status_cell(q), no_wrap=True)
            if q.status == "live":
                text.stylize("bold reverse")
        else:
            text = Text(first_line(q.text), no_wrap=True, overflow="ellipsis")
        if q.status in ("answered", "dismissed"):
            text.stylize("dim")
        return text

    def show(self, questions: Sequence[Question]) -> None:
        """Make the table show ``questions`` in this order, touching only what changed."""
        wanted = {q.key: q for q in questions}
        order = [q.key for q in questions]
        if order == self._order and all(self._shown[k] is wanted[k] for k in order):
            return
        keep_key = self.highlighted_key
        gone = [k for k in self._order if k not in wanted]
        if not self._order or len(gone) > REBUILD_AT:
            self._rebuild(questions)
        else:
            for key in gone:
                self.remove_row(key)
                del self._shown[key]
            names = [k for k, _, _ in self.column_spec]
            for q in questions:
                old = self._shown.get(q.key)
                if old is None:
                    self.add_row(*self.cells(q), key=q.key)
                elif old is not q and old != q:
                    for name, cell in zip(names, self.cells(q), strict=True):
                        self.update_cell(q.key, name, cell)
                self._shown[q.key] = q
            before = set(self._order)
            if [k for k in self._order if k in wanted] + [
                k for k in order if k not in before
            ] != order:
                self._reorder(order)
            self._order = order
        self._restore_cursor(keep_key)

    def _rebuild(self, questions: Sequence[Question]) -> None:
        """Clear and refill in one go.

        ``add_row`` re-validates the cursor for every row (a reactive set each time), which
        makes 10,000 rows cost seconds; filling the table's maps directly is the same end
        state at a fraction of the cost. Textual is pinned by the lock file, and the
        ``show`` tests check the table still answers ``get_row_index``/``row_count``.
        """
        self.rebuilds += 1
        self.clear()
        self._shown = {}
        column_keys = [column.key for column in self.ordered_columns]
        locations, data, rows = self._row_locations, self._data, self.rows
        for index, q in enumerate(questions):
            row_key = self._row_key(q.key)
            locations[row_key] = index
            data[row_key] = dict(zip(column_keys, self.cells(q), strict=True))
            rows[row_key] = Row(row_key, 1)
            self._shown[q.key] = q
        self._order = [q.key for q in questions]
        self._update_count += 1
        self._prime_row_order([self._row_key(k) for k in self._order])
        self._require_update_dimensions = True
        self.cursor_coordinate = self.cursor_coordinate
        if questions and self.show_cursor:
            self._highlight_cursor()
        self.check_idle()
        self.refresh()

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """Every column has a fixed width and every row one line: nothing to measure.

        (The stock version measures every cell of every new row: seconds for 10,000.)
        """
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(width, self.row_count + header)

    def _reorder(self, order: list[str]) -> None:
        """Put the rows in the board's order: one new index map, no key function per row
        (``DataTable.sort`` would call one 10,000 times for ten new questions)."""
        keys = [self._row_key(k) for k in order]
        self._row_locations = TwoWayDict(dict(zip(keys, range(len(keys)), strict=True)))
        self._update_count += 1
        self._prime_row_order(keys)
        self.refresh()

    def _row_key(self, key: str) -> RowKey:
        """One RowKey object per question, reused: building 10,000 of them per poll shows."""
        row_key = self._row_keys.get(key)
        if row_key is None:
            row_key = self._row_keys[key] = RowKey(key)
        return row_key

    def _prime_row_order(self, keys: list[RowKey]) -> None:
        """Hand DataTable the ordered rows we already know, so moving the cursor does not
        make it look up 10,000 indices one by one to rebuild them."""
        rows = self.rows
        self._ordered_row_cache[(len(keys), self._update_count)] = [rows[k] for k in keys]

    def _restore_cursor(self, key: str | None) -> None:
        if key is None or key not in self._shown:
            return
        try:
            row = self.get_row_index(key)
        except Exception:
            return
        if row != self.cursor_row:
            self.move_cursor(row=row, animate=False)

    # --------------------------------------------------------------- queries
    @property
    def highlighted_key(self) -> str | None:
        """The question under the cursor (None on an empty table)."""
        if not self.row_count:
            return None
        try:
            row_key, _ = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0))
        except CellDoesNotExist:
            return None
        return row_key.value

    @property
    def shown_keys(self) -> list[str]:
        return list(self._order)

    def select_key(self, key: str) -> bool:
        """Move the cursor to a question; False when it is not in the (filtered) list."""
        if key not in self._shown:
            return False
        self.move_cursor(row=self.get_row_index(RowKey(key)), animate=False)
        return True

    def action_put_live(self) -> None:
        key = self.highlighted_key
        if key is not None:
            self.post_message(self.PutLive(key))
