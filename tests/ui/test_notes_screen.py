"""The note-taker's layout, the notepad's saving, and entries arriving from another console."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from console.screens.main_screen import MainScreen
from console.screens.notes_screen import NotesScreen
from console.store import AuthorFile
from console.store.author_file import read_author_file
from console.store.records import Record
from console.widgets.agenda_timeline import AgendaTimeline
from console.widgets.board_panel import BoardPanel
from console.widgets.capture_line import CaptureInput
from console.widgets.notepad import Notepad
from console.widgets.notes_panel import NotesPanel
from tests.ui.helpers import FakeNow, make_app, until

BEFORE_START = datetime(2025, 12, 17, 20, 25, tzinfo=UTC)


def notepads_on_disk(path: Path) -> dict[str, str]:
    records, problems = read_author_file(path)
    assert problems == []
    return {r.id: r.data["text"] for r in records if r.kind == "notepad" and not r.deleted}


def _facilitator_session(tmp_path: Path, now: FakeNow, agenda: str | None = None) -> str:
    """Create the facilitator's session (a note-taker can only join one)."""
    app = make_app(tmp_path / "data", tmp_path / "cfg", now, agenda=agenda)
    sid = app.session.folder.path.name
    app.session.close()
    return sid


async def test_a_note_taker_gets_the_panes_first_layout(tmp_path: Path) -> None:
    now = FakeNow(BEFORE_START)
    sid = _facilitator_session(tmp_path, now)
    app = make_app(
        tmp_path / "data", tmp_path / "cfg", now, role="notes", author="Sam", session=sid
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NotesScreen)
        assert screen.query_one(BoardPanel).has_class("compact")
        assert len(screen.query_one(AgendaTimeline).rows) == len(app.session.agenda.segments)
        assert isinstance(app.focused, CaptureInput)  # ready to type
        panel = screen.query_one(NotesPanel)
        assert panel.region.x < screen.query_one(BoardPanel).region.x  # panes come first
        await pilot.press(*"Sam was here", "enter")
        await app.settle()
        (note,) = app.session.notebook.notes()
        assert (note.author, note.text) == ("Sam", "Sam was here")
        # the palette offers the note keys on this screen
        titles = {c.title for c in app.get_system_commands(screen)}
        assert {"New entry", "Filter", "Notepad", "Undo delete", "Kind"} <= titles


async def test_main_screen_still_greets_the_facilitator(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.screen.query_one(NotesPanel).query_one(Notepad)  # the notepad tab


async def test_the_notepad_saves_after_a_pause_and_on_segment_change(tmp_path: Path) -> None:
    now = FakeNow(BEFORE_START)
    sid = _facilitator_session(tmp_path, now)
    app = make_app(
        tmp_path / "data", tmp_path / "cfg", now, role="notes", author="Sam", session=sid
    )
    assert app.session.file is not None
    path = app.session.file.path
    first, second = app.session.agenda.segments[:2]
    async with app.run_test(size=(120, 40)) as pilot:
        pad = app.screen.query_one("#screen-notepad", Notepad)
        assert pad.segment_id == first.id  # before the start: the first segment
        pad.area.focus()
        await pilot.press(*"# Heading", "enter", *"- n s p", "space", "x")
        assert pad.pending  # a keystroke only restarts the timer
        key = f"Sam:{first.id}"
        await until(lambda: notepads_on_disk(path).get(key) == "# Heading\n- n s p x", pilot)
        assert not pad.pending
        assert app.session.clock.current_index is None  # typing never drove the clock
        # A segment change saves what was typed at once, then shows the next notepad.
        await pilot.press(*"more")
        pad.show_segment(second.id, second.title)
        await app.settle()
        assert notepads_on_disk(path)[key] == "# Heading\n- n s p xmore"
        assert pad.area.text == ""
        assert "Notepad" in str(pad.border_title)


async def test_quitting_flushes_a_pending_notepad_save(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    assert app.session.file is not None
    path = app.session.file.path
    first = app.session.agenda.segments[0]
    async with app.run_test(size=(120, 40)) as pilot:
        pad = app.screen.query_one(NotesPanel).query_one(Notepad)
        app.screen.query_one(NotesPanel).focus_notepad()
        await pilot.pause()
        await pilot.press(*"last words")
        assert pad.pending
        # leave at once: the debounce timer never fires
    assert notepads_on_disk(path)[f"Dana:{first.id}"] == "last words"


async def test_an_entry_from_another_console_appears_as_theirs(tmp_path: Path) -> None:
    now = FakeNow(BEFORE_START)
    app = make_app(tmp_path / "data", tmp_path / "cfg", now)
    folder = app.session.folder
    async with app.run_test(size=(120, 40)) as pilot:
        panel = app.screen.query_one(NotesPanel)
        # The app's folder watcher takes a first look right after it starts and treats what
        # it sees as already known; write after that look, as a live second console would.
        await until(lambda: any(w.group == "follow" for w in app.workers), pilot)
        await pilot.pause(1.0)
        with AuthorFile(folder.author_path("Sam"), "Sam") as theirs:
            theirs.put(
                Record(
                    "note",
                    "from-sam",
                    "Sam",
                    1,
                    BEFORE_START.isoformat(),
                    False,
                    {
                        "kind": "concern",
                        "text": "Heard from Sam",
                        "themes": [],
                        "created_at": BEFORE_START.isoformat(),
                    },
                )
            )
        concerns = panel.notes_list("concern")
        await until(lambda: concerns.shown_ids == ["from-sam"], pilot)
        row = [c.plain for c in concerns.get_row_at(0)]
        assert "Sam (ro)" in row and "Heard from Sam" in row


async def test_a_note_takers_countdown_says_a_far_start_in_full_at_80x24(tmp_path: Path) -> None:
    now = FakeNow(datetime(2026, 11, 29, 15, 0, tzinfo=UTC))  # the agenda says 17 Dec 2025
    sid = _facilitator_session(tmp_path, now, agenda="school-safety-office-hours-2025-12-17")
    app = make_app(
        tmp_path / "data", tmp_path / "cfg", now, role="notes", author="Sam", session=sid
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        line = app.screen.query_one("#clock-line")
        words = " ".join(str(line.render()).split())
        assert "planned for Wed 17 Dec 2025" in words and "days ago)" in words, words
        assert line.size.height >= 2  # wrapped, not cut at the pane's edge


async def test_a_note_takers_screen_opens_the_panes_dialogs(tmp_path: Path) -> None:
    """The panel asks its screen for the editor and the paste question (it opens no screens)."""
    from textual import events

    from console.screens.confirm import ConfirmScreen
    from console.screens.note_editor import NoteEditor

    now = FakeNow(BEFORE_START)
    sid = _facilitator_session(tmp_path, now)
    app = make_app(
        tmp_path / "data", tmp_path / "cfg", now, role="notes", author="Sam", session=sid
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        box = app.screen.query_one(CaptureInput)
        box.post_message(events.Paste("first line\nsecond line"))
        await until(lambda: isinstance(app.screen, ConfirmScreen), pilot)
        await pilot.press("y")
        await app.settle()
        (note,) = app.session.notebook.notes()
        assert note.text == "first line\nsecond line"
        app.screen.query_one(NotesPanel).open_editor(note)
        await until(lambda: isinstance(app.screen, NoteEditor), pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen)
