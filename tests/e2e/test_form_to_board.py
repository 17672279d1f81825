"""End to end: a participant submits in a real browser, the running console's board shows it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from console.widgets.question_board import QuestionBoard
from tests.e2e.facilitator import run_console
from tests.form_helpers import until

pytestmark = pytest.mark.browser

QUESTION = "Will the drill calendar be shared with parents? [bold]not markup[/bold]"


async def test_a_browser_submission_reaches_the_board(tmp_path: Path, browser: Any) -> None:
    async with run_console(tmp_path / "data") as fac:
        page = await browser.new_page()
        await page.goto(fac.url)
        await page.get_by_label("Your question").fill(QUESTION)
        await page.get_by_label("Your name (optional)").fill("Robin")
        await page.get_by_label("Ask anonymously").check()
        await page.get_by_role("button", name="Send question").click()
        await page.wait_for_url("**/thanks?r=*")
        await page.close()

        key = await fac.question(QUESTION)
        table = fac.app.screen.query_one(QuestionBoard)
        await until(lambda: table.row_count == 1, "the row in the table")
        await fac.pilot.pause()
        cell = table.cell_text(table.question_at(0), "text")
        assert cell.plain.startswith("Will the drill calendar")
        assert "[bold]" in cell.plain  # shown literally, never read as markup
        assert not any(span.style == "bold" for span in cell.spans)
        assert fac.board.get(key).display_name is False  # anonymous: the board must not show it
