"""AuthorFile: durable write-through, one writer, schema version, broken files kept."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from console.store import (
    SCHEMA_VERSION,
    AuthorFile,
    StoreCorrupt,
    StoreError,
    StoreLocked,
    StoreTooNew,
    journal,
)
from console.store import atomic as atomic_storage
from console.store.author_file import read_author_file
from console.store.journal import journal_path_for
from console.store.records import Record

REPO = Path(__file__).resolve().parents[2]


def note(text: str, author: str = "ann") -> Record:
    return Record("note", f"id-{text}", author, data={"text": text})


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "ann.json"


def journal_lines(path: Path) -> list[bytes]:
    return journal_path_for(path).read_bytes().splitlines()


def test_put_is_on_disk_when_it_returns(path: Path) -> None:
    file = AuthorFile(path, "ann")
    file.open()
    first = note("hello")
    second = first.revised("ann", {"text": "hello again"})
    file.put(first)
    file.put(second)
    file.put(Record("moderation", "q1", "ann", data={"state": "answered"}))
    # Read the bytes without closing, as a crash would leave them: the TinyDB file has the
    # schema and author, the journal one checksummed line per put.
    raw = json.loads(path.read_bytes())
    assert raw["_meta"]["1"]["schema_version"] == SCHEMA_VERSION
    assert raw["_meta"]["1"]["author"] == "ann"
    lines = journal_lines(path)
    assert len(lines) == 3
    assert [json.loads(line[9:])["data"] for line in lines] == [
        {"text": "hello"},
        {"text": "hello again"},
        {"state": "answered"},
    ]
    records, problems = read_author_file(path)
    on_disk = {r.key: r for r in records}
    assert problems == [] and len(on_disk) == 2
    assert on_disk[second.key] == second
    assert on_disk[("moderation", "q1")].data == {"state": "answered"}
    file.close()
    # Closing compacted the journal into the TinyDB file.
    raw = json.loads(path.read_bytes())
    assert [d["data"]["text"] for d in raw["note"].values()] == ["hello again"]
    assert raw["moderation"]["1"]["data"] == {"state": "answered"}
    assert journal_path_for(path).read_bytes() == b""
    with AuthorFile(path, "ann") as again:
        assert again.get("note", "id-hello") == second
        assert [r.kind for r in again.records()] == ["note", "moderation"]
        assert again.records("moderation")[0].data == {"state": "answered"}


def test_put_many_lands_every_kind_in_one_write(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rewrites: list[int] = []
    real = atomic_storage.atomic_write_bytes

    def counting(target: Path, payload: bytes) -> None:
        rewrites.append(len(payload))
        real(target, payload)

    with AuthorFile(path, "ann") as file:
        monkeypatch.setattr(atomic_storage, "atomic_write_bytes", counting)
        batch = [note(str(i)) for i in range(10)] + [Record("clock", "c", "ann", data={"s": 1})]
        file.put_many(batch)
        assert rewrites == []  # no rewrite of the TinyDB file, one journal line instead
        (line,) = journal_lines(path)
        assert [raw["id"] for raw in json.loads(line[9:])] == [r.id for r in batch]
        assert {r.key for r in file.records()} == {r.key for r in batch}


class _FullDisk:
    """Stands in for ``os`` inside the journal: writes half a line, then the disk is full."""

    def __getattr__(self, name: str) -> object:
        return getattr(os, name)

    @staticmethod
    def write(fd: int, data: bytes) -> int:
        os.write(fd, bytes(data[: len(data) // 2]))
        raise OSError(28, "No space left on device")


def test_a_failed_write_changes_neither_memory_nor_file(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with AuthorFile(path, "ann") as file:
        file.put(note("kept"))
        before, journal_before = path.read_bytes(), journal_path_for(path).read_bytes()
        monkeypatch.setattr(journal, "os", _FullDisk())
        with pytest.raises(StoreError, match="previous state"):
            file.put_many([note("lost"), note("kept").revised("ann", {"text": "changed"})])
        assert [r.data["text"] for r in file.records()] == ["kept"]
        assert path.read_bytes() == before
        assert journal_path_for(path).read_bytes() == journal_before  # half line cut away
        monkeypatch.undo()
        file.put(note("later"))
    with AuthorFile(path, "ann") as again:
        assert sorted(r.data["text"] for r in again.records()) == ["kept", "later"]


def test_record_that_is_not_json_is_refused_cleanly(path: Path) -> None:
    with AuthorFile(path, "ann") as file:
        with pytest.raises(StoreError, match="cannot be stored"):
            file.put(Record("note", "n", "ann", data={"x": float("nan")}))
        with pytest.raises(StoreError, match="not allowed"):
            file.put(Record("_meta", "n", "ann"))
        assert file.records() == []


def test_garbage_file_is_kept_untouched_and_the_way_on_is_named(path: Path) -> None:
    garbage = b'{"note": {"1": {"kind": "note", "id": "a", "auth'
    path.write_bytes(garbage)
    file = AuthorFile(path, "ann")
    with pytest.raises(StoreCorrupt) as caught:
        file.open()
    err = caught.value
    assert err.path == path and err.owner == path
    assert str(path) in str(err) and "untouched" in str(err)
    assert "--set-aside-damaged" in str(err) and "ann.json.damaged-<time>" in str(err)
    assert path.read_bytes() == garbage
    # The lock was released, so trying again reports the same problem, not a lock.
    with pytest.raises(StoreCorrupt):
        AuthorFile(path, "ann").open()
    assert path.read_bytes() == garbage
    assert sorted(p.name for p in path.parent.iterdir()) == ["ann.json", "ann.json.lock"]


def test_an_empty_file_is_refused_not_silently_restarted(path: Path) -> None:
    path.write_bytes(b"")
    with pytest.raises(StoreCorrupt, match="empty"):
        AuthorFile(path, "ann").open()
    assert path.read_bytes() == b""
    with AuthorFile(path.with_name("new.json"), "ann") as fresh:  # a missing file is no damage
        fresh.put(note("first"))


def test_file_with_an_invalid_record_is_refused_not_rewritten(path: Path) -> None:
    content = {"_meta": {"1": {"schema_version": 1, "author": "ann"}}, "note": {"1": {"id": 3}}}
    path.write_text(json.dumps(content))
    before = path.read_bytes()
    with pytest.raises(StoreCorrupt, match="document 1"):
        AuthorFile(path, "ann").open()
    assert path.read_bytes() == before


def test_newer_schema_is_refused_and_left_alone(path: Path) -> None:
    path.write_text(json.dumps({"_meta": {"1": {"schema_version": SCHEMA_VERSION + 1}}}))
    before = path.read_bytes()
    with pytest.raises(StoreTooNew, match="Upgrade") as caught:
        AuthorFile(path, "ann").open()
    assert caught.value.found == SCHEMA_VERSION + 1
    assert path.read_bytes() == before


def test_unversioned_file_is_migrated_and_the_original_kept(path: Path) -> None:
    before = note("from before")
    old = {"note": {"4": before.to_json()}}
    path.write_text(json.dumps(old))
    original = path.read_bytes()
    with AuthorFile(path, "ann") as file:
        assert file.migrated_from == 0
        assert file.meta["schema_version"] == SCHEMA_VERSION
        assert file.get("note", "id-from before") == before
        file.put(note("after"))
    assert (path.parent / "ann.json.schema-0.bak").read_bytes() == original
    raw = json.loads(path.read_bytes())
    assert raw["note"]["4"]["data"]["text"] == "from before"
    assert raw["_meta"]["1"]["schema_version"] == SCHEMA_VERSION


def test_someone_elses_file_is_not_opened_for_writing(path: Path) -> None:
    with AuthorFile(path, "ann") as file:
        file.put(note("mine"))
    with pytest.raises(StoreError, match="belongs to 'ann'"):
        AuthorFile(path, "bob").open()
    with AuthorFile(path, "bob", read_only=True) as reader:
        assert len(reader.records()) == 1


def test_read_only_takes_no_lock_creates_nothing_and_refuses_puts(tmp_path: Path) -> None:
    missing = tmp_path / "nobody.json"
    with AuthorFile(missing, "nobody", read_only=True) as reader:
        assert reader.records() == []
        with pytest.raises(StoreError, match="read-only"):
            reader.put(note("x"))
    assert list(tmp_path.iterdir()) == []


def test_second_open_in_the_same_process_is_refused(path: Path) -> None:
    first = AuthorFile(path, "ann")
    first.open()
    with pytest.raises(StoreLocked) as caught:
        AuthorFile(path, "ann").open()
    assert caught.value.holder["pid"] == os.getpid()
    assert "--read-only" in str(caught.value)
    with AuthorFile(path, "ann", read_only=True):
        pass  # readers are never refused
    first.close()
    with AuthorFile(path, "ann") as second:
        second.put(note("after the first closed"))


def test_another_process_holding_the_lock_is_named(path: Path) -> None:
    holder_code = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from console.store import AuthorFile
        f = AuthorFile(Path({str(path)!r}), "ann")
        f.open()
        print("ready", flush=True)
        sys.stdin.readline()
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", holder_code],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        with pytest.raises(StoreLocked) as caught:
            AuthorFile(path, "ann").open()
        assert caught.value.holder["pid"] == child.pid
        assert caught.value.holder["author"] == "ann"
        assert f"pid {child.pid}" in str(caught.value)
        assert "--read-only" in str(caught.value)
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait(timeout=60)
    with AuthorFile(path, "ann") as file:  # the lock died with its process
        file.put(note("mine now"))


def test_temp_files_left_by_a_crash_are_cleared_on_open(path: Path) -> None:
    with AuthorFile(path, "ann") as file:
        file.put(note("a"))
    stale = path.parent / ".ann.json.tmp-abc123"
    stale.write_bytes(b'{"half')
    stale_journal = path.parent / ".ann.json.journal.tmp-abc123"
    stale_journal.write_bytes(b"")
    other = path.parent / ".bob.json.tmp-abc123"
    other.write_bytes(b"not mine")
    with AuthorFile(path, "ann") as file:
        assert len(file.records()) == 1
    assert not stale.exists() and not stale_journal.exists()
    assert other.exists()


def test_put_before_open_is_a_clear_error(path: Path) -> None:
    with pytest.raises(StoreError, match="not open"):
        AuthorFile(path, "ann").put(note("x"))


def test_missing_folders_are_created_for_a_writer(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "ann.json"
    with AuthorFile(path, "ann") as file:
        file.put(note("x"))
    assert path.is_file()


def test_lock_message_without_holder_details_is_still_clear(tmp_path: Path) -> None:
    err = StoreLocked(tmp_path / "ann.json", {})
    assert "ann.json" in str(err) and "--read-only" in str(err)
