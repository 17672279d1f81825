"""The intake server over real HTTP on 127.0.0.1 (port 0): every security rule and the API."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from console.intake import FormInfo, IntakeConfig, IntakeError, IntakeServer
from console.intake import server as server_module

INFO = FormInfo(
    title="School <b>Safety</b> Office Hours",
    when="Wednesday, December 17, 2025, 3:30 PM EST",
    themes=[("drills", "Drills & exercises"), ("access", "Building access")],
    host="Department of Emergency Services",
)


class Clock:
    def __init__(self) -> None:
        self.value = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.value


def make_config(tmp_path: Path, **overrides: Any) -> IntakeConfig:
    values: dict[str, Any] = {"data_dir": tmp_path / "intake", "port": 0, "token": "t" * 32}
    values.update(overrides)
    return IntakeConfig(**values)


class Harness:
    def __init__(self, server: IntakeServer, http: aiohttp.ClientSession) -> None:
        self.server = server
        self.http = http

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def origin(self) -> str:
        return self.server.url.rstrip("/")

    def auth(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.server.token}"}

    async def csrf(self) -> str:
        async with self.http.get(self.url) as resp:
            match = re.search(r'name="csrf" value="([^"]+)"', await resp.text())
        assert match, "form page has no CSRF field"
        return match.group(1)

    async def post(
        self, fields: dict[str, str], headers: dict[str, str] | None = None
    ) -> aiohttp.ClientResponse:
        sent = {"Origin": self.origin, **(headers or {})}
        return await self.http.post(self.url, data=fields, headers=sent, allow_redirects=False)

    async def submit(self, text: str, **extra: str) -> aiohttp.ClientResponse:
        return await self.post({"csrf": await self.csrf(), "question": text, **extra})

    async def questions(self, after: str | None = None, wait: float = 0) -> dict[str, Any]:
        params = {"wait": str(wait)} | ({"after": after} if after else {})
        async with self.http.get(
            self.url + "api/questions", params=params, headers=self.auth()
        ) as resp:
            assert resp.status == 200, await resp.text()
            data: dict[str, Any] = await resp.json()
            return data


Factory = Callable[..., Any]


@pytest.fixture
async def start(tmp_path: Path) -> AsyncIterator[Factory]:
    servers: list[IntakeServer] = []
    sessions: list[aiohttp.ClientSession] = []

    async def factory(info: FormInfo = INFO, now: Clock | None = None, **overrides: Any) -> Harness:
        server = IntakeServer(make_config(tmp_path, **overrides), info, now=now)
        await server.start()
        servers.append(server)
        http = aiohttp.ClientSession()
        sessions.append(http)
        return Harness(server, http)

    yield factory
    for http in sessions:
        await http.close()
    for server in servers:
        await server.stop()


async def test_form_page_is_escaped_accessible_html_with_strict_headers(start: Factory) -> None:
    h = await start()
    async with h.http.get(h.url) as resp:
        body = await resp.text()
        headers = resp.headers
    assert resp.status == 200
    assert '<html lang="en">' in body
    assert 'name="viewport"' in body
    assert "School &lt;b&gt;Safety&lt;/b&gt; Office Hours" in body
    assert "<b>Safety</b>" not in body
    assert "Drills &amp; exercises" in body
    assert "Up to 2,000 characters" in body
    textarea = re.search(r"<textarea[^>]*>", body)
    assert textarea and 'id="question"' in textarea.group(0)
    # No maxlength: the browser counts UTF-16 units and silently cuts a paste; the server
    # counts characters and says so, keeping the whole text.
    assert "maxlength" not in textarea.group(0)
    assert "<script" not in body
    assert 'for="question"' in body and "<legend>" in body
    csp = headers["Content-Security-Policy"]
    for part in (
        "default-src 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "style-src 'sha256-",
    ):
        assert part in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


async def test_error_pages_carry_the_security_headers_too(start: Factory) -> None:
    h = await start()
    async with h.http.get(h.url + "no/such/page") as resp:
        assert resp.status == 404
        assert "default-src 'none'" in resp.headers["Content-Security-Policy"]
        assert resp.headers["X-Frame-Options"] == "DENY"


async def test_submission_redirects_to_thanks_and_reaches_the_api(start: Factory) -> None:
    h = await start()
    resp = await h.submit(
        "How often\r\nmust we drill?\x1b[31m",
        name="Ana  Ruiz",
        show_name="yes",
        email="ana@example.org",
        theme="drills",
    )
    assert resp.status == 303
    location = resp.headers["Location"]
    assert location.startswith("thanks?r=")
    async with h.http.get(h.url + location) as thanks:
        page = await thanks.text()
    assert "your question was sent" in page
    assert "How often\nmust we drill?" in page
    assert 'href="./"' in page
    data = await h.questions()
    [q] = data["questions"]
    assert q["text"] == "How often\nmust we drill?"
    assert q["name"] == "Ana Ruiz" and q["display_name"] is True
    assert q["email"] == "ana@example.org"
    assert q["topic"] == "Drills & exercises"
    assert datetime.fromisoformat(q["submitted_at"]).tzinfo is not None
    assert data["open"] is True and isinstance(data["cursor"], str)


async def test_anonymous_by_default_and_name_optional(start: Factory) -> None:
    h = await start()
    assert (await h.submit("Anonymous one", name="Bo")).status == 303
    assert (await h.submit("No name at all", show_name="yes")).status == 303
    first, second = (await h.questions())["questions"]
    assert first["name"] == "Bo" and first["display_name"] is False
    assert second["name"] is None and second["display_name"] is False
    assert first["email"] is None and first["topic"] is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"question": "   "}, "Type your question"),
        ({"question": "x" * 2001}, "the limit is 2,000"),
        ({"question": "ok", "email": "not-an-email"}, "Enter an email address"),
        ({"question": "ok", "theme": "nope"}, "Pick a theme"),
    ],
)
async def test_invalid_input_rerenders_with_the_error_and_keeps_text(
    start: Factory, fields: dict[str, str], message: str
) -> None:
    h = await start()
    resp = await h.post({"csrf": await h.csrf(), **fields})
    body = await resp.text()
    assert resp.status == 422
    assert message in body
    assert 'aria-invalid="true"' in body
    if fields["question"].strip():
        assert fields["question"][:50] in body
    assert (await h.questions())["questions"] == []


async def test_csrf_missing_or_forged_is_refused_and_text_kept(start: Factory) -> None:
    h = await start()
    good = await h.csrf()
    stamp, _, mac = good.partition(".")
    for token in (None, "", f"{stamp}.{'A' * len(mac)}", f"{int(stamp) + 5}.{mac}"):
        fields = {"question": "Keep me <please>"}
        if token is not None:
            fields["csrf"] = token
        resp = await h.post(fields)
        body = await resp.text()
        assert resp.status == 403
        assert "Keep me &lt;please&gt;" in body
        assert re.search(r'name="csrf" value="[^"]+"', body)
    assert (await h.questions())["questions"] == []


async def test_csrf_token_expires(start: Factory) -> None:
    clock = Clock()
    h = await start(now=clock)
    token = await h.csrf()
    clock.value += timedelta(days=1)
    resp = await h.post({"csrf": token, "question": "late"})
    assert resp.status == 403
    fresh = await h.csrf()
    assert (await h.post({"csrf": fresh, "question": "in time"})).status == 303


async def test_foreign_origin_or_referer_is_refused(start: Factory) -> None:
    h = await start()
    token = await h.csrf()
    fields = {"csrf": token, "question": "cross-site"}
    assert (await h.post(fields, {"Origin": "https://evil.example"})).status == 403
    assert (await h.post(fields, {"Origin": "null"})).status == 403
    resp = await h.http.post(
        h.url, data=fields, allow_redirects=False, headers={"Referer": "https://evil.example/x"}
    )
    assert resp.status == 403
    assert (await h.questions())["questions"] == []
    assert (await h.post(fields)).status == 303


async def test_unknown_host_header_is_refused(start: Factory) -> None:
    h = await start()
    async with h.http.get(h.url, headers={"Host": "evil.example"}) as resp:
        assert resp.status == 421
        assert "csrf" not in await resp.text()
    async with h.http.get(h.url, headers={"Host": f"localhost:{h.server.port}"}) as resp:
        assert resp.status == 200


async def test_public_url_sets_the_expected_host_and_origin(start: Factory) -> None:
    h = await start(public_url="https://forms.example.org/", trust_proxy=True)
    assert h.server.url == "https://forms.example.org/"
    local = f"http://127.0.0.1:{h.server.port}/"
    async with h.http.get(local) as resp:
        assert resp.status == 421
    headers = {"Host": "forms.example.org"}
    async with h.http.get(local, headers=headers) as resp:
        page = await resp.text()
        assert resp.status == 200
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token
    fields = {"csrf": token.group(1), "question": "via proxy"}
    bad = await h.http.post(
        local, data=fields, allow_redirects=False, headers={**headers, "Origin": local.rstrip("/")}
    )
    assert bad.status == 403
    ok = await h.http.post(
        local,
        data=fields,
        allow_redirects=False,
        headers={**headers, "Origin": "https://forms.example.org"},
    )
    assert ok.status == 303


async def test_a_long_question_is_counted_whole_and_shown_back_whole(start: Factory) -> None:
    h = await start()
    text = "Where do the buses wait? " * 200  # 5,000 characters
    resp = await h.post({"csrf": await h.csrf(), "question": text.strip() + "x"})
    body = await resp.text()
    assert resp.status == 422
    assert "Your question is 5,000 characters long; the limit is 2,000." in body
    assert text.strip() + "x</textarea>" in body
    assert (await h.questions())["questions"] == []


async def test_the_error_names_the_count_in_spanish_too(start: Factory) -> None:
    h = await start()
    text = "¿Dónde esperan los autobuses? 🚌 " * 70
    fields = {"csrf": await h.csrf(), "question": text.strip(), "lang": "es"}
    body = await (await h.post(fields)).text()
    assert f"Su pregunta tiene {len(text.strip())} caracteres; el límite es 2000." in body
    assert "Hasta 2000 caracteres." in body
    assert text.strip() + "</textarea>" in body


async def test_two_thousand_characters_of_any_script_fit_with_every_field_at_its_limit(
    start: Factory,
) -> None:
    """Counted in characters (code points) everywhere; the body cap fits 2,000 four-byte
    characters URL-encoded (12 bytes each) with the name and email at their limits too."""
    h = await start()
    text = "🚌𝔄😀𐍈" * 500  # 2,000 characters, 4 bytes each in UTF-8
    name = "𝒩" * 120
    email = "𝒶" * 247 + "@ex.org"  # 254 characters
    fields = {"question": text, "name": name, "email": email, "theme": "drills"}
    resp = await h.post({"csrf": await h.csrf(), "show_name": "yes", **fields})
    assert resp.status == 303, await resp.text()
    [stored] = (await h.questions())["questions"]
    assert stored["text"] == text and stored["name"] == name and stored["email"] == email
    resp = await h.post({"csrf": await h.csrf(), "question": text + "🚌"})
    body = await resp.text()
    assert resp.status == 422
    assert "Your question is 2,001 characters long; the limit is 2,000." in body
    assert text + "🚌</textarea>" in body


async def test_oversized_body_gets_413(start: Factory) -> None:
    h = await start()
    resp = await h.post({"csrf": await h.csrf(), "question": "x" * 40_000})
    body = await resp.text()
    assert resp.status == 413
    assert "Too much text" in body
    assert (await h.questions())["questions"] == []


async def test_oversized_chunked_body_gets_413(start: Factory) -> None:
    h = await start()
    token = await h.csrf()

    async def chunks() -> AsyncIterator[bytes]:
        yield f"csrf={token}&question=".encode()
        for _ in range(40):
            yield b"y" * 1024

    resp = await h.http.post(
        h.url,
        data=chunks(),
        allow_redirects=False,
        headers={"Origin": h.origin, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert resp.status == 413
    assert (await h.questions())["questions"] == []


async def test_per_client_rate_limit_gives_429_with_retry_after(start: Factory) -> None:
    h = await start(rate_per_minute=1, rate_burst=2)
    assert (await h.submit("one")).status == 303
    assert (await h.submit("two")).status == 303
    resp = await h.submit("three")
    assert resp.status == 429
    assert int(resp.headers["Retry-After"]) >= 1
    assert "Please wait" in await resp.text()
    assert len((await h.questions())["questions"]) == 2


async def test_forwarded_address_counts_only_with_trust_proxy(start: Factory) -> None:
    h = await start(rate_per_minute=1, rate_burst=1)
    assert (
        await h.submit(
            "a",
        )
    ).status == 303
    resp = await h.post(
        {"csrf": await h.csrf(), "question": "b"}, {"X-Forwarded-For": "203.0.113.9"}
    )
    assert resp.status == 429, "X-Forwarded-For must be ignored without trust_proxy"


async def test_global_cap_applies_across_clients(start: Factory) -> None:
    h = await start(rate_per_minute=100, rate_burst=100, global_per_minute=4, trust_proxy=True)
    statuses = []
    for i in range(6):
        token = await h.csrf()
        resp = await h.post(
            {"csrf": token, "question": f"q{i}"}, {"X-Forwarded-For": f"198.51.100.{i}"}
        )
        statuses.append(resp.status)
    assert statuses == [303] * 4 + [429] * 2


async def test_closed_form_says_so_and_refuses(start: Factory) -> None:
    h = await start()
    token = await h.csrf()
    await h.server.set_open(False)
    async with h.http.get(h.url) as resp:
        page = await resp.text()
    assert "session has ended" in page and "<textarea" not in page
    resp = await h.post({"csrf": token, "question": "too late <b>"})
    body = await resp.text()
    assert resp.status == 403
    assert "session has ended" in body and "too late &lt;b&gt;" in body
    data = await h.questions()
    assert data == {"questions": [], "cursor": data["cursor"], "open": False}


async def test_api_session_closes_and_reopens(start: Factory) -> None:
    h = await start()
    url = h.url + "api/session"
    async with h.http.post(url, json={"open": False}) as resp:
        assert resp.status == 401
    async with h.http.post(url, json={"open": "no"}, headers=h.auth()) as resp:
        assert resp.status == 400
    async with h.http.post(url, json={"open": False}, headers=h.auth()) as resp:
        assert resp.status == 200 and (await resp.json()) == {"open": False}
    assert h.server.open is False
    async with h.http.post(url, json={"open": True}, headers=h.auth()) as resp:
        assert (await resp.json()) == {"open": True}
    assert (await h.submit("open again")).status == 303


async def test_internal_error_leaks_no_traceback(
    start: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = await start()

    async def boom(**_: Any) -> None:
        raise RuntimeError("/very/secret/path/store.py exploded")

    assert h.server.store is not None
    monkeypatch.setattr(h.server.store, "add", boom)
    resp = await h.submit("hello")
    body = await resp.text()
    assert resp.status == 500
    assert "Something went wrong" in body
    assert "Traceback" not in body and "/very/secret" not in body and "exploded" not in body


async def test_read_api_needs_the_token(start: Factory) -> None:
    h = await start()
    url = h.url + "api/questions"
    for headers in ({}, h.auth("wrong-token-wrong-token"), {"Authorization": h.server.token}):
        async with h.http.get(url, headers=headers) as resp:
            assert resp.status == 401
            assert "error" in await resp.json()
    async with h.http.get(url, headers=h.auth()) as resp:
        assert resp.status == 200


async def test_bad_cursor_is_a_clear_400(start: Factory) -> None:
    h = await start()
    async with h.http.get(
        h.url + "api/questions", params={"after": "<x>"}, headers=h.auth()
    ) as resp:
        assert resp.status == 400
        assert "cursor" in (await resp.json())["error"]


async def test_cursor_is_incremental_and_etag_gives_304(start: Factory) -> None:
    h = await start()
    await h.submit("first")
    first = await h.questions()
    assert [q["text"] for q in first["questions"]] == ["first"]
    await h.submit("second")
    newer = await h.questions(after=first["cursor"])
    assert [q["text"] for q in newer["questions"]] == ["second"]
    none = await h.questions(after=newer["cursor"])
    assert none["questions"] == [] and none["cursor"] == newer["cursor"]
    url = h.url + "api/questions"
    params = {"after": newer["cursor"], "wait": "0"}
    async with h.http.get(url, params=params, headers=h.auth()) as resp:
        etag = resp.headers["ETag"]
    async with h.http.get(url, params=params, headers={**h.auth(), "If-None-Match": etag}) as resp:
        assert resp.status == 304
    await h.submit("third")
    async with h.http.get(url, params=params, headers={**h.auth(), "If-None-Match": etag}) as resp:
        assert resp.status == 200
        assert [q["text"] for q in (await resp.json())["questions"]] == ["third"]


async def test_long_poll_answers_as_soon_as_a_question_arrives(start: Factory) -> None:
    h = await start()
    cursor = (await h.questions())["cursor"]
    waiting = asyncio.create_task(h.questions(after=cursor, wait=30))
    await asyncio.sleep(0.2)
    assert not waiting.done()
    await h.submit("wake up")
    # The server holds for 30 s; an answer well before that proves it answered early.
    data = await asyncio.wait_for(waiting, timeout=20)
    assert [q["text"] for q in data["questions"]] == ["wake up"]


async def test_long_poll_returns_empty_at_the_deadline_and_wakes_on_close(
    start: Factory,
) -> None:
    h = await start()
    cursor = (await h.questions())["cursor"]
    data = await h.questions(after=cursor, wait=0.3)
    assert data["questions"] == [] and data["cursor"] == cursor
    waiting = asyncio.create_task(h.questions(after=cursor, wait=30))
    await asyncio.sleep(0.2)
    await h.server.set_open(False)
    data = await asyncio.wait_for(waiting, timeout=20)
    assert data["open"] is False


async def test_restart_keeps_questions_token_and_cursor(tmp_path: Path) -> None:
    config = make_config(tmp_path, token=None)
    first = IntakeServer(config, INFO)
    await first.start()
    assert first.token_was_created
    async with aiohttp.ClientSession() as http:
        h = Harness(first, http)
        await h.submit("before restart")
        cursor = (await h.questions())["cursor"]
        token = first.token
        await first.stop()
        second = IntakeServer(config, INFO)
        await second.start()
        try:
            assert second.token == token and not second.token_was_created
            h = Harness(second, http)
            assert [q["text"] for q in (await h.questions())["questions"]] == ["before restart"]
            assert (await h.questions(after=cursor))["questions"] == []
            await h.submit("after restart")
            after = await h.questions(after=cursor)
            assert [q["text"] for q in after["questions"]] == ["after restart"]
        finally:
            await second.stop()


async def test_token_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACILITATOR_FORM_TOKEN", "env-token-0123456789abcdef")
    server = IntakeServer(make_config(tmp_path, token=None), INFO)
    await server.start()
    try:
        assert server.token == "env-token-0123456789abcdef"
        assert not server.token_was_created
        assert not (tmp_path / "intake" / "read-token").exists()
    finally:
        await server.stop()


async def test_second_server_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    first = IntakeServer(make_config(tmp_path), INFO)
    await first.start()
    try:
        with pytest.raises(IntakeError, match="already using"):
            await IntakeServer(make_config(tmp_path), INFO).start()
    finally:
        await first.stop()


async def test_busy_explicit_port_is_a_clear_error_and_default_moves_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(IntakeError, match="already in use"):
            await IntakeServer(make_config(tmp_path, port=port), INFO).start()
        monkeypatch.setattr(server_module, "DEFAULT_PORT", port)
        server = IntakeServer(make_config(tmp_path, port=None), INFO)
        await server.start()
        try:
            assert server.port != port
            assert server.url == f"http://127.0.0.1:{server.port}/"
        finally:
            await server.stop()


async def test_healthz_needs_no_token(start: Factory) -> None:
    h = await start()
    async with h.http.get(h.url + "healthz") as resp:
        assert resp.status == 200 and (await resp.json()) == {"status": "ok"}


async def test_a_first_request_is_answered_at_once_even_with_a_wait(start: Factory) -> None:
    """A reader without a cursor (a console just started) learns the state straight away,
    so its status can say it is connected instead of waiting out the long-poll."""
    h = await start()
    # The server would hold a cursor request for 30 s; an answer well before that shows the
    # first request is not held.
    data = await asyncio.wait_for(h.questions(wait=30), timeout=20)
    assert data["questions"] == [] and data["cursor"]
    waiting = asyncio.create_task(h.questions(after=data["cursor"], wait=30))
    await asyncio.sleep(0.2)
    assert not waiting.done()  # with a cursor, it still long-polls
    waiting.cancel()
