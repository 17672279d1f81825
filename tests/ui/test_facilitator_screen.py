"""The facilitator's screen as a live session met it (issue 13, items 7 to 11): focus, the
end key while typing, what fits at 120x40 and 80x24, jumping to a segment, and wording.

Each fact is read from the screen's text (what the terminal shows), at both sizes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from console.clock.model import Phase
from console.screens.confirm import ConfirmScreen
from console.widgets.capture_line import CaptureInput
from tests.ui.board_helpers import BEFORE_START
from tests.ui.helpers import FakeNow, footer_keys, make_app, region_text, until

SIZES = [(120, 40), (80, 24)]


@pytest.mark.parametrize("size", SIZES)
async def test_ctrl_e_opens_the_end_confirmation_while_typing_a_note(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    async with app.run_test(size=size) as pilot:
        await pilot.press("s")
        await pilot.press("ctrl+n")
        box = app.screen.query_one(CaptureInput)
        assert app.focused is box
        await pilot.press(*"half a note")
        assert footer_keys(app).get("End") == "^e"  # the footer keeps it while typing
        await pilot.press("ctrl+e")
        await until(lambda: isinstance(app.screen, ConfirmScreen), pilot, 5)
        await pilot.press("escape")
        await until(lambda: not isinstance(app.screen, ConfirmScreen), pilot, 5)
        assert app.session.clock.phase is Phase.RUNNING
        assert app.focused is box and box.value == "half a note"
        await pilot.press("home", "end")  # End still goes to the end of the line
        assert box.cursor_position == len("half a note")
        await app.settle()
    app.session.close()


@pytest.mark.parametrize("size", SIZES)
async def test_the_end_confirmation_shows_its_whole_question(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    from textual.containers import Vertical

    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    async with app.run_test(size=size) as pilot:
        await pilot.press("s")
        await pilot.press("ctrl+e")
        await until(lambda: isinstance(app.screen, ConfirmScreen), pilot, 5)
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        shown = region_text(app, dialog.query_one(Vertical))
        assert dialog.question in shown, shown
        assert shown.startswith("End the session now?")
        assert "End session" in shown and "Cancel" in shown
        await pilot.press("escape")
        await app.settle()
    app.session.close()
