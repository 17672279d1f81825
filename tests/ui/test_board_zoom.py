"""Zooming the board (``z``) and giving the screen back, at 120x40 and 80x24.

While the board is zoomed the rest of the screen keeps ticking (the clock's seconds). A hidden
widget that repaints makes Textual rebuild its map of the screen lazily, and the un-zoomed
layout that follows then sends the board no Resize: the board used to keep its zoomed columns
in its small box. The tests tick the clock while zoomed, as a live session does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.board_helpers import BEFORE_START, board_lines, fq, panel, seed, table
from tests.ui.helpers import FakeNow, make_app

SIZES = [(120, 40), (80, 24)]


def header(app: object) -> str:
    """The board's header line (column titles) as shown on screen."""
    return next(line for line in board_lines(app) if "Votes" in line)


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
async def test_zoom_then_unzoom_brings_the_same_layout_back(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    now = FakeNow(BEFORE_START)
    app = make_app(tmp_path / "data", tmp_path / "cfg", now)
    seed(app, [fq(i, text=f"Question {i} about radios in portable classrooms?") for i in (1, 2)])
    async with app.run_test(size=size) as pilot:
        t = table(app)
        t.focus()
        await pilot.pause()
        columns = list(t.column_spec)
        classes = set(panel(app).classes)
        shown = header(app)
        assert "Status" in shown and "Question" in shown
        await pilot.press("z")
        await pilot.pause()
        assert app.screen.maximized is panel(app)
        assert "Time" in header(app)
        for _ in range(3):  # about 3 s of a live session: the clock's face repaints
            now.advance(1)
            app.tick()
            await pilot.pause()
        await pilot.press("z")
        await pilot.pause()
        assert app.screen.maximized is None
        assert list(t.column_spec) == columns
        assert set(panel(app).classes) == classes
        assert header(app) == shown
        assert "Status" in header(app) and "Question" in header(app)
    app.session.close()


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
async def test_escape_in_a_zoomed_boards_search_clears_the_search_then_leaves_the_zoom(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    seed(app, [fq(1, text="Radios in portable classrooms?"), fq(2, text="Drills at lunch?")])
    async with app.run_test(size=size) as pilot:
        table(app).focus()
        await pilot.pause()
        await pilot.press("z", "slash", *"radios")
        await pilot.pause()
        assert panel(app).search == "radios"
        assert not any("Drills" in line for line in board_lines(app))
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.maximized is panel(app)  # still zoomed
        assert panel(app).search == ""
        assert table(app).has_focus
        assert any("Drills" in line for line in board_lines(app))
        await pilot.press("escape")  # now Esc gives the screen back
        await pilot.pause()
        assert app.screen.maximized is None
    app.session.close()
