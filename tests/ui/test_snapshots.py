"""Snapshots of the main screen at 120x40 and 80x24, with a frozen clock and fixed ids."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.ui.helpers import FakeNow, make_app

BEFORE_START = datetime(2025, 12, 17, 20, 25, tzinfo=UTC)


def _app(tmp_path: Path, now: FakeNow) -> Any:
    app = make_app(tmp_path / "data", tmp_path / "cfg", now)
    app.startup_message = ""  # the toast would carry the random session id
    return app


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_main_screen_before_start(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    app = _app(tmp_path, FakeNow(BEFORE_START))
    try:
        assert snap_compare(app, terminal_size=size)
    finally:
        app.session.close()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_main_screen_in_overtime(snap_compare: Any, tmp_path: Path, size: tuple[int, int]) -> None:
    now = FakeNow(BEFORE_START)
    app = _app(tmp_path, now)

    async def run_before(pilot: Any) -> None:
        now.advance(300)
        await pilot.press("s")
        await pilot.press("n")
        now.advance(16 * 60 + 5)
        app.tick()
        await app.settle()
        app.last_saved_at = None  # "saved hh:mm:ss" is real time-of-write: keep it out
        app.session_changed()
        from console.widgets.board_panel import BoardPanel

        app.screen.query_one(BoardPanel).repaint()  # its own timer would do it, some time
        await pilot.pause()

    try:
        assert snap_compare(app, terminal_size=size, run_before=run_before)
    finally:
        app.session.close()
