"""End to end: answers for the participants, written at the real consoles (Pilot, the real
keys), reaching two Chromium contexts (participants A and B) through the built-in form.

- The facilitator writes a private answer and then a public one with ``w``, and marks the
  question answered with an internal note (``a``): B's list shows the public answer and the
  state, never the private answer nor the note; A's private page (the link on A's thank-you
  page) shows both answers.
- A note-taker's console (a second App, role ``notes``, on the same session folder) writes
  an answer with ``w``; it goes through the facilitator's console (the folder merge, then
  the push) to the form, and A sees it, with the note-taker's name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from console.screens.answer_note import AnswerNoteScreen
from tests.e2e.facilitator import run_console
from tests.form_helpers import ask_in_browser, page_text, until

pytestmark = pytest.mark.browser

QUESTION = "Will drills be announced to parents ahead of time?"
# Typed key by key at the consoles, so kept short.
PRIVATE = "We will call your school."
PUBLIC = "Yes, a week before."
NOTE = "ask the district"
NOTE_TAKERS = "See the plan's page."


async def test_public_and_private_answers_from_the_board(
    tmp_path: Path, participants: tuple[Any, Any]
) -> None:
    a, b = participants
    async with run_console(tmp_path / "data") as fac:
        url = fac.url
        private_page = await ask_in_browser(a, url, QUESTION)
        key = await fac.question(QUESTION)
        await fac.press("board.publish", key)
        await b.goto(url + "questions")
        await b.get_by_text(QUESTION).wait_for()

        await fac.reply(key, PRIVATE, public=False)
        await fac.press("board.answer", key)  # the internal answer note: never published
        assert isinstance(fac.app.screen, AnswerNoteScreen)
        await fac.pilot.press(*NOTE, "enter")
        await until(lambda: fac.board.get(key).status == "answered", "the question answered")
        await fac.reply(key, PUBLIC, public=True)
        assert {(x.text, x.public) for x in fac.board.get(key).participant_answers} == {
            (PRIVATE, False),
            (PUBLIC, True),
        }

        # B's open list gets the public answer by itself; it was pushed with or after the
        # private one, so the form has both when B sees it.
        await b.get_by_text(PUBLIC).wait_for()
        await b.reload()
        shown_to_b = await page_text(b)
        assert PUBLIC in shown_to_b and "Answered" in shown_to_b
        assert PRIVATE not in shown_to_b and NOTE not in shown_to_b
        assert "Answer for you only" not in shown_to_b

        await a.goto(private_page)
        mine = await page_text(a)
        assert PUBLIC in mine and PRIVATE in mine and "Answer for you only" in mine
        assert NOTE not in mine
        await a.goto(url + "questions")
        assert PRIVATE not in await page_text(a)  # the list is the same for everyone


async def test_a_note_takers_answer_reaches_the_form_through_the_facilitator(
    tmp_path: Path, participants: tuple[Any, Any]
) -> None:
    a, _b = participants
    data = tmp_path / "data"
    async with run_console(data) as fac:
        url = fac.url
        private_page = await ask_in_browser(a, url, QUESTION)
        key = await fac.question(QUESTION)
        await fac.press("board.publish", key)
        await a.goto(url + "questions")

        async with run_console(
            data, role="notes", author="Sam", form=False, config="config-notes"
        ) as notes:
            assert notes.app.session.folder.path == fac.app.session.folder.path
            assert await notes.question(QUESTION) == key  # from the facilitator's feed cache
            await notes.reply(key, NOTE_TAKERS, public=True)
            (written,) = notes.board.get(key).participant_answers
            assert written.written_by == "Sam"

        # The facilitator's console takes it in from the folder and pushes it to the form.
        await until(
            lambda: any(x.text == NOTE_TAKERS for x in fac.board.get(key).participant_answers),
            "the note-taker's answer on the facilitator's board",
        )
        answer = a.locator(".answer", has_text=NOTE_TAKERS)
        await answer.wait_for()  # A's open list, live
        assert "Sam" in await answer.inner_text()
        await a.goto(private_page)
        assert NOTE_TAKERS in await page_text(a)
