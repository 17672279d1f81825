"""End to end: the real console (the App under Pilot, the real keys) follows a hosted
``facilitator form serve``: a process of its own, with its own data folder, on another port.
The agenda names it as the question source with the ``intake`` preset and the token's
environment variable, as docs/intake.md says; two Chromium contexts are participants A and B.

A asks; the board shows it; B does not see it (screened) until the facilitator presses the
publish key; B says "me too" and the board shows the vote; the facilitator takes it live and
writes a public answer; B's list and A's private page show both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from console.session.form_plan import TOKEN_ENV
from tests.e2e.facilitator import agenda_file, run_console
from tests.form_helpers import FormServe, ask_in_browser, page_text, shows, until, vote_in_browser

pytestmark = pytest.mark.browser

QUESTION = "Will the new visitor policy apply to after-school events?"
ANSWER = "Yes, from January."


async def test_the_console_follows_a_hosted_form_end_to_end(
    tmp_path: Path,
    remote: FormServe,
    participants: tuple[Any, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b = participants
    monkeypatch.setenv(TOKEN_ENV, remote.token)
    agenda = agenda_file(
        tmp_path / "agendas", source=remote.url, preset="intake", token_env=TOKEN_ENV
    )
    url = remote.url
    async with run_console(tmp_path / "console-data", agenda=agenda) as fac:
        assert fac.app.form is None and fac.url == ""  # no form of its own: it follows one
        (sync,) = fac.app.form_syncs
        assert sync.target.url == url

        await b.goto(url + "questions")
        private_page = await ask_in_browser(a, url, QUESTION)
        key = await fac.question(QUESTION)
        form_id = key.partition(":")[2]
        await fac.pushed()
        await b.reload()
        assert QUESTION not in await page_text(b)  # screened: not before the facilitator

        await fac.press("board.publish", key)
        await b.get_by_text(QUESTION).wait_for()  # live on B's open list

        await vote_in_browser(b, url, form_id)
        await until(lambda: fac.board.get(key).votes == 1, "B's vote on the board")
        await fac.select(key)
        await until(lambda: "Votes: 1" in fac.detail(), "the vote in the detail pane")

        await fac.press("board.live", key)
        await fac.reply(key, ANSWER, public=True)
        await b.goto(url + "questions")
        item = b.locator(f"#q-{form_id}")
        await until(lambda: shows(item, ANSWER), "the answer on B's list (live)")
        assert "Now answering" in await item.inner_text()
        await a.goto(private_page)
        mine = await page_text(a)
        assert QUESTION in mine and ANSWER in mine

    # The form's data stayed in its own folder; the console's session is elsewhere.
    assert (tmp_path / "hosted-form-data" / "intake" / "form.sqlite3").exists()
    assert not any((tmp_path / "console-data").rglob("form.sqlite3"))
