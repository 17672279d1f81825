"""The report screen: preview the follow-up report, export it, copy it.

Building reads the whole session folder and can take a moment with thousands of questions, so
it runs in a thread worker behind a loading indicator. The preview shows the summary and the
first ``PREVIEW_LIMIT`` items of each list (Textual's Markdown mounts a widget per block);
the exported file has everything. Exports go to ``<session folder>/reports/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, LoadingIndicator, Markdown, Select, Static

from console import actions
from console.host import host_of
from console.report.build import build_report
from console.report.render_markdown import render_markdown
from console.report.write import FORMATS, default_name, write_report
from console.screens.transcript_screen import TranscriptScreen
from console.system.clipboard import ClipboardResult, copy_to_desktop, describe

if TYPE_CHECKING:
    from console.report.captions_align import Spoken
    from console.report.model import ReportData

PREVIEW_LIMIT = 25
FULL_COPY_ITEMS = 300
"""Above this many questions + notes, "copy" takes the summary (the file has the rest)."""

FORMAT_LABELS = {
    "md": "Markdown",
    "html": "HTML",
    "csv": "CSV (3 tables)",
    "json": "JSON",
    "docx": "Word (DOCX)",
}


class ReportScreen(Screen[None]):
    """Preview, export and copy the follow-up report of the open session."""

    BINDINGS = actions.bindings(actions.REPORT)
    DEFAULT_CSS = """
    ReportScreen { layout: vertical; }
    ReportScreen #report-bar { height: auto; padding: 0 1; }
    ReportScreen #report-format { width: 24; }
    ReportScreen #report-bar Button { margin-left: 1; min-width: 10; }
    ReportScreen #report-status { height: auto; padding: 0 1; color: $text-muted; }
    ReportScreen #report-loading { height: 3; }
    ReportScreen #report-scroll { height: 1fr; border: round $primary; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.data: ReportData | None = None
        self.preview = ""
        self.saved: list[Path] = []
        self.spoken: dict[str, Spoken] | None = None
        """What the last caption file read gave (answers not reviewed yet show too)."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="report-bar"):
            yield Select(
                [(label, fmt) for fmt, label in FORMAT_LABELS.items()],
                value="md",
                allow_blank=False,
                id="report-format",
                tooltip="Format of the exported file",
            )
            yield Button("Export", id="report-export", tooltip="Export (e)")
            yield Button("Copy", id="report-copy", tooltip="Copy to the clipboard (c)")
        yield Static("Building the report…", id="report-status", markup=False)
        yield LoadingIndicator(id="report-loading")
        with VerticalScroll(id="report-scroll") as scroll:
            scroll.border_title = "Follow-up report (preview)"
            yield Markdown(id="report-preview")
        yield Footer()

    def on_mount(self) -> None:
        self.action_rebuild()

    # ------------------------------------------------------------------ state
    @property
    def reports_dir(self) -> Path:
        return host_of(self).session.folder.path / "reports"

    @property
    def chosen_format(self) -> str:
        value = self.query_one("#report-format", Select).value
        return value if isinstance(value, str) and value in FORMATS else "md"

    def _busy(self, busy: bool, message: str | None = None) -> None:
        self.query_one("#report-loading", LoadingIndicator).display = busy
        if message is not None:
            self.query_one("#report-status", Static).update(message)

    # ------------------------------------------------------------------ actions
    def action_close(self) -> None:
        self.app.pop_screen()

    def action_cycle_format(self) -> None:
        select = self.query_one("#report-format", Select)
        index = (FORMATS.index(self.chosen_format) + 1) % len(FORMATS)
        select.value = FORMATS[index]

    def action_rebuild(self) -> None:
        self._busy(True, "Building the report…")
        self.build()

    def action_export(self) -> None:
        if self.data is None:
            self.notify("The report is still being built.", severity="warning")
            return
        self._busy(True, f"Exporting {FORMAT_LABELS[self.chosen_format]}…")
        self.export(self.data, self.chosen_format, copy_after=False)

    def action_copy(self) -> None:
        if self.data is None:
            self.notify("The report is still being built.", severity="warning")
            return
        self._busy(True, "Saving and copying…")
        self.export(self.data, "md", copy_after=True)

    def action_transcript(self) -> None:
        def reviewed(found: dict[str, Spoken] | None) -> None:
            if found is not None:
                self.spoken = found
            self.action_rebuild()  # kept, edited and dropped answers are in the session now

        self.app.push_screen(TranscriptScreen(), reviewed)

    @on(Button.Pressed, "#report-export")
    def _export_pressed(self) -> None:
        self.action_export()

    @on(Button.Pressed, "#report-copy")
    def _copy_pressed(self) -> None:
        self.action_copy()

    # ------------------------------------------------------------------ workers
    @work(thread=True, exit_on_error=False, exclusive=True, group="report-build")
    def build(self) -> None:
        host = host_of(self)
        try:
            data = build_report(host.session.folder, now=host.now(), spoken=self.spoken)
            preview = render_markdown(data, limit=PREVIEW_LIMIT)
        except Exception as exc:  # a damaged folder: say so, keep the console running
            self.app.call_from_thread(self._failed, f"The report could not be built: {exc}")
            return
        self.app.call_from_thread(self._show, data, preview)

    def _show(self, data: ReportData, preview: str) -> None:
        self.data, self.preview = data, preview
        self.run_worker(self._render_preview(preview), group="report-preview", exit_on_error=False)
        items = len(data.questions) + len(data.notes)
        self._busy(
            False,
            f"{items:,} questions and notes. Export writes the full report to {self.reports_dir}/",
        )

    async def _render_preview(self, preview: str) -> None:
        await self.query_one("#report-preview", Markdown).update(preview)

    def _failed(self, message: str) -> None:
        self._busy(False, message)
        self.notify(message, severity="error", timeout=10)

    @work(thread=True, exit_on_error=False, group="report-export")
    def export(self, data: ReportData, fmt: str, copy_after: bool) -> None:
        target = self.reports_dir / default_name(data, fmt)
        try:
            written = write_report(data, fmt, target)
        except OSError as exc:
            self.app.call_from_thread(self._failed, f"The report was not saved: {exc}")
            return
        if not copy_after:
            self.app.call_from_thread(self._exported, written)
            return
        items = len(data.questions) + len(data.notes)
        text = render_markdown(data) if items <= FULL_COPY_ITEMS else self.preview
        what = "Report" if items <= FULL_COPY_ITEMS else "Report summary"
        result = copy_to_desktop(text)
        self.app.call_from_thread(self._copied, text, what, result, written)

    def _exported(self, written: list[Path]) -> None:
        self.saved = written
        where = ", ".join(str(p) for p in written)
        self._busy(False, f"Saved: {where}")
        self.notify(f"Report saved: {where}", timeout=8)

    def _copied(self, text: str, what: str, result: ClipboardResult, written: list[Path]) -> None:
        self.app.copy_to_clipboard(text)  # OSC 52 as well: over SSH it may be the only way
        self.saved = written
        message = describe(result, what, str(written[0]))
        self._busy(False, message)
        self.notify(message, timeout=10)
