"""End to end: the real console as the facilitator (Pilot, the real keys), its built-in form on
a real port, and two Chromium contexts as participants A and B.

- ``screened`` (the default): B sees A's question only once the facilitator presses the
  publish key; taking B's question live (``l``) publishes it to A too; B says "me too" and
  the board shows the vote; 50 more vote posts from B still count once.
- ``open``: B sees A's question at once; the hide key takes it off B's list (A still sees
  it, as theirs), and the publish key puts it back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.facilitator import agenda_file, run_console
from tests.form_helpers import ask_in_browser, page_text, shows, until, vote_in_browser

pytestmark = pytest.mark.browser

FIRST = "Will the drill schedule be shared with parents before March?"
SECOND = "Who checks the visitor badges at the front office?"


def form_id(key: str) -> str:
    """The form's own id of a board key (``intake:<id>``): the id in the page's markup."""
    return key.partition(":")[2]


async def test_screened_publish_key_live_key_and_votes(
    tmp_path: Path, participants: tuple[Any, Any]
) -> None:
    a, b = participants
    async with run_console(tmp_path / "data") as fac:
        assert fac.board.participant_list == "screened"
        url = fac.url
        await b.goto(url + "questions")  # B watches the list; it updates by itself
        await ask_in_browser(a, url, FIRST)
        first = await fac.question(FIRST)
        await fac.pushed()
        assert FIRST not in await page_text(b)
        await b.reload()
        assert FIRST not in await page_text(b)  # not on the form's list either

        await fac.press("board.publish", first)
        assert fac.board.get(first).published
        await b.locator(f"#q-{form_id(first)}").wait_for()  # live, no reload

        # B asks too; A watches; the facilitator takes B's question live: published with it.
        await ask_in_browser(b, url, SECOND)
        second = await fac.question(SECOND)
        await a.goto(url + "questions")
        assert SECOND not in await page_text(a)
        await fac.press("board.live", second)
        assert fac.board.get(second).published and fac.board.get(second).status == "live"
        item = a.locator(f"#q-{form_id(second)}")
        await item.wait_for()
        await until(lambda: shows(item, "Now answering"), "A's list to say it is being answered")

        await vote_in_browser(b, url, form_id(first))
        assert "You said: me too" in await page_text(b)
        await until(lambda: fac.board.get(first).votes == 1, "B's vote on the board")
        await fac.select(first)
        await until(lambda: "Votes: 1" in fac.detail(), "the vote in the detail pane")

        # 50 more "me too" posts from B: the form takes a few and then asks B to wait.
        await b.goto(url)
        csrf = await b.locator("input[name=csrf]").first.get_attribute("value")
        statuses = []
        for _ in range(50):
            response = await b.request.post(
                url + "vote",
                form={"csrf": csrf or "", "question": form_id(first)},
                headers={"Origin": url.rstrip("/")},
                max_redirects=0,
            )
            statuses.append(response.status)
        assert statuses[0] == 303 and set(statuses) <= {303, 429}, statuses
        # A's vote on B's question comes after all of them: once it shows on the board, the
        # board has read the form as it was after B's 50 posts.
        await vote_in_browser(a, url, form_id(second))
        await until(lambda: fac.board.get(second).votes == 1, "A's vote on the board")
        assert fac.board.get(first).votes == 1


async def test_open_list_shows_at_once_and_the_hide_key_takes_it_off(
    tmp_path: Path, participants: tuple[Any, Any]
) -> None:
    a, b = participants
    agenda = agenda_file(tmp_path / "agendas", participant_list="open")
    async with run_console(tmp_path / "data", agenda=agenda) as fac:
        assert fac.board.participant_list == "open"
        url = fac.url
        await b.goto(url + "questions")
        await ask_in_browser(a, url, FIRST)
        key = await fac.question(FIRST)
        item = b.locator(f"#q-{form_id(key)}")
        await item.wait_for()  # open: on B's list without the facilitator doing anything

        await fac.press("board.hide", key)
        assert fac.board.get(key).hidden
        await item.wait_for(state="detached")  # gone from B's open page, live
        await b.reload()
        assert FIRST not in await page_text(b)
        await a.goto(url + "questions")
        assert FIRST in await page_text(a) and "Your question" in await page_text(a)

        await fac.press("board.publish", key)  # takes the hide back
        assert not fac.board.get(key).hidden
        await item.wait_for()
        await b.reload()
        assert FIRST in await page_text(b)
