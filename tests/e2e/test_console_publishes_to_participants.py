"""End to end: the real console as the facilitator (Pilot), two Chromium contexts as two
participants. A asks; B does not see it (the list is screened); the facilitator presses the
publish key on the board; B sees it and says "me too"; the board shows the vote; 50 vote
posts from B still count once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from console import actions
from console.widgets.question_detail import QuestionDetail
from tests.conftest import require_browser
from tests.e2e.test_intake_browser import CHROMIUM
from tests.ui.board_helpers import BEFORE_START, focus_row
from tests.ui.helpers import FakeNow, make_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
    ),
]

QUESTION = "Will the drill schedule be shared with parents before March?"
ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run"]


async def until(predicate: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def test_facilitator_publishes_with_a_key_and_a_participant_votes(tmp_path: Path) -> None:
    require_browser()
    from playwright.async_api import async_playwright

    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START), form=True)
    async with app.run_test(size=(140, 40)) as pilot:
        await until(lambda: bool(app.form_url) and bool(app.form_syncs), "the form to start")
        url = app.form_url
        board = app.session.board
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            ctx_a, ctx_b = await browser.new_context(), await browser.new_context()
            a, b = await ctx_a.new_page(), await ctx_b.new_page()

            await a.goto(url)
            await a.get_by_label("Your question").fill(QUESTION)
            await a.get_by_role("button", name="Send question").click()
            await a.wait_for_url("**/thanks?r=*")

            def key_of_question() -> str | None:
                return next((k for k in board.keys() if board.get(k).text == QUESTION), None)

            await until(lambda: key_of_question() is not None, "the question on the board")
            key = key_of_question()
            assert key is not None
            await until(lambda: "up to date" in app.participant_sync_lines()[0], "a first push")

            # Screened (the default): B does not see it before the facilitator publishes.
            await b.goto(url + "questions")
            assert QUESTION not in await b.content()

            await focus_row(pilot, app, key)
            await pilot.press(actions.by_id("board.publish").keys)
            await until(lambda: board.get(key).published, "the publish decision")

            # B's open list shows it without a reload (the form's live updates).
            item = b.get_by_text(QUESTION)
            await item.wait_for(timeout=30_000)
            await b.reload()
            await b.get_by_role("button", name="Me too").click()
            await b.wait_for_url("**/questions?voted=1*")

            await until(lambda: board.get(key).votes == 1, "the vote on the board")
            await pilot.pause()
            detail = str(app.screen.query_one(QuestionDetail).query_one("Static").render())
            assert "Votes: 1" in detail

            # 50 more vote posts from B still count once.
            await b.goto(url)
            csrf = await b.locator("input[name=csrf]").first.get_attribute("value")
            form_id = key.partition(":")[2]
            for _ in range(50):
                await b.request.post(
                    url + "vote",
                    form={"csrf": csrf or "", "question": form_id},
                    headers={"Origin": url.rstrip("/")},
                    max_redirects=0,
                )
            app.feed_service().poll_now()
            await asyncio.sleep(1.5)
            assert board.get(key).votes == 1
            await ctx_a.close()
            await ctx_b.close()
            await browser.close()
    app.session.close()
