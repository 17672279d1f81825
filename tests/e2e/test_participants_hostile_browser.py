"""Hostile text shown to other participants stays text, in a real headless Chromium.

Both paths that put someone's words in front of everyone: a participant's question at the
form's longest, and a question the facilitator typed in (heard aloud, from chat) at the API's
longest, each holding script, markup, an event handler and bidi controls. Published, they
reach a second participant's live list: no script runs (no dialog, no console error from an
injected element), no element is made from the text, the text reads as typed (bidi controls
taken out), and the page's Content-Security-Policy forbids inline script anyway.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from console.intake import IntakeServer
from console.intake.pages import QUESTION_LIMIT
from tests.form_helpers import assert_accessible

pytestmark = pytest.mark.browser

ATTACK = (
    '<script>alert("s")</script><img src=x onerror="alert(1)">'
    '<a href="javascript:alert(2)">link</a>{{ 7*7 }} left\u202eright\u2066isolate\u2069 '
)


def longest(prefix: str) -> str:
    return (prefix + ATTACK * 200)[:QUESTION_LIMIT]


async def api(srv: IntakeServer, method: str, path: str, body: object = None) -> Any:
    headers = {"Authorization": f"Bearer {srv.token}"}
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, srv.url + path, json=body, headers=headers) as resp,
    ):
        assert resp.status in {200, 201}, await resp.text()
        return await resp.json()


async def test_hostile_questions_from_the_form_and_typed_in_stay_text(
    server: IntakeServer, browser: Any
) -> None:
    ctx_a, ctx_b = await browser.new_context(), await browser.new_context()
    a, b = await ctx_a.new_page(), await ctx_b.new_page()
    dialogs: list[str] = []
    b.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    a.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    asked = longest("FORM ")
    await a.goto(server.url)
    await a.get_by_label("Your question").fill(asked)
    await a.get_by_role("button", name="Send question").click()
    await a.wait_for_url("**/thanks?r=*")
    typed = longest("TYPED ")
    created = await api(server, "POST", "api/questions", {"text": typed, "language": "en"})

    await b.goto(server.url + "questions")
    ids = [q["id"] for q in (await api(server, "GET", "api/questions?origin=all"))["questions"]]
    assert created["id"] in ids and len(ids) == 2
    await api(server, "POST", "api/decisions", [{"id": i, "published": True} for i in ids])
    for qid in ids:
        await b.locator(f"#q-{qid}").wait_for()  # arrives live, without a reload

    texts = [await b.locator(f"#q-{qid} .text").first.inner_text() for qid in ids]
    clean = {
        t.replace("\u202e", "").replace("\u2066", "").replace("\u2069", "") for t in (asked, typed)
    }
    assert {t.strip() for t in texts} == {t.strip() for t in clean}
    assert not any(ch in "".join(texts) for ch in "\u202e\u2066\u2069")
    assert await b.locator("main img, main script, main a[href^='javascript']").count() == 0
    assert dialogs == []
    csp = (await (await b.reload()).all_headers())["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1]
    await b.locator(f"#q-{ids[0]}").wait_for()
    assert dialogs == []
    await assert_accessible(b, "list with hostile questions at their longest")
    await ctx_a.close()
    await ctx_b.close()
