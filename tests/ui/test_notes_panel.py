"""The facilitator's note panes under Pilot: capture, markers, kinds, edits, undo, paste."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import events
from textual.widgets import Input, Select, SelectionList

from console.app import FacilitatorApp
from console.clock.model import Phase
from console.notes.notebook import NOTE_LIMIT, split_text
from console.screens.confirm import ConfirmScreen
from console.screens.note_editor import NoteEditor
from console.store.author_file import read_author_file
from console.store.records import Record
from console.text.clean import clean_text
from console.widgets.capture_line import CaptureInput, CaptureLine
from console.widgets.notes_list import NotesList
from console.widgets.notes_panel import NotesPanel
from tests.ui.helpers import FakeNow, make_app, type_line

BEFORE_START = datetime(2025, 12, 17, 20, 25, tzinfo=UTC)
THEME = "drills"  # one of the default agenda's themes (checked below)


def _app(tmp_path: Path) -> tuple[FacilitatorApp, FakeNow]:
    now = FakeNow(BEFORE_START)
    app = make_app(tmp_path / "data", tmp_path / "cfg", now)
    app.startup_message = ""
    return app, now


async def until(check: Callable[[], bool], pilot: Any, seconds: float = 10.0) -> None:
    """Wait until ``check()`` holds (generous deadline: the machine is shared)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not check():
        assert loop.time() < deadline, "condition not met in time"
        await pilot.pause(0.05)


def on_disk(app: FacilitatorApp) -> dict[str, Record]:
    assert app.session.file is not None
    records, problems = read_author_file(app.session.file.path)
    assert problems == []
    return {r.id: r for r in records if r.kind == "note"}


def cell_texts(lst: NotesList) -> list[list[str]]:
    return [
        [c.plain if isinstance(c, Text) else str(c) for c in lst.get_row_at(i)]
        for i in range(lst.row_count)
    ]


async def test_enter_files_the_entry_by_prefix_with_its_stamps(tmp_path: Path) -> None:
    app, now = _app(tmp_path)
    assert THEME in app.session.notebook.themes
    async with app.run_test(size=(120, 40)) as pilot:
        now.advance(300)
        await pilot.press("s")  # the clock runs: entries get the segment in play
        board = app.session.board
        key, records = board.add_manual("Can drills be announced?", "aloud")
        records += board.go_live(key)
        await app.persist(records)
        await type_line(app, pilot, f"! Radios fail in the gym #{THEME} @sam due:2026-01-15")
        await app.settle()
        notes = app.session.notebook.notes()
        assert len(notes) == 1
        note = notes[0]
        assert (note.kind, note.text, note.themes) == (
            "concern",
            "Radios fail in the gym",
            (THEME,),
        )
        assert note.owner == "sam" and note.due == date(2026, 1, 15)
        assert note.segment_id == app.session.agenda.segments[0].id
        assert note.question_key == key
        assert note.author == "Dana"
        assert note.created_at == now.moment
        assert app.screen.query_one(CaptureInput).value == ""  # taken, so cleared
        concerns = app.screen.query_one("#list-concern", NotesList)
        assert concerns.shown_ids == [note.id]
        assert app.screen.query_one("#list-note", NotesList).shown_ids == []
        assert note.id in on_disk(app)  # shown as saved = on disk
        row = cell_texts(concerns)[0]
        assert "Radios fail in the gym" in row and "Dana" in row


async def test_prefixes_and_the_kind_key(tmp_path: Path) -> None:
    app, _ = _app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(app, pilot, "> Send the checklist")
        await type_line(app, pilot, "? A template for drills")
        await type_line(app, pilot, "~ General remark")
        capture = app.screen.query_one(CaptureLine)
        assert capture.kind == "note"
        await pilot.press("ctrl+t")
        assert capture.kind == "concern"
        await type_line(app, pilot, "No prefix goes to the chosen kind")
        await app.settle()
        kinds = {n.text: n.kind for n in app.session.notebook.notes()}
        assert kinds == {
            "Send the checklist": "action",
            "A template for drills": "resource",
            "General remark": "note",
            "No prefix goes to the chosen kind": "concern",
        }


async def test_typing_clock_keys_in_the_capture_line_never_moves_the_clock(
    tmp_path: Path,
) -> None:
    app, now = _app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        now.advance(300)
        await pilot.press("s")
        clock = app.session.clock
        assert clock.phase is Phase.RUNNING and clock.current_index == 0
        allotted = clock.allotted()
        box = app.screen.query_one(CaptureInput)
        box.focus()
        await pilot.press("n", "s", "p", "space", "plus", "minus", "n")
        assert box.value == "nsp +-n"
        assert clock.phase is Phase.RUNNING  # space did not pause
        assert clock.current_index == 0  # n / p did not move
        assert clock.allotted() == allotted  # + / - did not nudge


async def test_problems_keep_the_line(tmp_path: Path) -> None:
    app, _ = _app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        status = app.screen.query_one("#capture-status")
        await type_line(app, pilot, "Train staff due:someday")
        box = app.screen.query_one(CaptureInput)
        assert box.value == "Train staff due:someday"
        assert "not understood" in str(status.render())
        assert app.session.notebook.notes() == []
        # An unknown theme: warned once, kept as text on a second Enter.
        await type_line(app, pilot, "Bus routes #busses")
        assert box.value == "Bus routes #busses"
        assert "not one of this agenda's themes" in str(status.render())
        assert app.session.notebook.notes() == []
        await pilot.press("enter")
        await app.settle()
        assert [n.text for n in app.session.notebook.notes()] == ["Bus routes #busses"]
        assert box.value == ""


async def test_theme_completion_is_offered(tmp_path: Path) -> None:
    app, _ = _app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        box = app.screen.query_one(CaptureInput)
        box.focus()
        await pilot.press(*"late #dr")
        await until(lambda: box._suggestion == f"late #{THEME}", pilot)
        await pilot.press("right")  # accept the suggestion
        assert box.value == f"late #{THEME}"


async def test_done_delete_and_undo_from_the_list(tmp_path: Path) -> None:
    app, _ = _app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(app, pilot, "> Call the district @ana")
        await app.settle()
        panel = app.screen.query_one(NotesPanel)
        actions = panel.notes_list("action")
        panel.query_one("TabbedContent").active = "pane-action"  # type: ignore[attr-defined]
        actions.focus()
        await pilot.pause()
        (note,) = app.session.notebook.notes()
        assert note.open
        await pilot.press("x")
        await app.settle()
        assert app.session.notebook.get(note.id).done
        assert on_disk(app)[note.id].data["done"] is True
        await pilot.press("x")
        await app.settle()
        assert app.session.notebook.get(note.id).open
        await pilot.press("delete")
        await app.settle()
        assert app.session.notebook.notes() == []
        assert actions.shown_ids == []
        assert on_disk(app)[note.id].deleted
        assert any("ctrl+z" in n.message for n in app._notifications)
        await pilot.press("ctrl+z")
        await app.settle()
        assert [n.id for n in app.session.notebook.notes()] == [note.id]
        assert actions.shown_ids == [note.id]
        assert not on_disk(app)[note.id].deleted


async def test_others_entries_are_shown_as_theirs_and_read_only(tmp_path: Path) -> None:
    app, _ = _app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        theirs = Record(
            "note",
            "sam-1",
            "Sam",
            1,
            BEFORE_START.isoformat(),
            False,
            {
                "kind": "note",
                "text": "[b]not bold[/b] 🙂 שלום",
                "themes": [],
                "done": False,
                "created_at": BEFORE_START.isoformat(),
            },
        )
        app.session.notebook.apply(theirs)
        panel = app.screen.query_one(NotesPanel)
        panel.poll()
        lst = panel.notes_list("note")
        panel.query_one("TabbedContent").active = "pane-note"  # type: ignore[attr-defined]
        assert lst.shown_ids == ["sam-1"]
        row = cell_texts(lst)[0]
        assert "[b]not bold[/b] 🙂 שלום" in row  # literal, never markup
        assert "Sam (ro)" in row
        lst.focus()
        await pilot.pause()
        for key in ("e", "delete"):
            await pilot.press(key)
            await pilot.pause()
        assert not isinstance(app.screen, NoteEditor)
        messages = [n.message for n in app._notifications]
        assert sum("Sam's" in m for m in messages) == 2
        assert app.session.notebook.get("sam-1").text == "[b]not bold[/b] 🙂 שלום"


async def test_the_editor_links_any_question_and_segment(tmp_path: Path) -> None:
    app, _ = _app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        board = app.session.board
        key, records = board.add_manual("What about buses?", "chat")
        await app.persist(records)
        await type_line(app, pilot, "> Check the bus plan")
        await app.settle()
        (note,) = app.session.notebook.notes()
        panel = app.screen.query_one(NotesPanel)
        panel.open_editor(note)
        await until(lambda: isinstance(app.screen, NoteEditor), pilot)  # the screen opens it
        editor = app.screen
        assert isinstance(editor, NoteEditor)
        last = app.session.agenda.segments[-1]
        editor.query_one("#editor-owner", Input).value = "Ana Ruiz"
        editor.query_one("#editor-due", Input).value = "not a date"
        editor.query_one("#editor-segment", Select).value = last.id
        editor.query_one("#editor-question", Select).value = key
        editor.query_one("#editor-themes", SelectionList).select(THEME)
        await pilot.press("ctrl+s")
        assert app.screen is editor  # a bad date keeps the editor open
        assert "not a date" in str(editor.query_one("#editor-problem").render())
        editor.query_one("#editor-due", Input).value = "2026-02-01"
        await pilot.press("ctrl+s")
        await app.settle()
        assert app.screen is not editor
        edited = app.session.notebook.get(note.id)
        assert edited.owner == "Ana Ruiz" and edited.due == date(2026, 2, 1)
        assert edited.segment_id == last.id and edited.question_key == key
        assert edited.themes == (THEME,)
        assert on_disk(app)[note.id].rev == 2


async def test_filter_by_theme_segment_and_words(tmp_path: Path) -> None:
    app, now = _app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(app, pilot, f"Radios #{THEME}")
        await type_line(app, pilot, "Buses are late")
        now.advance(300)
        app.screen.query_one(NotesPanel).focus()
        app.set_focus(None)
        await pilot.press("s")
        await type_line(app, pilot, "Cameras in the hall")
        await app.settle()
        panel = app.screen.query_one(NotesPanel)
        notes_list = panel.notes_list("note")
        texts = {n.id: n.text for n in app.session.notebook.notes()}

        async def shown(query: str) -> list[str]:
            box = panel.query_one("#notes-filter", Input)
            box.value = query
            await pilot.pause()
            panel.apply_filter()
            return sorted(texts[i] for i in notes_list.shown_ids)

        assert await shown(f"#{THEME}") == ["Radios"]
        assert await shown("buses") == ["Buses are late"]
        first = app.session.agenda.segments[0].id
        assert await shown(f"seg:{first}") == ["Cameras in the hall"]
        assert await shown("#nosuch") == ["Buses are late", "Cameras in the hall", "Radios"]
        assert "no theme #nosuch" in str(panel.query_one("#notes-filter-status").render())
        assert await shown("") == ["Buses are late", "Cameras in the hall", "Radios"]


async def test_pasted_text_is_cleaned_and_shown_literally(tmp_path: Path) -> None:
    app, _ = _app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        box = app.screen.query_one(CaptureInput)
        box.focus()
        box.post_message(events.Paste("\x1b[31mred[/red] [bold]x\x07 🚒 مرحبا \u202eabc"))
        await pilot.pause()
        assert "\x1b" not in box.value and "\x07" not in box.value and "\u202e" not in box.value
        assert "[/red] [bold]x 🚒 مرحبا" in box.value
        typed = box.value
        await pilot.press("enter")
        await app.settle()
        (note,) = app.session.notebook.notes()
        assert note.text == typed.strip()
        row = cell_texts(app.screen.query_one("#list-note", NotesList))[0]
        assert any("[bold]x 🚒 مرحبا" in c for c in row)


@contextmanager
def terminal_input(app: FacilitatorApp) -> Iterator[Callable[[str], None]]:
    """The console's real driver reading keyboard bytes from a pipe instead of the terminal.

    ``run_test`` swaps in a headless driver that never parses input, so a bug between the
    terminal's bytes and Textual's events would not show there; this runs the input thread of
    the driver ``facilitator run`` would use, and its events reach the app as they would live.
    """
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTSTP, signal.SIGCONT)}
    driver = app.driver_class(app, debug=False, mouse=False, size=(120, 40))
    read_end, write_end = os.pipe()
    driver.fileno = read_end
    thread = threading.Thread(target=driver.run_input_thread, daemon=True)
    thread.start()

    def send(data: str) -> None:
        os.write(write_end, data.encode())

    try:
        yield send
    finally:
        driver.exit_event.set()
        thread.join(10)
        os.close(write_end)
        os.close(read_end)
        for sig, handler in saved.items():
            signal.signal(sig, handler)
        assert not thread.is_alive()


async def test_a_bracketed_paste_with_an_escape_sequence_keeps_its_order_and_prefix(
    tmp_path: Path,
) -> None:
    """Issue 4: the terminal's bytes for pasting ``!one <OSC 52> two``, then Enter.

    The whole OSC 52 sequence (ESC ] ... BEL) goes; the spaces on either side of it are the
    paste's own and stay, as they would in a typed line.
    """
    app, _ = _app(tmp_path)
    pasted = "!one \x1b]52;c;QQ==\x07 two"
    async with app.run_test(size=(120, 40)) as pilot:
        box = app.screen.query_one(CaptureInput)
        box.focus()
        await pilot.pause()
        with terminal_input(app) as send:
            send(f"\x1b[200~{pasted}\x1b[201~\r")
            await until(lambda: bool(app.session.notebook.notes()), pilot)
            await app.settle()
        (note,) = app.session.notebook.notes()
        assert (note.kind, note.text) == ("concern", "one  two")
        assert note.text == clean_text(pasted)[1:].strip()  # cleaned like any outside text
        assert on_disk(app)[note.id].data["text"] == "one  two"
        assert box.value == ""


async def test_an_oversized_paste_is_refused_and_can_be_split(tmp_path: Path) -> None:
    app, _ = _app(tmp_path)
    paragraph = ("word " * 199 + "end.\n\n") * 25  # ~25,000 characters
    async with app.run_test(size=(120, 40)) as pilot:
        box = app.screen.query_one(CaptureInput)
        box.focus()
        box.value = "kept"
        box.post_message(events.Paste(paragraph))
        await until(lambda: isinstance(app.screen, ConfirmScreen), pilot)  # the screen asks
        assert isinstance(app.screen, ConfirmScreen)
        assert f"{NOTE_LIMIT:,}" in app.screen.question
        await pilot.press("escape")
        await pilot.pause()
        assert app.session.notebook.notes() == []
        assert box.value == "kept"  # nothing was cut into the line
        box.post_message(events.Paste(paragraph))
        await until(lambda: isinstance(app.screen, ConfirmScreen), pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await app.settle()
        parts = split_text(paragraph.strip(), NOTE_LIMIT)
        notes = app.session.notebook.notes()
        assert len(notes) == len(parts) >= 2
        assert "".join(n.text for n in notes).replace("\n", "").replace(" ", "") == (
            paragraph.replace("\n", "").replace(" ", "")
        )
        assert {n.id for n in notes} <= set(on_disk(app))
