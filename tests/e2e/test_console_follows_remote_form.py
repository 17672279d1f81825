"""End to end, no UI: the console's core follows a REMOTE ``form serve`` (its own process, its
own data folder, another port) and pushes its decisions there.

Participants are plain HTTP clients with their own cookies, as browsers are: A asks; the feed
poller brings the question to the facilitator's board; B does not see it (screened) until
the facilitator publishes it and the pusher sends that; B says "me too" and the board's Votes
go up; a public answer shows on the list, a private one only on A's private page; a
note-taker's answer goes through the facilitator's console; a question typed in at the
console and published shows on the list; a dismissed one leaves it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.feeds.poller import FeedPoller
from console.session.form_host import prepare_form
from console.session.form_sync import FormSync, FormTarget
from console.session.live import LiveSession
from console.session.setup import prepare
from console.session.source_choice import SourceChoice, configured_source
from tests.form_helpers import FormServe, Participant, until

NOW = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)
AGENDA = "school-safety-office-hours"


def console_session(root: Path, role: str = "facilitator") -> LiveSession:
    launch = prepare(
        root=root,
        agenda_ref=AGENDA,
        session_ref=None if role == "facilitator" else "latest",
        new=role == "facilitator",
        role=role,
        author="Dana" if role == "facilitator" else "Sam",
        read_only=False,
        rehearsal=False,
        now=lambda: NOW,
    )
    live = LiveSession(launch, now=lambda: NOW)
    live.open()
    return live


async def test_a_console_follows_a_remote_form_end_to_end(
    tmp_path: Path, remote: FormServe, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FACILITATOR_FORM_TOKEN", remote.token)
    console_root = tmp_path / "console-data"  # not the form's folder: another machine, say
    live = console_session(console_root)
    a, b = Participant(remote.url), Participant(remote.url)
    poller: FeedPoller | None = None
    sync: FormSync | None = None
    try:
        prep = prepare_form(live, SourceChoice(public_url=remote.url), console_root)
        assert prep.plan is not None and prep.plan.hosted and not prep.notices
        source = configured_source(live.agenda, prep.choice)
        assert source is not None and source.preset == "intake"
        board = live.board
        poller = FeedPoller(source)
        sync = FormSync(board, FormTarget.from_source(source))

        async def fetch() -> None:
            assert poller is not None
            update = await poller.poll_once()
            assert update.status.ok, update.status.message
            board.update_feed("intake", update.questions, live.segment_id)

        async def push() -> None:
            assert sync is not None
            sync.changed()
            assert await sync.sync_once(), sync.status.message

        # A asks; the poller brings it to the board; B does not see it yet (screened)
        await a.ask("Will drills be announced to parents?", name="Ana", show_name="yes")
        await fetch()
        (key,) = board.keys()
        assert board.get(key).text == "Will drills be announced to parents?"
        await push()
        assert "Will drills be announced" not in await b.page("questions")

        # published: B sees it, and says "me too"; the board's Votes go up
        board.publish(key)
        await push()
        listed = await b.page("questions")
        assert "Will drills be announced to parents?" in listed and "Ana" in listed
        form_id = key.split(":", 1)[1]
        for _ in range(5):  # B presses "me too" again and again: it counts once
            assert await b.vote(form_id) in (200, 303)

        async def vote_arrived() -> bool:
            await fetch()
            return board.get(key).votes == 1

        await until(vote_arrived, "B's vote on the board")
        board.plus_one(key)  # raised again aloud: adds to the form's votes
        assert board.get(key).votes == 2
        assert board.questions(sort="votes")[0].key == key

        # answers: public on the list, private only on A's page; the note never leaves
        board.go_live(key)
        board.answer(key, "internal: ask the district office")
        board.add_participant_answer(key, "Yes: a letter goes home a week before.", True, "Dana")
        board.add_participant_answer(key, "We will call your school about its dates.", False)
        await push()
        listed = await b.page("questions")
        assert "a letter goes home a week before" in listed
        assert "call your school" not in listed
        assert "internal: ask the district office" not in listed
        mine = await a.page(a.private_link())
        assert "call your school" in mine and "a letter goes home" in mine
        assert "Answered" in mine

        # a note-taker's answer goes through the facilitator's console
        notes = console_session(console_root, role="notes")
        try:
            notes.board.load(notes.folder.read_all()[0].values())
            notes.board.update_feed("intake", board.feed_of("intake"), None)
            _, written = notes.board.add_participant_answer(
                key, "The plan is on the department's site.", True, "Sam"
            )
            assert notes.file is not None
            notes.file.put_many(written)
        finally:
            notes.close()
        assert "department's site" not in await b.page("questions")  # not pushed by itself
        assert live.apply_folder(live.folder.read_all()[0])
        await push()
        assert "The plan is on the department&#39;s site." in await b.page("questions")

        # a question heard aloud, typed in and published, joins the list
        typed, _ = board.add_manual("Heard aloud: are buses part of the drills?", "aloud")
        board.publish(typed)
        await push()
        assert "are buses part of the drills?" in await b.page("questions")

        # dismissed: gone for others, "Received" for its asker
        await a.ask("Second question from Ana")
        await fetch()
        (second,) = [k for k in board.keys() if board.get(k).text.startswith("Second")]
        board.publish(second)
        await push()
        assert "Second question from Ana" in await b.page("questions")
        board.dismiss(second)
        await push()
        assert "Second question from Ana" not in await b.page("questions")
        assert "Received" in await a.page(a.private_link())
        assert sync.status.ok
    finally:
        await a.aclose()
        await b.aclose()
        if poller is not None:
            await poller.stop()
        if sync is not None:
            await sync.stop()
        live.close()
