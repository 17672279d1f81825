"""The feed service with plain asyncio (no App, no Pilot) against a sheet on 127.0.0.1:0.

Questions arrive on the board, the feed cache is written, an empty answer is a problem and a
sheet that lost its rows is held, accepting takes the smaller list (a question with a decision
stays), a reader console follows the cache, and ``stop()`` ends every task it started.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp import web

from console.feeds.presets import source_from_args
from console.session.feed_service import FeedService
from console.session.live import LiveSession
from console.session.setup import prepare
from console.store import Record

BEFORE_START = datetime(2025, 12, 17, 20, 25, tzinfo=UTC)
HEADER = "Timestamp,Email Address,What would you like to ask?\r\n"
ROWS = [f'12/17/2025 15:3{i}:00,,"Question {i}, from the sheet?"\r\n' for i in range(3)]


@pytest.fixture
async def sheet() -> AsyncIterator[tuple[str, dict[str, bytes]]]:
    """A published sheet answering 200 with whatever body the test sets."""
    state = {"body": (HEADER + "".join(ROWS)).encode()}

    async def published(request: web.Request) -> web.Response:
        return web.Response(body=state["body"], content_type="text/csv")

    app = web.Application()
    app.router.add_get("/pub.csv", published)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/pub.csv", state
    finally:
        await runner.cleanup()


async def wait_until(predicate: Callable[[], bool], deadline: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    while not predicate():
        assert loop.time() < end, "condition not met before the deadline"
        await asyncio.sleep(0.02)


def open_session(data: Path, *, session: str | None = None, read_only: bool = False) -> LiveSession:
    launch = prepare(
        root=data,
        agenda_ref=None,
        session_ref=session,
        new=session is None,
        role="facilitator",
        author="Dana",
        read_only=read_only,
        rehearsal=False,
        now=lambda: BEFORE_START,
    )
    live = LiveSession(launch, now=lambda: BEFORE_START)
    live.open()
    return live


class Recorder:
    """The UI's side of the service: what it was told, saved and warned about."""

    def __init__(self) -> None:
        self.changes = 0
        self.saved: list[Record] = []
        self.warnings: list[str] = []

    def changed(self) -> None:
        self.changes += 1

    def save(self, records: Sequence[Record]) -> None:
        self.saved.extend(records)

    def service(
        self, session: LiveSession, *, cache_delay: float = 2.0, follow_seconds: float = 1.0
    ) -> FeedService:
        return FeedService(
            session,
            on_change=self.changed,
            save=self.save,
            notify=self.warnings.append,
            cache_delay=cache_delay,
            follow_seconds=follow_seconds,
        )


def feed_tasks() -> list[str]:
    """The service's tasks still running (pollers, cache writer, follower: ``feed ...``)."""
    return sorted(t.get_name() for t in asyncio.all_tasks() if t.get_name().startswith("feed"))


async def test_the_service_polls_writes_the_cache_holds_and_accepts(
    sheet: tuple[str, dict[str, bytes]], tmp_path: Path
) -> None:
    url, state = sheet
    session = open_session(tmp_path / "data")
    session.start()  # a segment in play: arrivals are stamped with it, to be saved
    ui = Recorder()
    service = ui.service(session, cache_delay=0.0)
    config = source_from_args(url, "google-forms", tz="America/New_York", interval_seconds=3600)
    assert service.add_source(config) == "form"  # before run(): it waits for it
    runner = asyncio.create_task(service.run())
    board = session.board

    await wait_until(lambda: len(board.keys()) == 3)  # questions arrive
    assert ui.changes
    assert {(r.kind, r.data["arrived_segment_id"]) for r in ui.saved} == {
        ("moderation", session.segment_id)
    }
    cached = service.cache.path
    await wait_until(lambda: (c := service.cache.load()) is not None and len(c.questions) == 3)
    written = cached.stat().st_mtime_ns
    key = board.keys()[0]
    board.answer(key, "Twice a year", None)  # a decision: this one is kept whatever comes

    state["body"] = b""  # 200 with nothing in it: a problem, the board keeps its questions
    assert service.poll_now() == ["form"]
    await wait_until(lambda: service.feeds.problem)
    (line,) = service.feeds.status_lines(UTC)
    assert "nothing in it" in line and "keeping the last 3 questions" in line
    assert len(board.keys()) == 3

    state["body"] = HEADER.encode()  # every response deleted: held until accepted
    service.poll_now("form")
    await wait_until(lambda: "lists no questions" in service.feeds.status_lines(UTC)[0])
    assert len(board.keys()) == 3
    await asyncio.sleep(0.1)
    assert cached.stat().st_mtime_ns == written  # not rewritten while held
    assert not service.cache_pending

    assert service.accept_smaller() == ["form"]
    assert board.keys() == [key]  # at once: the decided question stays
    assert not service.feeds.problem
    assert service.accept_smaller() == []  # nothing held any more
    await wait_until(lambda: (c := service.cache.load()) is not None and c.questions == ())
    saved = service.cache.load()
    assert saved is not None and [q.source_id for q in saved.kept] == [key]

    assert feed_tasks() == ["feed cache writer", "feed form"]
    await service.stop()
    await asyncio.wait_for(runner, 5)
    assert service.pollers == {}
    assert feed_tasks() == []  # every task ended, none left behind
    assert ui.warnings == []
    session.close()


async def test_a_reader_console_follows_the_facilitator_cache(
    sheet: tuple[str, dict[str, bytes]], tmp_path: Path
) -> None:
    url, _state = sheet
    facilitator = open_session(tmp_path / "data")
    writer = Recorder().service(facilitator, cache_delay=0.0)
    writer.add_source(source_from_args(url, "google-forms", interval_seconds=3600))
    reader_session = open_session(
        tmp_path / "data", session=facilitator.folder.info.id, read_only=True
    )
    ui = Recorder()
    reader = ui.service(reader_session, follow_seconds=0.05)
    assert not reader.polls
    assert reader.add_source(source_from_args(url, "google-forms")) == ""  # it never polls

    running = [asyncio.create_task(writer.run()), asyncio.create_task(reader.run())]
    await wait_until(lambda: len(reader_session.board.keys()) == 3)
    assert "feed cache follower" in feed_tasks()
    assert reader.pollers == {} and ui.saved == [] and ui.changes
    assert "the facilitator's copy" in reader.feeds.status_lines(UTC)[0]

    await asyncio.gather(writer.stop(), reader.stop())
    await asyncio.wait_for(asyncio.gather(*running), 5)
    assert feed_tasks() == []
    facilitator.close()
    reader_session.close()


async def test_quitting_inside_the_delay_still_writes_the_cache(
    sheet: tuple[str, dict[str, bytes]], tmp_path: Path
) -> None:
    url, _state = sheet
    session = open_session(tmp_path / "data")
    service = Recorder().service(session, cache_delay=3600.0)
    service.add_source(source_from_args(url, "google-forms", interval_seconds=3600))
    runner = asyncio.create_task(service.run())
    await wait_until(lambda: len(session.board.keys()) == 3)
    assert service.cache_pending and service.cache.load() is None
    runner.cancel()  # the App quitting cancels the worker: the newest feed is still written
    with pytest.raises(asyncio.CancelledError):
        await runner
    saved = service.cache.load()
    assert saved is not None and len(saved.questions) == 3
    session.close()
