"""The journal beside an author file: replay after a crash, torn tails, corruption, compaction."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest

from console.store import (
    SCHEMA_VERSION,
    AuthorFile,
    FolderWatcher,
    SessionFolder,
    StoreCorrupt,
    StoreError,
    StoreTooNew,
    journal,
)
from console.store import atomic as atomic_storage
from console.store.author_file import read_author_file
from console.store.journal import encode_entry, journal_path_for, parse_journal
from console.store.records import Record

REPO = Path(__file__).resolve().parents[2]


def note(text: str, rev: int = 1) -> Record:
    return Record("note", f"id-{text}", "ann", rev=rev, data={"text": text})


def texts(records: list[Record]) -> list[str]:
    return sorted(r.data["text"] for r in records)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """An author file that exists, compacted and empty, with an empty journal."""
    target = tmp_path / "ann.json"
    with AuthorFile(target, "ann"):
        pass
    return target


def write_journal(path: Path, payload: bytes) -> Path:
    journal = journal_path_for(path)
    journal.write_bytes(payload)
    return journal


def notes_in_tinydb_file(path: Path) -> list[str]:
    raw = json.loads(path.read_bytes())
    return sorted(doc["data"]["text"] for doc in raw.get("note", {}).values())


def test_journal_is_replayed_after_a_killed_writer(tmp_path: Path) -> None:
    path = tmp_path / "ann.json"
    child_code = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from console.store.records import Record
        from console.store import AuthorFile
        f = AuthorFile(Path({str(path)!r}), "ann")
        f.open()
        for i in range(12):
            f.put(Record("note", f"n{{i}}", "ann", data={{"text": str(i)}}))
        f.put_many([Record("note", "b1", "ann"), Record("clock", "c", "ann")])
        print("ready", flush=True)
        time.sleep(600)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", child_code], cwd=REPO, stdout=subprocess.PIPE)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == b"ready"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
    assert notes_in_tinydb_file(path) == []  # never compacted: everything is in the journal
    assert len(journal_path_for(path).read_bytes().splitlines()) == 13
    with AuthorFile(path, "ann") as file:
        assert len(file.records("note")) == 13
        assert file.get("clock", "c") is not None
    # Opening compacted the journal into the TinyDB file.
    assert len(json.loads(path.read_bytes())["note"]) == 13
    assert journal_path_for(path).read_bytes() == b""


@pytest.mark.parametrize(
    "tail",
    [
        "cut",  # the append stopped half-way: no newline
        "bad-checksum",  # a whole line whose bytes did not all reach the disk
        "zeros",  # a power cut left the file longer but unwritten
    ],
)
def test_a_torn_last_line_is_dropped(path: Path, tail: str) -> None:
    good = encode_entry([note("a")]) + encode_entry([note("b"), note("c")])
    last = encode_entry([note("torn-1"), note("torn-2")])
    torn = {
        "cut": last[: len(last) // 2],
        "bad-checksum": last[:20] + b"X" + last[21:],
        "zeros": b"\0" * 37,
    }[tail]
    journal = write_journal(path, good + torn)
    records, problems = read_author_file(path)  # a reader ignores it quietly
    assert texts(records) == ["a", "b", "c"] and problems == []
    with AuthorFile(path, "ann") as file:
        assert texts(file.records()) == ["a", "b", "c"]  # the whole batch is gone, not half
        file.put(note("d"))
    assert journal.read_bytes() == b""
    assert notes_in_tinydb_file(path) == ["a", "b", "c", "d"]


@pytest.mark.parametrize("damage", ["bad-checksum", "no-checksum", "blank-line"])
def test_a_damaged_middle_line_is_corruption_and_nothing_is_touched(
    path: Path, damage: str
) -> None:
    first, second = encode_entry([note("a")]), encode_entry([note("b")])
    broken = {
        "bad-checksum": first.replace(b'"a"', b'"z"'),
        "no-checksum": first[9:],
        "blank-line": b"\n",
    }[damage]
    journal = write_journal(path, first + broken + second)
    before, journal_before = path.read_bytes(), journal.read_bytes()
    with pytest.raises(StoreCorrupt) as caught:
        AuthorFile(path, "ann").open()
    err = caught.value
    assert err.path == journal
    assert "line 2" in str(err) and "untouched" in str(err)
    assert err.owner == path and "--set-aside-damaged" in str(err)  # the way on is named
    assert path.read_bytes() == before and journal.read_bytes() == journal_before
    with pytest.raises(StoreCorrupt):  # the lock was released: same answer again
        AuthorFile(path, "ann").open()
    with pytest.raises(StoreCorrupt):
        read_author_file(path)


def test_a_line_with_a_good_checksum_but_no_record_is_corruption(path: Path) -> None:
    body = b'{"kind": "note"}'
    journal = write_journal(path, b"%08x " % zlib.crc32(body) + body + b"\n")
    with pytest.raises(StoreCorrupt, match="journal line 1"):
        AuthorFile(path, "ann").open()
    assert journal.read_bytes().endswith(body + b"\n")


def test_parse_reports_where_the_good_bytes_end(tmp_path: Path) -> None:
    good = encode_entry([note("a")])
    read = parse_journal(tmp_path / "j", good + b"0000")
    assert read.good_length == len(good) and read.dropped_tail
    assert [r.id for r in read.records()] == ["id-a"]
    assert parse_journal(tmp_path / "j", b"").empty


def test_compaction_starts_when_the_journal_reaches_its_threshold(tmp_path: Path) -> None:
    path = tmp_path / "ann.json"
    with AuthorFile(path, "ann", compact_records=5) as file:
        for i in range(4):
            file.put(note(str(i)))
        assert notes_in_tinydb_file(path) == [] and file.compactions == 1  # the open's
        file.put(note("4"))
        assert file.compactions == 2
        assert notes_in_tinydb_file(path) == ["0", "1", "2", "3", "4"]
        assert journal_path_for(path).read_bytes() == b""
        file.put(note("5"))
        assert len(journal_path_for(path).read_bytes().splitlines()) == 1
    with AuthorFile(path, "ann", compact_bytes=600) as file:
        file.put(Record("note", "big", "ann", data={"text": "x" * 700}))
        assert "x" * 700 in notes_in_tinydb_file(path)
        assert journal_path_for(path).read_bytes() == b""


def test_a_crash_between_compaction_steps_replays_harmlessly(tmp_path: Path) -> None:
    path = tmp_path / "ann.json"
    with AuthorFile(path, "ann") as file:
        file.put(note("kept"))
        file.put(note("edited", rev=1))
        file.put(note("edited", rev=2).revised("ann", {"text": "edited twice"}))
        old_journal = journal_path_for(path).read_bytes()
    # close() compacted: the TinyDB file is new. Put the old journal back, as if the crash
    # came after the TinyDB file was replaced but before the journal was emptied.
    assert notes_in_tinydb_file(path) == ["edited twice", "kept"]
    with AuthorFile(path, "ann") as file:  # later revisions that only the TinyDB file has
        file.put(note("kept").revised("ann", {"text": "kept, revised"}))
    write_journal(path, old_journal)
    records, _ = read_author_file(path)
    assert texts(records) == ["edited twice", "kept, revised"]
    with AuthorFile(path, "ann") as file:
        assert texts(file.records()) == ["edited twice", "kept, revised"]
        assert file.get("note", "id-edited") is not None
        assert file.get("note", "id-edited").rev == 3  # type: ignore[union-attr]
    assert notes_in_tinydb_file(path) == ["edited twice", "kept, revised"]
    assert journal_path_for(path).read_bytes() == b""


def test_a_failed_compaction_keeps_the_put_and_retries_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ann.json"
    with AuthorFile(path, "ann", compact_records=2) as file:

        def full_disk(target: Path, payload: bytes) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(atomic_storage, "atomic_write_bytes", full_disk)
        file.put(note("a"))
        file.put(note("b"))  # reaches the threshold; the compaction fails, the put does not
        assert isinstance(file.compaction_error, StoreError)
        assert "journal still holds" in str(file.compaction_error)
        assert texts(read_author_file(path)[0]) == ["a", "b"]
        monkeypatch.undo()
        file.put(note("c"))
        assert file.compaction_error is None
        assert notes_in_tinydb_file(path) == ["a", "b", "c"]


def test_readers_see_records_that_are_only_in_the_journal(tmp_path: Path) -> None:
    session = SessionFolder.create(tmp_path, agenda="weekly", title="t", facilitator="Fran")
    watcher = FolderWatcher(session)
    nia_path = session.author_path("Nia")
    with AuthorFile(nia_path, "Nia") as nia:
        assert watcher.poll() is not None
        assert session.author_files() == [nia_path]  # not its journal, lock or backups
        stamps = session.stamps()
        assert set(stamps) == {nia_path, journal_path_for(nia_path)}
        nia.put(Record("note", "n", "Nia", data={"text": "journal only"}))
        assert "journal only" not in nia_path.read_text()
        changed, stamps = session.changed_files(stamps)
        assert changed == [nia_path]
        records, warnings = session.read_all()
        assert records[("note", "n")].data == {"text": "journal only"} and warnings == []
        assert [r.id for r in session.read_file(nia_path)] == ["n"]
        seen = watcher.poll()
        assert seen is not None and seen.records[("note", "n")].data["text"] == "journal only"
        assert watcher.poll() is None
        nia.put(Record("note", "n", "Nia", rev=2, data={"text": "second"}))
        seen = watcher.poll()
        assert seen is not None and seen.records[("note", "n")].data["text"] == "second"
    seen = watcher.poll()  # the close compacted: both files changed, the content did not
    assert seen is not None and seen.records[("note", "n")].data["text"] == "second"


def test_a_reader_skips_a_folder_member_with_a_corrupt_journal(tmp_path: Path) -> None:
    session = SessionFolder.create(tmp_path, agenda="weekly", title="t", facilitator="Fran")
    with AuthorFile(session.author_path("Nia"), "Nia") as nia:
        nia.put(Record("note", "n", "Nia"))
    with AuthorFile(session.author_path("Fran"), "Fran") as fran:
        fran.put(Record("note", "f", "Fran"))
    write_journal(session.author_path("Nia"), b"garbage\n" + encode_entry([note("x")]))
    records, warnings = session.read_all()
    assert set(records) == {("note", "f")}
    assert len(warnings) == 1 and "nia.json.journal" in warnings[0]


class _BrokenDisk:
    """Stands in for ``os`` in the journal: half a line is written, and nothing can cut it."""

    def __getattr__(self, name: str) -> object:
        return getattr(os, name)

    @staticmethod
    def write(fd: int, data: bytes) -> int:
        os.write(fd, bytes(data[: len(data) // 2]))
        raise OSError(5, "Input/output error")

    @staticmethod
    def ftruncate(fd: int, length: int) -> None:
        raise OSError(5, "Input/output error")


def test_garbage_a_failed_append_could_not_cut_is_replaced_before_the_next_line(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with AuthorFile(path, "ann") as file:
        file.put(note("a"))
        monkeypatch.setattr(journal, "os", _BrokenDisk())
        with pytest.raises(StoreError, match="previous state"):
            file.put(note("lost"))
        monkeypatch.undo()
        assert journal_path_for(path).read_bytes().count(b"\n") == 1  # a half line trails
        file.put(note("b"))  # compacts first, so "b" never lands behind the half line
        assert texts(read_author_file(path)[0]) == ["a", "b"]
        assert notes_in_tinydb_file(path) == ["a"]
    with AuthorFile(path, "ann") as again:
        assert texts(again.records()) == ["a", "b"]


def test_a_newer_schema_is_reported_before_its_journal_is_parsed(path: Path) -> None:
    path.write_text(json.dumps({"_meta": {"1": {"schema_version": SCHEMA_VERSION + 1}}}))
    write_journal(path, b"a format from the future\n" + encode_entry([note("a")]))
    with pytest.raises(StoreTooNew):
        AuthorFile(path, "ann").open()
    with pytest.raises(StoreTooNew):
        read_author_file(path)
