"""The question list widget: keys, mouse, scrolling, the cursor kept across polls, and other
consoles' decisions shown as soon as the folder message arrives."""

from __future__ import annotations

from pathlib import Path

import pytest

from console import app as app_module
from console.board.model import Board
from console.messages import FolderChanged
from console.widgets.question_board import QuestionBoard
from tests.ui.board_helpers import BEFORE_START, focus_row, fq, panel, row_text, seed, table
from tests.ui.helpers import FakeNow, make_app


async def test_cursor_keys_scroll_and_announce_the_highlighted_question(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    seed(app, [fq(i) for i in range(1, 60)])
    async with app.run_test(size=(120, 40)) as pilot:
        t = table(app)
        panel(app).repaint()
        t.focus()
        await pilot.pause()
        keys = t.shown_keys
        assert keys[0] == "form:59" and len(keys) == 59  # newest first
        await pilot.press("down", "down")
        await pilot.pause()
        assert t.highlighted_key == keys[2]
        assert panel(app)._detail_key == keys[2]  # the detail pane heard of the move
        await pilot.press("end")
        await pilot.pause()
        assert t.highlighted_key == keys[-1]
        assert t.scroll_y > 0  # the last row was scrolled into view
        assert "Question number 1?" in row_text(t, keys[-1])
        await pilot.press("home")
        await pilot.pause()
        assert t.highlighted_key == keys[0] and t.scroll_y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert t.cursor_row > 5
        assert panel(app)._detail_key == t.highlighted_key
    app.session.close()


async def test_a_click_selects_the_row_under_the_pointer(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    seed(app, [fq(i) for i in range(1, 6)])
    async with app.run_test(size=(120, 40)) as pilot:
        t = table(app)
        panel(app).repaint()
        await pilot.pause()
        await pilot.click(QuestionBoard, offset=(20, 3))  # line 0 is the header
        await pilot.pause()
        assert t.highlighted_key == t.shown_keys[2]
        await pilot.click(QuestionBoard, offset=(20, 0))  # the header selects nothing
        assert t.highlighted_key == t.shown_keys[2]
    app.session.close()


async def test_new_questions_on_top_keep_the_cursor_on_its_question(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    seed(app, [fq(i) for i in range(1, 11)])
    async with app.run_test(size=(120, 40)) as pilot:
        await focus_row(pilot, app, "form:4")
        before = table(app).updates
        seed(app, [fq(i) for i in range(1, 14)])  # three newer questions
        panel(app).repaint()
        await pilot.pause()
        t = table(app)
        assert t.highlighted_key == "form:4"
        assert t.shown_keys[:3] == ["form:13", "form:12", "form:11"]
        assert t.updates > before
        same = [t.question_at(i) for i in range(t.row_count)]
        updates = t.updates
        t.show(same)  # the same questions again: the list is not touched
        assert t.updates == updates
        t.show(same[1:])
        assert t.updates == updates + 1 and t.row_count == len(same) - 1
    app.session.close()


async def test_empty_list_says_so_and_text_is_never_markup(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    async with app.run_test(size=(120, 40)) as pilot:
        t = table(app)
        await pilot.pause()
        line = "".join(s.text for s in t.render_line(1))
        assert "No questions yet." in line
        seed(app, [fq(1, text="[b]x[/b] [@click=app.quit]go[/]")])
        panel(app).repaint()
        await pilot.pause()
        shown = row_text(t, "form:1")
        assert "[b]x[/b] [@click=app.quit]" in shown
        assert app.is_running
    app.session.close()


async def test_another_consoles_decision_shows_without_waiting_for_the_watch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "TICK_SECONDS", 3600.0)  # only the message counts
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    questions = [fq(1), fq(2)]
    seed(app, questions)
    async with app.run_test(size=(120, 40)) as pilot:
        panel(app).repaint()
        await pilot.pause()
        other = Board("other-console", lambda: BEFORE_START)
        other.update_feed("form", questions, None)
        records = other.queue("form:2")
        app.post_message(FolderChanged({r.key: r for r in records}, []))
        await pilot.pause()
        assert "queued" in row_text(table(app), "form:2")
        assert panel(app).painted_version == app.session.board.version
    app.session.close()


async def test_zoom_gives_the_board_the_screen_on_a_small_terminal(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    seed(app, [fq(i, text=f"Question {i} about radios in portable classrooms?") for i in (1, 2)])
    async with app.run_test(size=(80, 24)) as pilot:
        t = table(app)
        panel(app).repaint()
        t.focus()
        await pilot.pause()
        assert [key for key, _, _ in t.column_spec] == ["votes", "status", "text"]
        # The row under the cursor loses its unseen dot after 0.4 s of real time, whenever that
        # falls in this test: the layout is compared without it.
        squeezed = row_text(t, "form:2").replace("●", " ")
        await pilot.press("z")
        await pilot.pause()
        assert app.screen.maximized is panel(app)
        assert "time" in [key for key, _, _ in t.column_spec]
        assert "portable classrooms?" in row_text(t, "form:2")
        assert "portable classrooms?" not in squeezed
        await pilot.press("z")
        await pilot.pause()
        assert app.screen.maximized is None
        assert [key for key, _, _ in t.column_spec] == ["votes", "status", "text"]  # narrow again
        assert row_text(t, "form:2").replace("●", " ") == squeezed
    app.session.close()


async def test_the_cursor_row_looks_different_with_and_without_focus(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    seed(app, [fq(1), fq(2)])
    async with app.run_test(size=(120, 40)) as pilot:
        t = table(app)
        panel(app).repaint()
        t.focus()
        await pilot.pause()
        assert t.has_focus
        focused = t.render_line(1)
        app.screen.set_focus(None)
        await pilot.pause()
        assert not t.has_focus
        blurred = t.render_line(1)
        assert focused.text == blurred.text
        assert focused != blurred  # the cursor's colours follow the focus
        assert t.render_line(2) == t.render_line(2)  # other rows are drawn the same either way
    app.session.close()


async def test_a_big_intake_freezes_the_heap_and_a_small_one_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from console.feeds.poller import FeedStatus, FeedUpdate
    from console.session import feed_service as feed_service_module

    frozen: list[int] = []
    monkeypatch.setattr(feed_service_module, "keep_long_lived", lambda: frozen.append(1))
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))

    def arrive(n: int) -> None:
        qs = tuple(fq(i) for i in range(1, n + 1))
        status = FeedStatus(True, f"{n} questions", BEFORE_START, BEFORE_START, n, "test")
        app.feed_service().apply("form", FeedUpdate(qs, True, status))
        panel(app).session_changed()  # what the panel does on the SessionChanged that follows

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        arrive(1_200)
        assert frozen == [1]
        arrive(1_210)  # ten more: not worth it
        assert frozen == [1]
        await app.settle()
    app.session.close()
