"""The question board under Pilot: every moderation key, persisted and kept over a restart."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding

from console import actions
from console.actions import Handler
from console.widgets.question_detail import QuestionDetail
from tests.ui.board_helpers import BEFORE_START, focus_row, fq, panel, saved_board, seed, table
from tests.ui.helpers import FakeNow, make_app

QUESTIONS = [fq(1), fq(2), fq(3, votes=4)]


async def test_keys_moderate_and_every_decision_is_saved(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    seed(app, QUESTIONS)
    async with app.run_test(size=(120, 40)) as pilot:
        await focus_row(pilot, app, "form:1")
        await pilot.press("q")
        await focus_row(pilot, app, "form:2")
        await pilot.press("l")
        await pilot.press("asterisk")
        await pilot.press("v")
        await focus_row(pilot, app, "form:3")
        await pilot.press("d")
        await app.settle()
        board = app.session.board
        assert [board.get(k).status for k in ("form:1", "form:2", "form:3")] == [
            "queued",
            "live",
            "deferred",
        ]
    app.session.close()
    saved = saved_board(app, QUESTIONS)
    assert saved.get("form:1").status == "queued"
    live = saved.get("form:2")
    assert (live.status, live.starred, live.plus_ones) == ("live", True, 1)
    assert saved.get("form:3").status == "deferred"


async def test_answer_asks_for_a_note_and_restart_keeps_it(tmp_path: Path) -> None:
    data, cfg = tmp_path / "data", tmp_path / "cfg"
    now = FakeNow(BEFORE_START)
    app = make_app(data, cfg, now)
    seed(app, QUESTIONS)
    async with app.run_test(size=(120, 40)) as pilot:
        await focus_row(pilot, app, "form:2")
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Yes, twice a year")
        await pilot.press("enter")
        await pilot.pause()
        await focus_row(pilot, app, "form:1")
        await pilot.press("x")
        await app.settle()
        session_id = app.session.folder.info.id
    app.session.close()
    again = make_app(data, cfg, now, session=session_id)
    seed(again, QUESTIONS)
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        board = again.session.board
        answered = board.get("form:2")
        assert (answered.status, answered.answer_note) == ("answered", "Yes, twice a year")
        assert board.get("form:1").status == "dismissed"
        # the restored console can take the dismissal back
        p = panel(again)
        p.status_filter = "dismissed"
        await focus_row(pilot, again, "form:1")
        await pilot.press("u")
        await again.settle()
        assert board.get("form:1").status == "new"
    again.session.close()
    assert saved_board(again, QUESTIONS).get("form:1").status == "new"


async def test_tag_and_merge_choose_from_a_list(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    seed(app, QUESTIONS)
    async with app.run_test(size=(120, 40)) as pilot:
        await focus_row(pilot, app, "form:1")
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"funding")
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.board.get("form:1").themes == ("funding",)
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("down", "enter")  # the list: the other two, newest first -> form:3
        await pilot.pause()
        await app.settle()
        board = app.session.board
        assert board.get("form:1").merged_into is not None
        primary = board.get(board.get("form:1").merged_into or "")
        assert "form:1" in primary.duplicates
        assert "form:1" not in table(app).shown_keys  # duplicates leave the main list
    app.session.close()
    saved = saved_board(app, QUESTIONS)
    assert saved.get("form:1").themes == ("funding",)
    assert saved.get("form:1").merged_into is not None


async def test_theme_filter_key_chooses_a_theme_from_a_list(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    seed(app, QUESTIONS)
    app.session.board.tag("form:2", "funding")
    async with app.run_test(size=(120, 40)) as pilot:
        await focus_row(pilot, app, "form:1")
        await pilot.press("F")
        await pilot.pause()
        await pilot.press(*"funding")
        await pilot.press("enter")
        await pilot.pause()
        assert panel(app).theme_filter == "funding"
        assert table(app).shown_keys == ["form:2"]
        await pilot.press("F")
        await pilot.pause()
        await pilot.press("enter")  # the first choice: all themes
        await pilot.pause()
        assert panel(app).theme_filter is None
        assert sorted(table(app).shown_keys) == ["form:1", "form:2", "form:3"]
    app.session.close()


async def test_impossible_move_is_refused_in_plain_words(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    seed(app, QUESTIONS)
    async with app.run_test(size=(120, 40)) as pilot:
        await focus_row(pilot, app, "form:1")
        await pilot.press("u")  # restore a question that is not dismissed
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("Only a dismissed question can be restored" in m for m in messages)
        assert app.session.board.get("form:1").status == "new"
    app.session.close()


async def test_add_a_question_by_hand_with_its_origin(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    async with app.run_test(size=(120, 40)) as pilot:
        table(app).focus()
        await pilot.press("i")
        await pilot.pause()
        await pilot.press(*"Can parents join the drills?")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.settle()
        (q,) = app.session.board.questions(status=None)
        assert q.text == "Can parents join the drills?"
        assert q.origin == "chat"
        assert table(app).highlighted_key == q.key
    app.session.close()
    folder_board = saved_board(app, [])
    assert [q.text for q in folder_board.questions()] == ["Can parents join the drills?"]


async def test_new_count_drops_when_a_question_is_looked_at(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    seed(app, QUESTIONS)
    async with app.run_test(size=(120, 40)) as pilot:
        p = panel(app)
        await pilot.pause()
        await focus_row(pilot, app, "form:2")
        await pilot.pause(0.6)  # the cursor rests on it: seen
        await app.settle()
        p.repaint()
        board = app.session.board
        assert board.get("form:2").seen
        assert p.counts.unseen < len(QUESTIONS)
        assert p.counts.unseen == sum(not q.seen for q in board.questions(status=None))
        detail = app.screen.query_one(QuestionDetail)
        assert "Question number 2?" in str(detail.query_one("Static").render())
    app.session.close()


async def test_every_board_action_is_a_binding_with_id_and_in_the_palette_list() -> None:
    ids = {a.id for a in actions.BOARD}
    assert None not in ids
    assert all(a.tooltip for a in actions.BOARD)
    keys = {k for a in actions.BOARD for k in a.keys.split(",")}
    assert not keys & {"plus", "minus", "equals_sign", "s", "n", "p", "space"}  # the clock's
    offered = [a for a in actions.PALETTES[Handler.MAIN_SCREEN] if a.palette]
    assert {a.id for a in offered if a.handler is Handler.BOARD_PANEL} == ids
    keyed = {b.id: b.action for b in actions.bindings(actions.BOARD) if isinstance(b, Binding)}
    assert {a.id: a.action for a in offered if a.id in ids} == keyed  # the key's own action


async def test_the_palette_drives_the_same_actions(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    seed(app, QUESTIONS)
    async with app.run_test(size=(120, 40)) as pilot:
        await focus_row(pilot, app, "form:3")
        (queue,) = [c for c in app.get_system_commands(app.screen) if c.title == "Queue"]
        await queue.callback()
        await pilot.pause()
        await app.settle()
        assert app.session.board.get("form:3").status == "queued"
    app.session.close()
