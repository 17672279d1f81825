"""The board mounted with questions already on it (a resumed or follow-up session), after the
first frame as in a real start, while composing is slow: the detail pane shows the first
question and the console keeps running (it once exited with NoMatches, the panel asking the
detail pane for its text before the pane had composed)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.app import ComposeResult
from textual.widget import Widget

from console.widgets import question_detail
from tests.ui.board_helpers import BEFORE_START, board_lines, fq, panel, seed
from tests.ui.helpers import FakeNow, make_app, until


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
async def test_a_board_with_questions_at_mount_survives_a_slow_compose(
    tmp_path: Path, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    compose = question_detail.QuestionDetail.compose

    def slow_compose(self: question_detail.QuestionDetail) -> Iterator[Widget]:
        time.sleep(0.3)  # a loaded machine
        result: ComposeResult = compose(self)
        yield from result

    monkeypatch.setattr(question_detail.QuestionDetail, "compose", slow_compose)
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START), defer_panels=True)
    seed(app, [fq(i, text=f"Question {i} about the drills?") for i in (1, 2, 3)])
    async with app.run_test(size=size) as pilot:
        await until(lambda: bool(app.screen.query("BoardPanel")), pilot)
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert panel(app)._detail_key == "form:3"
        assert any("Question 3" in line for line in board_lines(app))
    app.session.close()
