"""End to end: a question holding one of the agenda's held words, with the real console as
the facilitator (Pilot) and two Chromium contexts as participants A and B.

The list is ``open``, so A's other question reaches B at once; the held one waits in the
board's held view (``f``) and never reaches B's list, even after the console pushed its
decisions; A still sees it, as theirs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.facilitator import agenda_file, run_console
from tests.form_helpers import ask_in_browser, page_text, shows, until

pytestmark = pytest.mark.browser

HELD = "Is the rumor about Lincoln Elementary's evacuation true?"
PLAIN = "When are the parent meetings about the new plan?"


async def test_a_held_question_waits_in_the_held_view_and_never_reaches_b(
    tmp_path: Path, participants: tuple[Any, Any]
) -> None:
    a, b = participants
    agenda = agenda_file(
        tmp_path / "agendas", participant_list="open", held_words=["Lincoln Elementary", "rumor"]
    )
    async with run_console(tmp_path / "data", agenda=agenda) as fac:
        url = fac.url
        await b.goto(url + "questions")
        await ask_in_browser(a, url, HELD)
        await ask_in_browser(a, url, PLAIN)
        held, plain = await fac.question(HELD), await fac.question(PLAIN)

        # B's open list has the plain question, asked after the held one, at once.
        await b.get_by_text(PLAIN).wait_for()
        assert HELD not in await page_text(b)

        assert fac.board.is_held(held) and not fac.board.is_held(plain)
        assert await fac.view("held") == [held]
        await fac.select(held)
        assert "held word" in fac.detail()
        assert set(await fac.view("open")) == {held, plain}  # the usual view has both

        # The facilitator takes the plain one live; once B's list says so, the console's
        # pushes since the held question arrived are on the form, and it is still not there.
        await fac.press("board.live", plain)
        plain_item = b.locator(".q", has_text=PLAIN)
        await until(
            lambda: shows(plain_item, "Now answering"), "B's list to show the question live"
        )
        await fac.pushed()
        await b.reload()
        assert PLAIN in await page_text(b) and HELD not in await page_text(b)
        await a.goto(url + "questions")
        shown_to_a = await page_text(a)
        assert HELD in shown_to_a and "Your questions" in shown_to_a
