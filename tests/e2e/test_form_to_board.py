"""End to end: a participant submits in a real browser, the running console's board shows it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.widgets.question_board import QuestionBoard
from tests.conftest import require_browser
from tests.ui.helpers import FakeNow, make_app

pytestmark = pytest.mark.browser

BEFORE_START = datetime(2025, 12, 17, 20, 25, tzinfo=UTC)
QUESTION = "Will the drill calendar be shared with parents? [bold]not markup[/bold]"


async def until(predicate, what: str, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def test_a_browser_submission_reaches_the_board(tmp_path: Path) -> None:
    require_browser()
    from playwright.async_api import async_playwright

    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START), form=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(lambda: bool(app.form_url), "the form to start")
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=[
                    "--no-sandbox",
                    "--disable-dev-shm-usage",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--no-first-run",
                ],
            )
            page = await browser.new_page()
            await page.goto(app.form_url)
            await page.get_by_label("Your question").fill(QUESTION)
            await page.get_by_label("Your name (optional)").fill("Robin")
            await page.get_by_label("Ask anonymously").check()
            await page.get_by_role("button", name="Send question").click()
            await page.wait_for_url("**/thanks?r=*")
            await browser.close()

        board = app.session.board
        await until(
            lambda: any(board.get(k).text == QUESTION for k in board.keys()),
            "the question on the board",
        )
        table = app.screen.query_one(QuestionBoard)
        await until(lambda: table.row_count == 1, "the row in the table")
        await pilot.pause()
        cell = table.cell_text(table.question_at(0), "text")
        assert cell.plain.startswith("Will the drill calendar")
        assert "[bold]" in cell.plain  # shown literally, never read as markup
        assert not any(span.style == "bold" for span in cell.spans)
        (question,) = [board.get(k) for k in board.keys()]
        assert question.display_name is False  # asked anonymously: the board must not show it
    app.session.close()
