"""The series screen: the open commitments of the session's series, closed and re-opened here.

The ledger (``console.report.ledger``) reads every session of the series, so it is built in
a thread worker, as the report is. Closing and re-opening write into the newest session of
the series (``console.session.series_changes``), which must be the one this console has
open: each console writes only its own file in its own session. Elsewhere (an older session,
a rehearsal, a read-only console) the screen shows the ledger and says why it cannot change it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, LoadingIndicator, Static

from console import actions
from console.host import host_of
from console.report.ledger import ACTION, TREND_WORDS, LedgerItem
from console.report.series import KIND_WORDS, SeriesData, build_series, series_name

if TYPE_CHECKING:
    from console.screens.participant_answer import ParticipantReply
    from console.store import Record


class SeriesScreen(Screen[None]):
    """The series' ledger of open commitments and its themes by session."""

    BINDINGS = actions.bindings(actions.SERIES)
    DEFAULT_CSS = """
    SeriesScreen { layout: vertical; }
    SeriesScreen #series-status { height: auto; padding: 0 1; color: $text-muted; }
    SeriesScreen #series-loading { height: 3; }
    SeriesScreen #series-items { height: 2fr; border: round $primary; }
    SeriesScreen #series-below { height: 1fr; border: round $secondary; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.data: SeriesData | None = None
        self.name_ = ""
        self.why_not = "Reading the series…"
        """Why this console cannot close or re-open items ("" when it can)."""

    def compose(self) -> ComposeResult:
        yield Static("Reading the series…", id="series-status", markup=False)
        yield LoadingIndicator(id="series-loading")
        table: DataTable[Text | str] = DataTable(id="series-items", cursor_type="row")
        table.border_title = "Open commitments (c closes, o re-opens)"
        yield table
        with VerticalScroll(id="series-below") as below:
            below.border_title = "History and themes by session"
            yield Static("", id="series-detail", markup=False)
            yield Static("", id="series-themes", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.action_rebuild()

    # ------------------------------------------------------------------ state
    @property
    def items(self) -> tuple[LedgerItem, ...]:
        return self.data.ledger.items if self.data else ()

    @property
    def selected(self) -> LedgerItem | None:
        table = self.query_one("#series-items", DataTable)
        if not self.items or not 0 <= table.cursor_row < len(self.items):
            return None
        return self.items[table.cursor_row]

    def _busy(self, busy: bool, message: str | None = None) -> None:
        self.query_one("#series-loading", LoadingIndicator).display = busy
        if message is not None:
            self.query_one("#series-status", Static).update(message)

    # ------------------------------------------------------------------ actions
    def action_close(self) -> None:
        self.app.pop_screen()

    def action_rebuild(self) -> None:
        self._busy(True, "Reading the series…")
        self.build()

    def action_close_item(self) -> None:
        item = self._changeable()
        if item is None:
            return
        if not item.open:
            self.notify("This item is closed already (o re-opens it).", severity="warning")
            return
        from console.screens.participant_answer import ParticipantAnswerScreen

        def done(reply: ParticipantReply | None) -> None:
            if reply is not None:
                self.close_item(item, reply.text, reply.public)

        self.app.push_screen(ParticipantAnswerScreen(f"Close: {item.text}"), done)

    def action_reopen_item(self) -> None:
        item = self._changeable()
        if item is None or self.data is None:
            return
        from console.session.series_changes import SeriesChangeError, reopen

        host = host_of(self)
        session = host.session
        try:
            plan = reopen(item, self.data.ledger, self.data.reports, session.author, host.now())
            if plan.take_back is not None:
                records = session.board.delete_participant_answer(plan.take_back)
            elif not session.runs_clock:
                raise SeriesChangeError("Only the facilitator's console carries an item back.")
            else:
                records = list(plan.carry)
                for record in records:
                    (session.notebook if record.kind == "note" else session.board).apply(record)
        except (SeriesChangeError, PermissionError, KeyError) as exc:
            self.notify(str(exc).strip("'\""), severity="warning")
            return
        self.save(records, "Re-opened: it is open again in this session.")

    def _changeable(self) -> LedgerItem | None:
        if self.why_not:
            self.notify(self.why_not, severity="warning", timeout=8)
            return None
        item = self.selected
        if item is None:
            self.notify("There is no item to change.", severity="warning")
        return item

    def close_item(self, item: LedgerItem, text: str, public: bool) -> None:
        from console.session.series_changes import SeriesChangeError, close_record

        host = host_of(self)
        session = host.session
        try:
            record = close_record(
                item,
                session.folder.info.id,
                text,
                public=public,
                author=session.author,
                now=host.now(),
            )
        except (SeriesChangeError, ValueError) as exc:
            self.notify(str(exc), severity="warning")
            return
        session.board.apply(record)
        self.save([record], f"Closed, with your note, by {session.author}.")

    @work(exit_on_error=False, group="save")
    async def save(self, records: list[Record], said: str) -> None:
        if not await host_of(self).persist(records):
            return  # the App said why (NOT SAVED)
        self.notify(said)
        self.action_rebuild()

    # ------------------------------------------------------------------ workers
    @work(thread=True, exit_on_error=False, exclusive=True, group="series-build")
    def build(self) -> None:
        host = host_of(self)
        session = host.session
        info = session.folder.info
        name = series_name(session.agenda, info)
        root = session.folder.path.parent.parent
        try:
            data = build_series(root, name, host.now(), also=info.id, agenda=session.agenda)
        except Exception as exc:  # a damaged folder: say so, keep the console running
            self.app.call_from_thread(self._failed, f"The series could not be read: {exc}")
            return
        self.app.call_from_thread(self._show, name, data)

    def _failed(self, message: str) -> None:
        self._busy(False, message)
        self.notify(message, severity="error", timeout=10)

    def _show(self, name: str, data: SeriesData) -> None:
        session = host_of(self).session
        self.name_, self.data = name, data
        ledger = data.ledger
        newest = ledger.sessions[-1].id if ledger.sessions else None
        if session.read_only:
            self.why_not = "This console is read-only: it changes nothing."
        elif session.folder.info.rehearsal:
            self.why_not = "A rehearsal is not part of the series: open its newest session."
        elif newest != session.folder.info.id:
            self.why_not = (
                f"Items are closed and re-opened in the newest session of the series "
                f"({newest}); open that session to change them."
            )
        else:
            self.why_not = ""
        table = self.query_one("#series-items", DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        table.add_columns("State", "Kind", "Item", "Age", "Raised")
        for item in ledger.items:
            text = item.text if item.kind != ACTION else f"{item.text} (owner: {item.owner or '–'})"
            table.add_row(
                Text("open" if item.open else "closed", style="bold" if item.open else "dim"),
                KIND_WORDS[item.kind],
                Text(" ".join(text.split())[:80]),
                Text(item.age()),
                item.raised_on,
            )
        if ledger.items:
            table.move_cursor(row=min(max(row, 0), len(ledger.items) - 1))
        self.query_one("#series-themes", Static).update(self._themes_text(data))
        self._detail()
        opened = len(ledger.open_items)
        where = f" {self.why_not}" if self.why_not else ""
        self._busy(
            False,
            f"Series “{name}”: {len(ledger.sessions)} sessions, {opened} open, "
            f"{len(ledger.items) - opened} closed.{where}",
        )

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._detail()

    def _detail(self) -> None:
        item = self.selected
        lines: list[str] = []
        if item is not None:
            lines.append(f"{KIND_WORDS[item.kind]}: {item.text}")
            for step in item.steps:
                how = f" ({step.how})" if step.how else ""
                by = f" by {step.author}" if step.author else ""
                note = f": “{step.note}”" if step.note else ""
                lines.append(f"  {step.date} {step.what}{how}{by}{note}")
        self.query_one("#series-detail", Static).update(Text("\n".join(lines)))

    @staticmethod
    def _themes_text(data: SeriesData) -> Text:
        ledger = data.ledger
        if not ledger.themes:
            return Text("\nNo themes noted.")
        width = max(len(t.label) for t in ledger.themes)
        head = "Theme".ljust(width) + "".join(f"  {s.date}" for s in ledger.sessions) + "  Trend"
        rows = [
            t.label.ljust(width)
            + "".join(f"  {n:>10}" for n in t.counts)
            + f"  {TREND_WORDS[t.trend]}"
            for t in ledger.themes
        ]
        return Text("\n".join(["", "Themes by session", head, *rows]))
