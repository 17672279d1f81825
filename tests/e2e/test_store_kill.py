"""SIGKILL a writing console at random moments: every confirmed record survives, and the
file opens again with no help (the kernel released the lock).

Most rounds compact the journal every few puts, so many kills land in a compaction (between
the TinyDB rewrite and the journal reset, or inside either), not only in an append.

The child prints a record's id only after ``put`` returned (fsync done), so the log is the
ground truth of what was promised to the user; the screen never is.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from console.store import AuthorFile
from console.store.author_file import read_author_file
from console.store.journal import journal_path_for

REPO = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from console.store.records import Record
    from console.store import AuthorFile, StoreWriter

    path, round_no, mode = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    file = AuthorFile(path, "ann", compact_records=int(sys.argv[4]))
    file.open()

    def record(i):
        return Record("note", f"{round_no}-{i}", "ann", data={"text": "x" * (i % 400)})

    async def run_async():
        writer = StoreWriter(file)
        i = 0
        while True:
            await writer.put(record(i))
            print(f"{round_no}-{i}", flush=True)
            i += 1

    if mode == "async":
        asyncio.run(run_async())
    i = 0
    while True:
        if i % 7 == 0:
            file.put_many([record(i), record(i + 1)])
            print(f"{round_no}-{i}", f"{round_no}-{i + 1}", sep="\\n", flush=True)
            i += 2
        else:
            file.put(record(i))
            print(f"{round_no}-{i}", flush=True)
            i += 1
    """
)


def confirmed_lines(raw: bytes) -> list[str]:
    """Complete lines only: a line cut by the kill was not confirmed."""
    text = raw.decode()
    if not text.endswith("\n"):
        text = text[: text.rfind("\n") + 1]
    return [line for line in text.splitlines() if line]


@pytest.mark.slow
def test_sigkill_never_loses_a_confirmed_record(tmp_path: Path) -> None:
    rng = random.Random(int.from_bytes(os.urandom(4), "big"))
    path = tmp_path / "ann.json"
    confirmed: set[str] = set()
    for round_no in range(10):
        mode = "async" if round_no % 2 else "sync"
        threshold = 500 if round_no % 5 == 4 else rng.choice([2, 3, 5])
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), str(round_no), mode, str(threshold)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert child.stdout is not None
        wanted = rng.randint(1, 40)
        seen = b""
        deadline = time.monotonic() + 60
        while seen.count(b"\n") < wanted and time.monotonic() < deadline:
            chunk = child.stdout.readline()
            if not chunk:
                break
            seen += chunk
        time.sleep(rng.uniform(0, 0.03))  # land the kill anywhere in a write
        child.send_signal(signal.SIGKILL)
        rest, err = child.communicate(timeout=60)
        assert child.returncode == -signal.SIGKILL, err.decode()
        confirmed.update(confirmed_lines(seen + rest))
        assert len(confirmed) > 0

        # A valid TinyDB file is there, and every confirmed id is in it or in its journal.
        raw = json.loads(path.read_bytes())
        assert raw["_meta"]["1"]["author"] == "ann"
        records, problems = read_author_file(path)
        on_disk = {r.id for r in records if r.kind == "note"}
        assert problems == [] and confirmed <= on_disk, sorted(confirmed - on_disk)[:5]
        # The lock died with the process, so the next writer opens without help.
        with AuthorFile(path, "ann") as file:
            ids = {r.id for r in file.records("note")}
            assert confirmed <= ids
        assert journal_path_for(path).read_bytes() == b""  # the close compacted it
        leftovers = [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name]
        assert leftovers == []


def test_lock_is_released_by_the_kernel_on_kill(tmp_path: Path) -> None:
    path = tmp_path / "ann.json"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from console.store import AuthorFile;"
            f"f = AuthorFile(Path({str(path)!r}), 'ann'); f.open(); print('ready', flush=True);"
            "time.sleep(600)",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == b"ready"
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=60)
    with AuthorFile(path, "ann") as file:
        assert file.records() == []
