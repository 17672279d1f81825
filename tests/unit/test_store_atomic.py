"""Atomic TinyDB storage: whole files or nothing, and broken files are never replaced."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tinydb import TinyDB

from console.store.atomic import AtomicJSONStorage, atomic_write_bytes
from console.store.errors import StoreCorrupt


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name)


def test_tinydb_reads_and_writes_through_the_atomic_storage(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    with TinyDB(path, storage=AtomicJSONStorage) as db:
        db.table("note").insert({"text": "first"})
        db.table("note").insert({"text": "second"})
        db.table("clock").insert({"state": "running"})
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert on_disk["note"] == {"1": {"text": "first"}, "2": {"text": "second"}}
    with TinyDB(path, storage=AtomicJSONStorage) as db:
        assert [d["text"] for d in db.table("note").all()] == ["first", "second"]
        assert db.table("clock").all()[0]["state"] == "running"
    assert leftovers(tmp_path) == []


def test_incremental_write_matches_a_full_write(tmp_path: Path) -> None:
    storage = AtomicJSONStorage(tmp_path / "a.json")
    data = {"note": {str(i): {"n": i, "text": "é"} for i in range(1, 50)}, "x": {}}
    storage.write(data)
    data["note"]["7"] = {"n": 700}
    data["note"]["50"] = {"n": 50}
    del data["note"]["3"]
    data["x"]["1"] = {"added": True}
    storage.write_docs(data, [("note", "7"), ("note", "50"), ("note", "3"), ("x", "1")])
    assert json.loads((tmp_path / "a.json").read_bytes()) == data


def test_failed_write_keeps_the_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.json"
    atomic_write_bytes(path, b'{"old": {}}')

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space"):
        atomic_write_bytes(path, b'{"new": {}}')
    assert path.read_bytes() == b'{"old": {}}'
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "garbage",
    [b"{not json", b"\xff\xfe\x00", b"[1, 2]", b'{"note": [1]}', b'{"note": {"x": {}}}', b"  \n"],
)
def test_unparsable_file_is_refused_and_left_byte_for_byte(tmp_path: Path, garbage: bytes) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(garbage)
    storage = AtomicJSONStorage(path)
    with pytest.raises(StoreCorrupt) as caught:
        storage.read()
    assert caught.value.path == path
    with pytest.raises(StoreCorrupt):
        storage.write_docs({"note": {}}, ())
    assert path.read_bytes() == garbage


def test_read_only_storage_rereads_and_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    writer = AtomicJSONStorage(path)
    writer.write({"t": {"1": {"v": 1}}})
    reader = AtomicJSONStorage(path, read_only=True)
    assert reader.read() == {"t": {"1": {"v": 1}}}
    writer.write({"t": {"1": {"v": 2}}})
    assert reader.read() == {"t": {"1": {"v": 2}}}
    with pytest.raises(PermissionError):
        reader.write({})
    assert os.listdir(tmp_path) == ["a.json"]


def test_a_document_removed_without_being_named_is_still_written_correctly(tmp_path: Path) -> None:
    storage = AtomicJSONStorage(tmp_path / "a.json")
    data = {"t": {"1": {"v": 1}, "2": {"v": 2}}}
    storage.write(data)
    del data["t"]["2"]
    storage.write_docs(data, ())  # the caller forgot to name it; the size check catches that
    assert json.loads((tmp_path / "a.json").read_bytes()) == {"t": {"1": {"v": 1}}}
