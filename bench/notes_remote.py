"""Note panes with 5,000 entries: the cost of one change arriving from another console.

Run: ``uv run python bench/notes_remote.py [--entries 5000] [--runs 9]``.

A second note-taker ("Sam") owns a tenth of the entries. Each run applies one of Sam's
changes the way the folder watcher delivers it (the merged records of the whole folder,
through ``LiveSession.apply_folder``), then lets the notes panel catch up. The runs cycle
through the three shapes a change takes: a new entry that belongs above the cursor, in the
middle of a list (typed a while ago on a console that synced late), an edit, and a
deletion. The cursor sits on an entry in the middle of each list; the bench checks it is
still on that entry afterwards, and that every list shows the notebook's entries in order.

Figures (milliseconds, median over the runs):
- panel: the panel's own catch-up (``NotesPanel.poll``), event-loop time; also per shape;
- old way: the four lists emptied and rebuilt from scratch (``refresh_lists`` after
  ``reset``), which is what a remote change cost before, on the same entries;
- + repaint: the same followed by ``pilot.pause()`` (the app settles: new rows measured,
  the screen drawn), as wall time and as process CPU time; "nothing changed" is that
  settle alone, for scale;
- apply_folder: the session taking in the whole folder's records (not the panel's work,
  shown so the whole path is visible).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.coordinate import Coordinate

from console.app import FacilitatorApp
from console.session.live import LiveSession
from console.session.setup import prepare
from console.store.records import Record
from console.system.settings import load_settings
from console.widgets.notes_list import NotesList
from console.widgets.notes_panel import NotesPanel

KINDS = ("concern", "action", "resource", "note")
START = datetime(2025, 12, 17, 20, 0, tzinfo=UTC)
OTHER = "Sam"


def note_record(author: str, rid: str, i: int, text: str) -> Record:
    stamp = (START + timedelta(seconds=i)).isoformat()
    data = {
        "kind": KINDS[i % 4],
        "text": text,
        "themes": [],
        "owner": None,
        "due": None,
        "done": False,
        "segment_id": None,
        "question_key": None,
        "created_at": stamp,
    }
    return Record("note", rid, author, 1, stamp, False, data)


def seed(session: LiveSession, count: int) -> dict[tuple[str, str], Record]:
    """``count`` entries, every tenth by the other console; returns the folder's records."""
    mine: list[Record] = []
    folder: dict[tuple[str, str], Record] = {}
    for i in range(count):
        author = OTHER if i % 10 == 5 else session.author
        record = note_record(author, f"n{i:05d}", i, f"seeded entry {i} " + "x" * (i % 120))
        folder[record.key] = record
        if author == session.author:
            mine.append(record)
    assert session.file is not None
    for chunk in range(0, len(mine), 500):
        session.file.put_many(mine[chunk : chunk + 500])
    session.notebook.load(folder.values())
    return folder


class Changes:
    """Sam's next change: a late entry above the cursor, an edit, or a deletion, in turn."""

    SHAPES = ("insert", "edit", "delete")

    def __init__(self, folder: dict[tuple[str, str], Record], count: int) -> None:
        self.folder = folder
        self.count = count
        self.turn = 0
        self.sams = [r for r in folder.values() if r.author == OTHER]

    def next(self) -> str:
        shape = self.SHAPES[self.turn % 3]
        self.turn += 1
        if shape == "insert":
            # typed a third of the way into the session, so it lands above the cursor
            i = self.count // 3 + self.turn  # the kind cycles with i
            record = note_record(OTHER, f"late-{self.turn}", i, f"late entry {self.turn}")
        else:
            have = self.sams[self.turn * 7 % len(self.sams)]
            have = self.folder.get(have.key, have)
            data = dict(have.data, text=f"edited by Sam, run {self.turn}")
            record = have.revised(OTHER, data, deleted=shape == "delete")
        self.folder[record.key] = record
        return shape


class Figures:
    """Milliseconds per figure name: wall time, and process CPU time for the repaint."""

    def __init__(self) -> None:
        self.values: dict[str, list[float]] = {}

    def add(self, name: str, seconds: float) -> None:
        self.values.setdefault(name, []).append(seconds * 1000)

    def line(self, name: str) -> str:
        values = self.values[name]
        return (
            f"{name:<34} median {statistics.median(values):8.2f} ms"
            f"   (min {min(values):8.2f}, max {max(values):8.2f}, n={len(values)})"
        )


async def run(entries: int, runs: int, folder: Path) -> None:
    launch = prepare(
        root=folder / "data",
        agenda_ref=None,
        session_ref=None,
        new=True,
        role="facilitator",
        author="Bench",
        read_only=False,
        rehearsal=False,
    )
    session = LiveSession(launch, now=lambda: datetime.now(UTC))
    session.open()
    records = seed(session, entries)
    app = FacilitatorApp(session, settings=load_settings(folder / "cfg"), defer_panels=False)
    changes = Changes(records, entries)
    figures = Figures()

    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(NotesPanel)
        lists = {kind: panel.notes_list(kind) for kind in KINDS}
        for lst in lists.values():  # the cursor on an entry in the middle of each list
            lst.move_cursor(row=lst.row_count // 2, animate=False)
        await pilot.pause()

        async def timed(name: str, work: Callable[[], None]) -> dict[str, str | None]:
            kept = {kind: lst.current_id for kind, lst in lists.items()}
            wall, cpu = time.perf_counter(), time.process_time()
            work()
            figures.add(name, time.perf_counter() - wall)
            await pilot.pause()
            figures.add(name + " + repaint (wall)", time.perf_counter() - wall)
            figures.add(name + " + repaint (CPU)", time.process_time() - cpu)
            return kept

        def rebuild() -> None:
            for lst in lists.values():
                lst.reset()
            panel.refresh_lists()

        for _ in range(3):  # what a settle costs when nothing changed, for scale
            await timed("nothing changed", lambda: None)
        for _ in range(runs):
            shape = changes.next()
            began = time.perf_counter()
            assert app.session.apply_folder(changes.folder), shape
            figures.add("apply_folder (the session's)", time.perf_counter() - began)
            kept = await timed("panel", panel.poll)
            figures.add(f"panel, {shape}", figures.values["panel"][-1] / 1000)
            check(app, lists)
            for kind, lst in lists.items():
                if lst.shows(kept[kind] or ""):
                    assert lst.current_id == kept[kind], (shape, kind)
            # the old way, same entries: the lists emptied and rebuilt from scratch
            await timed("old way", rebuild)
            check(app, lists)
            for kind, lst in lists.items():  # it lost the cursor: put it back
                if lst.shows(kept[kind] or ""):
                    lst.move_cursor(row=lst.row_of(kept[kind] or ""), animate=False)
            await pilot.pause()

    print(
        f"machine: {platform.platform()} · python {platform.python_version()} · "
        f"{os.cpu_count()} CPUs · load average {os.getloadavg()[0]:.2f} at the end"
    )
    print(f"entries: {entries:,} ({entries // 10:,} by another console) · runs: {runs}")
    names = ["panel", *(f"panel, {shape}" for shape in Changes.SHAPES), "old way"]
    for base in ("panel", "old way", "nothing changed"):
        names += [f"{base} + repaint (wall)", f"{base} + repaint (CPU)"]
    for name in [*names, "apply_folder (the session's)"]:
        print(figures.line(name))


def check(app: FacilitatorApp, lists: dict[str, NotesList]) -> None:
    """The lists show exactly the notebook's entries, in its order."""
    for kind, lst in lists.items():
        want = [n.id for n in app.session.notebook.notes(kind=kind)]
        assert lst.shown_ids == want, kind
        rows = range(lst.row_count)
        table = [lst.coordinate_to_cell_key(Coordinate(i, 0)).row_key.value for i in rows]
        assert table == want, kind


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir or Path.cwd(), prefix=".bench-notes-") as tmp:
        asyncio.run(run(args.entries, args.runs, Path(tmp)))


if __name__ == "__main__":
    main()
