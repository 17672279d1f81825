"""StoreWriter: writes in order, off the event loop, and never dropped by a cancelled caller."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from console.store import AuthorFile, StoreError, StoreWriter
from console.store.records import Record


def clock_state(rev: int) -> Record:
    return Record(
        "clock",
        "state",
        "ann",
        rev=rev,
        updated_at=f"2025-12-17T15:{rev:02d}:00+00:00",
        data={"tick": rev},
    )


async def test_writes_land_in_the_order_they_were_asked(tmp_path: Path) -> None:
    file = AuthorFile(tmp_path / "ann.json", "ann")
    file.open()
    writer = StoreWriter(file)
    await asyncio.gather(*(writer.put(clock_state(rev)) for rev in range(1, 41)))
    await writer.put_many([Record("note", str(i), "ann") for i in range(5)])
    await writer.close()
    with AuthorFile(tmp_path / "ann.json", "ann") as again:
        assert again.get("clock", "state") == clock_state(40)
        assert len(again.records("note")) == 5


async def test_disk_work_runs_on_a_background_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = AuthorFile(tmp_path / "ann.json", "ann")
    file.open()
    seen: list[str] = []
    real = file.put_many

    def spy(records: object) -> None:
        seen.append(threading.current_thread().name)
        real(records)  # type: ignore[arg-type]

    monkeypatch.setattr(file, "put_many", spy)
    writer = StoreWriter(file)
    await writer.put(clock_state(1))
    await writer.close()
    assert seen and seen[0].startswith("store-writer")
    assert seen[0] != threading.current_thread().name


async def test_a_cancelled_caller_does_not_cancel_its_write(tmp_path: Path) -> None:
    file = AuthorFile(tmp_path / "ann.json", "ann")
    file.open()
    writer = StoreWriter(file)
    tasks = [asyncio.create_task(writer.put(clock_state(rev))) for rev in range(1, 21)]
    await asyncio.sleep(0)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await writer.close()  # waits for the queue to drain
    with AuthorFile(tmp_path / "ann.json", "ann") as again:
        assert again.get("clock", "state") == clock_state(20)


async def test_errors_reach_the_caller_and_closed_writers_refuse(tmp_path: Path) -> None:
    file = AuthorFile(tmp_path / "ann.json", "ann")
    file.open()
    writer = StoreWriter(file)
    with pytest.raises(StoreError, match="cannot be stored"):
        await writer.put(Record("note", "bad", "ann", data={"x": float("inf")}))
    await writer.close()
    with pytest.raises(StoreError, match="closed"):
        await writer.put(clock_state(1))
    # The close released the lock.
    with AuthorFile(tmp_path / "ann.json", "ann"):
        pass
