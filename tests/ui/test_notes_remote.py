"""Other consoles' changes reach the note panes row by row, with the cursor left in place."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import Input, TabbedContent

from console.app import FacilitatorApp
from console.messages import FolderChanged
from console.store.records import Record
from console.widgets.capture_line import CaptureInput
from console.widgets.notes_list import NotesList
from console.widgets.notes_panel import NotesPanel
from tests.ui.helpers import FakeNow, make_app

BEFORE_START = datetime(2025, 12, 17, 20, 25, tzinfo=UTC)
KINDS = ("concern", "action", "resource", "note")


def entry(
    rid: str,
    author: str,
    minute: int,
    *,
    kind: str = "concern",
    text: str | None = None,
    rev: int = 1,
    deleted: bool = False,
    themes: tuple[str, ...] = (),
) -> Record:
    created = (BEFORE_START - timedelta(hours=2) + timedelta(minutes=minute)).isoformat()
    data = {
        "kind": kind,
        "text": text or f"{author} wrote {rid}",
        "themes": list(themes),
        "done": False,
        "created_at": created,
    }
    updated = (BEFORE_START + timedelta(seconds=rev)).isoformat()
    return Record("note", rid, author, rev, updated, deleted, data)


def minute(rid: str) -> int:
    return int(rid.removeprefix("e")) * 2


def seeded_app(tmp_path: Path, count: int = 40) -> FacilitatorApp:
    """Dana's console with ``count`` entries two minutes apart: concerns and notes in turn,
    every other concern Sam's."""
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    app.startup_message = ""
    records = [
        entry(f"e{i:03d}", "Sam" if i % 4 == 2 else "Dana", minute(f"e{i}"), kind=KINDS[i % 2 * 3])
        for i in range(count)
    ]
    app.session.notebook.load(records)
    return app


def ids(app: FacilitatorApp, kind: str) -> list[str]:
    return [n.id for n in app.session.notebook.notes(kind=kind)]


def table_ids(lst: NotesList) -> list[str]:
    """Row keys in the order the table draws them (not the list's own bookkeeping)."""
    rows = range(lst.row_count)
    return [lst.coordinate_to_cell_key(Coordinate(row, 0)).row_key.value or "" for row in rows]


def row_object(lst: NotesList, note_id: str) -> object:
    """The table's own Row: a table rebuilt from scratch makes new ones."""
    return next(row for key, row in lst.rows.items() if key.value == note_id)


def plain(lst: NotesList, note_id: str) -> list[str]:
    return [c.plain if isinstance(c, Text) else str(c) for c in lst.get_row(note_id)]


def tab_label(panel: NotesPanel, kind: str) -> str:
    return str(panel.query_one(TabbedContent).get_tab(f"pane-{kind}").label)


async def test_changes_patch_rows_and_the_cursor_stays_on_its_entry(tmp_path: Path) -> None:
    app = seeded_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = app.screen.query_one(NotesPanel)
        concerns = panel.notes_list("concern")
        assert concerns.shown_ids == ids(app, "concern") and len(concerns.shown_ids) == 20
        concerns.move_cursor(row=10)
        await pilot.pause()
        mine = concerns.current_id
        assert mine is not None
        untouched = concerns.shown_ids[15]
        cell_before = concerns.get_row(untouched)[2]
        row_before = row_object(concerns, untouched)

        # a late entry from Sam, typed before the cursor's entry: it goes above it
        notebook = app.session.notebook
        notebook.apply(entry("late", "Sam", 5))
        panel.poll()
        assert concerns.shown_ids == ids(app, "concern") == table_ids(concerns)
        assert concerns.shown_ids.index("late") < concerns.shown_ids.index(mine)
        assert concerns.current_id == mine
        assert row_object(concerns, untouched) is row_before  # not rebuilt
        assert concerns.get_row(untouched)[2] is cell_before
        assert tab_label(panel, "concern") == "Concerns 21"
        assert concerns.row_of(mine) == 11

        # an edit is redrawn where it is
        sams = [i for i in concerns.shown_ids if notebook.get(i).author == "Sam" and i != "late"]
        edited = sams[1]
        row = concerns.row_of(edited)
        assert row < concerns.cursor_row
        notebook.apply(entry(edited, "Sam", minute(edited), text="Sam changed his mind", rev=2))
        panel.poll()
        assert concerns.row_of(edited) == row
        assert "Sam changed his mind" in plain(concerns, edited)
        assert row_object(concerns, untouched) is row_before
        assert concerns.current_id == mine

        # an entry whose time changed (an edit on a console with its clock fixed) moves
        moved = sams[-1]
        assert concerns.row_of(moved) > concerns.cursor_row
        notebook.apply(entry(moved, "Sam", 1, rev=2))
        panel.poll()
        assert concerns.row_of(moved) == 1  # after e000, taken at minute 0
        assert concerns.shown_ids == ids(app, "concern") == table_ids(concerns)
        assert concerns.current_id == mine

        # a deletion above the cursor
        notebook.apply(entry("late", "Sam", 5, rev=3, deleted=True))
        panel.poll()
        assert "late" not in concerns.shown_ids
        assert concerns.shown_ids == ids(app, "concern") == table_ids(concerns)
        assert concerns.current_id == mine
        assert tab_label(panel, "concern") == "Concerns 20"

        # a change of kind moves the entry to the other pane
        first_sam = sams[0]
        notebook.apply(entry(first_sam, "Sam", minute(first_sam), kind="resource", rev=4))
        panel.poll()
        assert first_sam not in concerns.shown_ids
        resources = panel.notes_list("resource")
        assert first_sam in resources.shown_ids
        assert resources.shown_ids == ids(app, "resource") == table_ids(resources)
        assert concerns.current_id == mine
        assert tab_label(panel, "resource") == "Resources 1"


async def test_the_cursor_entry_itself_deleted_leaves_the_cursor_nearby(tmp_path: Path) -> None:
    app = seeded_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = app.screen.query_one(NotesPanel)
        concerns = panel.notes_list("concern")
        sams = [i for i in concerns.shown_ids if app.session.notebook.get(i).author == "Sam"]
        target = sams[2]
        concerns.move_cursor(row=concerns.row_of(target))
        await pilot.pause()
        row = concerns.cursor_row
        app.session.notebook.apply(entry(target, "Sam", minute(target), rev=2, deleted=True))
        panel.poll()
        assert target not in concerns.shown_ids
        assert concerns.cursor_row == row  # the next entry took its place
        assert concerns.current_id == concerns.shown_ids[row]


async def test_remote_changes_go_through_the_filter(tmp_path: Path) -> None:
    app = seeded_app(tmp_path, count=8)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = app.screen.query_one(NotesPanel)
        box = panel.query_one("#notes-filter", Input)
        box.value = "#drills"
        panel.apply_filter()
        await pilot.pause()
        concerns = panel.notes_list("concern")
        assert concerns.shown_ids == []
        assert tab_label(panel, "concern") == "Concerns 0/4"
        notebook = app.session.notebook
        notebook.apply(entry("plain", "Sam", 1))
        panel.poll()
        assert concerns.shown_ids == []
        assert tab_label(panel, "concern") == "Concerns 0/5"
        notebook.apply(entry("plain", "Sam", 1, rev=2, themes=("drills",)))
        panel.poll()
        assert concerns.shown_ids == ["plain"]
        assert tab_label(panel, "concern") == "Concerns 1/5"
        notebook.apply(entry("plain", "Sam", 1, rev=3))  # theme taken off again
        panel.poll()
        assert concerns.shown_ids == []


async def test_a_remote_change_before_a_local_one_is_not_skipped(tmp_path: Path) -> None:
    """A local entry once moved the panel past a remote change it had not shown yet."""
    app = seeded_app(tmp_path, count=4)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = app.screen.query_one(NotesPanel)
        app.session.notebook.apply(entry("theirs", "Sam", 100))  # not shown yet
        box = app.screen.query_one(CaptureInput)
        box.focus()
        box.value = "! mine, typed just after"
        await pilot.press("enter")
        await app.settle()
        concerns = panel.notes_list("concern")
        panel.poll()  # (the panel's own timer may have been first: the outcome is the same)
        assert concerns.shown_ids == ids(app, "concern") == table_ids(concerns)
        assert "theirs" in concerns.shown_ids
        assert tab_label(panel, "concern") == f"Concerns {len(concerns.shown_ids)}"


async def test_folder_changes_from_the_app_reach_the_panel(tmp_path: Path) -> None:
    """The app's own message path: records merged, the panel catching up by itself."""
    app = seeded_app(tmp_path, count=8)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = app.screen.query_one(NotesPanel)
        notes = panel.notes_list("note")
        merged = {r.key: r for r in [entry("far", "Sam", 3, kind="note", text="[b]x[/b]")]}
        app.post_message(FolderChanged(merged, []))
        await pilot.pause()  # the screen hands the message on: no wait for the 1 s check
        assert "far" in notes.shown_ids
        assert notes.shown_ids == ids(app, "note") == table_ids(notes)
        assert "[b]x[/b]" in plain(notes, "far")
        assert "Sam (ro)" in plain(notes, "far")


async def test_a_stamp_at_the_edge_of_time_does_not_break_the_list(tmp_path: Path) -> None:
    app = seeded_app(tmp_path, count=4)
    async with app.run_test(size=(120, 40)):
        panel = app.screen.query_one(NotesPanel)
        odd = entry("odd", "Sam", 0)
        odd = replace(odd, data=dict(odd.data, created_at="0001-01-01T00:00:00+00:00"))
        app.session.notebook.apply(odd)
        panel.poll()
        concerns = panel.notes_list("concern")
        assert concerns.shown_ids[0] == "odd"  # the oldest there can be
        assert plain(concerns, "odd")[1] == "--:--"
