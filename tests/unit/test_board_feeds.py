"""Feed updates into board records, the one feed-cache file for every source, status words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from console.board.feeds import (
    BoardFeeds,
    CacheFollower,
    cache_path,
    count,
    label_for,
    pack,
    queue_line,
    status_line,
    unpack,
    write_cache,
)
from console.board.model import Board
from console.clock.model import PlannedSegment
from console.clock.run_of_show import RunOfShow
from console.feeds.cache import FeedCache
from console.feeds.config import SourceConfig
from console.feeds.model import FeedQuestion
from console.feeds.poller import FeedStatus, FeedUpdate
from console.notes.notebook import NoteBook

T0 = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)
NY = ZoneInfo("America/New_York")


def q(i: int, text: str | None = None) -> FeedQuestion:
    return FeedQuestion(str(i), text or f"q{i}", submitted_at=T0 + timedelta(minutes=i))


def update(questions: list[FeedQuestion], changed: bool = True, ok: bool = True) -> FeedUpdate:
    status = FeedStatus(
        ok=ok,
        message="3 questions" if ok else "the URL returned a sign-in page; keeping the last 3",
        last_success_at=T0 if ok else None,
        last_attempt_at=T0,
        question_count=len(questions),
        source_label="https://docs.google.com/x?key=***",
        retry_in=None if ok else 30.0,
    )
    return FeedUpdate(tuple(questions), changed, status)


def test_labels_are_stable_and_distinct() -> None:
    form = SourceConfig("https://a/x.csv", "csv")
    intake = SourceConfig("http://127.0.0.1:1/", "intake")
    assert label_for(form, []) == "form"
    assert label_for(intake, ["form"]) == "intake"
    assert label_for(form, ["form", "intake"]) == "form-2"


def test_pack_and_unpack_round_trip_every_source() -> None:
    packed = pack({"form": [q(1), q(2)], "intake": [q(1)]})
    assert [p.source_id for p in packed] == ["form:1", "form:2", "intake:1"]
    back = unpack(packed)
    assert back == {"form": [q(1), q(2)], "intake": [q(1)]}
    assert unpack([q(7)]) == {"form": [q(7)]}  # a label-less id belongs to the form


def test_update_records_arrivals_and_says_when_to_repaint() -> None:
    board = Board("fac", lambda: T0)
    feeds = BoardFeeds(board, writes_cache=True)
    label = feeds.add(SourceConfig("https://a/x.csv", "csv"))
    first = feeds.apply(label, update([q(1), q(2)]), "welcome")
    assert first.repaint and first.cache_due
    assert {r.id for r in first.records} == {"form:1", "form:2"}
    assert all(r.data["arrived_segment_id"] == "welcome" for r in first.records)
    same = feeds.apply(label, update([q(1), q(2)], changed=False), "welcome")
    assert not same.repaint and not same.cache_due and not same.records
    failed = feeds.apply(label, update([q(1), q(2)], changed=False, ok=False), "welcome")
    assert not failed.repaint and not failed.cache_due
    assert feeds.problem
    assert len(board.questions()) == 2  # the last good board is kept


def test_reader_console_never_writes_the_cache() -> None:
    feeds = BoardFeeds(Board("sam", lambda: T0, role="notes"), writes_cache=False)
    applied = feeds.apply("form", update([q(1)]), "welcome")
    assert applied.repaint and not applied.cache_due and not applied.records


def test_cache_file_holds_every_source_and_replays_without_a_segment(tmp_path: Path) -> None:
    board = Board("fac", lambda: T0)
    feeds = BoardFeeds(board, writes_cache=True)
    form = SourceConfig("https://a/x.json?apiKey=SECRET", "jotform")
    feeds.apply(feeds.add(form), update([q(1)]), "welcome")
    feeds.apply(feeds.add(SourceConfig("http://127.0.0.1:1/", "intake")), update([q(9)]), None)
    cache = FeedCache(cache_path(tmp_path))
    questions, _kept, where = feeds.cache_contents()
    write_cache(cache, questions, where, T0)
    assert "SECRET" not in where and "form=" in where
    assert "SECRET" not in cache.path.read_text(encoding="utf-8")
    fresh = Board("fac", lambda: T0)
    again = BoardFeeds(fresh, writes_cache=True)
    assert again.replay(cache.load())
    assert sorted(fresh.keys()) == ["form:1", "intake:9"]
    assert again.initial("intake") == (q(9),)
    # replay never stamps arrivals with the segment in play
    assert fresh.get("form:1").arrived_segment_id is None


def test_follower_reloads_only_when_the_file_changes(tmp_path: Path) -> None:
    cache = FeedCache(cache_path(tmp_path))
    follower = CacheFollower(cache)
    assert follower.poll() == (False, None)
    write_cache(cache, pack({"form": [q(1)]}), "form", T0)
    changed, feed = follower.poll()
    assert changed and feed is not None and len(feed.questions) == 1
    assert follower.poll() == (False, None)
    write_cache(cache, pack({"form": [q(1), q(2)]}), "form", T0)
    changed, feed = follower.poll()
    assert changed and feed is not None and len(feed.questions) == 2


def test_status_line_names_the_problem_first_and_redacts() -> None:
    feeds = BoardFeeds(Board("fac", lambda: T0), writes_cache=True)
    label = feeds.add(SourceConfig("https://docs.google.com/x?key=SECRET", "google-forms"))
    assert "SECRET" not in feeds.status_lines(NY)[0]
    assert "not fetched yet" in feeds.status_lines(NY)[0]
    feeds.apply(label, update([q(1)]), None)
    feeds.apply(label, update([q(1)], changed=False, ok=False), None)
    (line,) = feeds.status_lines(NY)
    assert line.startswith("form: PROBLEM: the URL returned a sign-in page")
    assert "last new 15:30" in line  # the agenda's zone, not UTC
    assert "retrying in 30 s" in line
    ok = status_line(feeds.sources[label], NY)
    assert "SECRET" not in ok


def held(questions: list[FeedQuestion], smaller: int) -> FeedUpdate:
    """What the poller reports when the source's new list lost too many questions."""
    status = FeedStatus(
        ok=False,
        message=f"the source now lists {smaller} of the {len(questions)} questions",
        last_success_at=T0,
        last_attempt_at=T0,
        question_count=len(questions),
        source_label="https://docs.google.com/x?key=***",
        held_back=smaller,
    )
    return FeedUpdate(tuple(questions), False, status)


def test_a_held_list_is_a_problem_with_the_accept_key_and_no_cache_write() -> None:
    board = Board("fac", lambda: T0)
    feeds = BoardFeeds(board, writes_cache=True)
    label = feeds.add(SourceConfig("https://docs.google.com/x?key=SECRET", "google-forms"))
    feeds.apply(label, update([q(1), q(2), q(3)]), None)
    applied = feeds.apply(label, held([q(1), q(2), q(3)], 0), None)
    assert not applied.cache_due and not applied.repaint and feeds.problem
    assert len(board.questions()) == 3  # the last good list stays on the board
    (line,) = feeds.status_lines(NY, accept_hint="press A to accept it")
    assert line.startswith("form: PROBLEM: the source now lists 0 of the 3 questions")
    assert "press A to accept it" in line and "retrying" not in line
    assert "press A" not in feeds.status_lines(NY)[0]  # a reader console has no key for it
    accepted = feeds.apply(label, update([]), None)  # accepted: the smaller list, ok again
    assert accepted.cache_due and not feeds.problem
    assert "PROBLEM" not in feeds.status_lines(NY, accept_hint="press A to accept it")[0]


def test_cache_keeps_decided_and_noted_questions_the_source_dropped(tmp_path: Path) -> None:
    board = Board("fac", lambda: T0)
    notebook = NoteBook("fac", lambda: T0, [])
    feeds = BoardFeeds(board, writes_cache=True, notebook=notebook)
    label = feeds.add(SourceConfig("https://a/x.csv", "csv"))
    feeds.apply(label, update([q(1), q(2), q(3), q(4)]), None)
    board.answer("form:1", "Yes, twice a year")
    notebook.add("Follow up with the district", "action", question_key="form:2")
    board.mark_seen(["form:3"])  # looked at, nothing decided
    feeds.apply(label, update([q(4)]), None)  # the smaller list, accepted
    assert sorted(board.keys()) == ["form:1", "form:2", "form:4"]
    questions, kept, where = feeds.cache_contents()
    assert [x.source_id for x in questions] == ["form:4"]
    assert [x.source_id for x in kept] == ["form:1", "form:2"]
    cache = FeedCache(cache_path(tmp_path))
    write_cache(cache, questions, where, T0, kept=kept)
    saved = cache.load()
    assert saved is not None and [x.source_id for x in saved.kept] == ["form:1", "form:2"]
    # after a restart: the board shows them, the poller is seeded with what the form listed
    fresh = Board("fac", lambda: T0)
    again = BoardFeeds(fresh, writes_cache=True)
    again.add(SourceConfig("https://a/x.csv", "csv"))
    again.replay(saved)
    assert sorted(fresh.keys()) == ["form:1", "form:2", "form:4"]
    assert again.initial("form") == (q(4),)
    assert again.cache_contents()[1] == kept
    # a note-taker's console mirrors the file, kept questions too
    reader = Board("sam", lambda: T0, role="notes")
    BoardFeeds(reader, writes_cache=False).replay(saved)
    assert sorted(reader.keys()) == ["form:1", "form:2", "form:4"]


def test_queue_line_weighs_the_queue_against_the_clock() -> None:
    now = [T0]
    segments = [PlannedSegment("a", "A", 10, 2, False), PlannedSegment("b", "B", 5, 1, False)]
    clock = RunOfShow(segments, T0, lambda: now[0])
    board = Board("fac", lambda: T0)
    board.update_feed("form", [q(i) for i in range(8)], None)
    for i in range(7):
        board.queue(f"form:{i}")
    counts = count(board.get(k) for k in board.keys())
    assert counts.by_status["queued"] == 7 and counts.unseen == 1
    assert queue_line(counts, clock) == "7 queued; not started"
    clock.start()
    now[0] = T0 + timedelta(minutes=4)
    assert queue_line(counts, clock) == "7 queued, 6 min left in this segment"
    now[0] = T0 + timedelta(minutes=13)
    assert queue_line(counts, clock) == "7 queued, 3 min over in this segment"
