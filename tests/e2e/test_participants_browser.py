"""The participants' side in a real headless Chromium, two browser contexts as two people.

A asks; the test pushes a publish decision through the API (standing in for the console);
B sees it (live, without reloading) and says "me too" with the keyboard; 50 vote posts from
one participant count as one; a public answer shows on the list and a private answer only on
A's private page; the pages pass axe-core WCAG 2.1 AA in English and Spanish; and the whole
path works with JavaScript off.
"""

from __future__ import annotations

import re
from typing import Any

import aiohttp
import pytest

from console.intake import IntakeServer
from tests.form_helpers import assert_accessible

pytestmark = pytest.mark.browser

QUESTION = "Will the <b>lockdown</b> drill schedule be shared with parents?"


async def api(srv: IntakeServer, method: str, path: str, body: object = None) -> Any:
    headers = {"Authorization": f"Bearer {srv.token}"}
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, srv.url + path, json=body, headers=headers) as resp,
    ):
        assert resp.status in {200, 201}, await resp.text()
        return await resp.json()


async def only_question(srv: IntakeServer) -> dict[str, Any]:
    [question] = (await api(srv, "GET", "api/questions"))["questions"]
    return dict(question)


async def test_two_participants_ask_publish_vote_and_answer(
    server: IntakeServer, browser: Any
) -> None:
    ctx_a = await browser.new_context()
    ctx_b = await browser.new_context()
    a, b = await ctx_a.new_page(), await ctx_b.new_page()

    # B opens the list first: it is empty, and will update by itself.
    await b.goto(server.url + "questions")
    assert "No questions on the list yet" in await b.content()
    await assert_accessible(b, "empty list")

    await a.goto(server.url)
    await a.get_by_label("Your question").fill(QUESTION)
    await a.get_by_label("Your name (optional)").fill("Dana")
    await a.get_by_label("Show my name").check()
    await a.get_by_label("Email for a follow-up (optional)").fill("dana@example.org")
    await a.get_by_role("button", name="Send question").click()
    await a.wait_for_url("**/thanks?r=*")
    await assert_accessible(a, "thank-you page with private link")
    private = await a.locator("#private-link").get_attribute("href")
    assert private and private.startswith("mine?k=")
    assert await a.get_by_role("button", name="Copy the link").is_visible()

    question = await only_question(server)
    await api(server, "POST", "api/decisions", [{"id": question["id"], "published": True}])

    # B's list shows it without a reload (the live script), escaped, with the name chosen.
    item = b.locator(f"#q-{question['id']}")
    await item.wait_for()
    assert await item.locator(".text").first.inner_text() == QUESTION
    assert "asked by Dana" in await item.inner_text()
    assert "dana@example.org" not in await b.content()
    await assert_accessible(b, "list with a question")

    # Keyboard only: Tab to "Me too", press Enter.
    await b.reload()
    button = b.get_by_role("button", name="Me too")
    for _ in range(40):
        await b.keyboard.press("Tab")
        if await button.evaluate("el => el === document.activeElement"):
            break
    else:
        raise AssertionError("Tab never reached the Me too button")
    await b.keyboard.press("Enter")
    await b.wait_for_url("**/questions?voted=1*")
    assert "You said: me too" in await b.content()
    assert (await only_question(server))["votes"] == 1

    # 50 more posts from the same participant still count once.
    csrf = await b.evaluate("() => document.querySelector('input[name=csrf]')?.value || ''")
    if not csrf:
        await b.goto(server.url)
        csrf = await b.locator("input[name=csrf]").first.get_attribute("value")
    for _ in range(50):
        await b.request.post(
            server.url + "vote",
            form={"csrf": csrf or "", "question": question["id"]},
            headers={"Origin": server.url.rstrip("/")},
            max_redirects=0,
        )
    assert (await only_question(server))["votes"] == 1

    # A public answer on the list; a private one only on A's private page.
    await api(
        server,
        "POST",
        "api/decisions",
        [
            {
                "id": question["id"],
                "state": "answered",
                "answers": [
                    {"id": "p", "text": "Yes, in the March newsletter.", "public": True},
                    {"id": "s", "text": "Dana: your school is on the list.", "public": False},
                ],
            }
        ],
    )
    await b.goto(server.url + "questions")
    content = await b.content()
    assert "Yes, in the March newsletter." in content
    assert "your school is on the list" not in content
    assert "Answered" in content
    await a.goto(server.url + private)
    content = await a.content()
    assert "Yes, in the March newsletter." in content and "your school is on the list" in content
    await assert_accessible(a, "private page")
    await b.goto(server.url + private)  # anyone with the link sees the same page
    await a.goto(server.url + "questions")
    assert "Your question" in await a.content()
    await ctx_a.close()
    await ctx_b.close()


async def test_spanish_pages_are_accessible_and_in_spanish(
    server: IntakeServer, browser: Any
) -> None:
    ctx = await browser.new_context(locale="es-MX", extra_http_headers={"Accept-Language": "es"})
    page = await ctx.new_page()
    await page.goto(server.url)
    assert await page.get_attribute("html", "lang") == "es"
    await assert_accessible(page, "formulario")
    await page.get_by_label("Su pregunta").fill("¿Cuándo es el simulacro?")
    await page.get_by_role("button", name="Enviar pregunta").click()
    await page.wait_for_url("**/thanks?r=*")
    assert "Gracias, su pregunta se envió" in await page.content()
    await assert_accessible(page, "gracias")
    private = await page.locator("#private-link").get_attribute("href")
    question = await only_question(server)
    assert question["language"] == "es"
    await api(
        server,
        "POST",
        "api/decisions",
        [{"id": question["id"], "published": True, "state": "now_answering"}],
    )
    await page.goto(server.url + "questions")
    assert "Respondiendo ahora" in await page.content()
    await assert_accessible(page, "lista")
    await page.goto(server.url + str(private))
    await assert_accessible(page, "página privada")
    await page.get_by_role("link", name="English").click()
    assert await page.get_attribute("html", "lang") == "en"
    assert "Your question" in await page.content()
    await page.goto(server.url + "questions")  # English is kept in a cookie now
    assert await page.get_attribute("html", "lang") == "en"
    await ctx.close()


async def test_the_whole_path_works_with_javascript_off(server: IntakeServer, browser: Any) -> None:
    ctx_a = await browser.new_context(java_script_enabled=False)
    ctx_b = await browser.new_context(java_script_enabled=False)
    a, b = await ctx_a.new_page(), await ctx_b.new_page()
    await a.goto(server.url)
    await a.get_by_label("Your question").fill("Asked with scripts off")
    await a.get_by_role("button", name="Send question").click()
    await a.wait_for_url("**/thanks?r=*")
    link = a.locator("#private-link")
    assert re.search(r"/mine\?k=", await link.inner_text())  # a plain, selectable link
    assert not await a.get_by_role("button", name="Copy the link").is_visible()
    question = await only_question(server)
    await api(server, "POST", "api/decisions", [{"id": question["id"], "published": True}])
    await b.goto(server.url + "questions")
    await b.get_by_role("button", name="Me too").click()
    await b.wait_for_url("**/questions?voted=1*")
    assert "1 person asked this too" in await b.content()
    await link.click()
    assert "Asked with scripts off" in await a.content()
    await ctx_a.close()
    await ctx_b.close()
