"""The question board: feed intake, views, filters and persistence through records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from console.board.model import Board, question_key
from console.feeds.model import FeedQuestion
from console.store.records import Record, merge

T0 = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)


class Clock:
    """A fake clock that moves one second per reading, so revisions are ordered."""

    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> datetime:
        self.t += timedelta(seconds=1)
        return self.t


def fq(i: int, text: str | None = None, votes: int | None = None, **kw: object) -> FeedQuestion:
    return FeedQuestion(
        source_id=str(i),
        text=text if text is not None else f"question {i}",
        submitted_at=T0 + timedelta(minutes=i),
        votes=votes,
        **kw,  # type: ignore[arg-type]
    )


def board(role: str = "facilitator", n: int = 3, author: str = "fac") -> Board:
    b = Board(author, Clock(), role=role, themes=["drills", "funding"])
    b.update_feed("form", [fq(i) for i in range(n)], None)
    return b


def test_question_key_names_the_source() -> None:
    assert question_key("form", "12") == "form:12"
    assert question_key("manual", "abc") == "manual:abc"


def test_feed_questions_appear_with_source_fields() -> None:
    b = Board("fac", Clock())
    b.update_feed("form", [fq(1, asker="Ana", email="a@x.org", votes=4, topic="Drills")], None)
    q = b.get("form:1")
    assert (q.text, q.asker, q.email, q.votes, q.topic) == (
        "question 1",
        "Ana",
        "a@x.org",
        4,
        "Drills",
    )
    assert q.status == "new" and q.origin == "form" and q.source == "form"
    assert not q.edited and not q.seen


def test_anonymous_asker_is_none() -> None:
    b = Board("fac", Clock())
    b.update_feed("form", [fq(1, asker="")], None)
    assert b.get("form:1").asker is None


def test_unknown_key_raises_key_error() -> None:
    with pytest.raises(KeyError):
        board().get("form:99")


def test_arrivals_during_a_segment_are_recorded() -> None:
    b = board(n=2)
    out = b.update_feed("form", [fq(0), fq(1), fq(2)], "intro")
    assert [(r.kind, r.id, r.rev) for r in out] == [("moderation", "form:2", 1)]
    assert out[0].data["arrived_segment_id"] == "intro"
    assert b.get("form:2").arrived_segment_id == "intro"
    assert b.get("form:0").arrived_segment_id is None


def test_note_takers_board_writes_no_arrival_records() -> None:
    b = board(role="notes", n=2)
    assert b.update_feed("form", [fq(0), fq(1), fq(2)], "intro") == []
    assert b.get("form:2").status == "new"


def test_unchanged_feed_changes_nothing() -> None:
    b = board(n=5)
    before = b.version
    assert b.update_feed("form", [fq(i) for i in range(5)], "intro") == []
    assert b.version == before


def test_changed_votes_bump_version_and_show() -> None:
    b = board(n=2)
    before = b.version
    b.update_feed("form", [fq(0), fq(1, votes=7)], None)
    assert b.version > before
    assert b.get("form:1").votes == 7


def test_edited_feed_question_keeps_its_moderation_and_shows_edited() -> None:
    b = board()
    b.queue("form:1")
    b.star("form:1")
    b.update_feed("form", [fq(0), fq(1, text="question 1, reworded"), fq(2)], None)
    q = b.get("form:1")
    assert q.status == "queued" and q.starred
    assert q.edited
    assert q.text == "question 1, reworded"
    assert not b.get("form:0").edited


def test_acting_again_after_an_edit_acknowledges_it() -> None:
    b = board()
    b.queue("form:1")
    b.update_feed("form", [fq(0), fq(1, text="changed"), fq(2)], None)
    b.go_live("form:1")
    assert not b.get("form:1").edited


def test_questions_gone_from_feed_drop_unless_decided() -> None:
    b = board(n=3)
    b.star("form:2")
    b.update_feed("form", [fq(0)], None)
    assert {q.key for q in b.questions()} == {"form:0", "form:2"}
    # a later snapshot still carries the decided one
    b.update_feed("form", [fq(0)], None)
    assert b.get("form:2").starred


def test_gone_questions_only_seen_or_stamped_on_arrival_drop_noted_ones_stay() -> None:
    """Looking at a question, or its arrival in a segment, is no decision: when the form drops
    it (staff deleting test responses), it goes. A question a note refers to stays."""
    b = Board("fac", Clock(), themes=["drills"])
    b.update_feed("form", [fq(i) for i in range(5)], "welcome")  # arrival records for all
    b.mark_seen(["form:1"])
    b.answer("form:2", "Yes, twice a year")
    b.tag("form:3", "drills")
    b.update_feed("form", [], None, keep={"form:4"})
    assert sorted(b.keys()) == ["form:2", "form:3", "form:4"]
    assert b.get("form:2").answer_note == "Yes, twice a year"
    assert [q.source_id for q in b.feed_of("form")] == ["2", "3", "4"]
    assert b.feed_of("nowhere") == ()


def test_two_sources_are_kept_apart() -> None:
    b = board(n=2)
    b.update_feed("intake", [fq(0, text="other")], None)
    b.update_feed("form", [fq(0)], None)
    assert b.get("intake:0").text == "other"
    assert b.get("intake:0").source == "intake"
    assert "form:1" not in {q.key for q in b.questions()}


def test_sort_by_time_and_votes() -> None:
    b = Board("fac", Clock())
    b.update_feed("form", [fq(1, votes=5), fq(2, votes=1), fq(3, votes=3)], None)
    assert [q.key for q in b.questions()] == ["form:3", "form:2", "form:1"]
    assert [q.key for q in b.questions(sort="votes")] == ["form:1", "form:3", "form:2"]


def test_filters_by_status_theme_and_search() -> None:
    b = Board("fac", Clock(), themes=["drills"])
    b.update_feed(
        "form",
        [fq(1, text="When are DRILLS due?"), fq(2, text="Funding", asker="Bo Lin"), fq(3)],
        None,
    )
    b.queue("form:2")
    b.tag("form:3", "drills")
    assert [q.key for q in b.questions(status={"queued"})] == ["form:2"]
    assert [q.key for q in b.questions(theme="drills")] == ["form:3"]
    assert [q.key for q in b.questions(search="drills")] == ["form:1"]
    assert [q.key for q in b.questions(search="bo lin")] == ["form:2"]
    assert b.questions(search="nothing like this") == []


def test_counts_and_live_question() -> None:
    b = board(n=4)
    b.queue("form:0")
    b.go_live("form:1", "s1")
    b.dismiss("form:2")
    assert b.counts() == {
        "new": 1,
        "queued": 1,
        "live": 1,
        "answered": 0,
        "deferred": 0,
        "dismissed": 1,
    }
    live = b.live_question
    assert live is not None and live.key == "form:1"


def test_new_count_and_mark_seen_for_facilitator() -> None:
    b = board(n=3)
    assert b.new_count() == 3
    out = b.mark_seen(["form:0", "form:1"])
    assert [r.id for r in out] == ["form:0", "form:1"]
    assert all(r.data["seen"] for r in out)
    assert b.new_count() == 1
    assert b.mark_seen(["form:0"]) == []  # already seen: nothing to write
    b.queue("form:2")  # acting on a question means it was looked at
    assert b.new_count() == 0


def test_mark_seen_keeps_the_edited_flag() -> None:
    b = board()
    b.queue("form:1")
    b.update_feed("form", [fq(0), fq(1, text="changed"), fq(2)], None)
    b.mark_seen(["form:1"])
    assert b.get("form:1").edited


def test_note_taker_marks_seen_in_memory_only() -> None:
    b = board(role="notes", n=2)
    assert b.mark_seen(["form:0"]) == []
    assert b.new_count() == 1
    assert b.get("form:0").seen


def test_version_bumps_on_every_action() -> None:
    b = board()
    seen = [b.version]
    b.queue("form:0")
    seen.append(b.version)
    b.star("form:0")
    seen.append(b.version)
    assert seen == sorted(set(seen))


def test_ten_thousand_questions_with_ten_new() -> None:
    b = Board("fac", Clock())
    base = [fq(i) for i in range(10_000)]
    assert b.update_feed("form", base, None) == []
    more = base + [fq(i) for i in range(10_000, 10_010)]
    out = b.update_feed("form", more, "s2")
    assert sorted(r.id for r in out) == sorted(f"form:{i}" for i in range(10_000, 10_010))
    assert len(b.questions()) == 10_010
    assert b.counts()["new"] == 10_010
    assert b.questions()[0].key == "form:10009"


def test_restart_restores_every_decision() -> None:
    b = board(n=4)
    saved: list[Record] = []
    saved += b.queue("form:0")
    saved += b.go_live("form:1", "s1")
    saved += b.answer("form:1", "See the plan, page 4", "s1")
    saved += b.dismiss("form:2")
    saved += b.tag("form:3", "drills")
    saved += b.merge("form:0", ["form:3"])
    key, recs = b.add_manual("Asked aloud", "aloud", "Sam", "s1")
    saved += recs
    again = Board("fac", Clock(), themes=["drills", "funding"])
    again.load(merge(saved).values())
    again.update_feed("form", [fq(i) for i in range(4)], None)
    assert again.questions(include_merged=True) == b.questions(include_merged=True)
    assert again.get(key).text == "Asked aloud"


def test_apply_ignores_an_older_revision() -> None:
    b = board()
    first = b.queue("form:0")[0]
    b.defer("form:0")
    b.apply(first)
    assert b.get("form:0").status == "deferred"


def test_same_record_from_two_authors_merges_the_same_in_any_order() -> None:
    a = board(author="fac-a")
    a_records = a.queue("form:0") + a.star("form:0") + a.go_live("form:0", "s1")
    # another facilitator console (same session copied elsewhere) decided differently
    b = board(author="fac-b")
    b_records = b.dismiss("form:0") + b.tag("form:1", "funding")
    states = []
    for order in (a_records + b_records, b_records + a_records, b_records[::-1] + a_records):
        fresh = board(author="reader")
        for rec in order:
            fresh.apply(rec)
        states.append(fresh.questions(include_merged=True))
    assert states[0] == states[1] == states[2]
    winner = merge(a_records, b_records)[("moderation", "form:0")]
    assert winner.rev == 3 and winner.author == "fac-a"
    assert states[0][-1].key == "form:0" and states[0][-1].status == "live"


def test_malformed_moderation_record_reads_safely() -> None:
    b = board()
    b.apply(
        Record(
            "moderation",
            "form:0",
            "x",
            5,
            T0.isoformat(),
            False,
            {"status": "exploded", "themes": "drills", "plus_ones": -3, "starred": "yes"},
        )
    )
    q = b.get("form:0")
    assert (q.status, q.themes, q.votes, q.starred) == ("new", (), 0, False)


def test_other_kinds_of_record_are_ignored() -> None:
    b = board()
    before = b.version
    b.apply(Record("note", "n1", "x", data={"text": "hi"}))
    assert b.version == before
