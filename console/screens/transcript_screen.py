"""Answers as spoken, for review: read a caption file, check the offset, keep, edit or drop.

Reading and aligning a three-hour file takes a moment, so it runs in a thread worker. Each
choice is a ``spoken`` record written through the App's store (``persist``), so it is kept
with the session and the next report has it without the caption file. The screen returns
what the captions gave, so the report screen shows the answers not reviewed yet as well.
"""

from __future__ import annotations

from datetime import UTC, tzinfo
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from console import actions
from console.host import host_of
from console.report.captions_align import Spoken
from console.report.captions_parse import CaptionError
from console.report.captions_review import DROPPED, EDIT_LIMIT, KEPT, Review, as_text, reviews_of
from console.report.captions_windows import session_times
from console.report.spoken import (
    ReviewItem,
    Transcript,
    decide,
    parse_offset,
    read_transcript,
    review_items,
)
from console.screens.dialog_css import dialog_css
from console.store import Record

STATE_LABELS = {
    "review": "not reviewed",
    "kept": "kept",
    "edited": "kept, edited",
    "dropped": "dropped",
}
SHOWN = 240
"""Characters of an answer shown in the list (the editor has all of it)."""


class SpokenEditScreen(ModalScreen[str | None]):
    """Edit an answer as spoken: one turn a line, ``Name: words``; ctrl+s keeps it."""

    DEFAULT_CSS = (
        dialog_css("SpokenEditScreen")
        + """
    SpokenEditScreen TextArea { height: 12; }
    """
    )
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel", tooltip="Close"),
        Binding("ctrl+s", "save", "Save", id="spoken.save", tooltip="Keep the edited text"),
    ]

    def __init__(self, question: str, text: str) -> None:
        super().__init__()
        self.question, self.text = question, text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Edit the answer as spoken", classes="prompt-title")
            yield Label(Text(self.question[:300], no_wrap=False), markup=False)
            yield TextArea(self.text, id="spoken-text", soft_wrap=True)
            with Horizontal(classes="prompt-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Keep edited", variant="primary", id="ok")

    def on_mount(self) -> None:
        self.query_one("#spoken-text", TextArea).focus()

    @on(Button.Pressed, "#ok")
    def action_save(self) -> None:
        self.dismiss(self.query_one("#spoken-text", TextArea).text[:EDIT_LIMIT])

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class TranscriptScreen(Screen[dict[str, Spoken] | None]):
    """Read a caption file and review each answered question's answer as spoken."""

    BINDINGS = actions.bindings(actions.TRANSCRIPT)
    DEFAULT_CSS = """
    TranscriptScreen { layout: vertical; }
    TranscriptScreen #transcript-bar { height: auto; padding: 0 1; }
    TranscriptScreen #transcript-file { width: 1fr; }
    TranscriptScreen #transcript-offset { width: 24; }
    TranscriptScreen #transcript-status { height: auto; padding: 0 1; color: $text-muted; }
    TranscriptScreen #transcript-answers { height: 1fr; border: round $primary; }
    """

    def __init__(self, path: str = "") -> None:
        super().__init__()
        self.path = path
        self.transcript: Transcript | None = None
        self.items: list[ReviewItem] = []
        self.records: dict[str, Record] = {}
        self.zone: tzinfo = UTC

    def compose(self) -> ComposeResult:
        with Horizontal(id="transcript-bar"):
            yield Input(
                self.path,
                placeholder="Caption file (.vtt or .srt from Zoom or Teams), Enter to read",
                id="transcript-file",
            )
            yield Input(placeholder="Offset: suggested", id="transcript-offset")
            yield Button("Read", id="transcript-read", tooltip="Read the caption file")
        yield Static("Give a caption file of the recording.", id="transcript-status", markup=False)
        answers = OptionList(id="transcript-answers")
        answers.border_title = "Answers as spoken (k keep, e edit, d drop)"
        yield answers
        yield Footer()

    def on_mount(self) -> None:
        self.zone = host_of(self).session.agenda.tz
        self.load(None, None)
        self.query_one("#transcript-file", Input).focus()

    # ------------------------------------------------------------------ actions
    def action_close(self) -> None:
        self.dismiss(self.transcript.found if self.transcript is not None else None)

    @on(Input.Submitted)
    @on(Button.Pressed, "#transcript-read")
    def action_read(self) -> None:
        file = self.query_one("#transcript-file", Input).value.strip()
        if not file:
            self._status("Give the caption file's path first.")
            return
        offset = self.query_one("#transcript-offset", Input).value.strip() or None
        self._status(f"Reading {file}…")
        self.load(file, offset)

    def action_keep(self) -> None:
        self._decide(KEPT)

    def action_drop(self) -> None:
        self._decide(DROPPED)

    def action_edit(self) -> None:
        item = self._selected()
        if item is None:
            return

        def edited(text: str | None) -> None:
            if text is not None:
                self.run_worker(self._save(decide(item, KEPT, text)), exit_on_error=False)

        self.app.push_screen(SpokenEditScreen(item.question, as_text(item.turns)), edited)

    # ------------------------------------------------------------------ workers
    @work(thread=True, exit_on_error=False, exclusive=True, group="transcript-read")
    def load(self, file: str | None, offset: str | None) -> None:
        host = host_of(self)
        folder, now = host.session.folder, host.now()
        transcript = None
        try:
            if file is not None:
                when = None
                if offset:
                    day = (folder.info.started_at or folder.info.created_at).astimezone(self.zone)
                    when = parse_offset(offset, self.zone, day.date())
                transcript = read_transcript(folder, Path(file).expanduser(), now=now, offset=when)
                times = transcript.times
            else:
                times = session_times(folder, now)
            found, _ = folder.read_all()
        except (CaptionError, ValueError, OSError) as exc:
            self.app.call_from_thread(self._status, f"Not read: {exc}. Nothing was changed.")
            return
        records = {r.id: r for r in found.values() if r.kind == "spoken"}
        items = review_items(times, reviews_of(records.values()), transcript)
        self.app.call_from_thread(self._loaded, transcript, items, records)

    def _loaded(
        self, transcript: Transcript | None, items: list[ReviewItem], records: dict[str, Record]
    ) -> None:
        if transcript is not None:
            self.transcript = transcript
        self.items, self.records = items, records
        self._fill()
        if transcript is not None:
            said = f"{len(transcript.found)} questions with captions while they were live"
            self._status(f"{transcript.describe(self.zone).capitalize()}. {said}.")
            self.query_one("#transcript-offset", Input).placeholder = self._offset_hint()
            self.query_one("#transcript-answers", OptionList).focus()

    def _offset_hint(self) -> str:
        start = self.transcript.recording_start if self.transcript else None
        return "Offset: suggested" if start is None else f"{start.astimezone(self.zone):%H:%M:%S}"

    async def _save(self, review: Review) -> None:
        host = host_of(self)
        stamp = host.now().astimezone(UTC).isoformat(timespec="microseconds")
        record = review.to_record(host.session.author, self.records.get(review.key), stamp)
        if not await host.persist(record):
            self._status("Not saved: the session's file could not be written.")
            return
        self.records[review.key] = record
        state = "edited" if review.edited and review.state == KEPT else review.state
        self.items = [
            ReviewItem(
                i.key,
                i.question,
                review.turns if review.state == KEPT else i.turns,
                i.start,
                i.end,
                state,
            )
            if i.key == review.key
            else i
            for i in self.items
        ]
        self._fill()
        self._status(f"Saved: {STATE_LABELS[state]}.")

    # ------------------------------------------------------------------ view
    def _selected(self) -> ReviewItem | None:
        index = self.query_one("#transcript-answers", OptionList).highlighted
        if index is None or not 0 <= index < len(self.items):
            self.notify("No answer selected.", severity="warning")
            return None
        return self.items[index]

    def _decide(self, state: str) -> None:
        item = self._selected()
        if item is not None:
            self.run_worker(self._save(decide(item, state)), exit_on_error=False)

    def _fill(self) -> None:
        answers = self.query_one("#transcript-answers", OptionList)
        keep = answers.highlighted
        answers.clear_options()
        for item in self.items:
            when = (
                f"{item.start.astimezone(self.zone):%H:%M}–{item.end.astimezone(self.zone):%H:%M}"
            )
            said = as_text(item.turns).replace("\n", " ")
            said = said if len(said) <= SHOWN else said[: SHOWN - 1] + "…"
            line = Text()
            line.append(f"[{STATE_LABELS[item.state]}] {when}  ", style="bold")
            line.append(" ".join(item.question.split())[:120])
            line.append(f"\n    {said}", style="dim" if item.state == DROPPED else "")
            answers.add_option(Option(line, id=f"answer-{len(answers.options)}"))
        if self.items:
            answers.highlighted = min(keep or 0, len(self.items) - 1)
        elif self.transcript is None:
            self._status("Give a caption file of the recording.")

    def _status(self, message: str) -> None:
        self.query_one("#transcript-status", Static).update(message)
