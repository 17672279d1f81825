"""The free-form notepad of the segment in play: Markdown, saved while the note-taker types.

A keystroke only restarts a timer. When typing pauses (``SAVE_DELAY``), the text becomes a
record in memory and a worker hands it to ``persist`` (the App's, through ``host_of``),
which writes on the store's own thread: the event loop never waits on the disk. A segment
change and the widget's unmount (quitting) save at once, so nothing typed waits for a timer
that will never fire. The notepad follows the segment in play by itself (``SessionChanged``).
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widgets import Static, TextArea
from textual.worker import Worker

from console.host import host_of
from console.messages import SessionChanged
from console.notes.notebook import NoteTooLong
from console.store import Record

if TYPE_CHECKING:
    from console.session.live import LiveSession

SAVE_DELAY = 0.4
"""Seconds of quiet before the notepad saves (the issue allows at most 0.5 s)."""


def markdown_language() -> str | None:
    """``"markdown"`` when the tree-sitter grammar is installed, else None (plain text)."""
    try:
        from textual._tree_sitter import TREE_SITTER, get_language
    except ImportError:  # pragma: no cover - private module moved
        return None
    if not TREE_SITTER:
        return None
    try:
        return "markdown" if get_language("markdown") is not None else None
    except Exception:  # a broken grammar install: plain text is still a notepad
        return None


def notepad_segment(session: LiveSession, last: str | None) -> str | None:
    """The segment whose notepad to show: the one in play, else the last one, else the first."""
    if session.segment_id is not None:
        return session.segment_id
    if last is not None:
        return last
    return session.agenda.segments[0].id if session.agenda.segments else None


class Notepad(Vertical):
    """One author's notepad for one segment at a time."""

    DEFAULT_CSS = """
    Notepad { height: 1fr; border: round $secondary; }
    Notepad > #notepad-status { height: 1; color: $text-muted; padding: 0 1; }
    Notepad > #notepad-status.-problem { color: $error; }
    Notepad > TextArea { height: 1fr; border: none; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.segment_id: str | None = None
        self.language = markdown_language()
        self._timer: Timer | None = None
        self._saved_text = ""
        self._writes: set[Worker[Any]] = set()
        self._loading = False
        self._area: TextArea | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="notepad-status", markup=False)
        area = TextArea(
            "", language=self.language, soft_wrap=True, tab_behavior="focus", id="notepad-area"
        )
        area.tooltip = "Free-form notes for this segment, saved as you type"
        self._area = area  # kept: the quit-time save reads it after the DOM is gone
        yield area

    def on_mount(self) -> None:
        self.border_title = "Notepad"
        if self.language is None:
            self.border_subtitle = "plain text (no Markdown grammar installed)"
        host_of(self).follow_session(self)
        self.follow_segment()

    @property
    def area(self) -> TextArea:
        assert self._area is not None, "the notepad is not composed yet"
        return self._area

    @property
    def pending(self) -> bool:
        """Typed text not yet handed to the writer."""
        return self._timer is not None

    # ------------------------------------------------------------- segments
    @on(SessionChanged)
    def follow_segment(self) -> None:
        """Show the notepad of the segment in play (the last one shown between segments)."""
        session = host_of(self).session
        segment = notepad_segment(session, self.segment_id)
        if segment is not None:
            titles = {s.id: s.title for s in session.agenda.segments}
            self.show_segment(segment, titles.get(segment, segment))

    def show_segment(self, segment_id: str, title: str) -> None:
        """Switch to another segment's notepad, saving the current one first."""
        if segment_id == self.segment_id:
            return
        self.save_now()
        self.segment_id = segment_id
        self.border_title = f"Notepad · {title}"
        text = host_of(self).session.notebook.notepad(segment_id)
        self._saved_text = text
        self._loading = True
        self.area.load_text(text)
        self._say(f"{len(text):,} characters" if text else "Type notes for this segment")

    # --------------------------------------------------------------- saving
    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if self._loading:  # load_text's own Changed, not a keystroke
            self._loading = False
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SAVE_DELAY, self.save_now)

    def save_now(self) -> None:
        """Turn the text into a record now and start writing it (no waiting here)."""
        record = self._take()
        if record is not None:
            self._writes = {w for w in self._writes if not w.is_finished}
            worker = self.run_worker(self._write(record), group="notes-save", exit_on_error=False)
            self._writes.add(worker)

    def _take(self) -> Record | None:
        """The record for the typed text, if it changed since the last save."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.segment_id is None or self._area is None:
            return None
        text = self._area.text
        if text == self._saved_text:
            return None
        session = host_of(self).session
        if session.read_only:
            self._say("Read-only console: the notepad is not saved.", problem=True)
            return None
        try:
            record = session.notebook.set_notepad(self.segment_id, text)
        except NoteTooLong as exc:
            self._say(f"NOT SAVED: {exc}", problem=True)
            return None
        self._saved_text = text
        self._say("saving…")
        return record

    async def _write(self, record: Record) -> None:
        host = host_of(self)
        ok = await host.persist(record)
        if not ok:
            self._say("NOT SAVED (see the message)", problem=True)
        else:
            tz = host.session.agenda.tz
            self._say(f"saved {host.now().astimezone(tz):%H:%M:%S}")

    async def flush_pending(self) -> None:
        """Save what is typed now and wait until every notepad write is on disk.

        Safe to call while the widget is being removed (quitting): it awaits the write
        itself instead of starting a worker that removal would cancel.
        """
        record = self._take()
        writes, self._writes = list(self._writes), set()
        for worker in writes:
            with contextlib.suppress(Exception):
                await worker.wait()
        if record is not None:
            await host_of(self).persist(record)

    async def on_unmount(self) -> None:
        await self.flush_pending()

    def _say(self, text: str, *, problem: bool = False) -> None:
        try:
            status = self.query_one("#notepad-status", Static)
        except NoMatches:  # being removed
            return
        status.update(Text(text))
        status.set_class(problem, "-problem")
