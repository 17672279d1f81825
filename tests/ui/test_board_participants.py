"""The participants' side on the board: publish, hide, an answer for them, the detail pane."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input, RadioButton, Static

from console.screens.participant_answer import ParticipantAnswerScreen
from console.widgets.question_detail import QuestionDetail
from tests.ui.board_helpers import BEFORE_START, focus_row, fq, panel, saved_board, seed
from tests.ui.helpers import FakeNow, make_app

QUESTIONS = [fq(1), fq(2, language="es")]


def detail(app: Any) -> str:
    pane = app.screen.query_one(QuestionDetail)
    return str(pane.query_one(Static).render())


async def test_publish_hide_and_the_detail_pane_say_what_participants_see(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    seed(app, QUESTIONS)
    async with app.run_test(size=(140, 40)) as pilot:
        board = app.session.board
        await focus_row(pilot, app, "form:1")
        assert not board.shown_to_participants("form:1")  # screened by default
        await pilot.press("U")
        await app.settle()
        await pilot.pause()
        assert board.get("form:1").published
        assert board.shown_to_participants("form:1")
        assert "Participants: Waiting · on the list · published" in detail(app)
        await pilot.press("h")
        await app.settle()
        await pilot.pause()
        assert board.get("form:1").hidden
        assert not board.shown_to_participants("form:1")
        assert "hidden from the list" in detail(app)
        await focus_row(pilot, app, "form:2")
        await pilot.pause()
        assert "Language: es" in detail(app)
    app.session.close()
    saved = saved_board(app, QUESTIONS)
    assert saved.get("form:1").hidden and not saved.get("form:1").published


async def test_w_writes_a_private_answer_for_the_participants(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    seed(app, QUESTIONS)
    async with app.run_test(size=(140, 40)) as pilot:
        await focus_row(pilot, app, "form:1")
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ParticipantAnswerScreen)
        app.screen.query_one("#private", RadioButton).value = True
        app.screen.query_one("#reply-text", Input).value = "We will write to your school."
        await pilot.press("enter")
        await app.settle()
        await pilot.pause()
        (answer,) = app.session.board.get("form:1").participant_answers
        assert (answer.text, answer.public, answer.author) == (
            "We will write to your school.",
            False,
            "Dana",
        )
        assert app.session.board.get("form:1").answer_note == ""  # not the internal note
        assert "private (the asker only) · Dana: We will write to your school." in detail(app)
    app.session.close()
    (saved,) = saved_board(app, QUESTIONS).get("form:1").participant_answers
    assert not saved.public


async def test_a_note_taker_answers_participants_but_does_not_publish(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = make_app(data, tmp_path / "cfg", FakeNow(BEFORE_START))
    first.session.close()
    app = make_app(data, tmp_path / "cfg2", FakeNow(BEFORE_START), role="notes", author="Sam")
    seed(app, QUESTIONS)
    async with app.run_test(size=(140, 40)) as pilot:
        p = panel(app)
        assert not p.check_action("moderate", ("publish",))
        assert p.check_action("reply", ())
        await focus_row(pilot, app, "form:1")
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ParticipantAnswerScreen)
        app.screen.query_one("#reply-text", Input).value = "Yes, from March."
        await pilot.press("enter")
        await app.settle()
        (answer,) = app.session.board.get("form:1").participant_answers
        assert (answer.public, answer.written_by) == (True, "Sam")


async def test_held_view_lists_questions_with_a_held_word(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    seed(app, [fq(1), fq(2, held=True)])
    async with app.run_test(size=(140, 40)) as pilot:
        p = panel(app)
        while p.status_filter != "held":
            p.action_cycle_filter()
        await pilot.pause()
        assert [q.key for q in p.wanted()] == ["form:2"]
        assert "held" in p.view_words()
