"""The decision log: written with each decision, through the writer, kept by restarts and
compactions, read back as live windows and histories by the board and by the report side."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.board.decisions import EVENTS, Decision
from console.board.model import Board
from console.feeds.model import FeedQuestion
from console.report.decision_log import answered_times, decision_log, live_windows
from console.report.render_json import report_schema
from console.session.live import LiveSession
from console.session.setup import prepare
from console.store import (
    APPEND_ONLY_KINDS,
    DECISION_KIND,
    SCHEMA_VERSION,
    AuthorFile,
    Record,
    SessionFolder,
    StoreError,
    StoreWriter,
    journal_path_for,
)

T0 = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)


class Clock:
    """Wall time the test moves by hand, so every decision has a known time."""

    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> datetime:
        return self.t

    def at(self, minutes: float) -> datetime:
        self.t = T0 + timedelta(minutes=minutes)
        return self.t


class Console:
    """A console's session and its writer, as the App holds them (saves go through the writer
    thread: one batch, one journal line, fsync'd)."""

    def __init__(self, root: Path, clock: Clock, session: str | None) -> None:
        launch = prepare(
            root=root,
            agenda_ref=None,
            session_ref=session,
            new=session is None,
            role="facilitator",
            author="Dana Facilitator",
            read_only=False,
            rehearsal=False,
            now=clock,
        )
        self.clock = clock
        self.live = LiveSession(launch, now=clock)
        self.live.open()
        assert self.live.file is not None
        self.writer = StoreWriter(self.live.file)

    @property
    def board(self) -> Board:
        return self.live.board

    def save(self, records: Sequence[Record]) -> None:
        asyncio.run(self.writer.put_many(records))

    def add(self, text: str) -> str:
        key, records = self.board.add_manual(text, "aloud")
        self.save(records)
        return key

    def step(self, minutes: float, act: Callable[[Board], list[Record]]) -> None:
        self.clock.at(minutes)
        self.save(act(self.board))

    def close(self) -> None:
        asyncio.run(self.writer.close())
        self.live.close()


def _run_a_session(root: Path, clock: Clock) -> tuple[str, str, str, str]:
    """Two questions taken live in turn (one twice), one answered, one merged, one deferred;
    the console is closed and reopened in the middle, while a question is live."""
    console = Console(root, clock, None)
    a, b, c = (console.add(f"Question {n}?") for n in "ABC")
    console.step(5, lambda board: board.go_live(a, None))
    console.step(7, lambda board: board.go_live(b, None))  # a back to the queue
    console.step(9, lambda board: board.go_live(a, None))
    session_id = console.live.folder.info.id
    console.close()  # a restart while a is live
    console = Console(root, clock, session_id)
    assert console.board.live_windows(a) == [(clock.at(5), clock.at(7)), (clock.at(9), None)]
    console.step(12, lambda board: board.answer(a, "Covered in the guide."))
    console.step(13, lambda board: board.merge(a, [c]))
    console.step(14, lambda board: board.defer(b))
    console.close()
    return session_id, a, b, c


def test_live_windows_and_history_survive_restarts_and_compaction(tmp_path: Path) -> None:
    clock = Clock()
    session_id, a, b, c = _run_a_session(tmp_path, clock)
    folder = next((tmp_path / "sessions").iterdir())
    own = folder / "dana-facilitator.json"
    # closing compacted: every entry is in the TinyDB file itself, the journal is empty
    assert journal_path_for(own).read_bytes() == b""
    stored = json.loads(own.read_text(encoding="utf-8"))
    assert stored["_meta"]["1"]["schema_version"] == SCHEMA_VERSION == 2
    assert len(stored[DECISION_KIND]) == 10  # live, published, queued, live, live...

    t = lambda m: T0 + timedelta(minutes=m)  # noqa: E731
    expected = {a: [(t(5), t(7)), (t(9), t(12))], b: [(t(7), t(9))]}
    # read back by a new console on the same folder
    again = Console(tmp_path, clock, session_id)
    try:
        assert {k: again.board.live_windows(k) for k in (a, b)} == expected
        events = [(d.event, d.at, d.by) for d in again.board.history(a)]
        assert events == [
            ("live", t(5), "Dana Facilitator"),
            ("published", t(5), "Dana Facilitator"),
            ("queued", t(7), "Dana Facilitator"),
            ("live", t(9), "Dana Facilitator"),
            ("answered", t(12), "Dana Facilitator"),
        ]
        b_events = [d.event for d in again.board.history(b)]
        assert b_events == ["live", "published", "queued", "deferred"]
    finally:
        again.close()
    # and by the plain functions, from the folder alone
    assert live_windows(folder) == expected
    assert live_windows(SessionFolder.open(folder)) == expected
    assert answered_times(folder) == {a: t(12)}
    log = decision_log(folder)
    assert [d.at for d in log] == sorted(d.at for d in log)
    merged = [(d.question_key, d.merged_into) for d in log if d.event == "merged"]
    assert merged == [(c, a)]
    assert all(d.role == "facilitator" for d in log)


def test_frequent_compactions_keep_every_entry(tmp_path: Path) -> None:
    """A compaction keeps one revision per record: each entry is a record of its own."""
    path = tmp_path / "fran.json"
    clock = Clock()
    board = Board("Fran", clock)
    board.update_feed("form", [FeedQuestion(str(i), f"q {i}") for i in range(3)], None)
    with AuthorFile(path, "Fran", compact_records=2) as file:
        for minute in range(12):
            clock.at(minute)
            key = f"form:{minute % 3}"
            file.put_many(board.go_live(key))
        compactions = file.compactions
    assert compactions >= 5
    reread = Board("reader", clock, role="notes")
    with AuthorFile(path, "Fran", read_only=True) as file:
        reread.load(file.records())
    for key in ("form:0", "form:1", "form:2"):
        assert reread.live_windows(key) == board.live_windows(key)
        assert [d.id for d in reread.history(key)] == [d.id for d in board.history(key)]
    assert len(reread.live_windows("form:0")) == 4


def test_the_store_refuses_to_revise_or_delete_an_entry(tmp_path: Path) -> None:
    assert DECISION_KIND in APPEND_ONLY_KINDS
    board = Board("Fran", Clock())
    board.update_feed("form", [FeedQuestion("1", "q")], None)
    records = board.go_live("form:1")
    entry = next(r for r in records if r.kind == DECISION_KIND)
    path = tmp_path / "fran.json"
    with AuthorFile(path, "Fran") as file:
        file.put_many(records)
        file.put(entry)  # the same entry again changes nothing
        for bad in (
            entry.revised("Fran", {**entry.data, "event": "answered"}),
            entry.revised("Fran", deleted=True),
            Record(DECISION_KIND, entry.id, "Fran", 1, entry.updated_at, False, {"x": 1}),
        ):
            with pytest.raises(StoreError, match="append-only"):
                file.put_many([bad, Record("note", "n1", "Fran", 1, data={"text": "kept?"})])
        assert file.get("note", "n1") is None  # the batch was refused whole
        assert file.get(DECISION_KIND, entry.id) == entry


def test_a_version_1_file_is_upgraded_and_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "fran.json"
    mod = Record("moderation", "form:1", "Fran", 1, T0.isoformat(), data={"status": "answered"})
    original = {
        "_meta": {"1": {"schema_version": 1, "author": "Fran"}},
        "moderation": {"1": mod.to_json()},
    }
    path.write_text(json.dumps(original), encoding="utf-8")
    with AuthorFile(path, "Fran") as file:
        assert file.migrated_from == 1
        assert file.get("moderation", "form:1") is not None
    assert json.loads(path.read_text())["_meta"]["1"]["schema_version"] == 2
    backup = tmp_path / "fran.json.schema-1.bak"
    assert json.loads(backup.read_text()) == original


def test_each_decision_is_logged_once_with_what_changed() -> None:
    clock = Clock()
    board = Board("Fran", clock, themes=["drills"])
    board.update_feed("form", [FeedQuestion(str(i), f"q {i}") for i in range(3)], None)

    def events(records: list[Record]) -> list[tuple[str, str]]:
        return [
            (r.data["question_key"], r.data["event"]) for r in records if r.kind == DECISION_KIND
        ]

    assert events(board.go_live("form:0", "s1")) == [("form:0", "live"), ("form:0", "published")]
    second = [("form:0", "queued"), ("form:1", "live"), ("form:1", "published")]
    assert events(board.go_live("form:1")) == second
    assert events(board.answer("form:1", "done")) == [("form:1", "answered")]
    assert events(board.answer("form:1", "better note")) == [("form:1", "answer_note")]
    assert events(board.star("form:1")) == []  # not a decision the log keeps
    assert events(board.tag("form:1", "drills")) == []
    assert events(board.dismiss("form:2")) == [("form:2", "dismissed")]
    assert events(board.restore("form:2")) == [("form:2", "restored")]
    assert events(board.merge("form:1", ["form:2"])) == [("form:2", "merged")]
    assert events(board.unmerge("form:2")) == [("form:2", "unmerged")]
    assert events(board.hide("form:2")) == [("form:2", "hidden")]
    assert events(board.publish("form:2")) == [("form:2", "published")]
    assert events(board.mark_seen(["form:2"])) == []
    numbers = [d.number for key in ("form:0", "form:1", "form:2") for d in board.history(key)]
    assert sorted(numbers) == list(range(1, len(numbers) + 1))
    live = board.history("form:0")[0]
    assert (live.segment_id, live.status_from, live.status_to) == ("s1", "new", "live")


def test_a_note_taker_reads_the_log_but_writes_none() -> None:
    fac = Board("Fran", Clock())
    fac.update_feed("form", [FeedQuestion("1", "q")], None)
    records = fac.go_live("form:1") + fac.defer("form:1")
    notes = Board("Nia", Clock(), role="notes")
    notes.update_feed("form", [FeedQuestion("1", "q")], None)
    before = notes.version
    for record in records:
        notes.apply(record)
        notes.apply(record)  # twice: nothing doubles
    assert notes.version > before
    assert [d.event for d in notes.history("form:1")] == ["live", "published", "deferred"]
    assert notes.live_windows("form:1") == fac.live_windows("form:1")
    with pytest.raises(PermissionError):
        notes.go_live("form:1")


def test_odd_entries_are_left_out_not_fatal() -> None:
    good = {"question_key": "form:1", "event": "live", "at": T0.isoformat(), "to": "live"}
    assert Decision.from_record(Record(DECISION_KIND, "x", "Fran", data=good)) is not None
    for bad in (
        {**good, "event": "exploded"},
        {**good, "at": "yesterday"},
        {**good, "question_key": 7},
        {},
    ):
        assert Decision.from_record(Record(DECISION_KIND, "x", "Fran", data=bad)) is None
    odd = Decision.from_record(
        Record(DECISION_KIND, "x", "Fran", data={**good, "to": "flying", "number": True})
    )
    assert odd is not None and odd.status_to is None and odd.number == 0


def test_the_report_schema_names_every_event() -> None:
    question = report_schema()["properties"]["questions"]["items"]["properties"]
    assert question["decisions"]["items"]["properties"]["event"]["enum"] == list(EVENTS)
