"""The participants' side over real HTTP on 127.0.0.1 (port 0): the decisions API, who sees
what on the list, votes, the private page, languages, and hostile text shown escaped."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiohttp

from console.intake import FormInfo, form_info_from_agenda
from console.intake.visibility import held_matcher, is_held
from tests.unit.intake_clients import Start

EMAIL = "secret.person@example.org"


# -- the API ---------------------------------------------------------------------------------
async def test_decisions_and_typed_questions_need_the_token(start: Start) -> None:
    server, console, _ = await start()
    async with aiohttp.ClientSession() as http:
        for path in ("api/decisions", "api/questions"):
            for headers in ({}, {"Authorization": "Bearer wrong-wrong-wrong-wrong"}):
                async with http.post(server.url + path, json={}, headers=headers) as resp:
                    assert resp.status == 401
                    assert "error" in await resp.json()
    await console.decide({"decisions": [{"id": "x", "state": "sideways"}]}, status=400)
    await console.decide({"decisions": "nope"}, status=400)
    await console.decide({"mode": "chaos", "decisions": []}, status=400)


async def test_api_carries_votes_language_held_and_no_console_questions_by_default(
    start: Start,
) -> None:
    server, console, participant = await start(held_words=("lockdown",))
    a = participant()
    await a.ask("When is the LOCKDOWN drill?", email=EMAIL)
    await a.ask("¿Dónde está el plan?", lang="es")
    async with console.http.post(
        server.url + "api/questions",
        json={"text": "Heard aloud: parking?", "language": "en"},
        headers=console.auth(),
    ) as resp:
        assert resp.status == 201
        typed = await resp.json()
    assert typed["origin"] == "console" and typed["email"] is None
    data = await console.questions()
    by_text = {q["text"]: q for q in data["questions"]}
    assert set(by_text) == {"When is the LOCKDOWN drill?", "¿Dónde está el plan?"}
    assert by_text["When is the LOCKDOWN drill?"]["held"] is True
    assert by_text["When is the LOCKDOWN drill?"]["email"] == EMAIL
    assert by_text["¿Dónde está el plan?"]["language"] == "es"
    assert by_text["¿Dónde está el plan?"]["held"] is False
    assert all(q["votes"] == 0 for q in data["questions"])
    assert len((await console.questions(origin="all"))["questions"]) == 3


async def test_screened_list_shows_only_published_and_the_same_batch_twice_is_the_same(
    start: Start,
) -> None:
    _server, console, participant = await start()
    a, b = participant(), participant()
    await a.ask("Published one")
    await a.ask("Not published")
    _, page = await b.page("questions")
    assert "Published one" not in page and "Not published" not in page
    qid = (await console.by_text("Published one"))["id"]
    batch = {"decisions": [{"id": qid, "published": True, "state": "now answering"}]}
    first = await console.decide(batch)
    second = await console.decide(batch)
    assert first == second == {"applied": 1, "unknown": [], "mode": "screened"}
    _, page = await b.page("questions")
    assert "Published one" in page and "Not published" not in page
    assert "Now answering" in page
    # The asker sees their unpublished question, marked as theirs and "received".
    _, mine = await a.page("questions")
    assert "Not published" in mine and "Your questions" in mine and "Received" in mine


async def test_open_mode_shows_at_once_unless_hidden_or_held(start: Start) -> None:
    _server, console, participant = await start(participant_list="open", held_words=("bomb",))
    a, b = participant(), participant()
    await a.ask("Open question")
    await a.ask("Hidden question")
    await a.ask("A bomb threat question")
    hidden = (await console.by_text("Hidden question"))["id"]
    await console.decide([{"id": hidden, "hidden": True}])
    _, page = await b.page("questions")
    assert "Open question" in page
    assert "Hidden question" not in page and "A bomb threat question" not in page
    held = (await console.by_text("A bomb threat question"))["id"]
    await console.decide([{"id": held, "published": True}])
    _, page = await b.page("questions")
    assert "A bomb threat question" in page
    # The console switches the form to screened with a push: unpublished ones leave the list.
    await console.decide({"mode": "screened", "decisions": []})
    _, page = await b.page("questions")
    assert "Open question" not in page and "A bomb threat question" in page


async def test_dismissed_leaves_the_list_but_the_asker_sees_received(start: Start) -> None:
    _server, console, participant = await start(participant_list="open")
    a, b = participant(), participant()
    thanks = await a.ask("Dismiss me")
    qid = (await console.by_text("Dismiss me"))["id"]
    await console.decide([{"id": qid, "state": "dismissed", "published": True}])
    _, page = await b.page("questions")
    assert "Dismiss me" not in page
    link = re.search(r'href="(mine\?k=[^"]+)"', thanks)
    assert link
    _, private = await a.page(link.group(1).replace("&amp;", "&"))
    assert "Dismiss me" in private and "Received" in private
    _, mine = await a.page("questions")
    assert "Dismiss me" in mine and "Received" in mine


async def test_duplicate_shows_its_primary_state_and_answer_and_private_answers_stay_private(
    start: Start,
) -> None:
    _server, console, participant = await start()
    a, b = participant(), participant()
    await b.ask("Primary question")
    thanks = await a.ask("Duplicate question")
    primary = (await console.by_text("Primary question"))["id"]
    dup = (await console.by_text("Duplicate question"))["id"]
    await console.decide(
        [
            {
                "id": primary,
                "published": True,
                "state": "answered",
                "answers": [{"id": "pub1", "text": "Public answer text", "public": True}],
            },
            {
                "id": dup,
                "published": True,
                "duplicate_of": primary,
                "answers": [{"id": "priv1", "text": "Only for the asker", "public": False}],
            },
        ]
    )
    _, page = await b.page("questions")
    dup_block = page[page.index("Duplicate question") - 400 :]
    assert "Answered" in dup_block and "Public answer text" in page
    assert "Only for the asker" not in page
    _, page_a = await a.page("questions")
    assert "Only for the asker" not in page_a
    link = re.search(r'href="(mine\?k=[^"]+)"', thanks)
    assert link
    _, private = await a.page(link.group(1))
    assert "Only for the asker" in private and "Public answer text" in private
    assert "Answered" in private
    status, _ = await b.page("mine?k=" + "x" * 32)
    assert status == 404


async def test_votes_count_once_per_participant(start: Start) -> None:
    server, console, participant = await start(participant_list="open")
    a, b, c = participant(), participant(), participant()
    await a.ask("Vote for me")
    qid = (await console.by_text("Vote for me"))["id"]
    csrf = await b.csrf("questions")
    statuses = [await b.vote(qid, csrf) for _ in range(50)]
    assert statuses[0] == 303 and set(statuses) <= {303, 429}
    assert await c.vote(qid) == 303
    assert (await console.by_text("Vote for me"))["votes"] == 2
    _, page = await b.page("questions")
    assert "You said: me too" in page and "2 people asked this too" in page
    # No cookie, forged cookie, foreign origin, stale CSRF: not counted.
    async with aiohttp.ClientSession() as bare:
        async with bare.post(
            server.url + "vote",
            data={"csrf": csrf, "question": qid},
            headers={"Origin": server.url.rstrip("/")},
            allow_redirects=False,
        ) as resp:
            assert resp.status == 403
        async with bare.post(
            server.url + "vote",
            data={"csrf": csrf, "question": qid},
            headers={"Origin": server.url.rstrip("/"), "Cookie": "participant=forged.abc"},
            allow_redirects=False,
        ) as resp:
            assert resp.status == 403
    async with c.http.post(
        server.url + "vote",
        data={"csrf": csrf, "question": qid},
        headers={"Origin": "https://evil.example"},
        allow_redirects=False,
    ) as resp:
        assert resp.status == 403
    assert await c.vote(qid, "1.forged") == 403
    assert (await console.by_text("Vote for me"))["votes"] == 2


async def test_cannot_vote_for_a_question_not_on_the_list(start: Start) -> None:
    _server, console, participant = await start()
    a, b = participant(), participant()
    await a.ask("Unpublished")
    qid = (await console.by_text("Unpublished"))["id"]
    assert await b.vote(qid) == 404
    assert (await console.by_text("Unpublished"))["votes"] == 0


async def test_participant_cookie_is_httponly_and_lax(start: Start) -> None:
    server, _, _ = await start()
    async with aiohttp.ClientSession() as http, http.get(server.url + "questions") as resp:
        cookies = resp.headers.getall("Set-Cookie")
    [cookie] = [c for c in cookies if c.startswith("participant=")]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


# -- hostile text, headers, email ------------------------------------------------------------
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "<b>bold</b> &amp; {{ 7*7 }} {% raw %}",
    "left\u202eright\u2066isolate\u2069",
    "x" * 2000,
]


async def test_hostile_text_is_escaped_everywhere_and_email_never_shown(start: Start) -> None:
    server, console, participant = await start(participant_list="open")
    a, b = participant(), participant()
    pages = []
    for text in HOSTILE:
        thanks = await a.ask(text, name="<i>Evil</i>", show_name="yes", email=EMAIL)
        pages.append(thanks)
    ids = [q["id"] for q in (await console.questions())["questions"]]
    await console.decide(
        [
            {"id": qid, "answers": [{"id": f"a{n}", "text": "<script>x</script>", "public": True}]}
            for n, qid in enumerate(ids)
        ]
    )
    for who in (a, b):
        _, page = await who.page("questions")
        pages.append(page)
    link = re.search(r'href="(mine\?k=[^"]+)"', pages[0])
    assert link
    pages.append((await a.page(link.group(1)))[1])
    async with b.http.get(server.url + "questions.json", params={"v": "old"}) as resp:
        pages.append((await resp.json())["html"])
    for page in pages:
        assert "<script>alert" not in page and "<script>x" not in page
        assert "<img" not in page and "<i>Evil</i>" not in page and "<b>bold" not in page
        assert "\u202e" not in page and "\u2066" not in page
        assert EMAIL not in page
    listing = pages[len(HOSTILE) + 1]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing
    assert "x" * 2000 in listing
    assert "{{ 7*7 }} {% raw %}" in listing  # shown as typed, never evaluated
    assert "&lt;i&gt;Evil&lt;/i&gt;" in listing  # the name is shown: "show my name" was chosen


async def test_every_page_carries_a_strict_csp(start: Start) -> None:
    server, _, participant = await start()
    a = participant()
    for path in ("", "questions", "mine?k=nope", "thanks", "no-such-page"):
        async with a.http.get(server.url + path) as resp:
            csp = resp.headers["Content-Security-Policy"]
            assert "default-src 'none'" in csp and "script-src 'self'" in csp
            assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
            assert resp.headers["X-Content-Type-Options"] == "nosniff"
    async with a.http.get(server.url + "live.js") as resp:
        assert resp.status == 200 and resp.content_type == "text/javascript"


async def test_email_field_comes_with_consent_and_can_be_turned_off(start: Start) -> None:
    _, _, participant = await start()
    _, page = await participant().page()
    assert 'id="email"' in page and "you agree that the organizers may use it" in page
    custom = FormInfo(title="T", email_consent="Custom consent sentence.")
    _, _, participant = await start(custom)
    _, page = await participant().page()
    assert "Custom consent sentence." in page
    _, console, participant = await start(FormInfo(title="T", ask_email=False))
    p = participant()
    _, page = await p.page()
    assert 'id="email"' not in page
    await p.ask("No email here", email=EMAIL)
    assert (await console.by_text("No email here"))["email"] is None


# -- languages -------------------------------------------------------------------------------
async def test_language_from_query_cookie_or_accept_language(start: Start) -> None:
    _, console, participant = await start()
    a = participant()
    _, page = await a.page(**{"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert '<html lang="es">' in page and "Su pregunta" in page
    assert 'href="?lang=en"' in page
    _, page = await a.page("?lang=en", **{"Accept-Language": "es"})
    assert '<html lang="en">' in page and "Your question" in page
    _, page = await a.page("questions", **{"Accept-Language": "es"})
    assert '<html lang="en">' in page  # the choice is kept in a cookie
    b = participant()
    _, page = await b.page("?lang=es")
    assert '<html lang="es">' in page and 'href="?lang=en"' in page
    thanks = await b.ask("Pregunta en español", lang="es")
    assert "Gracias" in thanks
    assert (await console.by_text("Pregunta en español"))["language"] == "es"


async def test_a_console_s_own_form_says_until_when_the_private_link_works(start: Start) -> None:
    _, _, participant = await start()  # a hosted form: its private pages outlive the session
    assert 'id="private-until"' not in await participant().ask("Asked on a hosted form")
    _, _, participant = await start(FormInfo(title="T", stops_after_session=True))
    thanks = await participant().ask("Asked on the console's own form")
    assert "This link works until the organizers stop the question form" in thanks
    b = participant()
    await b.page("?lang=es")
    thanks = await b.ask("Pregunta en el formulario de la consola", lang="es")
    assert "Este enlace funciona hasta que los organizadores detengan" in thanks


async def test_the_date_line_follows_the_pages_language(start: Start) -> None:
    class Agenda:
        title = "Office Hours"
        scheduled_start = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)
        timezone = "America/New_York"

    _, _console, participant = await start(form_info_from_agenda(Agenda()))
    a = participant()
    for path in ("?lang=es", "questions"):  # the choice is kept for the list too
        _, page = await a.page(path)
        assert "miércoles, 17 de diciembre de 2025, 15:30 EST" in page
        assert "Wednesday" not in page
    _, page = await a.page("questions?lang=en")
    assert "Wednesday, December 17, 2025, 3:30 PM EST" in page
    assert "miércoles" not in page


def test_held_words_match_whole_words_only() -> None:
    matcher = held_matcher(["gun", " Lock Down "])
    assert is_held("Is a GUN allowed?", matcher)
    assert is_held("What about lock down drills", matcher)
    assert not is_held("The gunnery club", matcher)
    assert held_matcher([]) is None and not is_held("gun", None)


def test_every_template_message_has_a_spanish_translation() -> None:
    from babel.messages.extract import extract_from_dir

    from console.intake.render import TEMPLATES, translations

    es = translations("es")
    missing = []
    for _, _, msg, _, _ in extract_from_dir(
        str(TEMPLATES),
        method_map=[("**.html", "jinja2")],
        options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
    ):
        if isinstance(msg, tuple):
            if es.ngettext(msg[0], msg[1], 2) == msg[1]:
                missing.append(msg[1])
        elif es.gettext(msg) == msg and msg not in {"Error:", "Error: %(message)s"}:
            missing.append(msg)
    assert missing == []
    for fixed in (
        "Type your question before sending.",
        "Pick a theme from the list, or leave it empty.",
        "Enter an email address like name@example.org, or leave it empty.",
    ):
        assert es.gettext(fixed) != fixed


async def test_a_typed_in_question_with_an_id_is_stored_once(start: Start) -> None:
    """The console retries a post whose answer it lost: the same id never makes two."""
    server, console, participant = await start()

    async def post(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        async with console.http.post(
            server.url + "api/questions", json=body, headers=console.auth()
        ) as resp:
            return resp.status, await resp.json()

    body = {"id": "rec-1f2e", "text": "Heard aloud: bus drills?", "published": True}
    first, again = await post(body), await post(body | {"text": "changed"})
    assert (first[0], again[0]) == (201, 200)
    assert first[1] == again[1] and again[1]["id"] == "rec-1f2e"
    assert again[1]["text"] == "Heard aloud: bus drills?"
    every = (await console.questions(origin="all"))["questions"]
    assert [q["id"] for q in every] == ["rec-1f2e"]
    await participant().ask("A participant's question")
    theirs = (await console.by_text("A participant's question"))["id"]
    assert (await post({"id": theirs, "text": "x"}))[0] == 409
    for bad in ("", "a b", "x" * 201, 7, "../x"):
        status, answer = await post({"id": bad, "text": "x"})
        assert status == 400 and "id must be" in answer["error"]


async def test_a_large_push_of_decisions_is_taken_while_a_participant_s_post_stays_small(
    start: Start,
) -> None:
    server, console, _ = await start()
    answer = {"text": "é" * 5000, "public": True, "author": "Fran"}
    batch = {
        "decisions": [{"id": f"q{i}", "answers": [{"id": f"a{i}", **answer}]} for i in range(40)]
    }
    body = json.dumps(batch).encode()
    assert len(body) > 1024 * 1024  # far over a participant's 32 KiB
    result = await console.decide(batch)
    assert result["unknown"] == [f"q{i}" for i in range(40)]  # read whole, then applied
    async with aiohttp.ClientSession() as http:  # without the token: refused unread
        async with http.post(
            server.url + "api/decisions", data=body, headers={"Content-Type": "application/json"}
        ) as resp:
            assert resp.status == 413

        async def chunked() -> AsyncIterator[bytes]:  # no Content-Length: counted as it comes
            for _ in range(64):
                yield b"question=" + b"x" * 1024

        async with http.post(
            server.url,
            data=chunked(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ) as resp:
            assert resp.status == 413
