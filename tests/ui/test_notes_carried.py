"""Carried-over action items are marked in the note panes, and the notepad keeps what is typed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.widgets import Static, TabbedContent

from console.app import FacilitatorApp
from console.screens.note_editor import NoteEditor
from console.screens.notes_screen import NotesScreen
from console.session.live import LiveSession
from console.session.setup import prepare
from console.session.source_choice import SourceChoice
from console.store.author_file import read_author_file
from console.store.records import Record
from console.system.settings import load_settings
from console.widgets.notepad import Notepad
from console.widgets.notes_list import CARRIED_GLYPH, CARRIED_LABEL, NotesList
from console.widgets.notes_panel import NotesPanel
from tests.data.report.fixture_session import (
    FACILITATOR,
    NOTE_TAKER,
    NOW,
    SESSION_ID,
    make_fixture,
)
from tests.ui.helpers import FakeNow, until

EARLIER = "“Report Fixture Office Hours” of 2025-12-17"  # the fixture's title, New York day


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    make_fixture(tmp_path)
    monkeypatch.chdir(tmp_path)  # the fixture session names its agenda relative to here
    return tmp_path


def console(root: Path, now: FakeNow, **launch: Any) -> FacilitatorApp:
    """A console on the fixture's data folder, as ``facilitator run`` would open it."""
    args: dict[str, Any] = {
        "root": root,
        "agenda_ref": "agenda.toml",
        "session_ref": None,
        "new": False,
        "role": "facilitator",
        "author": FACILITATOR,
        "read_only": False,
        "rehearsal": False,
        "now": now,
    }
    live = LiveSession(prepare(**(args | launch)), now=now)
    live.open()
    app = FacilitatorApp(
        live,
        settings=load_settings(root / "cfg"),
        now=now,
        source=SourceChoice(builtin_form=False),
        defer_panels=False,
    )
    app.startup_message = ""
    return app


def follow_up(root: Path, now: FakeNow) -> FacilitatorApp:
    return console(root, now, new=True, follow_up_of=SESSION_ID)


def texts(lst: NotesList, note_id: str) -> list[str]:
    return [c.plain if isinstance(c, Text) else str(c) for c in lst.get_row(note_id)]


async def show_actions(panel: NotesPanel, pilot: Any) -> NotesList:
    panel.query_one(TabbedContent).active = "pane-action"
    actions = panel.notes_list("action")
    actions.focus()
    await pilot.pause()
    return actions


async def test_carried_items_say_where_they_came_from(root: Path) -> None:
    app = follow_up(root, FakeNow(NOW + timedelta(days=7)))
    async with app.run_test(size=(160, 40)) as pilot:
        panel = app.screen.query_one(NotesPanel)
        actions = await show_actions(panel, pilot)
        carried = [n.id for n in app.session.notebook.notes(kind="action")]
        assert len(carried) == 2 and actions.shown_ids == carried
        for note_id in carried:
            row = texts(actions, note_id)
            assert row[2].startswith(f"{CARRIED_LABEL} · ")  # the entry itself, in words
            assert f"{CARRIED_GLYPH} carried over from {EARLIER}" in row
        # an entry typed in this session carries no mark
        box = panel.capture.input
        box.focus()
        box.value = "> Call the district"
        await pilot.press("enter")
        await app.settle()
        (mine,) = [n.id for n in app.session.notebook.notes(kind="action") if n.id not in carried]
        assert not any(CARRIED_GLYPH in cell for cell in texts(actions, mine))
        # the editor, where the entry is shown in full, says it in a sentence
        actions.focus()
        actions.move_cursor(row=actions.row_of(carried[0]))
        await pilot.pause()
        await pilot.press("e")
        await until(lambda: isinstance(app.screen, NoteEditor), pilot)
        said = app.screen.query_one("#editor-carried", Static)
        words = str(said.render())
        assert words.startswith(f"{CARRIED_GLYPH} Carried over from {EARLIER}, where ")
        assert words.split(", where ")[1].removesuffix(" wrote it.") in (FACILITATOR, NOTE_TAKER)


async def test_done_carried_items_stay_marked(root: Path) -> None:
    app = follow_up(root, FakeNow(NOW + timedelta(days=7)))
    async with app.run_test(size=(160, 40)) as pilot:
        panel = app.screen.query_one(NotesPanel)
        actions = await show_actions(panel, pilot)
        first = actions.shown_ids[0]
        actions.move_cursor(row=0)
        await pilot.press("x")
        await app.settle()
        assert app.session.notebook.get(first).done
        row = texts(actions, first)
        assert row[0] == "✓" and row[2].startswith(CARRIED_LABEL)


async def test_a_note_taker_sees_the_mark_too(root: Path) -> None:
    now = FakeNow(NOW + timedelta(days=7))
    facilitator = follow_up(root, now)
    later = facilitator.session.folder.info.id
    facilitator.session.close()
    app = console(root, now, role="notes", author=NOTE_TAKER, session_ref=later)
    async with app.run_test(size=(160, 40)) as pilot:
        assert isinstance(app.screen, NotesScreen)
        panel = app.screen.query_one(NotesPanel)
        actions = await show_actions(panel, pilot)
        assert len(actions.shown_ids) == 2
        for note_id in actions.shown_ids:
            row = texts(actions, note_id)
            assert row[2].startswith(CARRIED_LABEL)
            assert f"{CARRIED_GLYPH} carried over from {EARLIER}" in row
            assert f"{FACILITATOR} (ro)" in row  # carried by the facilitator's console


async def test_a_hostile_title_is_shown_literally(root: Path) -> None:
    app = follow_up(root, FakeNow(NOW + timedelta(days=7)))
    async with app.run_test(size=(160, 40)) as pilot:
        panel = app.screen.query_one(NotesPanel)
        title = "[bold red]Boom[/] \x1b[2J\u202eevil"
        app.session.notebook.apply(
            Record(
                "note",
                "odd-1",
                "Sam",
                1,
                NOW.isoformat(),
                False,
                {
                    "kind": "action",
                    "text": "[link=x]click[/link]",
                    "created_at": NOW.isoformat(),
                    "carried_over": True,
                    "carried_from": {"title": title, "session": "2025-12-01-0900-aaaaaa"},
                },
            )
        )
        panel.poll()
        actions = await show_actions(panel, pilot)
        row = texts(actions, "odd-1")
        assert row[2] == f"{CARRIED_LABEL} · [link=x]click[/link]"
        assert f"{CARRIED_GLYPH} carried over from “[bold red]Boom[/] evil” of 2025-12-01" in row


async def test_the_notepad_keeps_trailing_spaces_and_blank_lines(root: Path) -> None:
    app = follow_up(root, FakeNow(NOW + timedelta(days=7)))
    assert app.session.file is not None
    path = app.session.file.path
    first, second = app.session.agenda.segments[:2]
    async with app.run_test(size=(160, 40)) as pilot:
        panel = app.screen.query_one(NotesPanel)
        panel.focus_notepad()
        pad = panel.query_one(Notepad)
        await pilot.pause()
        await pilot.press(*"Drills", "space", "space", "enter", "enter")
        typed = "Drills  \n\n"
        assert pad.area.text == typed

        def on_disk() -> str | None:
            records, _ = read_author_file(path)
            return next(
                (r.data["text"] for r in records if r.id == f"{FACILITATOR}:{first.id}"), None
            )

        await until(lambda: on_disk() == typed, pilot)
        # back from another segment, the notepad shows exactly what was typed
        pad.show_segment(second.id, second.title)
        await app.settle()
        pad.show_segment(first.id, first.title)
        assert pad.area.text == typed
        assert app.session.notebook.notepad(first.id) == typed
