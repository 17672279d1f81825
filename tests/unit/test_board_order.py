"""The board's kept lists and counts are patched per changed key; they must always equal what a
board built from scratch (same records, same feed) answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

from console.board.model import Board
from console.feeds.model import FeedQuestion
from console.store.records import Record

T0 = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)
THEMES = ["drills", "funding"]
QUERIES = [
    {},
    {"status": {"new", "queued", "live"}},
    {"sort": "votes"},
    {"theme": "drills"},
    {"search": "radio"},
    {"status": {"dismissed"}, "sort": "votes"},
    {"include_merged": True},
]


class Clock:
    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> datetime:
        self.t += timedelta(seconds=1)
        return self.t


def feed_question(i: int, minute: int | None, votes: int, radio: bool) -> FeedQuestion:
    return FeedQuestion(
        source_id=str(i),
        text=f"question {i}" + (" about radios" if radio else ""),
        submitted_at=None if minute is None else T0 + timedelta(minutes=minute),
        votes=votes,
    )


# One step: (operation, question index, a small number used as minute / votes / flag).
steps = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "add",
                "add",
                "drop",
                "edit",
                "vote",
                "queue",
                "live",
                "answer",
                "dismiss",
                "restore",
                "star",
                "tag",
                "merge",
                "unmerge",
                "seen",
                "manual",
                "query",
            ]
        ),
        st.integers(0, 11),
        st.integers(0, 4),
    ),
    max_size=40,
)


def fresh_copy(board: Board, records: list[Record], feed: list[FeedQuestion]) -> Board:
    other = Board("fac", Clock(), themes=THEMES)
    other.load(records)
    other.update_feed("form", feed, None)
    return other


@settings(max_examples=150)
@given(steps)
@example([("add", 0, 0), ("queue", 0, 0), ("drop", 0, 0)])  # decided, then gone from the form
@example([("add", 2, 0), ("drop", 2, 0), ("add", 0, 2), ("add", 2, 2)])  # gone, then back
def test_patched_lists_and_counts_equal_a_full_rebuild(ops: list[tuple[str, int, int]]) -> None:
    board = Board("fac", Clock(), themes=THEMES)
    feed: dict[int, FeedQuestion] = {}
    records: list[Record] = []
    for query in QUERIES:  # every query has a kept list from the start, patched from then on
        board.questions(**query)  # type: ignore[arg-type]
    board.counts()
    for op, i, n in ops:
        key = f"form:{i}"
        try:
            if op == "add":
                feed[i] = feed_question(i, None if n == 4 else n, n, n % 2 == 0)
            elif op == "drop":
                feed.pop(i, None)
            elif op == "edit" and i in feed:
                feed[i] = replace(feed[i], text=feed[i].text + " again")
            elif op == "vote" and i in feed:
                feed[i] = replace(feed[i], votes=(feed[i].votes or 0) + n + 1)
            elif op == "queue":
                records += board.queue(key)
            elif op == "live":
                records += board.go_live(key, "s1")
            elif op == "answer":
                records += board.answer(key, "done")
            elif op == "dismiss":
                records += board.dismiss(key)
            elif op == "restore":
                records += board.restore(key)
            elif op == "star":
                records += board.star(key)
            elif op == "tag":
                records += board.tag(key, THEMES[n % 2])
            elif op == "merge":
                records += board.merge(key, [f"form:{(i + n + 1) % 12}"])
            elif op == "unmerge":
                records += board.unmerge(key)
            elif op == "seen":
                records += board.mark_seen([key])
            elif op == "manual":
                _key, made = board.add_manual(f"aloud {i} radio", "aloud")
                records += made
        except (KeyError, ValueError):
            pass  # an action the board refuses changes nothing
        records += board.update_feed("form", list(feed.values()), "s1" if n else None)
        if op == "query" or n == 0:
            board.questions(**QUERIES[i % len(QUERIES)])  # type: ignore[arg-type]
    # The same state from scratch: the records, and the feed as the board holds it (questions
    # that left the form but have a decision stay on the board, so they are in it too).
    held = [q for key, q in board._feed.items() if key.startswith("form:")]
    expected = fresh_copy(board, records, held)
    for query in QUERIES:
        got = [q.key for q in board.questions(**query)]  # type: ignore[arg-type]
        want = [q.key for q in expected.questions(**query)]  # type: ignore[arg-type]
        assert got == want, query
        assert board.questions(**query) == expected.questions(**query)  # type: ignore[arg-type]
    assert board.counts() == expected.counts()
    assert board.new_count() == expected.new_count()


def test_unchanged_objects_are_not_compared_and_equal_copies_change_nothing() -> None:
    board = Board("fac", Clock())
    feed = [feed_question(i, i, 0, False) for i in range(5)]
    board.update_feed("form", feed, None)
    version = board.version
    copies = [replace(q) for q in feed]  # equal values, new objects (a re-parsed payload)
    assert board.update_feed("form", copies, None) == []
    assert board.version == version
    edited = [*copies[:2], replace(copies[2], text="changed"), *copies[3:]]
    board.update_feed("form", edited, None)
    assert board.version == version + 1
    assert board.get("form:2").text == "changed"


def test_ties_in_time_keep_arrival_order() -> None:
    board = Board("fac", Clock())
    same = [feed_question(i, 5, 0, False) for i in (3, 1, 2)]
    board.update_feed("form", same, None)
    assert [q.key for q in board.questions()] == ["form:3", "form:1", "form:2"]
    board.update_feed("form", [*same, feed_question(0, 5, 0, False)], None)
    assert [q.key for q in board.questions()] == ["form:3", "form:1", "form:2", "form:0"]


def test_a_decided_question_that_left_the_form_stays_in_every_list() -> None:
    board = Board("fac", Clock())
    board.questions()
    board.update_feed("form", [feed_question(0, 1, 0, False)], None)
    board.queue("form:0")
    board.update_feed("form", [], None)
    assert [q.key for q in board.questions()] == ["form:0"]
    assert board.counts()["queued"] == 1


def test_a_question_that_left_the_form_and_came_back_arrives_anew() -> None:
    board = Board("fac", Clock())
    board.questions()
    board.update_feed("form", [feed_question(2, 5, 0, False)], None)
    board.update_feed("form", [], None)  # undecided: it leaves the board
    back = [feed_question(0, 5, 0, False), feed_question(2, 5, 0, False)]
    board.update_feed("form", back, None)
    assert [q.key for q in board.questions()] == ["form:0", "form:2"]
    restarted = Board("fac", Clock())
    restarted.update_feed("form", list(board.feed_of("form")), None)
    assert [q.key for q in restarted.questions()] == ["form:0", "form:2"]
