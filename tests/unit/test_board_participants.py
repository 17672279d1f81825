"""The participants' side of the board: publish and hide as decisions, participant answers as
records of their own, the participants' states in one mapping, held words, and votes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from console.board.answers import ANSWER_KIND
from console.board.model import Board
from console.board.moderation import (
    PARTICIPANT_STATES,
    PARTICIPANT_WORDS,
    STATUSES,
    Moderation,
    participant_state,
)
from console.feeds.model import FeedQuestion
from console.store import Record, merge

T0 = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> datetime:
        self.t += timedelta(seconds=1)
        return self.t


def fq(i: int, text: str | None = None, **extra: object) -> FeedQuestion:
    return FeedQuestion(
        str(i), text or f"question {i}", submitted_at=T0 + timedelta(minutes=i), **extra
    )  # type: ignore[arg-type]


def board(
    *, role: str = "facilitator", mode: str = "screened", held: tuple[str, ...] = ()
) -> Board:
    b = Board("fac", Clock(), role=role, participant_list=mode, held_words=held)
    b.update_feed("intake", [fq(i) for i in range(3)], None)
    return b


def test_the_state_mapping_covers_every_status_and_matches_the_form() -> None:
    from console.intake.formdb import STATES

    assert set(PARTICIPANT_STATES) == set(STATUSES)
    assert set(PARTICIPANT_STATES.values()) == set(STATES)
    assert set(PARTICIPANT_WORDS) == set(STATES)
    assert participant_state("queued") == "waiting"
    assert participant_state("deferred") == "follow_up"
    assert participant_state("live") == "now_answering"
    assert participant_state("no such status") == "waiting"


def test_the_board_and_the_agenda_know_the_same_modes() -> None:
    from console.agenda.model import PARTICIPANT_LISTS as AGENDA
    from console.board.moderation import PARTICIPANT_LISTS as BOARD
    from console.intake.formdb import MODES

    assert AGENDA == BOARD and set(BOARD) == set(MODES)


def test_screened_shows_only_published_and_going_live_publishes() -> None:
    b = board()
    assert not b.shown_to_participants("intake:0")
    (rec,) = b.publish("intake:0")
    assert rec.kind == "moderation" and rec.data["published"] is True
    assert b.shown_to_participants("intake:0")
    with pytest.raises(ValueError, match="already published"):
        b.publish("intake:0")
    b.go_live("intake:1")
    assert b.get("intake:1").published and b.shown_to_participants("intake:1")
    assert b.participant_state("intake:1") == "now_answering"


def test_hide_wins_in_both_modes_and_a_hidden_question_taken_live_stays_hidden() -> None:
    for mode in ("screened", "open"):
        b = board(mode=mode)
        assert b.shown_to_participants("intake:0") is (mode == "open")
        b.hide("intake:0")
        assert not b.shown_to_participants("intake:0")
        with pytest.raises(ValueError, match="already hidden"):
            b.hide("intake:0")
        b.go_live("intake:0")
        q = b.get("intake:0")
        assert q.hidden and not q.published and not b.shown_to_participants("intake:0")
        b.publish("intake:0")  # publishing takes the hide back
        assert b.shown_to_participants("intake:0")


def test_dismissed_leaves_the_list_and_restore_brings_it_back() -> None:
    b = board(mode="open")
    b.dismiss("intake:0")
    assert not b.shown_to_participants("intake:0")
    assert b.participant_state("intake:0") == "dismissed"
    b.restore("intake:0")
    assert b.shown_to_participants("intake:0")


def test_held_words_hold_in_both_modes_until_published() -> None:
    for mode in ("screened", "open"):
        b = board(mode=mode, held=("Lincoln Elementary",))
        b.update_feed(
            "intake",
            [fq(0), fq(1, "Is the back door at LINCOLN elementary fixed?"), fq(2, "Lincolnshire")],
            None,
        )
        assert b.is_held("intake:1") and not b.is_held("intake:2")
        assert not b.shown_to_participants("intake:1")
        b.publish("intake:1")
        assert b.shown_to_participants("intake:1")
    # the form's own flag counts too
    b = board(mode="open")
    b.update_feed("intake", [fq(0, held=True)], None)
    assert b.get("intake:0").held and not b.shown_to_participants("intake:0")


def test_language_comes_from_the_form() -> None:
    b = board()
    b.update_feed("intake", [fq(0, language="es")], None)
    assert b.get("intake:0").language == "es"


def test_a_merged_duplicate_shows_its_primary_state_unless_the_primary_is_dismissed() -> None:
    b = board()
    b.merge("intake:0", ["intake:1"])
    b.answer("intake:0")
    assert b.participant_state("intake:1") == "answered"
    b.defer("intake:0")
    assert b.participant_state("intake:1") == "follow_up"
    b.dismiss("intake:0")
    assert b.participant_state("intake:1") == "waiting"
    # visibility is not a status: a merged duplicate can be published or hidden
    b.publish("intake:1")
    assert b.shown_to_participants("intake:1")


def test_publish_and_hide_are_facilitator_decisions() -> None:
    b = board(role="notes")
    with pytest.raises(PermissionError):
        b.publish("intake:0")
    with pytest.raises(PermissionError):
        b.hide("intake:0")


def test_published_and_hidden_are_kept_in_the_moderation_record_and_merge() -> None:
    mod = Moderation.from_data({"status": "queued", "published": True, "hidden": "yes"})
    assert mod.published and not mod.hidden and mod.decided
    assert Moderation.from_data(mod.to_data()) == mod
    assert Moderation.from_data({}).published is False  # records from before: not published
    a = board()
    first = a.publish("intake:0")
    later = a.hide("intake:0")
    for order in ((first, later), (later, first)):
        b = board()
        b.load(merge(*order).values())
        assert b.get("intake:0").hidden and not b.get("intake:0").published


def test_a_published_question_the_form_dropped_stays_on_the_board() -> None:
    b = Board("fac", Clock())
    b.update_feed("intake", [fq(0), fq(1)], "seg")
    b.publish("intake:0")
    b.update_feed("intake", [], "seg", keep=())
    assert b.keys() == ["intake:0"]


def test_participant_answers_are_records_apart_from_the_answer_note() -> None:
    b = board()
    b.answer("intake:0", "internal: check with facilities")
    aid, (rec,) = b.add_participant_answer("intake:0", "The doors are fixed.", True, "Dana")
    assert rec.kind == ANSWER_KIND and rec.id == aid
    assert rec.data["question_key"] == "intake:0" and rec.data["public"] is True
    bid, _ = b.add_participant_answer("intake:0", "We will call you.", public=False)
    q = b.get("intake:0")
    assert q.answer_note == "internal: check with facilities"
    assert [(a.text, a.public, a.author) for a in q.participant_answers] == [
        ("The doors are fixed.", True, "Dana"),
        ("We will call you.", False, "fac"),
    ]
    assert all("internal" not in a.text for a in q.participant_answers)
    b.edit_participant_answer(bid, text="We will call you this week.", public=True)
    assert b.participant_answer(bid).public and b.participant_answer(bid).text.endswith("week.")
    (tomb,) = b.delete_participant_answer(aid)
    assert tomb.deleted and tomb.rev == 2
    assert [a.id for a in b.get("intake:0").participant_answers] == [bid]
    with pytest.raises(KeyError):
        b.participant_answer(aid)


def test_answers_are_checked() -> None:
    b = board()
    with pytest.raises(ValueError, match="Type the answer"):
        b.add_participant_answer("intake:0", " \x1b[31m ")
    with pytest.raises(ValueError, match="limit is 5,000"):
        b.add_participant_answer("intake:0", "x" * 5001)
    with pytest.raises(KeyError):
        b.add_participant_answer("intake:9", "no such question")
    _, (rec,) = b.add_participant_answer("intake:0", "ok\u202e", author="\x1b[2JEve")
    assert (rec.data["text"], rec.data["author_name"]) == ("ok", "Eve")


def test_a_note_takers_answer_is_their_own_record_and_the_facilitator_sees_it() -> None:
    notes = board(role="notes")
    notes.author = "sam"
    aid, records = notes.add_participant_answer("intake:2", "Here is the plan link.", True, "Sam")
    assert records[0].author == "sam"
    fac = board()
    fac.load(records)
    (answer,) = fac.get("intake:2").participant_answers
    assert (answer.id, answer.author, answer.written_by) == (aid, "Sam", "sam")
    # the facilitator may correct it; a note-taker may not touch another's answer
    fac.edit_participant_answer(aid, text="Here is the plan's link.")
    other = board(role="notes")
    other.author = "lee"
    other.load(records)
    with pytest.raises(PermissionError):
        other.delete_participant_answer(aid)


def test_answers_merge_by_revision_and_tombstones_win() -> None:
    b = board()
    aid, created = b.add_participant_answer("intake:0", "First version")
    edited = b.edit_participant_answer(aid, text="Second version")
    gone = b.delete_participant_answer(aid)
    for order in ((created, edited, gone), (gone, created, edited), (edited, gone, created)):
        c = board()
        c.load(merge(*order).values())
        assert c.get("intake:0").participant_answers == ()
    c = board()
    c.load(merge(edited, created).values())
    assert [a.text for a in c.get("intake:0").participant_answers] == ["Second version"]


def test_an_answer_keeps_its_question_when_the_form_drops_it() -> None:
    b = Board("fac", Clock())
    b.update_feed("intake", [fq(0)], None)
    b.add_participant_answer("intake:0", "Answered by email.")
    b.update_feed("intake", [], None)
    assert b.keys() == ["intake:0"]


def test_a_malformed_answer_record_is_skipped() -> None:
    b = board()
    b.load([Record(ANSWER_KIND, "x", "fac", 1, T0.isoformat(), False, {"text": 3})])
    assert b.get("intake:0").participant_answers == ()


def test_votes_add_form_votes_plus_ones_and_duplicates() -> None:
    b = Board("fac", Clock())
    b.update_feed("intake", [fq(0, votes=3), fq(1, votes=2)], None)
    b.plus_one("intake:0")
    assert b.get("intake:0").votes == 4
    b.merge("intake:0", ["intake:1"])
    assert b.get("intake:0").votes == 6  # counts are summed: the form gives no voter ids
    b.update_feed("intake", [fq(0, votes=5), fq(1, votes=2)], None)
    assert b.get("intake:0").votes == 8
    assert [q.key for q in b.questions(sort="votes")] == ["intake:0"]


def test_a_typed_in_question_counts_its_form_votes_with_carried_ones() -> None:
    b = Board("fac", Clock())
    key, _ = b.add_manual("Heard aloud: what about buses?", "aloud")
    assert b.get(key).votes == 0
    assert b.set_form_votes(key, 4)
    assert not b.set_form_votes(key, 4)
    assert not b.set_form_votes("intake:0", 9)  # the feed carries those
    b.plus_one(key)
    assert b.get(key).votes == 5
    carried = Record(
        "question",
        "c1",
        "fac",
        1,
        T0.isoformat(),
        False,
        {"text": "Carried", "origin": "carried", "carried_from": {"votes": 7}},
    )
    b.load([carried])
    b.set_form_votes("manual:c1", 2)
    assert b.get("manual:c1").votes == 9


def test_a_voter_the_form_names_in_merged_questions_counts_once() -> None:
    t1, t2, t3 = "1" * 16, "2" * 16, "3" * 16
    b = Board("fac", Clock())
    b.update_feed(
        "intake",
        [fq(0, votes=1, voters=frozenset({t1})), fq(1, votes=2, voters=frozenset({t1, t2}))],
        None,
    )
    b.update_feed("form", [fq(9, votes=4)], None)  # a sheet: counts only
    b.plus_one("intake:1")
    b.merge("intake:0", ["intake:1", "form:9"])
    primary = b.get("intake:0")
    assert primary.votes == 2 + 1 + 4  # t1 once and t2, the +1, the sheet's count
    assert primary.voters == frozenset({t1, t2})
    b.update_feed(
        "intake",
        [fq(0, votes=2, voters=frozenset({t1, t3})), fq(1, votes=2, voters=frozenset({t1, t2}))],
        None,
    )
    assert b.get("intake:0").votes == 3 + 1 + 4


def test_form_votes_of_a_typed_in_question_are_a_record_the_report_reads() -> None:
    t1, t2 = "a" * 16, "b" * 16
    carried = Record(
        "question", "c1", "fac", 1, T0.isoformat(), False,
        {"text": "Carried", "origin": "carried",
         "carried_from": {"votes": 3, "voters": [t1, t2, "not a token"]}},
    )  # fmt: skip
    b = Board("fac", Clock())
    b.load([carried])
    assert b.get("manual:c1").votes == 3  # two voters named, one vote counted without
    assert b.carried_voters("manual:c1") == frozenset({t1, t2})
    (record,) = b.set_form_votes("manual:c1", 3, frozenset({t1, t2, "c" * 16}))
    assert record.kind == "form_votes" and record.id == "manual:c1"
    assert b.get("manual:c1").votes == 4  # t1, t2 counted once: the form holds them too
    again = Board("report", Clock())
    again.load([carried, record])
    assert again.get("manual:c1").votes == 4
    assert again.get("manual:c1").voters == frozenset({t1, t2, "c" * 16})
