"""Malformed requests, sent as an attacker (or a broken client) would, over a raw socket.

Each gets a 4xx with the form's own page (or JSON under /api/), and nothing at ERROR level in
the log: a traceback per bad request would let anyone fill the log and hide real failures.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from console.intake import FormInfo, IntakeConfig, IntakeServer
from console.intake.pages import ERROR_WORDS, error_words
from console.intake.render import translations
from tests.unit.raw_http import connection, request, send, until_closed, wait_until

INFO = FormInfo(title="Malformed requests")
TOKEN = "t" * 32
AUTH = f"Authorization: Bearer {TOKEN}\r\n".encode()
FORM = b"Content-Type: application/x-www-form-urlencoded\r\n"


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[IntakeServer]:
    running = IntakeServer(IntakeConfig(data_dir=tmp_path / "intake", port=0, token=TOKEN), INFO)
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
def errors(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO)
    return caplog


def assert_nothing_logged_as_error(caplog: pytest.LogCaptureFixture) -> None:
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not bad, [r.getMessage() for r in bad]
    assert "Traceback" not in caplog.text


async def csrf_of(server: IntakeServer) -> str:
    return (await browser(server))[0]


async def browser(server: IntakeServer) -> tuple[str, bytes]:
    """What a participant's browser holds after opening the form: a CSRF token, and its
    participant cookie as a ``Cookie:`` header line (``POST /vote`` needs both)."""
    page = await send(server.port, request("GET", "/", f"127.0.0.1:{server.port}"))
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match
    cookie = page.headers["set-cookie"].split(";")[0]
    assert cookie.startswith("participant="), cookie
    return match.group(1), f"Cookie: {cookie}\r\n".encode()


async def api_questions(server: IntakeServer) -> list[object]:
    target = "/api/questions?origin=all"
    reply = await send(server.port, request("GET", target, f"127.0.0.1:{server.port}", AUTH))
    assert reply.status == 200
    questions: list[object] = json.loads(reply.body)["questions"]
    return questions


def multipart(boundary: str, *parts: bytes, end: bool = True) -> bytes:
    body = b"".join(f"--{boundary}\r\n".encode() + part + b"\r\n" for part in parts)
    return body + (f"--{boundary}--\r\n".encode() if end else b"")


def field(name: str, value: bytes, extra: bytes = b"") -> bytes:
    return f'Content-Disposition: form-data; name="{name}"\r\n'.encode() + extra + b"\r\n" + value


CSRF = b"{csrf}"  # replaced by a valid token, so the request gets as far as it can

POSTS: dict[str, tuple[bytes, bytes]] = {
    "multipart without a boundary": (
        b"Content-Type: multipart/form-data\r\n",
        multipart("x", field("csrf", CSRF), field("question", b"hello")),
    ),
    "truncated multipart": (
        b"Content-Type: multipart/form-data; boundary=xyz\r\n",
        multipart("xyz", field("csrf", CSRF), field("question", b"hel"), end=False)[:-2],
    ),
    "multipart with a broken part header": (
        b"Content-Type: multipart/form-data; boundary=xyz\r\n",
        b"--xyz\r\nnot a header\r\n\r\nhi\r\n--xyz--\r\n",
    ),
    "invalid UTF-8 in a form": (FORM, b"csrf=" + CSRF + b"&question=caf\xe9"),
    "invalid UTF-8 in a multipart field": (
        b"Content-Type: multipart/form-data; boundary=xyz\r\n",
        multipart("xyz", field("csrf", CSRF), field("question", b"\xff\xfe")),
    ),
    "unknown charset": (
        b"Content-Type: application/x-www-form-urlencoded; charset=x-no-such\r\n",
        b"csrf=" + CSRF + b"&question=hi",
    ),
    "unknown charset of a multipart field": (
        b"Content-Type: multipart/form-data; boundary=xyz\r\n",
        multipart(
            "xyz",
            field("csrf", CSRF),
            field("question", b"hi", b"Content-Type: text/plain; charset=x-no-such\r\n"),
        ),
    ),
    "unknown charset named by _charset_": (
        b"Content-Type: multipart/form-data; boundary=xyz\r\n",
        multipart("xyz", field("_charset_", b"x-no-such"), field("question", b"hi")),
    ),
}


PARTICIPANT_POSTS = ["/", "/vote"]
"""The participants' posts: a question, and a "me too" (its cookie and CSRF token valid, so
only the body is wrong)."""


@pytest.mark.parametrize("target", PARTICIPANT_POSTS)
@pytest.mark.parametrize("case", list(POSTS))
async def test_a_malformed_post_gets_400_with_the_forms_page(
    server: IntakeServer, errors: pytest.LogCaptureFixture, case: str, target: str
) -> None:
    headers, body = POSTS[case]
    address = f"127.0.0.1:{server.port}"
    csrf, cookie = await browser(server)
    body = body.replace(CSRF, csrf.encode())
    origin = f"Origin: http://{address}\r\n".encode()
    reply = await send(
        server.port, request("POST", target, address, origin + cookie + headers, body)
    )
    assert reply.status == 400, reply.text
    assert reply.headers["content-type"].startswith("text/html")
    assert '<html lang="en">' in reply.text
    assert "Something is wrong with the request" in reply.text
    assert "The form could not read what was sent" in reply.text
    assert "Back to the question form" in reply.text
    assert "Traceback" not in reply.text
    assert await api_questions(server) == []
    assert_nothing_logged_as_error(errors)


@pytest.mark.parametrize("target", PARTICIPANT_POSTS)
async def test_the_400_page_speaks_the_participants_language(
    server: IntakeServer, errors: pytest.LogCaptureFixture, target: str
) -> None:
    headers, body = POSTS["invalid UTF-8 in a form"]
    address = f"127.0.0.1:{server.port}"
    csrf, cookie = await browser(server)
    body = body.replace(CSRF, csrf.encode())
    extra = f"Origin: http://{address}\r\nAccept-Language: es-MX,es;q=0.9\r\n".encode()
    reply = await send(
        server.port, request("POST", target, address, extra + cookie + headers, body)
    )
    assert reply.status == 400, reply.text
    assert '<html lang="es">' in reply.text
    assert "Algo está mal en la solicitud" in reply.text
    assert "El formulario no pudo leer lo que se envió" in reply.text
    assert "Volver al formulario de preguntas" in reply.text
    assert_nothing_logged_as_error(errors)


def test_every_error_page_has_spanish_words() -> None:
    es = translations("es")
    words = [*ERROR_WORDS.values(), error_words(599)]
    missing = [text for pair in words for text in pair if es.gettext(text) == text]
    assert missing == []


@pytest.mark.parametrize(
    ("target", "method", "body"),
    [
        ("/api/questions", "GET", b""),
        ("/api/session", "POST", b'{"open": false}'),
        ("/api/decisions", "POST", b'{"mode": "open", "decisions": []}'),
        ("/api/questions", "POST", b'{"text": "typed in"}'),
    ],
)
@pytest.mark.parametrize("token", [b"\xff\xfe\xe9", b"caf\xe9-" + TOKEN.encode()])
async def test_a_non_utf8_authorization_header_gets_401(
    server: IntakeServer,
    errors: pytest.LogCaptureFixture,
    target: str,
    method: str,
    body: bytes,
    token: bytes,
) -> None:
    auth = b"Authorization: Bearer " + token + b"\r\n"
    reply = await send(server.port, request(method, target, f"127.0.0.1:{server.port}", auth, body))
    assert reply.status == 401
    assert reply.headers["content-type"].startswith("application/json")
    assert "read token" in reply.text
    assert server.open is True
    assert server.store is not None and server.store.mode_override is None
    assert await api_questions(server) == []
    assert_nothing_logged_as_error(errors)


API_POSTS: dict[str, bytes] = {
    "/api/session": b'{"open": false, "reason": "%s"}',
    "/api/decisions": b'{"mode": "open", "decisions": [{"id": "%s", "state": "dismissed"}]}',
    "/api/questions": b'{"text": "typed in %s"}',
}
"""Each API post with a valid JSON shape; ``%s`` is where an undecodable byte goes."""


@pytest.mark.parametrize("target", list(API_POSTS))
@pytest.mark.parametrize(
    ("content_type", "bad"),
    [
        (b"application/json; charset=x-no-such", b"ended"),
        (b"application/json", b"caf\xe9"),
        (b"application/json; charset=utf-8", b"\xff\xfe"),
    ],
)
async def test_an_unreadable_api_body_gets_400_json(
    server: IntakeServer,
    errors: pytest.LogCaptureFixture,
    target: str,
    content_type: bytes,
    bad: bytes,
) -> None:
    headers = AUTH + b"Content-Type: " + content_type + b"\r\n"
    body = API_POSTS[target].replace(b"%s", bad)
    reply = await send(
        server.port, request("POST", target, f"127.0.0.1:{server.port}", headers, body)
    )
    assert reply.status == 400, reply.text
    assert reply.headers["content-type"].startswith("application/json")
    assert json.loads(reply.body) == {"error": "body must be JSON (UTF-8)"}
    assert server.open is True
    assert server.store is not None and server.store.mode_override is None
    assert await api_questions(server) == []
    assert_nothing_logged_as_error(errors)


@pytest.mark.parametrize(
    "referer", [b"http://127.0.0.1:abc/", b"http://[::1/", b"http://\xff\xfe:99999/"]
)
async def test_an_unparsable_referer_is_refused_not_an_error(
    server: IntakeServer, errors: pytest.LogCaptureFixture, referer: bytes
) -> None:
    address = f"127.0.0.1:{server.port}"
    body = f"csrf={await csrf_of(server)}&question=hi".encode()
    headers = FORM + b"Referer: " + referer + b"\r\n"
    reply = await send(server.port, request("POST", "/", address, headers, body))
    assert reply.status == 403
    assert "Not sent from this form" in reply.text
    assert_nothing_logged_as_error(errors)


@pytest.mark.parametrize(
    ("target", "kind", "part"),
    [
        ("/", FORM, b"question=only%20part"),
        ("/vote", FORM, b"question=only"),
        ("/api/decisions", b"Content-Type: application/json\r\n", b'{"decisions": ['),
        ("/api/questions", b"Content-Type: application/json\r\n", b'{"text": "only'),
    ],
)
async def test_a_client_that_leaves_mid_body_is_not_an_error(
    server: IntakeServer, errors: pytest.LogCaptureFixture, target: str, kind: bytes, part: bytes
) -> None:
    address = f"127.0.0.1:{server.port}"
    _, cookie = await browser(server)
    origin = f"Origin: http://{address}\r\n".encode()
    await wait_until(lambda: server.connection_count == 0, "the form page's connection to end")
    async with connection(server.port) as (reader, writer):
        writer.write(
            f"POST {target} HTTP/1.1\r\nHost: {address}\r\n".encode()
            + (AUTH if target.startswith("/api/") else origin + cookie)
            + kind
            + b"Content-Length: 100\r\n\r\n"
            + part
        )
        await writer.drain()
        writer.write_eof()  # gone: the rest of the body will never come
        await until_closed(reader)
    await wait_until(lambda: server.connection_count == 0, "the server to drop the connection")
    assert_nothing_logged_as_error(errors)


# -- tokens that are not ours: refused, never a 500 ----------------------------------------
NON_ASCII = "1.%C3%A9t%C3%A9"  # "1.été": a CSRF token or receipt shaped like ours, not ASCII


@pytest.mark.parametrize("target", PARTICIPANT_POSTS)
async def test_a_non_ascii_csrf_token_is_refused_not_an_error(
    server: IntakeServer, errors: pytest.LogCaptureFixture, target: str
) -> None:
    address = f"127.0.0.1:{server.port}"
    _, cookie = await browser(server)
    headers = f"Origin: http://{address}\r\n".encode() + cookie + FORM
    body = f"csrf={NON_ASCII}&question=hello".encode()
    reply = await send(server.port, request("POST", target, address, headers, body))
    assert reply.status == 403, reply.text
    assert "expired" in reply.text
    assert await api_questions(server) == []
    assert_nothing_logged_as_error(errors)


@pytest.mark.parametrize("cookie", [b"participant=abc.\xc3\xa9", b"participant=\xff\xfe.abc"])
async def test_a_participant_cookie_that_is_not_ascii_is_no_participant(
    server: IntakeServer, errors: pytest.LogCaptureFixture, cookie: bytes
) -> None:
    address = f"127.0.0.1:{server.port}"
    line = b"Cookie: " + cookie + b"\r\n"
    listed = await send(server.port, request("GET", "/questions", address, line))
    assert listed.status == 200
    assert listed.headers["set-cookie"].startswith("participant=")  # a fresh, valid one
    csrf = await csrf_of(server)
    headers = f"Origin: http://{address}\r\n".encode() + line + FORM
    body = f"csrf={csrf}&question=x".encode()
    vote = await send(server.port, request("POST", "/vote", address, headers, body))
    assert vote.status == 403
    assert "did not keep our cookie" in vote.text
    assert_nothing_logged_as_error(errors)


async def test_a_non_ascii_receipt_shows_the_thanks_page_without_a_question(
    server: IntakeServer, errors: pytest.LogCaptureFixture
) -> None:
    target = f"/thanks?r=abc-{NON_ASCII}"
    reply = await send(server.port, request("GET", target, f"127.0.0.1:{server.port}"))
    assert reply.status == 200
    assert_nothing_logged_as_error(errors)
