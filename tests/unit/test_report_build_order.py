"""Building the report: arrival order, numbering, and every build reading the folder anew.

The builder takes every board view straight from the board (not from one of its sorted lists)
and cleans repeated names once per build; these tests pin what that must not change.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from console.board.moderation import Moderation
from console.feeds.cache import save_feed
from console.feeds.model import FeedQuestion
from console.report.build import build_report
from console.report.render_json import render_json
from console.store import SessionFolder
from console.store.records import Record
from console.store.session_info import FEED_CACHE_FILE
from tests.data.report.fixture_session import (
    FACILITATOR,
    NOTE_TAKER,
    NOW,
    T0,
    make_fixture,
    write_records,
)


@pytest.fixture
def path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = make_fixture(tmp_path)
    monkeypatch.chdir(tmp_path)
    return folder


def _feed(path: Path, questions: list[FeedQuestion]) -> None:
    save_feed(path / FEED_CACHE_FILE, questions, source_label="form", saved_at=T0)


def _dismiss(key: str) -> Record:
    data = Moderation(status="dismissed", before_dismissal="new").to_data()
    return Record("moderation", key, FACILITATOR, 1, T0.isoformat(), False, data)


def test_arrival_order_ties_by_key_and_untimed_last(path: Path) -> None:
    at = T0 + timedelta(minutes=5)
    _feed(
        path,
        [
            FeedQuestion("b", "second of a tie", submitted_at=at),
            FeedQuestion("untimed", "no time at all", submitted_at=None),
            FeedQuestion("a", "first of a tie", submitted_at=at),
            FeedQuestion("early", "earliest", submitted_at=T0),
        ],
    )
    data = build_report(SessionFolder.open(path), now=NOW)
    form = [q for q in data.questions if q.key.startswith("form:")]
    assert [q.key for q in form] == ["form:early", "form:a", "form:b", "form:untimed"]
    assert data.questions[-1].key == "form:untimed"  # after the hand-typed ones too
    assert [q.number for q in data.questions] == list(range(1, len(data.questions) + 1))


def test_numbers_skip_dismissed_unless_asked(path: Path) -> None:
    ids = ["10", "11", "12", "13"]  # no decision in the fixture for these
    _feed(
        path, [FeedQuestion(i, f"Q{i}", submitted_at=T0 + timedelta(minutes=int(i))) for i in ids]
    )
    write_records(path, "Dee Dismisser", [_dismiss("form:11")])
    folder = SessionFolder.open(path)
    shown = build_report(folder, now=NOW)
    every = build_report(folder, now=NOW, include_dismissed=True)
    assert [q.key for q in shown.questions if q.key.startswith("form:")] == [
        "form:10",
        "form:12",
        "form:13",
    ]
    assert [q.key for q in every.questions if q.key.startswith("form:")] == [
        "form:10",
        "form:11",
        "form:12",
        "form:13",
    ]
    for data in (shown, every):
        assert [q.number for q in data.questions] == list(range(1, len(data.questions) + 1))
    assert every.counts == shown.counts  # counts come from the board either way
    assert shown.counts["questions_dismissed"] == 1


def test_each_build_reads_what_the_folder_holds_now(path: Path) -> None:
    """The report screen exports again and again while the session runs: nothing stale."""
    folder = SessionFolder.open(path)
    before = build_report(folder, now=NOW)
    late = {
        "kind": "concern",
        "text": "A late concern",
        "themes": ["new-theme\x1b[31m"],
        "owner": None,
        "due": None,
        "done": False,
        "segment_id": "brand-new-segment",
        "question_key": None,
        "created_at": NOW.isoformat(),
    }
    write_records(
        path,
        "Late Writer",
        [Record("note", "late-1", "Late Writer", 1, NOW.isoformat(), False, late)],
    )
    _feed(path, [FeedQuestion("new", "A question that just came in", submitted_at=T0)])
    after = build_report(folder, now=NOW)
    assert render_json(after) != render_json(before)
    note = next(n for n in after.notes if n.id == "late-1")
    assert (note.segment, note.theme_ids, note.author) == (
        "brand-new-segment",
        ("new-theme",),
        "Late Writer",
    )
    assert "form:new" in [q.key for q in after.questions]
    assert "form:1" not in [q.key for q in after.questions]  # left the feed, never moderated
    assert after.counts["notes_concern"] == before.counts["notes_concern"] + 1
    assert any(g.label == "new-theme" for g in after.themes)


def test_questions_the_form_dropped_but_the_cache_kept_are_reported(path: Path) -> None:
    """An answered question (with its note) that the form no longer lists is still reported:
    the facilitator's console keeps it in the cache's ``kept`` list."""
    answered = Moderation(status="answered", answer_note="Twice a year, with the district")
    write_records(
        path,
        "Ann Answerer",
        [Record("moderation", "form:gone", "Ann Answerer", 1, T0.isoformat(), False,
                answered.to_data())],
    )  # fmt: skip
    save_feed(
        path / FEED_CACHE_FILE,
        [],
        source_label="form",
        saved_at=T0,
        kept=[FeedQuestion("form:gone", "How often are drills held?", submitted_at=T0)],
    )
    data = build_report(SessionFolder.open(path), now=NOW)
    row = next(q for q in data.questions if q.key == "form:gone")
    assert (row.text, row.status, row.answer_note) == (
        "How often are drills held?",
        "answered",
        "Twice a year, with the district",
    )


def test_copied_records_given_as_a_generator_are_merged(path: Path) -> None:
    folder = SessionFolder.open(path)
    plain = build_report(folder, now=NOW)
    copied = Record(
        "note",
        "copied-1",
        NOTE_TAKER,
        1,
        NOW.isoformat(),
        False,
        {"kind": "resource", "text": "From a USB stick", "created_at": NOW.isoformat()},
    )
    merged = build_report(folder, now=NOW, extra=(r for r in [copied]))
    assert [n.id for n in merged.notes] == [*(n.id for n in plain.notes), "copied-1"]
    assert build_report(folder, now=NOW, extra=iter(())) == plain
