"""Carry-over across two sessions: open questions and action items reach the next session."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest

from console.board.model import Board
from console.notes.notebook import NoteBook
from console.report.build import build_report
from console.session.carry_over import carry_over_records
from console.session.live import LiveSession
from console.session.setup import prepare
from console.store import AuthorFile, SessionFolder
from console.store.errors import StoreError
from console.store.session_lookup import find_session
from tests.data.report.fixture_session import (
    FACILITATOR,
    NOTE_TAKER,
    NOW,
    SESSION_ID,
    make_fixture,
)


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    make_fixture(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _next_session(root: Path) -> SessionFolder:
    return SessionFolder.create(
        root,
        agenda="agenda.toml",
        title="Second session",
        facilitator=FACILITATOR,
        follow_up_of=SESSION_ID,
        now=NOW,
    )


def test_open_items_are_carried_and_marked(root: Path) -> None:
    later = _next_session(root)
    records = carry_over_records(later, SESSION_ID, FACILITATOR, lambda: NOW)
    board = Board(FACILITATOR, lambda: NOW, themes=["drills", "building-access", "funding"])
    board.load(records)
    notebook = NoteBook(FACILITATOR, lambda: NOW, ["drills", "building-access", "funding"])
    notebook.load(records)

    questions = board.questions(sort="time")
    texts = sorted(q.text for q in questions)
    assert len(questions) == 4  # deferred, queued, two never reached; not dismissed/answered
    assert "How often must we run lockdown drills?" not in texts  # answered
    assert all(q.carried_over and q.status == "new" for q in questions)
    assert all(q.email is None for q in questions)
    deferred = next(q for q in questions if q.text.startswith("# Heading"))
    assert deferred.themes == ("building-access",)

    actions = notebook.notes(kind="action")
    assert sorted((n.owner, n.due.isoformat() if n.due else None) for n in actions) == [
        ("Ana Ruiz", "2026-01-15"),
        ("Fran Facilitator", "2026-01-09"),
    ]
    assert all(not n.done for n in actions)
    carried = [r for r in records if r.kind == "note"]
    assert all(r.data["carried_over"] is True for r in carried)
    assert ["funding"] in [r.data["themes"] for r in carried]


def test_carry_over_twice_gives_the_same_records(root: Path) -> None:
    later = _next_session(root)
    first = carry_over_records(later, SESSION_ID, FACILITATOR, lambda: NOW)
    second = carry_over_records(later, SESSION_ID, FACILITATOR, lambda: NOW)
    assert [r.key for r in first] == [r.key for r in second]


def test_unknown_earlier_session_is_a_clear_error(root: Path) -> None:
    with pytest.raises(StoreError, match="No session matches"):
        carry_over_records(_next_session(root), "1999-nope", FACILITATOR, lambda: NOW)


def test_live_session_opens_with_carried_items(root: Path) -> None:
    launch = prepare(
        root=root,
        agenda_ref="agenda.toml",
        session_ref=None,
        new=True,
        role="facilitator",
        author=FACILITATOR,
        read_only=False,
        rehearsal=False,
        follow_up_of=SESSION_ID,
        now=lambda: NOW,
    )
    live = LiveSession(launch, now=lambda: NOW)
    live.open()
    try:
        assert sum(q.carried_over for q in live.board.questions()) == 4
        assert len(live.notebook.notes(kind="action")) == 2
    finally:
        live.close()
    # reopening does not carry a second time
    again = LiveSession(
        prepare(
            root=root,
            agenda_ref="agenda.toml",
            session_ref=launch.folder.info.id,
            new=False,
            role="facilitator",
            author=FACILITATOR,
            read_only=False,
            rehearsal=False,
            now=lambda: NOW,
        ),
        now=lambda: NOW,
    )
    again.open()
    try:
        assert len(again.board.questions()) == 4
    finally:
        again.close()


def test_carried_action_items_name_the_earlier_session(root: Path) -> None:
    """The note panes say where an item came from without opening the earlier session."""
    later = _next_session(root)
    earlier = find_session(root, SESSION_ID).info
    records = carry_over_records(later, SESSION_ID, FACILITATOR, lambda: NOW)
    notebook = NoteBook(FACILITATOR, lambda: NOW, ["drills", "building-access", "funding"])
    notebook.load(records)
    actions = notebook.notes(kind="action")
    assert len(actions) == 2
    for note in actions:
        assert note.carried_over and note.carried_from is not None
        assert note.carried_from.session == SESSION_ID
        assert note.carried_from.title == earlier.title
        assert note.carried_from.started_at == earlier.started_at
        day = earlier.started_at.date() if earlier.started_at else None
        assert note.carried_from.describe(UTC) == (f"carried over from “{earlier.title}” of {day}")
    authors = {n.carried_from.author for n in actions if n.carried_from}
    assert authors and authors <= {FACILITATOR, NOTE_TAKER}


def test_a_carried_question_keeps_its_votes_and_counts_them_once_across_the_series(
    root: Path,
) -> None:
    """Session 1's votes come along; a vote raised aloud in session 2 adds one; session 3
    gets the total, not the total plus what session 2 had carried."""
    second = _next_session(root)
    with AuthorFile(second.author_path(FACILITATOR), FACILITATOR) as file:
        records = carry_over_records(second, SESSION_ID, FACILITATOR, lambda: NOW)
        file.put_many(records)
        board = Board(FACILITATOR, lambda: NOW, themes=["drills", "building-access", "funding"])
        board.load(records)
        key = next(q.key for q in board.questions() if q.text.startswith("# Heading"))
        assert board.get(key).votes == 3
        file.put_many(board.plus_one(key))
        assert board.get(key).votes == 4
    report = build_report(SessionFolder.open(second.path), now=NOW)
    assert next(q.votes for q in report.questions if q.key == key) == 4

    third = SessionFolder.create(
        root, agenda="agenda.toml", title="Third", facilitator=FACILITATOR, now=NOW
    )
    again = Board(FACILITATOR, lambda: NOW, themes=["drills", "building-access", "funding"])
    again.load(carry_over_records(third, second.info.id, FACILITATOR, lambda: NOW))
    assert sorted(q.votes for q in again.questions()) == [0, 0, 2, 4]
