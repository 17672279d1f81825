"""The form server's connection limits, against real slow clients on 127.0.0.1.

A client that never finishes its headers, trickles them, goes idle, or never finishes its body
must not hold a connection (each one is a file descriptor; ~1,020 of them used to make the form
unreachable). The board's long poll, which holds a request on purpose, must not be cut.
"""

from __future__ import annotations

import asyncio
import json
import re
import resource
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from console.intake import FormInfo, IntakeConfig, IntakeServer, participant_routes
from console.intake.connections import FILE_LIMIT_CAP, FileLimit, raise_open_file_limit
from tests.unit.raw_http import (
    connection,
    drip_until_closed,
    read_reply,
    request,
    send,
    until_closed,
    wait_until,
)

INFO = FormInfo(title="Connection limits")
TOKEN = "t" * 32
AUTH = f"Authorization: Bearer {TOKEN}\r\n".encode()
Start = Callable[..., Any]


@pytest.fixture
async def start(tmp_path: Path) -> AsyncIterator[Start]:
    servers: list[IntakeServer] = []

    async def factory(**overrides: Any) -> IntakeServer:
        values: dict[str, Any] = {"data_dir": tmp_path / "intake", "port": 0, "token": TOKEN}
        server = IntakeServer(IntakeConfig(**(values | overrides)), INFO)
        await server.start()
        servers.append(server)
        return server

    yield factory
    for server in servers:
        await server.stop()


def host(server: IntakeServer) -> str:
    return f"127.0.0.1:{server.port}"


async def no_connections_left(server: IntakeServer) -> None:
    await wait_until(lambda: server.connection_count == 0, "the server to drop the connection")


async def test_a_connection_that_sends_nothing_is_closed(start: Start) -> None:
    server = await start(header_timeout=0.5, keepalive_timeout=600)
    async with connection(server.port) as (reader, _writer):
        assert await until_closed(reader) == b""
    await no_connections_left(server)


async def test_a_connection_that_never_finishes_its_headers_is_closed(start: Start) -> None:
    server = await start(header_timeout=0.5, keepalive_timeout=600)
    async with connection(server.port) as (reader, writer):
        writer.write(f"GET / HTTP/1.1\r\nHost: {host(server)}\r\n".encode())
        await writer.drain()
        assert await until_closed(reader) == b""
    await no_connections_left(server)


async def test_trickled_header_bytes_do_not_extend_the_deadline(start: Start) -> None:
    server = await start(header_timeout=0.5, keepalive_timeout=600)
    async with connection(server.port) as (reader, writer):
        writer.write(f"GET / HTTP/1.1\r\nHost: {host(server)}\r\nX-Slow: ".encode())
        # One byte of a header value every 50 ms: never a complete header, never a long pause.
        assert await drip_until_closed(reader, writer, b"a") == b""
    await no_connections_left(server)


async def test_slow_headers_of_a_second_request_on_a_kept_alive_connection(
    start: Start,
) -> None:
    server = await start(header_timeout=0.5, keepalive_timeout=600)
    async with connection(server.port) as (reader, writer):
        writer.write(request("GET", "/healthz", host(server), close=False))
        await writer.drain()
        assert (await read_reply(reader)).status == 200
        writer.write(b"GET / HTTP/1.1\r\n")
        await writer.drain()
        assert await until_closed(reader) == b""


async def test_an_idle_kept_alive_connection_is_closed(start: Start) -> None:
    server = await start(keepalive_timeout=0.5)
    async with connection(server.port) as (reader, writer):
        writer.write(request("GET", "/healthz", host(server), close=False))
        await writer.drain()
        reply = await read_reply(reader)
        assert reply.status == 200 and reply.headers.get("connection") != "close"
        assert await until_closed(reader) == b""
    await no_connections_left(server)


async def test_a_long_poll_outlasts_the_header_and_keepalive_timeouts(start: Start) -> None:
    server = await start(header_timeout=0.2, keepalive_timeout=0.2)
    first = await send(server.port, request("GET", "/api/questions", host(server), AUTH))
    cursor = json.loads(first.body)["cursor"]
    # Held by the server until its deadline (1.5 s), well past both timeouts: answered in full.
    target = f"/api/questions?after={cursor}&wait=1.5"
    reply = await send(server.port, request("GET", target, host(server), AUTH))
    assert reply.status == 200
    assert json.loads(reply.body) == {"questions": [], "cursor": cursor, "open": True}


async def test_the_live_list_outlasts_the_header_and_keepalive_timeouts(
    start: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The participants' list updates itself through a long poll of its own (``/questions.json``,
    capped at ``LIVE_WAIT_S``): held past both connection timeouts, it is answered in full."""
    monkeypatch.setattr(participant_routes, "LIVE_WAIT_S", 1.5)
    server = await start(header_timeout=0.2, keepalive_timeout=0.2)
    first = await send(server.port, request("GET", "/questions.json?v=", host(server)))
    version = json.loads(first.body)["version"]
    loop = asyncio.get_running_loop()
    began = loop.time()
    target = f"/questions.json?v={version}"
    reply = await send(server.port, request("GET", target, host(server)))
    assert loop.time() - began >= 1.0  # held until its own cap, not cut by the timeouts
    assert reply.status == 200
    assert json.loads(reply.body)["version"] == version


def test_the_live_list_has_its_own_cap_within_the_body_and_idle_bounds() -> None:
    assert 0 < participant_routes.LIVE_WAIT_S <= 30


async def test_a_body_that_never_arrives_gets_408(start: Start) -> None:
    server = await start(body_timeout=0.5)
    async with connection(server.port) as (reader, writer):
        writer.write(
            f"POST / HTTP/1.1\r\nHost: {host(server)}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 100\r\n\r\nquestion=only%20part".encode()
        )
        await writer.drain()
        reply = await read_reply(reader)
        assert reply.status == 408
        assert reply.headers["content-type"].startswith("text/html")
        assert "Back to the question form" in reply.text
    await no_connections_left(server)


async def test_defaults_bound_headers_and_idle_connections() -> None:
    config = IntakeConfig(data_dir=Path("unused"))
    assert 0 < config.header_timeout <= 15
    assert 0 < config.keepalive_timeout <= 75
    assert 0 < config.body_timeout <= 60


# -- the open-file limit -------------------------------------------------------------------
class FakeLimits:
    def __init__(self, soft: int, hard: int, refuse: bool = False) -> None:
        self.soft, self.hard, self.refuse = soft, hard, refuse
        self.calls: list[tuple[int, int]] = []

    def get(self, _which: int) -> tuple[int, int]:
        return self.soft, self.hard

    def set(self, _which: int, limits: tuple[int, int]) -> None:
        self.calls.append(limits)
        if self.refuse:
            raise ValueError("not allowed")
        self.soft = limits[0]


def test_the_soft_limit_is_raised_to_the_hard_one() -> None:
    fake = FakeLimits(1024, 20_000)
    got = raise_open_file_limit(getrlimit=fake.get, setrlimit=fake.set)
    assert got == FileLimit(before=1024, now=20_000)
    assert fake.calls == [(20_000, 20_000)]


def test_an_unlimited_hard_limit_is_capped() -> None:
    fake = FakeLimits(1024, resource.RLIM_INFINITY)
    got = raise_open_file_limit(getrlimit=fake.get, setrlimit=fake.set)
    assert got == FileLimit(before=1024, now=FILE_LIMIT_CAP)
    assert fake.calls == [(FILE_LIMIT_CAP, resource.RLIM_INFINITY)]


def test_a_soft_limit_already_high_enough_is_left_alone() -> None:
    fake = FakeLimits(FILE_LIMIT_CAP, 1_048_576)
    got = raise_open_file_limit(getrlimit=fake.get, setrlimit=fake.set)
    assert got == FileLimit(before=FILE_LIMIT_CAP, now=FILE_LIMIT_CAP)
    assert fake.calls == []


def test_a_refused_raise_keeps_the_old_limit() -> None:
    fake = FakeLimits(1024, 20_000, refuse=True)
    got = raise_open_file_limit(getrlimit=fake.get, setrlimit=fake.set)
    assert got == FileLimit(before=1024, now=1024)


def test_the_limit_really_rises_in_a_process() -> None:
    script = (
        "import resource\n"
        "from console.intake.connections import raise_open_file_limit\n"
        "soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))\n"
        "got = raise_open_file_limit()\n"
        "print(got.before, got.now, resource.getrlimit(resource.RLIMIT_NOFILE)[0], hard)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    before, now, actual, hard = (int(v) for v in out.stdout.split())
    assert before == 256
    assert now == actual
    assert now == (FILE_LIMIT_CAP if hard == resource.RLIM_INFINITY else min(hard, FILE_LIMIT_CAP))


async def test_the_server_raises_the_limit_when_it_starts(start: Start) -> None:
    server = await start()
    assert server.file_limit is not None
    assert server.file_limit.now == resource.getrlimit(resource.RLIMIT_NOFILE)[0]


async def participant(server: IntakeServer) -> bytes:
    """Origin and the participant cookie of a browser that opened the form."""
    page = await send(server.port, request("GET", "/", host(server)))
    assert re.search(r'name="csrf"', page.text)
    cookie = page.headers["set-cookie"].split(";")[0]
    return f"Origin: http://{host(server)}\r\nCookie: {cookie}\r\n".encode()


SLOW_POSTS = {"/vote": False, "/api/session": True, "/api/decisions": True, "/api/questions": True}
"""The other posts, each with whether it answers JSON (the API) or the form's page."""


async def test_every_post_gets_408_for_a_body_that_never_arrives(start: Start) -> None:
    """All at once: after its 408 each connection lingers a while (aiohttp reads what is left
    of the body for up to 10 s before closing), so one by one would take that long each."""
    server = await start(body_timeout=0.5)
    browser = await participant(server)
    await no_connections_left(server)

    async def slow_body(target: str, json_api: bool) -> None:
        if json_api:
            headers = AUTH + b"Content-Type: application/json\r\n"
        else:
            headers = browser + b"Content-Type: application/x-www-form-urlencoded\r\n"
        async with connection(server.port) as (reader, writer):
            writer.write(
                f"POST {target} HTTP/1.1\r\nHost: {host(server)}\r\n".encode()
                + headers
                + b"Content-Length: 100\r\n\r\n{"
            )
            await writer.drain()
            reply = await read_reply(reader)
            assert reply.status == 408, target
            if json_api:
                assert reply.headers["content-type"].startswith("application/json")
                assert "did not arrive in time" in json.loads(reply.body)["error"]
            else:
                assert reply.headers["content-type"].startswith("text/html")
                assert "This took too long" in reply.text
                assert "Back to the question form" in reply.text
            assert await until_closed(reader) == b""

    await asyncio.gather(*(slow_body(target, api) for target, api in SLOW_POSTS.items()))
    await no_connections_left(server)
    assert server.open is True
