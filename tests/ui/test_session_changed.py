"""The UI contract: views reach the App through ``Host`` and follow ``SessionChanged``."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App

from console import app as app_module
from console.board.model import Board
from console.host import Host, host_of
from console.messages import FolderChanged
from console.screens.presenter import PresenterScreen
from console.widgets.board_panel import BoardPanel
from console.widgets.countdown import Countdown
from console.widgets.session_header import SessionHeader
from tests.ui.board_helpers import BEFORE_START, fq, panel, seed, table
from tests.ui.helpers import FakeNow, make_app, until


async def test_the_app_is_the_host_of_its_views(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app, Host)
        assert host_of(panel(app)) is app
        assert host_of(app.screen).session is app.session
    app.session.close()


async def test_a_view_in_an_app_that_is_not_a_host_is_told_so() -> None:
    bare = App[None]()
    async with bare.run_test() as pilot:
        await pilot.pause()
        with pytest.raises(TypeError, match=r"console\.host\.Host"):
            host_of(bare.screen)


async def test_an_unchanged_tick_repaints_nothing_on_the_board(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "TICK_SECONDS", 3600.0)  # the test ticks by hand
    now = FakeNow(BEFORE_START)
    app = make_app(tmp_path / "data", tmp_path / "cfg", now)
    seed(app, [fq(1), fq(2)])
    async with app.run_test(size=(120, 40)) as pilot:
        board = panel(app)
        board.repaint()
        await pilot.pause(0.6)  # let the first row count as seen, so nothing moves later
        await app.settle()
        await pilot.pause()
        repaints, updates = board.repaints, table(app).updates
        header = app.screen.query_one(SessionHeader)
        for second in (1, 2, 3):
            now.advance(1)
            app.tick()
            await until(lambda s=second: header.wall_clock == f"15:25:0{s}", pilot)
        await pilot.pause()
        assert (board.repaints, table(app).updates) == (repaints, updates)
    app.session.close()


async def test_a_flood_of_changes_costs_each_view_one_look(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "TICK_SECONDS", 3600.0)
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.settle()
        board = panel(app)
        looks: list[int] = []
        catch_up = board.catch_up

        def counted() -> bool:
            looks.append(1)
            return catch_up()

        monkeypatch.setattr(board, "catch_up", counted)
        for _ in range(50):
            app.session_changed()
        await until(lambda: bool(looks), pilot)
        await pilot.pause()
        assert looks == [1]  # fifty queued at the board, one handled
    app.session.close()


async def test_views_under_a_modal_keep_following(tmp_path: Path) -> None:
    """The board under the presenter is current when the presenter closes; the presenter
    itself follows the live question."""
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    questions = [fq(1), fq(2)]
    seed(app, questions)
    async with app.run_test(size=(120, 40)) as pilot:
        panel(app).repaint()
        await pilot.pause()
        app.push_screen(PresenterScreen())
        await pilot.pause()
        other = Board("other-console", lambda: BEFORE_START)
        other.update_feed("form", questions, None)
        records = other.go_live("form:2")
        app.post_message(FolderChanged({r.key: r for r in records}, []))
        question = app.screen.query_one("#presenter-question")
        await until(lambda: "Question number 2?" in str(question.render()), pilot)
        board = app.screen_stack[-2].query_one(BoardPanel)  # under the presenter
        assert board.painted_version == app.session.board.version
    app.session.close()


async def test_a_clock_key_updates_every_clock_face_at_once(tmp_path: Path) -> None:
    now = FakeNow(BEFORE_START)
    app = make_app(tmp_path / "data", tmp_path / "cfg", now)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        header = app.screen.query_one(SessionHeader)
        assert header.projected_end == "16:30"
        now.advance(600)  # five minutes late
        await pilot.press("s")
        await until(lambda: app.screen.query_one(Countdown).state == "on time", pilot)
        assert header.projected_end == "16:35"
        await app.settle()
    app.session.close()
