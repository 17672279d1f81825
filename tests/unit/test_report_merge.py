"""Folding in copied session files: idempotent and commutative, and bad paths refused whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.report.build import build_report
from console.report.merge import MergeError, load_copied, merge_records
from console.report.render_json import render_json
from console.store import SessionFolder
from console.store.records import Record
from tests.data.report.fixture_session import NOW, make_fixture, write_records


def _record(kind: str, rid: str, author: str, rev: int, at: str, deleted: bool) -> Record:
    # One author writes one revision once: equal versions always carry equal data (the
    # invariant the merge relies on; records.wins does not compare data).
    return Record(kind, rid, author, rev, at, deleted, {"text": f"{author}/{rev}/{at}"})


records = st.builds(
    _record,
    st.sampled_from(["note", "moderation", "question"]),
    st.sampled_from(["a", "b", "c"]),
    st.sampled_from(["Fran", "Nia", "Omar"]),
    st.integers(min_value=1, max_value=4),
    st.sampled_from(["2025-12-17T20:00:00", "2025-12-17T20:05:00"]),
    st.booleans(),
)
batches = st.lists(st.lists(records, max_size=6), max_size=4)


@given(batches)
def test_merge_is_idempotent(parts: list[list[Record]]) -> None:
    once = merge_records(*parts)
    assert merge_records(*parts, *parts) == once
    assert merge_records(once.values(), *parts) == once


@given(batches, st.randoms())
def test_merge_is_commutative(parts: list[list[Record]], rnd: object) -> None:
    shuffled = list(parts)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert merge_records(*shuffled) == merge_records(*parts)


def test_copied_note_taker_file_reaches_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder_path = make_fixture(tmp_path / "data")
    monkeypatch.chdir(tmp_path / "data")
    elsewhere = tmp_path / "usb"
    elsewhere.mkdir()
    extra = Record(
        "note",
        "from-laptop",
        "Omar Offline",
        1,
        "2025-12-17T21:00:00+00:00",
        False,
        {"kind": "concern", "text": "Radio dead zones in the gym", "themes": []},
    )
    copied = write_records(elsewhere, "Omar Offline", [extra])
    folder = SessionFolder.open(folder_path)
    once = build_report(folder, now=NOW, extra=load_copied([copied]))
    twice = build_report(folder, now=NOW, extra=load_copied([copied, elsewhere, copied]))
    assert "Radio dead zones in the gym" in [n.text for n in once.notes]
    assert render_json(once) == render_json(twice)
    # merging the session's own folder changes nothing
    same = build_report(folder, now=NOW, extra=load_copied([folder_path]))
    assert render_json(same) == render_json(build_report(folder, now=NOW))


def test_bad_merge_paths_are_refused(tmp_path: Path) -> None:
    with pytest.raises(MergeError, match="does not exist"):
        load_copied([tmp_path / "nope.json"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(MergeError, match="no session files"):
        load_copied([tmp_path / "empty"])
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(MergeError, match=r"broken\.json"):
        load_copied([broken])
    assert broken.read_text(encoding="utf-8") == "{not json"  # left as it was
    (tmp_path / "session.json").write_text(json.dumps({}), encoding="utf-8")
    with pytest.raises(MergeError, match="not an author"):
        load_copied([tmp_path / "session.json"])
