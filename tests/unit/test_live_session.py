"""The live session's clock operations: explicit methods, each returning what to save."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.clock.model import ClockError, EventKind, Phase
from console.session.live import LiveSession
from console.session.setup import prepare

NOW = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)


def open_session(root: Path, role: str = "facilitator", session: str | None = None) -> LiveSession:
    launch = prepare(
        root=root,
        agenda_ref=None,
        session_ref=session,
        new=session is None,
        role=role,
        author="Dana" if role == "facilitator" else "Sam",
        read_only=False,
        rehearsal=False,
        now=lambda: NOW,
    )
    live = LiveSession(launch, now=lambda: NOW)
    live.open()
    return live


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveSession]:
    session = open_session(tmp_path)
    yield session
    session.close()


def test_each_operation_returns_its_events_and_the_next_clock_record(live: LiveSession) -> None:
    steps = [
        (live.start, EventKind.STARTED),
        (live.next, EventKind.NEXT),
        (live.toggle_pause, EventKind.PAUSED),
        (live.toggle_pause, EventKind.RESUMED),
        (lambda: live.extend(60), EventKind.EXTENDED),
        (lambda: live.shorten(60), EventKind.SHORTENED),
        (live.previous, EventKind.PREVIOUS),
        (live.finish, EventKind.FINISHED),
    ]
    revisions = []
    for step, kind in steps:
        events, record = step()
        assert events[-1].kind is kind
        assert record is not None and record.kind == "clock"
        revisions.append(record.rev)
    assert revisions == list(range(1, len(steps) + 1))
    assert live.clock.phase is Phase.FINISHED


def test_a_refused_operation_raises_in_plain_words_and_saves_nothing(live: LiveSession) -> None:
    with pytest.raises(ClockError, match="next segment"):
        live.next()  # not started
    _events, record = live.start()
    assert record is not None and record.rev == 1


def test_only_the_facilitator_s_console_runs_the_clock(tmp_path: Path) -> None:
    facilitator = open_session(tmp_path)
    session_id = facilitator.folder.info.id
    facilitator.close()
    notes = open_session(tmp_path, role="notes", session=session_id)
    try:
        for step in (notes.start, notes.toggle_pause, notes.next, notes.finish):
            with pytest.raises(PermissionError):
                step()
        with pytest.raises(PermissionError):
            notes.extend(60)
        assert notes.clock.phase is Phase.IDLE
    finally:
        notes.close()


def test_a_note_takers_participant_answer_reaches_the_facilitators_board(tmp_path: Path) -> None:
    """Answers go through the facilitator's console: the note-taker writes a record in their
    own file, and the facilitator's session takes it in with the folder merge."""
    fac = open_session(tmp_path)
    try:
        key, records = fac.board.add_manual("Heard aloud: are drills announced?", "aloud")
        assert fac.file is not None
        fac.file.put_many(records)
        notes = open_session(tmp_path, role="notes", session=fac.folder.info.id)
        try:
            notes.board.load(notes.folder.read_all()[0].values())
            aid, written = notes.board.add_participant_answer(key, "Yes, a day before.", True)
            assert notes.file is not None
            notes.file.put_many(written)
            assert notes.folder.author_path("Sam").exists()
        finally:
            notes.close()
        merged, _ = fac.folder.read_all()
        assert fac.apply_folder(merged)
        (answer,) = fac.board.get(key).participant_answers
        assert (answer.id, answer.text, answer.written_by) == (aid, "Yes, a day before.", "Sam")
    finally:
        fac.close()


def test_the_board_takes_the_agendas_participant_list_and_held_words(tmp_path: Path) -> None:
    from dataclasses import replace

    live = open_session(tmp_path)
    try:
        assert live.board.participant_list == "screened"
    finally:
        live.close()
    launch = prepare(
        root=tmp_path,
        agenda_ref=None,
        session_ref=None,
        new=True,
        role="facilitator",
        author="Dana",
        read_only=False,
        rehearsal=False,
        now=lambda: NOW,
    )
    questions = replace(launch.agenda.questions, participant_list="open", held_words=("rumor",))
    launch = replace(launch, agenda=replace(launch.agenda, questions=questions))
    session = LiveSession(launch, now=lambda: NOW)
    key, _ = session.board.add_manual("Is the rumor true?", "chat")
    assert session.board.participant_list == "open"
    assert session.board.is_held(key)
