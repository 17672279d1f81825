"""Session folders: creation, author files, merged reading, polling, finding and resuming."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.store import (
    SESSION_FILE,
    AuthorFile,
    FolderWatcher,
    SessionFolder,
    StoreError,
    author_slug,
    find_session,
    list_sessions,
    resumable_session,
)
from console.store.records import Record

NOW = datetime(2025, 12, 17, 15, 30, tzinfo=UTC)


def make(root: Path, agenda: str = "weekly", minutes_ago: int = 0, **kw: object) -> SessionFolder:
    return SessionFolder.create(
        root,
        agenda=agenda,
        title=str(kw.pop("title", f"{agenda} session")),
        facilitator=str(kw.pop("facilitator", "Fran")),
        now=NOW - timedelta(minutes=minutes_ago),
        **kw,  # type: ignore[arg-type]
    )


def test_create_writes_session_json_that_open_reads_back(tmp_path: Path) -> None:
    session = make(tmp_path, follow_up_of="2025-12-10-1530-aaaaaa", rehearsal=True)
    assert session.path.parent == tmp_path / "sessions"
    assert re.fullmatch(r"2025-12-17-1530-[0-9a-f]{6}", session.info.id)
    assert json.loads((session.path / SESSION_FILE).read_text())["schema_version"] == 1
    again = SessionFolder.open(session.path)
    assert again.info == session.info
    assert again.info.rehearsal and again.info.follow_up_of == "2025-12-10-1530-aaaaaa"


def test_hostile_text_is_cleaned_on_the_way_in(tmp_path: Path) -> None:
    session = make(tmp_path, title="Q&A\x1b[31m red\u202e\nnext line", facilitator="F\x07ran")
    assert session.info.title == "Q&A red next line"
    assert session.info.facilitator == "Fran"


def test_update_info_is_persisted_and_limited_to_known_fields(tmp_path: Path) -> None:
    session = make(tmp_path)
    session.update_info(started_at=NOW, title="Renamed")
    assert SessionFolder.open(session.path).info.started_at == NOW
    assert SessionFolder.open(session.path).info.title == "Renamed"
    with pytest.raises(StoreError, match="cannot be changed"):
        session.update_info(facilitator="Mallory")


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Ann", "ann"),
        ("Zoë O'Hara", "zoe-o-hara"),
        ("../../etc/passwd", "etc-passwd"),
        ("session", "session-author"),
        ("  --  ", None),
        ("李雷", None),
    ],
)
def test_author_paths_stay_in_the_folder(tmp_path: Path, name: str, slug: str | None) -> None:
    session = make(tmp_path)
    path = session.author_path(name)
    assert path.parent == session.path
    assert path.name != SESSION_FILE
    assert re.fullmatch(r"[a-z0-9-]+\.json", path.name)
    if slug is not None:
        assert path.stem == slug
    assert author_slug(name) == path.stem  # stable for the same name


def test_read_all_merges_every_author_and_skips_broken_files(tmp_path: Path) -> None:
    session = make(tmp_path)
    shared = Record("note", "n1", "Fran", data={"text": "v1"})
    with AuthorFile(session.facilitator_path(), "Fran") as fran:
        fran.put(shared)
        fran.put(Record("moderation", "q1", "Fran", data={"state": "pinned"}))
    with AuthorFile(session.author_path("Nia"), "Nia") as nia:
        nia.put(shared.revised("Nia", {"text": "v2 by Nia"}))
        nia.put(Record("note", "n2", "Nia", data={"text": "own"}))
    broken = session.path / "zed.json"
    broken.write_bytes(b"{{{")
    records, warnings = session.read_all()
    assert records[("note", "n1")].data == {"text": "v2 by Nia"}
    assert set(records) == {("note", "n1"), ("note", "n2"), ("moderation", "q1")}
    assert len(warnings) == 1 and "zed.json" in warnings[0]
    assert broken.read_bytes() == b"{{{"
    assert [r.id for r in session.read_file(session.facilitator_path())] == ["n1", "q1"]


def test_changed_files_notices_writes_and_nothing_else(tmp_path: Path) -> None:
    session = make(tmp_path)
    with AuthorFile(session.author_path("Nia"), "Nia") as nia:
        changed, stamps = session.changed_files({})
        assert changed == [session.author_path("Nia")]
        assert session.changed_files(stamps)[0] == []
        nia.put(Record("note", "n", "Nia"))
        changed, stamps = session.changed_files(stamps)
        assert changed == [session.author_path("Nia")]
    session.author_path("Nia").unlink()
    changed, stamps = session.changed_files(stamps)
    assert changed == [session.author_path("Nia")] and stamps == {}


def test_watcher_rereads_only_when_something_changed(tmp_path: Path) -> None:
    session = make(tmp_path)
    watcher = FolderWatcher(session)
    assert watcher.poll() is None
    with AuthorFile(session.author_path("Nia"), "Nia") as nia:
        nia.put(Record("note", "n", "Nia", data={"text": "one"}))
        first = watcher.poll()
        assert first is not None and first.records[("note", "n")].data["text"] == "one"
        assert watcher.poll() is None
        nia.put(Record("note", "n", "Nia", rev=2, data={"text": "two"}))
        second = watcher.poll()
        assert second is not None and second.records[("note", "n")].data["text"] == "two"


def test_list_sessions_is_newest_first_and_tolerates_broken_folders(tmp_path: Path) -> None:
    old = make(tmp_path, minutes_ago=60 * 24)
    new = make(tmp_path)
    (tmp_path / "sessions" / "broken").mkdir()
    (tmp_path / "sessions" / "broken" / SESSION_FILE).write_text("nope")
    (tmp_path / "sessions" / "empty").mkdir()
    assert [s.id for s in list_sessions(tmp_path)] == [new.info.id, old.info.id]
    assert list_sessions(tmp_path / "nowhere") == []


def test_find_session_by_id_prefix_latest_and_path(tmp_path: Path) -> None:
    old = make(tmp_path, minutes_ago=60 * 24)
    new = make(tmp_path)
    assert find_session(tmp_path, "latest").info.id == new.info.id
    assert find_session(tmp_path, old.info.id).path == old.path
    assert find_session(tmp_path, old.info.id[:12]).path == old.path  # only one on 2025-12-16
    assert find_session(tmp_path, str(new.path)).path == new.path
    with pytest.raises(StoreError) as caught:
        find_session(tmp_path, "2025-12")
    assert "several" in str(caught.value) and new.info.id in str(caught.value)
    with pytest.raises(StoreError) as caught:
        find_session(tmp_path, "nothing-like-this")
    assert old.info.id in str(caught.value) and new.info.id in str(caught.value)
    with pytest.raises(StoreError, match="no session"):
        find_session(tmp_path / "empty", "latest")


def test_resumable_session_is_the_latest_unfinished_one_of_that_agenda(tmp_path: Path) -> None:
    assert resumable_session(tmp_path, "weekly", NOW) is None
    earlier = make(tmp_path, minutes_ago=120)
    make(tmp_path, agenda="monthly", minutes_ago=5)
    assert resumable_session(tmp_path, "weekly", NOW) == earlier.info
    later = make(tmp_path, minutes_ago=30)
    later.update_info(started_at=NOW - timedelta(minutes=29))
    assert resumable_session(tmp_path, "weekly", NOW) == later.info
    later.update_info(finished_at=NOW)
    assert resumable_session(tmp_path, "weekly", NOW) == earlier.info
    assert resumable_session(tmp_path, "weekly", NOW + timedelta(hours=13)) is None
    assert resumable_session(tmp_path, "weekly", NOW, within=timedelta(minutes=60)) is None


def test_watcher_skips_the_console_s_own_file(tmp_path: Path) -> None:
    """A console never re-reads its own file (its records are in memory), only the others'."""
    from console.store import AuthorFile, FolderWatcher, SessionFolder
    from console.store.records import Record

    folder = SessionFolder.create(tmp_path, agenda="a", title="T", facilitator="Dana")
    mine = AuthorFile(folder.author_path("Dana"), "Dana")
    theirs = AuthorFile(folder.author_path("Sam"), "Sam")
    mine.open()
    theirs.open()
    try:
        watcher = FolderWatcher(folder, skip=[mine.path])
        watcher.poll()  # the first look reads every other file once
        mine.put(Record("note", "m1", "Dana"))
        assert watcher.poll() is None  # only our own file changed
        theirs.put(Record("note", "s1", "Sam"))
        read = watcher.poll()
        assert read is not None
        assert set(read.records) == {("note", "s1")}
        mine.put(Record("note", "m2", "Dana"))
        assert watcher.poll() is None
    finally:
        mine.close()
        theirs.close()
