"""Snapshots of the main screen with a few questions on the board (frozen clock, fixed ids)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.ui.board_helpers import BEFORE_START, fq, seed
from tests.ui.helpers import FakeNow, make_app


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_main_screen_with_a_board(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    app.startup_message = ""
    seed(
        app,
        [
            fq(
                1,
                "How often must we run lockdown drills, and who evaluates them?",
                asker="Ana Ruiz",
                email="ana@school.example",
                votes=3,
            ),
            fq(2, "Our building has three entrances.\nWhich one is the single point of entry?"),
            fq(
                3,
                "Is there funding for door-lock upgrades? [bold]literal[/bold]",
                asker="Bo",
                display_name=False,
            ),
        ],
    )
    board = app.session.board
    board.queue("form:1")
    board.go_live("form:2")
    board.tag("form:1", "drills")

    async def run_before(pilot: Any) -> None:
        await pilot.pause(0.6)  # let the first row count as seen, so nothing moves later
        await app.settle()
        app.last_saved_at = None
        app.session_changed()
        await pilot.pause()

    try:
        assert snap_compare(app, terminal_size=size, run_before=run_before)
    finally:
        app.session.close()
