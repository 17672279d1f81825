"""Malformed requests, sent as an attacker (or a broken client) would, over a raw socket.

Each gets a 4xx with the form's own page (or JSON under /api/), and nothing at ERROR level in
the log: a traceback per bad request would let anyone fill the log and hide real failures.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from console.intake import FormInfo, IntakeConfig, IntakeServer
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
    page = await send(server.port, request("GET", "/", f"127.0.0.1:{server.port}"))
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match
    return match.group(1)


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


@pytest.mark.parametrize("case", list(POSTS))
async def test_a_malformed_post_gets_400_with_the_forms_page(
    server: IntakeServer, errors: pytest.LogCaptureFixture, case: str
) -> None:
    headers, body = POSTS[case]
    address = f"127.0.0.1:{server.port}"
    body = body.replace(CSRF, (await csrf_of(server)).encode())
    origin = f"Origin: http://{address}\r\n".encode()
    reply = await send(server.port, request("POST", "/", address, origin + headers, body))
    assert reply.status == 400, reply.text
    assert reply.headers["content-type"].startswith("text/html")
    assert "Something is wrong with the request" in reply.text
    assert "Back to the question form" in reply.text
    assert "Traceback" not in reply.text
    assert_nothing_logged_as_error(errors)


@pytest.mark.parametrize(
    ("target", "method", "body"),
    [("/api/questions", "GET", b""), ("/api/session", "POST", b'{"open": false}')],
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
    assert_nothing_logged_as_error(errors)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        (b"application/json; charset=x-no-such", b'{"open": false}'),
        (b"application/json", b'{"open": "caf\xe9"}'),
    ],
)
async def test_an_unreadable_api_body_gets_400_json(
    server: IntakeServer, errors: pytest.LogCaptureFixture, content_type: bytes, body: bytes
) -> None:
    headers = AUTH + b"Content-Type: " + content_type + b"\r\n"
    reply = await send(
        server.port, request("POST", "/api/session", f"127.0.0.1:{server.port}", headers, body)
    )
    assert reply.status == 400
    assert reply.headers["content-type"].startswith("application/json")
    assert "JSON" in reply.text
    assert server.open is True
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


async def test_a_client_that_leaves_mid_body_is_not_an_error(
    server: IntakeServer, errors: pytest.LogCaptureFixture
) -> None:
    address = f"127.0.0.1:{server.port}"
    async with connection(server.port) as (reader, writer):
        writer.write(
            f"POST / HTTP/1.1\r\nHost: {address}\r\n".encode()
            + FORM
            + b"Content-Length: 100\r\n\r\nquestion=only%20part"
        )
        await writer.drain()
        writer.write_eof()  # gone: the rest of the body will never come
        await until_closed(reader)
    await wait_until(lambda: server.connection_count == 0, "the server to drop the connection")
    assert_nothing_logged_as_error(errors)
