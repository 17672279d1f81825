"""Setting a damaged author file aside: real damaged files, nothing deleted, records kept."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.store import (
    AuthorFile,
    SessionFolder,
    StoreCorrupt,
    StoreError,
    StoreLocked,
    StoreTooNew,
)
from console.store import set_aside as set_aside_module
from console.store.atomic import encode_json
from console.store.errors import SET_ASIDE_OPTION
from console.store.journal import encode_entry, journal_path_for
from console.store.records import Record
from console.store.set_aside import damaged_path_for, scan_records, set_aside_damaged

WHEN = datetime(2025, 12, 17, 20, 35, 0, tzinfo=UTC)


def note(text: str, rev: int = 1) -> Record:
    return Record("note", f"id-{text}", "ann", rev=rev, data={"text": text, "n": {"k": [1, 2]}})


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "ann.json"


def saved_file(path: Path, records: list[Record]) -> bytes:
    """A real author file holding ``records`` (written and compacted by the store itself)."""
    with AuthorFile(path, "ann") as file:
        file.put_many(records)
    return path.read_bytes()


def add_journal(path: Path, records: list[Record]) -> bytes:
    """Journal lines a console left behind (as after a kill between compactions)."""
    journal = journal_path_for(path)
    payload = b"".join(encode_entry([r]) for r in records)
    with journal.open("ab") as handle:
        handle.write(payload)
    return journal.read_bytes()


def whole_in(raw: bytes, records: list[Record]) -> set[tuple[str, str]]:
    """Keys of the records whose stored document is entirely inside ``raw``."""
    return {r.key for r in records if encode_json(r.to_json()) in raw}


def reopened(path: Path) -> dict[tuple[str, str], Record]:
    with AuthorFile(path, "ann") as file:
        return {r.key: r for r in file.records()}


def refusal(path: Path) -> StoreCorrupt:
    with pytest.raises(StoreCorrupt) as caught:
        AuthorFile(path, "ann").open()
    return caught.value


def test_truncated_json_keeps_every_whole_record_and_the_journal(path: Path) -> None:
    in_file = [note(f"file {i}") for i in range(6)]
    full = saved_file(path, in_file)
    cut = full[: int(len(full) * 0.6)]  # a copy or a disk that lost the end of the file
    path.write_bytes(cut)
    in_journal = [note("journal only"), note("file 1", rev=2)]
    journal_raw = add_journal(path, in_journal)
    err = refusal(path)
    assert SET_ASIDE_OPTION in str(err) and "untouched" in str(err)
    assert path.read_bytes() == cut  # the refusal kept the bytes

    recovery = set_aside_damaged(path, "ann", now=WHEN)

    assert recovery is not None
    aside = path.with_name("ann.json.damaged-20251217-203500")
    assert recovery.moved == ((path, aside), (journal_path_for(path), journal_path_for(aside)))
    assert aside.read_bytes() == cut
    assert journal_path_for(aside).read_bytes() == journal_raw
    expected = whole_in(cut, in_file) | {r.key for r in in_journal}
    assert 0 < len(whole_in(cut, in_file)) < len(in_file)  # the cut really lost some
    records = reopened(path)
    assert set(records) == expected
    assert recovery.recovered == len(expected)
    assert records[("note", "id-file 1")].rev == 2  # the journal's newer revision won
    assert recovery.from_journal == 2
    summary = recovery.summary()
    assert aside.name in summary and f"{len(expected)} records recovered" in summary


def test_garbage_bytes_in_the_middle_lose_only_what_they_hit(path: Path) -> None:
    in_file = [note(f"rec {i}") for i in range(8)]
    full = bytearray(saved_file(path, in_file))
    middle = len(full) // 2
    full[middle : middle + 40] = b"\x00\xff\xfe{{\x8b garbage ]]}\x00" * 2 + b"\x01" * 8
    path.write_bytes(bytes(full))
    refusal(path)

    recovery = set_aside_damaged(path, "ann", now=WHEN)

    assert recovery is not None
    survivors = whole_in(bytes(full), in_file)
    assert 0 < len(survivors) < len(in_file)
    assert set(reopened(path)) == survivors
    assert recovery.moved[0][1].read_bytes() == bytes(full)


def test_pure_garbage_file_keeps_the_journal_records(path: Path) -> None:
    garbage = bytes(range(256)) * 3
    path.write_bytes(garbage)
    in_journal = [note("a"), note("b")]
    add_journal(path, in_journal)

    recovery = set_aside_damaged(path, "ann", now=WHEN)

    assert recovery is not None and recovery.from_file == 0
    assert set(reopened(path)) == {r.key for r in in_journal}
    assert recovery.moved[0][1].read_bytes() == garbage


def test_empty_file_is_refused_then_set_aside_with_its_journal_records(path: Path) -> None:
    path.write_bytes(b"")
    in_journal = [note("kept in the journal")]
    add_journal(path, in_journal)
    err = refusal(path)
    assert "empty" in err.reason and SET_ASIDE_OPTION in str(err)

    recovery = set_aside_damaged(path, "ann", now=WHEN)

    assert recovery is not None
    aside = recovery.moved[0][1]
    assert aside.exists() and aside.read_bytes() == b""
    assert set(reopened(path)) == {r.key for r in in_journal}
    assert recovery.recovered == 1 and "1 record recovered" in recovery.summary()


def test_damaged_journal_line_is_skipped_and_the_good_ones_kept(path: Path) -> None:
    in_file = [note("in file")]
    file_bytes = saved_file(path, in_file)
    good = [note("before"), note("after")]
    journal = journal_path_for(path)
    bad_line = b"0badf00d " + json.dumps(note("flipped").to_json()).encode() + b"\n"
    journal.write_bytes(encode_entry([good[0]]) + bad_line + encode_entry([good[1]]))
    journal_before = journal.read_bytes()
    err = refusal(path)
    assert err.path == journal and err.owner == path

    recovery = set_aside_damaged(path, "ann", now=WHEN)

    assert recovery is not None and recovery.skipped_lines == 1
    assert set(reopened(path)) == {r.key for r in in_file + good}
    aside = recovery.moved[0][1]
    assert aside.read_bytes() == file_bytes
    assert journal_path_for(aside).read_bytes() == journal_before
    assert "1 damaged journal line(s) left behind" in recovery.summary()


def test_invalid_documents_are_left_behind_and_counted(path: Path) -> None:
    good = note("valid")
    content = {
        "_meta": {"1": {"schema_version": 1, "author": "ann"}},
        "note": {"1": good.to_json(), "2": {"id": 3}},
    }
    path.write_text(json.dumps(content))
    refusal(path)

    recovery = set_aside_damaged(path, "ann", now=WHEN)

    assert recovery is not None and recovery.skipped_documents == 1
    assert set(reopened(path)) == {good.key}


def test_a_file_that_reads_fine_is_left_alone(path: Path) -> None:
    before = saved_file(path, [note("fine")])
    assert set_aside_damaged(path, "ann", now=WHEN) is None
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "ann.json",
        "ann.json.journal",
        "ann.json.lock",
    ]


def test_an_earlier_set_aside_file_is_never_overwritten(path: Path) -> None:
    earlier = path.with_name("ann.json.damaged-20251217-203500")
    earlier.write_bytes(b"an earlier damaged file")
    path.write_bytes(b'{"note": {"1": {"kind": "note"')

    recovery = set_aside_damaged(path, "ann", now=WHEN)

    assert recovery is not None
    assert recovery.moved[0][1].name == "ann.json.damaged-20251217-203500-2"
    assert earlier.read_bytes() == b"an earlier damaged file"
    assert damaged_path_for(path, WHEN).name == "ann.json.damaged-20251217-203500-3"


def test_folder_readers_do_not_take_the_set_aside_file_for_an_author(path: Path) -> None:
    folder = SessionFolder.create(path.parent, agenda="a", title="T", facilitator="ann")
    own = folder.author_path("ann")
    saved_file(own, [note("one"), note("two")])
    own.write_bytes(own.read_bytes()[:-30])

    recovery = set_aside_damaged(own, "ann", now=WHEN)

    assert recovery is not None
    assert folder.author_files() == [own]
    records, warnings = folder.read_all()
    assert warnings == []
    assert set(records) == set(reopened(own))


def test_a_file_held_by_another_console_is_not_touched(path: Path) -> None:
    path.write_bytes(b"{broken")
    from console.store.lock import FileLock

    holder = FileLock(path, "ann")
    holder.acquire()
    try:
        with pytest.raises(StoreLocked):
            set_aside_damaged(path, "ann", now=WHEN)
    finally:
        holder.release()
    assert path.read_bytes() == b"{broken"
    assert [p.name for p in path.parent.iterdir() if "damaged" in p.name] == []


def test_a_newer_consoles_file_is_no_damage(path: Path) -> None:
    path.write_text(json.dumps({"_meta": {"1": {"schema_version": 99}}}))
    with pytest.raises(StoreTooNew):
        set_aside_damaged(path, "ann", now=WHEN)
    assert [p.name for p in path.parent.iterdir() if "damaged" in p.name] == []


def test_a_failed_write_leaves_the_damaged_file_in_place_and_a_retry_works(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_file = [note(f"r{i}") for i in range(4)]
    full = saved_file(path, in_file)
    cut = full[:-25]
    path.write_bytes(cut)
    add_journal(path, [note("j")])
    real = set_aside_module.atomic_write_bytes
    calls: list[Path] = []

    def header_write_fails(target: Path, payload: bytes, mode: int | None = None) -> None:
        calls.append(target)
        if target == path:
            raise OSError(28, "No space left on device")
        real(target, payload, mode)

    monkeypatch.setattr(set_aside_module, "atomic_write_bytes", header_write_fails)
    with pytest.raises(StoreError, match="not replaced"):
        set_aside_damaged(path, "ann", now=WHEN)
    assert path.read_bytes() == cut  # still the damaged file: nothing was lost or replaced
    monkeypatch.undo()

    recovery = set_aside_damaged(path, "ann", now=WHEN)

    assert recovery is not None
    assert set(reopened(path)) == whole_in(cut, in_file) | {("note", "id-j")}
    aside_names = sorted(p.name for p in path.parent.iterdir() if ".damaged-" in p.name)
    assert "ann.json.damaged-20251217-203500" in aside_names  # the first try's copy stays


def test_scan_does_not_take_a_records_data_for_a_record() -> None:
    inner = Record("note", "inner", "x").to_json()
    outer = Record("note", "outer", "ann", data={"copy": inner})
    raw = b'{"note": {"1": ' + encode_json(outer.to_json()) + b', "2": {"kind": "no'
    assert [r.id for r in scan_records(raw)] == ["outer"]
