"""What the board shows of the view in force, read off the screen at 120x40 and 80x24: the
filter and the sort in the status line, and an empty list that names the filter or search
hiding the questions (not "No questions yet.")."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.widgets.board_view import STATUS_FILTERS
from tests.ui.board_helpers import BEFORE_START, board_lines, fq, panel, seed, table
from tests.ui.helpers import FakeNow, make_app

SIZES = [(120, 40), (80, 24)]


def shown(app: object) -> str:
    return "\n".join(board_lines(app))


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
async def test_the_view_and_sort_are_on_screen(tmp_path: Path, size: tuple[int, int]) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    seed(app, [fq(1), fq(2)])
    async with app.run_test(size=size) as pilot:
        table(app).focus()
        await pilot.pause()
        if size == (80, 24):  # reachable: the zoom gives the board the screen
            await pilot.press("z")
            await pilot.pause()
        assert "open · newest first" in shown(app)
        await pilot.press("o", "f")
        await pilot.pause()
        assert "all · most votes first" in shown(app)
    app.session.close()


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
async def test_an_empty_filter_or_search_names_it(tmp_path: Path, size: tuple[int, int]) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    seed(app, [fq(1, text="Radios?"), fq(2, text="Drills?")])
    async with app.run_test(size=size) as pilot:
        table(app).focus()
        await pilot.pause()
        if size == (80, 24):
            await pilot.press("z")
            await pilot.pause()
        await pilot.press("f", "f")  # open → all → answered: none answered yet
        await pilot.pause()
        assert panel(app).status_filter == "answered"
        assert "No questions yet." not in shown(app)
        assert "No answered questions" in shown(app)
        # Round the rest of the views back to open (answered is the third), then search.
        await pilot.press(*["f"] * (len(STATUS_FILTERS) - 2), "slash", *"zebra")
        await pilot.pause()
        assert panel(app).status_filter == "open"
        assert "No questions yet." not in shown(app)
        assert "No open questions match 'zebra'" in shown(app)
    app.session.close()


async def test_an_empty_board_still_says_no_questions_yet(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "No questions yet." in shown(app)
    app.session.close()
