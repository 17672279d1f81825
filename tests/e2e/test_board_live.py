"""The board end to end: the console under Pilot polls a real HTTP server on localhost.

The server's CSV (google-forms) or JSON payload changes between polls; new questions reach the
list, an unchanged poll repaints nothing, and a server error keeps the last good board with a
status in plain words.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from console.board.feeds import cache_path
from console.feeds.cache import FeedCache
from console.feeds.presets import source_from_args
from console.report.build import build_report
from console.store import SessionFolder
from console.widgets.board_panel import BoardPanel
from console.widgets.feed_status import FeedStatus
from console.widgets.question_board import QuestionBoard
from tests.ui.board_helpers import focus_row
from tests.ui.helpers import FakeNow, make_app

BEFORE_START = datetime(2025, 12, 17, 20, 25, tzinfo=UTC)
HEADER = "Timestamp,Email Address,What would you like to ask?\r\n"


class Payload:
    """What the server answers; tests change it between polls."""

    def __init__(self) -> None:
        self.rows = ['12/17/2025 15:31:02,a@s.example,"First, with a comma?"']
        self.items: list[dict[str, object]] = [{"id": "1", "text": "First json?"}]
        self.fail = False
        self.raw: bytes | None = None
        """When set, the sheet answers 200 with exactly these bytes."""
        self.hits = 0


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, Payload]]:
    payload = Payload()

    async def sheet(request: web.Request) -> web.Response:
        payload.hits += 1
        if payload.fail:
            return web.Response(status=500, text="oops")
        if payload.raw is not None:
            return web.Response(body=payload.raw, content_type="text/csv")
        body = HEADER + "".join(r + "\r\n" for r in payload.rows)
        return web.Response(body=("\ufeff" + body).encode(), content_type="text/csv")

    async def items(request: web.Request) -> web.Response:
        payload.hits += 1
        return web.Response(text=json.dumps(payload.items), content_type="application/json")

    app = web.Application()
    app.router.add_get("/pub.csv", sheet)
    app.router.add_get("/items.json", items)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}", payload
    finally:
        await runner.cleanup()


async def wait_until(pilot: Any, predicate: Callable[[], bool], deadline: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    while not predicate():
        if loop.time() > end:
            raise AssertionError("condition not met before the deadline")
        await pilot.pause(0.05)


async def test_sheet_questions_arrive_and_a_500_keeps_the_board(
    server: tuple[str, Payload], tmp_path: Path
) -> None:
    base, payload = server
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    config = source_from_args(
        f"{base}/pub.csv", "google-forms", tz="America/New_York", interval_seconds=600.0
    )
    async with app.run_test(size=(120, 40)) as pilot:
        panel = app.screen.query_one(BoardPanel)
        table = app.screen.query_one(QuestionBoard)
        app.feed_service().add_source(config)
        await wait_until(pilot, lambda: len(table.shown_keys) == 1)
        assert app.session.board.get("form:row-2").text == "First, with a comma?"

        payload.rows.append('12/17/2025 15:40:00,,"Second, arrived later?"')
        app.feed_service().pollers["form"].poll_now()
        await wait_until(pilot, lambda: len(table.shown_keys) == 2)
        assert table.shown_keys[0] == "form:row-3"  # newest first

        version, repaints, hits = app.session.board.version, panel.repaints, payload.hits
        app.feed_service().pollers["form"].poll_now()  # unchanged body: no parse, no repaint
        await wait_until(pilot, lambda: payload.hits > hits)
        await wait_until(pilot, lambda: "no change" in app.screen.query_one(FeedStatus).plain)
        assert app.session.board.version == version
        assert panel.repaints == repaints

        payload.fail = True
        app.feed_service().pollers["form"].poll_now()
        status = app.screen.query_one(FeedStatus)
        await wait_until(pilot, lambda: "PROBLEM" in status.plain)
        assert "keeping the last 2 questions" in status.plain
        assert len(table.shown_keys) == 2
        assert status.has_class("-problem")

        payload.fail = False
        app.feed_service().pollers["form"].poll_now()
        await wait_until(pilot, lambda: "PROBLEM" not in status.plain, deadline=60)
        await app.settle()
    app.session.close()
    saved = FeedCache(cache_path(app.session.folder.path)).load()
    assert saved is not None and len(saved.questions) == 2


async def test_json_feed_changes_between_polls_and_refresh_key(
    server: tuple[str, Payload], tmp_path: Path
) -> None:
    base, payload = server
    app = make_app(tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START))
    config = source_from_args(f"{base}/items.json", "json", interval_seconds=600.0)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one(QuestionBoard)
        app.feed_service().add_source(config)
        await wait_until(pilot, lambda: table.shown_keys == ["form:1"])
        payload.items.append({"id": "2", "text": "Second json [bold]?"})
        table.focus()
        await pilot.press("r")  # refresh now
        await wait_until(pilot, lambda: "form:2" in table.shown_keys)
        assert app.session.board.get("form:2").text == "Second json [bold]?"
    app.session.close()


async def test_an_emptied_sheet_never_wipes_the_board_the_cache_or_the_report(
    server: tuple[str, Payload], tmp_path: Path
) -> None:
    """The reported bug: a 200 with an empty body made the board drop every question, the
    cache and the report followed, a restart stayed empty. Now an empty body is a problem,
    a sheet that lost its rows is held until the facilitator accepts it (and that survives a
    restart), and the answered question stays in the cache and the report after accepting."""
    base, payload = server
    payload.rows += [
        '12/17/2025 15:32:00,,"Second, to be answered?"',
        '12/17/2025 15:33:00,,"Third, a test response?"',
    ]
    data, cfg, now = tmp_path / "data", tmp_path / "cfg", FakeNow(BEFORE_START)
    config = source_from_args(
        f"{base}/pub.csv", "google-forms", tz="America/New_York", interval_seconds=600.0
    )
    app = make_app(data, cfg, now)
    cache = FeedCache(cache_path(app.session.folder.path))
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one(QuestionBoard)
        status = app.screen.query_one(FeedStatus)
        app.feed_service().add_source(config)
        await wait_until(pilot, lambda: len(table.shown_keys) == 3)
        await focus_row(pilot, app, "form:row-3")
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Twice a year")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.session.board.get("form:row-3").status == "answered")
        await wait_until(pilot, lambda: (c := cache.load()) is not None and len(c.questions) == 3)

        payload.raw = b""  # the reported answer: 200, nothing in it
        app.feed_service().pollers["form"].poll_now()
        await wait_until(pilot, lambda: "nothing in it" in status.plain)
        assert "PROBLEM: the source answered HTTP 200 with nothing in it" in status.plain
        assert "keeping the last 3 questions" in status.plain
        assert len(app.session.board.keys()) == 3 and status.has_class("-problem")

        payload.raw = HEADER.encode()  # a sheet whose responses were all deleted
        app.feed_service().pollers["form"].poll_now()
        await wait_until(pilot, lambda: "lists no questions" in status.plain, deadline=60)
        assert "press A to accept" in status.plain
        assert len(app.session.board.keys()) == 3
        await app.settle()
        session_id = app.session.folder.info.id
    app.session.close()
    saved = cache.load()
    assert saved is not None and len(saved.questions) == 3  # not overwritten while held

    again = make_app(data, cfg, now, session=session_id)
    async with again.run_test(size=(120, 40)) as pilot:
        table = again.screen.query_one(QuestionBoard)
        status = again.screen.query_one(FeedStatus)
        again.feed_service().add_source(config)
        await wait_until(pilot, lambda: "lists no questions" in status.plain)
        assert len(again.session.board.keys()) == 3  # still held after the restart
        table.focus()
        await pilot.press("A")  # the facilitator accepts: the test responses are gone
        await wait_until(pilot, lambda: "PROBLEM" not in status.plain)
        await wait_until(pilot, lambda: again.session.board.keys() == ["form:row-3"])
        assert "0 questions" in status.plain
        await again.settle()
    again.session.close()
    saved = cache.load()
    assert saved is not None and saved.questions == ()
    assert [q.source_id for q in saved.kept] == ["form:row-3"]

    report = build_report(SessionFolder.open(again.session.folder.path), now=BEFORE_START)
    rows = [q for q in report.questions if q.key.startswith("form:")]
    assert [(q.key, q.status, q.answer_note) for q in rows] == [
        ("form:row-3", "answered", "Twice a year")
    ]

    third = make_app(data, cfg, now, session=session_id)  # accepted stays accepted
    async with third.run_test(size=(120, 40)) as pilot:
        status = third.screen.query_one(FeedStatus)
        third.feed_service().add_source(config)
        await wait_until(pilot, lambda: "0 questions" in status.plain)
        assert "PROBLEM" not in status.plain
        assert third.session.board.keys() == ["form:row-3"]
    third.session.close()
