"""End to end over real sockets: an aiohttp server on 127.0.0.1 port 0 whose payload
changes between polls, and a long-polling server speaking the intake wire format."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web

from console.cli import feed as feed_command
from console.feeds.config import SourceConfig
from console.feeds.poller import FeedPoller, FeedUpdate

Adder = Callable[[dict[str, object]], Awaitable[None]]
HEADER = "Timestamp,Email Address,What would you like to ask?\r\n"


async def serve(app: web.Application) -> AsyncIterator[str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def wait_until(predicate: Callable[[], bool], deadline: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    while not predicate():
        if loop.time() > end:
            raise AssertionError("condition not met before the deadline")
        await asyncio.sleep(0.02)


@pytest.fixture
async def sheet() -> AsyncIterator[tuple[str, list[str]]]:
    rows = ['12/17/2025 15:31:02,a@s.example,"First, with a comma?"']

    async def published(request: web.Request) -> web.Response:
        body = HEADER + "".join(r + "\r\n" for r in rows)
        return web.Response(body=("\ufeff" + body).encode(), content_type="text/csv")

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPTemporaryRedirect("/pub.csv")

    app = web.Application()
    app.router.add_get("/pub.csv", published)
    app.router.add_get("/pub", redirect)
    async for base in serve(app):
        yield base, rows


async def test_poller_picks_up_new_rows_and_reports_unchanged(sheet: tuple[str, list[str]]) -> None:
    base, rows = sheet
    updates: list[FeedUpdate] = []
    config = SourceConfig(
        url=f"{base}/pub?output=csv",
        preset="google-forms",
        interval_seconds=3600,
        tz="America/New_York",
    )
    poller = FeedPoller(config, updates.append)
    poller.start()
    await wait_until(lambda: len(updates) == 1)
    assert updates[0].changed and [q.text for q in updates[0].questions] == ["First, with a comma?"]

    poller.poll_now()
    await wait_until(lambda: len(updates) == 2)
    assert updates[1].status.ok and updates[1].changed is False

    rows.append('12/17/2025 15:40:00,,"Two lines:\r\nwho runs drills?"')
    poller.poll_now()
    await wait_until(lambda: len(updates) == 3)
    assert updates[2].changed
    assert [q.source_id for q in updates[2].questions] == ["row-2", "row-3"]
    assert updates[2].questions[1].text == "Two lines:\nwho runs drills?"
    await poller.stop()


async def test_feed_test_command_over_http(
    sheet: tuple[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    base, _ = sheet
    parser = argparse.ArgumentParser()
    feed_command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["feed", "test", f"{base}/pub", "--preset", "google-forms", "--json"])
    code = await asyncio.to_thread(args.handler, args)
    assert code == 0
    assert json.loads(capsys.readouterr().out)[0]["text"] == "First, with a comma?"


@pytest.fixture
async def intake() -> AsyncIterator[tuple[str, Adder]]:
    """A stand-in speaking the intake wire format: long-poll, cursor = count seen."""
    store: list[dict[str, object]] = []
    arrived = asyncio.Condition()

    async def questions(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != "Bearer read-secret-1":
            return web.json_response({"error": "unauthorised"}, status=401)
        after = int(request.query.get("after") or 0)
        wait = float(request.query.get("wait", "0"))
        async with arrived:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(arrived.wait_for(lambda: len(store) > after), wait)
        fresh = store[after:]
        return web.json_response(
            {"questions": fresh, "cursor": str(after + len(fresh)), "open": True},
            headers={"ETag": f'"{after + len(fresh)}"'},
        )

    async def add(item: dict[str, object]) -> None:
        async with arrived:
            store.append(item)
            arrived.notify_all()

    app = web.Application()
    app.router.add_get("/api/questions", questions)
    async for base in serve(app):
        yield base, add


async def test_intake_long_poll_end_to_end(intake: tuple[str, Adder]) -> None:
    base, add = intake
    updates: list[FeedUpdate] = []
    config = SourceConfig(url=base, preset="intake", token="read-secret-1", wait_seconds=2)
    poller = FeedPoller(config, updates.append)
    poller.start()
    await wait_until(lambda: len(updates) >= 1)
    assert updates[0].status.ok and updates[0].questions == ()

    await add(
        {
            "id": "q1",
            "text": "Held request answers this?",
            "name": "Ann",
            "display_name": True,
            "email": None,
            "topic": None,
            "submitted_at": "2025-12-17T15:31:00-05:00",
        }
    )
    await wait_until(lambda: any(u.changed for u in updates))
    assert [q.source_id for q in poller.questions] == ["q1"]
    await poller.stop()


async def test_intake_wrong_token_end_to_end(intake: tuple[str, Adder]) -> None:
    base, _ = intake
    config = SourceConfig(url=base, preset="intake", token="wrong-secret", wait_seconds=1)
    poller = FeedPoller(config)
    update = await poller.poll_once()
    assert "refused the token (HTTP 401)" in update.status.message
    assert "wrong-secret" not in update.status.message
    await poller.stop()


@pytest.fixture
async def emptying() -> AsyncIterator[tuple[str, dict[str, bytes]]]:
    """A sheet whose body the test sets: answered with 200 whatever it holds."""
    state = {"body": HEADER.encode()}

    async def published(request: web.Request) -> web.Response:
        return web.Response(body=state["body"], content_type="text/csv")

    app = web.Application()
    app.router.add_get("/pub.csv", published)
    async for base in serve(app):
        yield base, state


def _feed_test(url: str) -> int:
    parser = argparse.ArgumentParser()
    feed_command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["feed", "test", url, "--preset", "google-forms"])
    code: int = args.handler(args)
    return code


@pytest.mark.parametrize("body", [b"", b"\r\n\r\n"], ids=["empty", "blank lines"])
async def test_feed_test_says_an_empty_200_is_a_problem(
    emptying: tuple[str, dict[str, bytes]], body: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    base, state = emptying
    state["body"] = body
    code = await asyncio.to_thread(_feed_test, f"{base}/pub.csv")
    err = capsys.readouterr().err
    assert code == 1
    assert "answered HTTP 200 with nothing in it" in err


async def test_feed_test_takes_a_header_only_sheet_as_a_new_form(
    emptying: tuple[str, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    base, _ = emptying
    code = await asyncio.to_thread(_feed_test, f"{base}/pub.csv")
    assert code == 0
    assert "(no questions yet)" in capsys.readouterr().out


async def test_poller_holds_a_sheet_that_lost_its_rows_until_accepted(
    emptying: tuple[str, dict[str, bytes]],
) -> None:
    base, state = emptying
    rows = [f'12/17/2025 15:3{i}:00,,"Question {i}?"\r\n' for i in range(3)]
    state["body"] = (HEADER + "".join(rows)).encode()
    config = SourceConfig(url=f"{base}/pub.csv", preset="google-forms", interval_seconds=3600)
    poller = FeedPoller(config)
    assert len((await poller.poll_once()).questions) == 3
    state["body"] = b""
    empty = await poller.poll_once()
    assert not empty.status.ok and "nothing in it" in empty.status.message
    assert len(empty.questions) == 3
    state["body"] = HEADER.encode()
    held = await poller.poll_once()
    assert held.status.held_back == 0 and len(held.questions) == 3
    accepted = poller.accept_smaller()
    assert accepted is not None and accepted.questions == () and accepted.status.ok
    await poller.stop()
