"""Note panes with 5,000 entries in the session: Enter-to-durable latency and notepad typing.

Run: ``uv run python bench/notes_latency.py [--entries 5000] [--adds 200] [--keys 300]``.
The session folder is a temporary one under the current directory (a tmpfs /tmp would make
fsync free and the figures lie). The app runs headless under ``run_test``.

1. Enter to durable: from the Enter key event in the capture line to ``app.persist()``
   returning (journal line fsync'd on the store's thread), median and p95.
2. Notepad typing: the event-loop time each keystroke costs (the TextArea's key handling
   plus the notepad's Changed handler, which only restarts the save timer), and the longest
   stall of the event loop seen while typing, with the debounced saves running meanwhile
   (their count and their off-loop durations are printed too): no keystroke waits on disk.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from console.app import FacilitatorApp
from console.session.live import LiveSession
from console.session.setup import prepare
from console.store.records import Record, new_id
from console.system.settings import load_settings
from console.widgets.capture_line import CaptureInput
from console.widgets.notepad import Notepad
from console.widgets.notes_panel import NotesPanel


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def fmt(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):7.2f} ms   p95 {p95(values):7.2f} ms   n={len(values)}"
    )


def seed(session: LiveSession, count: int) -> None:
    start = datetime(2025, 12, 17, 20, 0, tzinfo=UTC)
    kinds = ("concern", "action", "resource", "note")
    records = []
    for i in range(count):
        stamp = (start + timedelta(seconds=i)).isoformat()
        records.append(
            Record(
                "note",
                new_id(),
                session.author,
                1,
                stamp,
                False,
                {
                    "kind": kinds[i % 4],
                    "text": f"seeded entry {i} " + "x" * (i % 120),
                    "themes": [],
                    "owner": None,
                    "due": None,
                    "done": False,
                    "segment_id": None,
                    "question_key": None,
                    "created_at": stamp,
                },
            )
        )
    assert session.file is not None
    for chunk in range(0, count, 500):
        session.file.put_many(records[chunk : chunk + 500])
    session.notebook.load(records)


async def run(entries: int, adds: int, keys: int, folder: Path) -> None:
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
    seed(session, entries)
    app = FacilitatorApp(session, settings=load_settings(folder / "cfg"))

    enter_at: list[float] = []
    durable: list[float] = []
    persist_s: list[float] = []
    store_only: list[float] = []
    original_persist = app.persist

    async def timed_persist(records: Any) -> bool:
        began = time.perf_counter()
        ok = await original_persist(records)
        done = time.perf_counter()
        persist_s.append(done - began)
        batch = [records] if isinstance(records, Record) else list(records)
        if any(r.kind == "note" for r in batch) and enter_at:
            durable.append((done - enter_at.pop(0)) * 1000)
            store_only.append((done - began) * 1000)
        return ok

    app.persist = timed_persist  # type: ignore[method-assign]
    original_key = CaptureInput._on_key

    async def stamped_key(self: CaptureInput, event: Any) -> None:
        if event.key == "enter":
            enter_at.append(time.perf_counter())
        await original_key(self, event)

    CaptureInput._on_key = stamped_key  # type: ignore[method-assign]
    refreshes: list[float] = []
    original_refresh = NotesPanel.refresh_lists

    def timed_refresh(self: NotesPanel) -> None:
        began = time.perf_counter()
        original_refresh(self)
        refreshes.append((time.perf_counter() - began) * 1000)

    NotesPanel.refresh_lists = timed_refresh  # type: ignore[method-assign]

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        box = app.screen.query_one(CaptureInput)
        await pilot.pause()  # the board list takes the focus at start; then the capture line
        box.focus()
        await pilot.pause()
        assert app.focused is box, "the capture line must have the focus to take Enter"
        for i in range(adds):
            box.value = f"bench entry {i} #drills"
            await pilot.press("enter")
            await app.settle()
        assert len(session.notebook.notes()) == entries + adds

        # ------------------------------------------------------------ notepad typing
        panel = app.screen.query_one(NotesPanel)
        panel.focus_notepad()
        pad = panel.query_one(Notepad)
        await pilot.pause()
        area = pad.area
        per_key: list[float] = []
        original_area_key = type(area)._on_key

        async def timed_area_key(self: Any, event: Any) -> None:
            began = time.perf_counter()
            await original_area_key(self, event)
            per_key.append((time.perf_counter() - began) * 1000)

        type(area)._on_key = timed_area_key  # type: ignore[method-assign]
        changed: list[float] = []
        original_changed = Notepad.on_text_area_changed

        def timed_changed(self: Notepad, event: Any) -> None:
            began = time.perf_counter()
            original_changed(self, event)
            changed.append((time.perf_counter() - began) * 1000)

        Notepad.on_text_area_changed = timed_changed  # type: ignore[method-assign]
        stalls: list[float] = []
        typing = True

        async def watch_loop() -> None:
            while typing:
                began = time.perf_counter()
                await asyncio.sleep(0.005)
                stalls.append((time.perf_counter() - began - 0.005) * 1000)

        watcher = asyncio.create_task(watch_loop())
        saves_before = len(persist_s)
        text = "Notes on drills: radios, doors, buses. "
        for i in range(keys):
            await pilot.press(text[i % len(text)] if text[i % len(text)] != " " else "space")
            if i % 40 == 39:
                await asyncio.sleep(0.6)  # a pause: the debounced save runs while typing on
        typing = False
        await watcher
        await pad.flush_pending()
        await app.settle()
        saves = persist_s[saves_before:]

    print(
        f"machine: {platform.platform()} · python {platform.python_version()} · "
        f"{os.cpu_count()} CPUs · folder {folder}"
    )
    print(f"entries in the session before the run: {entries:,}")
    print(f"Enter -> durable (persist returned):   {fmt(durable)}")
    print(f"  of which persist() alone (fsync):    {fmt(store_only)}")
    print(f"notepad keystroke, TextArea handling:  {fmt(per_key)}")
    print(f"notepad Changed handler (timer only):  {fmt(changed)}")
    print(f"event-loop stall while typing:         {fmt(stalls)}   max {max(stalls):.2f} ms")
    print(f"lists filled at mount (5,000 rows): {fmt(refreshes)}")
    off_loop = fmt([s * 1000 for s in saves])
    print(f"notepad saves while typing: {len(saves)}, each off the loop: {off_loop}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--adds", type=int, default=200)
    parser.add_argument("--keys", type=int, default=300)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir or Path.cwd(), prefix=".bench-notes-") as tmp:
        asyncio.run(run(args.entries, args.adds, args.keys, Path(tmp)))


if __name__ == "__main__":
    main()
