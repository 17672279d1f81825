"""Moderation actions: the transition rules, merges, manual questions and who may moderate."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from console.board.model import Board
from console.board.moderation import STATUSES, Moderation, check_transition
from console.feeds.model import FeedQuestion
from console.store.records import Record

T0 = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)


class Clock:
    """A fake clock that moves one second per reading, so revisions are ordered."""

    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> datetime:
        self.t += timedelta(seconds=1)
        return self.t


def fq(i: int, votes: int | None = None) -> FeedQuestion:
    return FeedQuestion(
        str(i), f"question {i}", submitted_at=T0 + timedelta(minutes=i), votes=votes
    )


def board(role: str = "facilitator", n: int = 3, author: str = "fac") -> Board:
    b = Board(author, Clock(), role=role, themes=["drills", "funding"])
    b.update_feed("form", [fq(i) for i in range(n)], None)
    return b


KEY = "form:1"

# action -> statuses it may start from (written out here, independently of the module).
ALLOWED = {
    "queue": {"new", "live", "answered", "deferred"},
    "go_live": {"new", "queued", "answered", "deferred"},
    "answer": {"new", "queued", "live", "deferred", "answered"},
    "defer": {"new", "queued", "live", "answered"},
    "dismiss": {"new", "queued", "live", "answered", "deferred"},
    "restore": {"dismissed"},
}
RESULT = {
    "queue": "queued",
    "go_live": "live",
    "answer": "answered",
    "defer": "deferred",
    "dismiss": "dismissed",
}


def put(b: Board, key: str, status: str) -> None:
    """Bring a question into ``status`` by the ordinary actions."""
    steps: dict[str, Callable[[], object]] = {
        "new": lambda: None,
        "queued": lambda: b.queue(key),
        "live": lambda: b.go_live(key, "s1"),
        "answered": lambda: b.answer(key, "done", "s1"),
        "deferred": lambda: b.defer(key),
        "dismissed": lambda: b.dismiss(key),
    }
    steps[status]()
    assert b.get(key).status == status


def mods(records: list[Record]) -> list[Record]:
    """The moderation records of an action (its decision-log entries left out)."""
    return [r for r in records if r.kind == "moderation"]


def act(b: Board, action: str, key: str) -> list[Record]:
    if action == "go_live":
        return b.go_live(key, "s2")
    if action == "answer":
        return b.answer(key, "note", "s2")
    method: Callable[[str], list[Record]] = getattr(b, action)
    return method(key)


@pytest.mark.parametrize("start", STATUSES)
@pytest.mark.parametrize("action", sorted(ALLOWED))
def test_every_transition(action: str, start: str) -> None:
    b = board()
    put(b, KEY, start)
    before = b.get(KEY)
    if start in ALLOWED[action]:
        records = act(b, action, KEY)
        assert mods(records)[-1].id == KEY
        expected = RESULT.get(action, "new")
        assert b.get(KEY).status == expected
        # every decision is logged in the same batch, and the log says what changed
        logged = [r.data for r in records if r.kind == "decision" and r.id != KEY]
        assert logged and logged[0]["question_key"] == KEY
        assert logged[0]["to"] == expected and logged[0]["by"] == "fac"
    else:
        with pytest.raises(ValueError, match=r"\w"):
            act(b, action, KEY)
        assert b.get(KEY) == before


def test_answering_a_dismissed_question_says_restore_first() -> None:
    b = board()
    b.dismiss(KEY)
    with pytest.raises(ValueError, match="restore it first"):
        b.answer(KEY, "x")


def test_check_transition_names_the_current_status() -> None:
    with pytest.raises(ValueError, match="already queued"):
        check_transition("queue", "queued")


def test_each_action_is_the_next_revision_of_one_record() -> None:
    b = board()
    revs = [r.rev for action in ("queue", "go_live", "answer") for r in mods(act(b, action, KEY))]
    assert revs == [1, 2, 3]
    rec = b.star(KEY)[0]
    assert (rec.rev, rec.author, rec.data["status"], rec.data["starred"]) == (
        4,
        "fac",
        "answered",
        True,
    )


def test_only_one_question_is_live() -> None:
    b = board()
    b.go_live("form:0", "s1")
    out = mods(b.go_live("form:1", "s1"))
    assert {(r.id, r.data["status"]) for r in out} == {("form:0", "queued"), ("form:1", "live")}
    assert b.counts()["live"] == 1
    live = b.live_question
    assert live is not None and live.key == "form:1"


def test_answer_records_note_and_segment() -> None:
    b = board()
    b.go_live(KEY, "discussion")
    b.answer(KEY, "  Plans are due\x1b[31m in June  ")
    q = b.get(KEY)
    assert q.answer_note == "Plans are due in June"
    assert q.answered_segment_id == "discussion"
    b.answer(KEY, "Updated", "wrap-up")  # the note can be corrected
    assert (b.get(KEY).answer_note, b.get(KEY).answered_segment_id) == ("Updated", "wrap-up")
    assert b.live_question is None


def test_overlong_answer_note_is_refused_not_cut() -> None:
    b = board()
    with pytest.raises(ValueError, match="limit"):
        b.answer(KEY, "x" * 5000)
    assert b.get(KEY).status == "new"


@pytest.mark.parametrize("before", ["new", "queued", "answered", "deferred"])
def test_restore_returns_to_status_before_dismissal(before: str) -> None:
    b = board()
    put(b, KEY, before)
    b.dismiss(KEY)
    b.restore(KEY)
    assert b.get(KEY).status == before


def test_restoring_a_live_question_after_another_went_live_queues_it() -> None:
    b = board()
    b.go_live(KEY, "s1")
    b.dismiss(KEY)
    b.go_live("form:2", "s1")
    b.restore(KEY)
    assert b.get(KEY).status == "queued"
    assert b.counts()["live"] == 1


def test_restore_of_a_live_question_with_no_other_live() -> None:
    b = board()
    b.go_live(KEY, "s1")
    b.dismiss(KEY)
    assert b.live_question is None
    b.restore(KEY)
    assert b.get(KEY).status == "live"


def test_star_and_tag_toggle() -> None:
    b = board()
    b.star(KEY)
    assert b.get(KEY).starred
    b.star(KEY)
    assert not b.get(KEY).starred
    b.tag(KEY, "drills")
    b.tag(KEY, "funding")
    assert b.get(KEY).themes == ("drills", "funding")
    b.tag(KEY, "drills")
    assert b.get(KEY).themes == ("funding",)


def test_tag_with_unknown_theme_is_refused() -> None:
    b = board()
    with pytest.raises(ValueError, match="not one of this agenda's themes"):
        b.tag(KEY, "parking")


def test_plus_one_adds_a_vote() -> None:
    b = Board("fac", Clock())
    b.update_feed("form", [fq(1, votes=2)], None)
    b.plus_one(KEY)
    b.plus_one(KEY)
    assert (b.get(KEY).votes, b.get(KEY).plus_ones) == (4, 2)


def test_merge_combines_votes_and_hides_duplicates() -> None:
    b = Board("fac", Clock())
    b.update_feed("form", [fq(1, votes=3), fq(2, votes=2), fq(3, votes=1)], None)
    b.plus_one("form:3")
    out = mods(b.merge("form:1", ["form:2", "form:3", "form:1"]))
    assert sorted(r.id for r in out) == ["form:2", "form:3"]
    primary = b.get("form:1")
    assert primary.votes == 3 + 2 + 2
    assert primary.duplicates == ("form:2", "form:3")
    assert [q.key for q in b.questions()] == ["form:1"]
    assert {q.key for q in b.questions(include_merged=True)} == {"form:1", "form:2", "form:3"}
    assert b.get("form:2").merged_into == "form:1"
    assert b.counts()["new"] == 1
    # a later vote on a duplicate still counts for the primary
    b.update_feed("form", [fq(1, votes=3), fq(2, votes=10), fq(3, votes=1)], None)
    assert b.get("form:1").votes == 3 + 10 + 2


def test_unmerge_one_duplicate_or_all() -> None:
    b = board(n=4)
    b.merge("form:0", ["form:1", "form:2"])
    b.unmerge("form:1")
    assert b.get("form:0").duplicates == ("form:2",)
    assert b.get("form:1").merged_into is None
    b.unmerge("form:0")
    assert b.get("form:0").duplicates == ()
    assert len(b.questions()) == 4
    with pytest.raises(ValueError, match="not merged"):
        b.unmerge("form:3")


def test_merging_a_primary_moves_its_duplicates() -> None:
    b = board(n=4)
    b.merge("form:1", ["form:2"])
    b.merge("form:0", ["form:1"])
    assert b.get("form:0").duplicates == ("form:1", "form:2")
    assert b.get("form:2").merged_into == "form:0"


def test_merge_refusals() -> None:
    b = board(n=4)
    b.merge("form:0", ["form:1"])
    with pytest.raises(ValueError, match="unmerge it first"):
        b.merge("form:1", ["form:2"])  # a duplicate cannot be a primary
    with pytest.raises(ValueError, match="already merged"):
        b.merge("form:2", ["form:1"])
    with pytest.raises(ValueError, match="at least one"):
        b.merge("form:2", ["form:2"])
    b.go_live("form:3", "s1")
    with pytest.raises(ValueError, match="is live"):
        b.merge("form:2", ["form:3"])
    with pytest.raises(KeyError):
        b.merge("form:2", ["form:404"])


def test_a_merged_duplicate_cannot_be_moderated() -> None:
    b = board()
    b.merge("form:0", [KEY])
    for action in ("queue", "go_live", "answer", "defer", "dismiss"):
        with pytest.raises(ValueError, match="merged into form:0"):
            act(b, action, KEY)
    with pytest.raises(ValueError, match="merged"):
        b.plus_one(KEY)


def test_add_manual_question() -> None:
    b = board()
    key, records = b.add_manual("  Can we get\x07 radios? ", "chat", "Lee", "s1")
    assert key.startswith("manual:") and len(records) == 1
    rec = records[0]
    assert (rec.kind, rec.author, rec.rev) == ("question", "fac", 1)
    q = b.get(key)
    assert (q.text, q.asker, q.origin, q.arrived_segment_id) == (
        "Can we get radios?",
        "Lee",
        "chat",
        "s1",
    )
    assert q.added_by == "fac" and q.seen and not q.display_name
    b.queue(key)
    assert b.get(key).status == "queued"


@pytest.mark.parametrize(
    ("text", "origin", "match"),
    [("", "chat", "text"), ("ok", "pigeon", "origin"), ("x" * 2001, "aloud", "limit")],
)
def test_add_manual_refuses_bad_input(text: str, origin: str, match: str) -> None:
    b = board()
    before = len(b.questions())
    with pytest.raises(ValueError, match=match):
        b.add_manual(text, origin)
    assert len(b.questions()) == before


def test_note_taker_adds_questions_the_facilitator_sees_as_new() -> None:
    notes = board(role="notes", author="nt")
    key, records = notes.add_manual("Heard aloud", "aloud", None, "s1")
    fac = board()
    before = fac.new_count()
    fac.load(records)
    q = fac.get(key)
    assert q.added_by == "nt" and q.asker is None and not q.seen
    assert fac.new_count() == before + 1


@pytest.mark.parametrize(
    "call",
    [
        lambda b: b.queue(KEY),
        lambda b: b.go_live(KEY, "s1"),
        lambda b: b.answer(KEY, "x"),
        lambda b: b.defer(KEY),
        lambda b: b.dismiss(KEY),
        lambda b: b.restore(KEY),
        lambda b: b.star(KEY),
        lambda b: b.tag(KEY, "drills"),
        lambda b: b.plus_one(KEY),
        lambda b: b.merge(KEY, ["form:2"]),
        lambda b: b.unmerge(KEY),
    ],
)
def test_moderation_is_the_facilitators(call: Callable[[Board], object]) -> None:
    b = board(role="notes")
    with pytest.raises(PermissionError, match="facilitator"):
        call(b)


def test_unknown_role_is_refused() -> None:
    with pytest.raises(ValueError, match="role"):
        Board("x", Clock(), role="presenter")


def test_moderation_payload_round_trips() -> None:
    mod = Moderation(status="deferred", starred=True, themes=("a",), merged_into="f:1", plus_ones=2)
    assert Moderation.from_data(mod.to_data()) == mod


def test_a_refused_go_live_leaves_the_live_question_alone() -> None:
    b = Board("fac", Clock())
    b.update_feed("form", [fq(i) for i in range(3)], None)
    b.go_live("form:0")
    b.merge("form:1", ["form:2"])
    version = b.version
    for bad in ("form:9", "form:2"):  # not on the board; merged into another
        with pytest.raises((KeyError, ValueError)):
            b.go_live(bad)
        assert b.get("form:0").status == "live"
    assert b.version == version  # nothing was written that the caller never got to save
