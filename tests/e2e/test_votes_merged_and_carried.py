"""Votes through the real parts: a session's own form (on 127.0.0.1), the feed service polling
it, the decision pusher, and participants over HTTP with their own cookies.

- A participant who said "me too" to two questions the facilitator then merges counts once,
  on the board at the moment of the merge and on the participants' list once it is pushed.
- A question carried into the next session of the series keeps its voters: the same
  browser (same cookie) cannot vote for it again, a new participant can, and the board, the
  list and the next carry-over all count each voter once.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.board.model import Board
from console.intake.server import IntakeServer
from console.session.carry_over import carry_over_records
from console.session.feed_service import FeedService
from console.session.form_host import INTAKE_FOLDER, intake_source, intake_target, make_server
from console.session.form_sync import FormSync
from console.session.live import LiveSession
from console.session.setup import prepare
from console.store import Record, SessionFolder
from tests.form_helpers import Participant, until

AUTHOR = "Dana"


@dataclass
class Running:
    """One session's console parts around its own form."""

    session: LiveSession
    feeds: FeedService
    sync: FormSync
    url: str
    tasks: list[asyncio.Task[None]]

    @property
    def board(self) -> Board:
        return self.session.board

    def decide(self, records: list[Record]) -> None:
        """Save the decision (as the App does) and tell the pusher."""
        assert self.session.file is not None
        self.session.file.put_many(records)
        self.sync.changed()

    def key_of(self, text: str) -> str | None:
        return next((k for k in self.board.keys() if self.board.get(k).text == text), None)


@dataclass
class Console:
    root: Path
    servers: dict[int, IntakeServer] = field(default_factory=dict)

    async def open(self, follow_up_of: str | None = None) -> Running:
        launch = prepare(
            root=self.root,
            agenda_ref=None,
            session_ref=None,
            new=True,
            role="facilitator",
            author=AUTHOR,
            read_only=False,
            rehearsal=False,
            follow_up_of=follow_up_of,
            now=lambda: datetime.now(UTC),
        )
        session = LiveSession(launch, now=lambda: datetime.now(UTC))
        session.open()
        server = make_server(session)
        server.config.port = 0  # any free port: tests run side by side
        await server.start()
        feeds = FeedService(session, cache_delay=0.05)
        feeds.add_source(intake_source(server, session))
        assert session.file is not None
        sync = FormSync(
            session.board, intake_target(server, session), save=session.file.put_many
        )  # the App saves them through its writer thread
        running = Running(session, feeds, sync, server.url, [])
        running.tasks.append(asyncio.create_task(feeds.run()))
        sync.start()
        self.servers[id(running)] = server
        return running

    async def close(self, running: Running) -> None:
        await running.sync.stop()
        await running.feeds.stop()
        for task in running.tasks:
            await task
        await self.servers.pop(id(running)).stop()
        running.session.close()


@pytest.fixture
async def console(tmp_path: Path) -> AsyncIterator[Console]:
    yield Console(tmp_path / "data")


def figure(page: str, qid: str) -> int | None:
    found = re.search(rf'id="q-{re.escape(qid)}-votes">(\d+) (?:person|people)', page)
    return int(found.group(1)) if found else None


async def test_a_voter_of_two_merged_questions_counts_once_on_the_board_and_the_list(
    console: Console,
) -> None:
    run = await console.open()
    a, b, c, d, e = (Participant(run.url) for _ in range(5))
    try:
        await a.ask("Will drills be announced to parents?")
        await b.ask("Do parents hear about drills before they happen?")
        await until(lambda: len(run.board.keys()) == 2, "both questions on the board")
        primary = run.key_of("Will drills be announced to parents?")
        dup = run.key_of("Do parents hear about drills before they happen?")
        assert primary and dup
        run.decide(run.board.publish(primary) + run.board.publish(dup))
        pid, did = primary.partition(":")[2], dup.partition(":")[2]

        async def listed() -> bool:
            page = await c.page("questions")
            return pid in page and did in page

        await until(listed, "both questions on the participants' list")
        for voter, qid in ((c, pid), (c, did), (d, did)):
            assert await voter.vote(qid) == 303
        await until(
            lambda: (run.board.get(primary).votes, run.board.get(dup).votes) == (1, 2),
            "the votes on the board",
        )

        run.decide(run.board.merge(primary, [dup]))
        assert run.board.get(primary).votes == 2  # c once, and d: at once, no round trip

        async def list_says(n: int) -> bool:
            page = await e.page("questions")
            return figure(page, pid) == n and figure(page, did) == n

        await until(lambda: list_says(2), "the merged figure on the participants' list")
        assert await e.vote(did) == 303
        await until(lambda: run.board.get(primary).votes == 3, "a new voter on the board")
        await until(lambda: list_says(3), "the same figure on the list")
    finally:
        for p in (a, b, c, d, e):
            await p.aclose()
        await console.close(run)


async def test_a_carried_question_keeps_its_voters_across_the_series(console: Console) -> None:
    first = await console.open()
    asker, c, d, e = (Participant(first.url) for _ in range(4))
    text = "Who decides when the buses join a drill?"
    try:
        await asker.ask(text)
        await until(lambda: first.key_of(text) is not None, "the question on the board")
        key = first.key_of(text)
        assert key is not None
        first.decide(first.board.publish(key))
        qid = key.partition(":")[2]

        async def on_list() -> bool:
            return qid in await c.page("questions")

        await until(on_list, "the question on the participants' list")
        assert await c.vote(qid) == 303 and await d.vote(qid) == 303
        await until(lambda: first.board.get(key).votes == 2, "two votes on the board")
        first.decide(first.board.defer(key))  # we will follow up: it goes to the next session
        await until(lambda: not first.feeds.cache_pending, "the feed cache written")
    finally:
        await console.close(first)
    earlier_id = first.session.folder.info.id

    second = await console.open(follow_up_of=earlier_id)
    try:
        secret = INTAKE_FOLDER + "/server-secret"
        assert (second.session.folder.path / secret).read_bytes() == (
            first.session.folder.path / secret
        ).read_bytes()
        carried = second.key_of(text)
        assert carried is not None and second.board.get(carried).carried_over
        assert second.board.get(carried).votes == 2
        second.decide(second.board.publish(carried))
        cid = carried.partition(":")[2]
        for p in (c, d, e):  # the same browsers (cookies), on the next session's link
            p.url = second.url

        async def marked() -> bool:
            page = await c.page("questions")
            if cid not in page:
                return False
            item = page[page.index(f'id="q-{cid}"') :]
            return "You said: me too" in item[: item.index("</li>")]

        await until(marked, "the carried question marked as c's vote")
        assert await c.vote(cid) == 303  # voted last session: not again
        assert await e.vote(cid) == 303  # new to it: counts
        await until(lambda: second.board.get(carried).votes == 3, "the new voter on the board")
        page = await d.page("questions")
        assert figure(page, cid) == 3
        assert second.board.get(carried).votes == 3
    finally:
        for p in (asker, c, d, e):
            await p.aclose()
        await console.close(second)

    # The next carry-over takes the three voters along, and still counts them once.
    third = SessionFolder.create(
        console.root, agenda="", title="Third", facilitator=AUTHOR, now=datetime.now(UTC)
    )
    records = carry_over_records(
        third, second.session.folder.info.id, AUTHOR, lambda: datetime.now(UTC)
    )
    (question,) = [r for r in records if r.kind == "question"]
    assert question.data["carried_from"]["votes"] == 3
    assert len(question.data["carried_from"]["voters"]) == 3
