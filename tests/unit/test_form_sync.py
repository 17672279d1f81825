"""The decision pusher: the batch built from the board, and pushes to a real form (an
IntakeServer on 127.0.0.1, port 0): deltas, coalescing, typed-in questions, retries, words."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from console.board.model import Board
from console.feeds.model import FeedQuestion
from console.intake import FormInfo, IntakeConfig, IntakeServer
from console.session.form_batch import decisions, form_id, typed_in_to_create
from console.session.form_sync import FormSync, FormTarget
from tests.form_helpers import Participant, until

T0 = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)
TOKEN = "t" * 32


class Clock:
    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> datetime:
        self.t += timedelta(seconds=1)
        return self.t


def fq(sid: str, text: str | None = None, **extra: object) -> FeedQuestion:
    return FeedQuestion(sid, text or f"question {sid}", submitted_at=T0, **extra)  # type: ignore[arg-type]


def make_board(mode: str = "screened", held: tuple[str, ...] = ()) -> Board:
    return Board("fac", Clock(), participant_list=mode, held_words=held)


# -- the batch ---------------------------------------------------------------------------------
def test_only_the_forms_own_questions_and_created_typed_in_ones_are_in_the_batch() -> None:
    b = make_board()
    b.update_feed("intake", [fq("a"), fq("b")], None)
    b.update_feed("form", [fq("x")], None)  # another source (a sheet): not this form's
    key, _ = b.add_manual("Heard aloud", "aloud")
    rid = key.split(":", 1)[1]
    assert form_id("intake:a", ("intake",), ()) == "a"
    assert form_id("form:x", ("intake",), ()) is None
    assert form_id(key, ("intake",), ()) is None
    assert form_id(key, ("intake",), {rid}) == rid
    assert set(decisions(b, ("intake",))) == {"a", "b"}
    assert set(decisions(b, ("intake",), {rid})) == {"a", "b", rid}


def test_each_decision_says_published_hidden_state_duplicate_and_answers() -> None:
    b = make_board()
    b.update_feed("intake", [fq("a"), fq("b"), fq("c")], None)
    b.publish("intake:a")
    b.go_live("intake:b")
    b.hide("intake:c")
    b.defer("intake:c")
    b.merge("intake:a", ["intake:c"])
    b.answer("intake:a", "internal note, never sent")
    aid, _ = b.add_participant_answer("intake:a", "Public answer", True, "Dana")
    pid, _ = b.add_participant_answer("intake:a", "For the asker", False)
    got = decisions(b, ("intake",))
    assert got["a"] | {"answers": None} == {
        "id": "a",
        "published": True,
        "hidden": False,
        "state": "answered",
        "duplicate_of": None,
        "answers": None,
    }
    assert [(x["id"], x["text"], x["public"], x["author"]) for x in got["a"]["answers"]] == [
        (aid, "Public answer", True, "Dana"),
        (pid, "For the asker", False, "fac"),
    ]
    assert "internal note" not in str(got)
    assert got["b"]["state"] == "now_answering" and got["b"]["published"] is True
    assert got["c"] == {
        "id": "c",
        "published": False,
        "hidden": True,
        "state": "answered",  # the primary's state
        "duplicate_of": "a",
        "answers": [],  # the form shows the primary's answers itself
    }


def test_a_duplicate_of_a_question_not_on_the_form_carries_its_public_answers() -> None:
    b = make_board()
    b.update_feed("intake", [fq("a")], None)
    key, _ = b.add_manual("Asked in the chat", "chat")  # not published: not on the form
    b.merge(key, ["intake:a"])
    aid, _ = b.add_participant_answer(key, "Shared answer", True)
    b.add_participant_answer(key, "Private to the chat asker", False)
    b.answer(key)
    got = decisions(b, ("intake",))["a"]
    assert got["duplicate_of"] is None and got["state"] == "answered"
    assert [(x["id"], x["text"]) for x in got["answers"]] == [(f"{aid}@a", "Shared answer")]


def test_held_questions_are_hidden_until_published_even_in_open_mode() -> None:
    b = make_board(mode="open", held=("rumor",))
    b.update_feed("intake", [fq("a", "Is the rumor true?"), fq("b")], None)
    got = decisions(b, ("intake",))
    assert (got["a"]["hidden"], got["b"]["hidden"]) == (True, False)
    b.publish("intake:a")
    assert decisions(b, ("intake",))["a"]["hidden"] is False


def test_typed_in_questions_are_created_once_published_with_a_name_only_if_shown() -> None:
    b = make_board()
    quiet, _ = b.add_manual("From the chat", "chat", "Robin")
    shown, _ = b.add_manual("Heard aloud", "aloud", "Ana", display_name=True)
    assert typed_in_to_create(b, ()) == []
    b.publish(quiet)
    b.go_live(shown)  # taken live: published too
    bodies = dict(typed_in_to_create(b, ()))
    assert bodies[quiet.split(":")[1]] == {
        "id": quiet.split(":")[1],
        "text": "From the chat",
        "published": True,
    }
    assert bodies[shown.split(":")[1]]["name"] == "Ana"
    assert typed_in_to_create(b, set(bodies)) == []
    b.hide(quiet)
    assert [rid for rid, _ in typed_in_to_create(b, ())] == [shown.split(":")[1]]


def test_a_note_takers_console_never_pushes() -> None:
    with pytest.raises(PermissionError, match="facilitator"):
        FormSync(Board("sam", Clock(), role="notes"), FormTarget("http://127.0.0.1:9/", TOKEN))


def test_the_target_is_the_forms_base_and_hides_the_token() -> None:
    target = FormTarget("https://forms.example.org/api/questions", TOKEN)
    assert target.url == "https://forms.example.org/"
    assert TOKEN not in repr(target)


# -- pushing to a real form ----------------------------------------------------------------------
class Form:
    def __init__(self, folder: Path, port: int = 0) -> None:
        self.server = IntakeServer(
            IntakeConfig(data_dir=folder, port=port, token=TOKEN),
            FormInfo(title="Office hours"),
        )

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture
async def form(tmp_path: Path) -> AsyncIterator[Form]:
    f = Form(tmp_path / "intake")
    await f.server.start()
    yield f
    await f.server.stop()


class Counting(httpx.AsyncBaseTransport):
    """A real transport that remembers each request (method, path)."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.seen: list[tuple[str, str]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((request.method, request.url.path))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def feed(board: Board, url: str) -> None:
    """Bring the form's questions to the board the way the intake preset does."""
    from console.feeds.config import SourceConfig
    from console.feeds.services import intake_parse

    async with httpx.AsyncClient() as http:
        response = await http.get(
            url + "api/questions", headers={"Authorization": f"Bearer {TOKEN}"}
        )
    parsed = intake_parse(response.content, response.headers, SourceConfig(url, "intake"))
    board.update_feed("intake", parsed.questions, None)


async def test_publish_reaches_the_list_once_and_then_only_changes_are_sent(form: Form) -> None:
    asker, other = Participant(form.url), Participant(form.url)
    try:
        await asker.ask("Will the drill calendar be shared?")
        await asker.ask("Who checks the doors?")
        board = make_board()
        await feed(board, form.url)
        (first,) = [k for k in board.keys() if board.get(k).text.startswith("Will")]
        counting = Counting()
        sync = FormSync(board, FormTarget(form.url, TOKEN), transport=counting)
        assert await sync.sync_once()
        assert sync.status.ok and "sent 2 changes" in sync.status.message  # everything, once
        assert "Will the drill" not in await other.page("questions")
        for _ in range(5):  # coalesced: only the latest state goes
            board.publish(first)
            board.hide(first)
        board.publish(first)
        sync.changed()
        counting.seen.clear()
        assert await sync.sync_once()
        assert counting.seen == [("POST", "/api/decisions")]
        assert "sent 1 change" in sync.status.message
        assert "Will the drill calendar be shared?" in await other.page("questions")
        assert "Who checks the doors?" not in await other.page("questions")
        counting.seen.clear()
        assert await sync.sync_once()
        assert counting.seen == [] and "nothing new to send" in sync.status.message
        await sync.stop()
    finally:
        await asker.aclose()
        await other.aclose()


async def test_a_typed_in_question_is_created_once_and_its_votes_come_back(
    form: Form,
) -> None:
    board = make_board()
    key, _ = board.add_manual("Heard aloud: are buses part of drills?", "aloud")
    board.publish(key)
    sync = FormSync(board, FormTarget(form.url, TOKEN))
    assert await sync.sync_once()
    again = FormSync(board, FormTarget(form.url, TOKEN))  # a console restart
    assert await again.sync_once()
    async with httpx.AsyncClient() as http:
        listed = (
            await http.get(
                form.url + "api/questions",
                params={"origin": "all"},
                headers={"Authorization": f"Bearer {TOKEN}"},
            )
        ).json()["questions"]
    assert [(q["id"], q["origin"]) for q in listed] == [(key.split(":")[1], "console")]
    voter = Participant(form.url)
    try:
        assert "are buses part of drills" in await voter.page("questions")
        assert await voter.vote(key.split(":")[1]) in (200, 303)
    finally:
        await voter.aclose()
    assert await again.poll_typed_in_votes()
    assert board.get(key).votes == 1
    await sync.stop()
    await again.stop()


async def test_a_form_that_is_away_is_retried_and_the_words_say_so(tmp_path: Path) -> None:
    f = Form(tmp_path / "intake")
    await f.server.start()
    port, url = f.server.port, f.url
    asker = Participant(url)
    await asker.ask("Is the plan online?")
    await asker.aclose()
    board = make_board()
    await feed(board, url)
    await f.server.stop()
    (key,) = board.keys()
    board.publish(key)
    sync = FormSync(board, FormTarget(url, TOKEN), backoff=(0.05,))
    assert not await sync.sync_once()
    line = sync.status_line(UTC)
    assert line.startswith("PROBLEM: cannot reach the question form at http://127.0.0.1:")
    assert "1 change waiting" in line
    sync.start()
    again = Form(tmp_path / "intake", port=port)  # the form is back on the same port
    await again.server.start()
    try:
        await until(lambda: sync.status.ok, "the push to go through after the form came back")
        reader = Participant(url)
        try:
            assert "Is the plan online?" in await reader.page("questions")
        finally:
            await reader.aclose()
    finally:
        await sync.stop()
        await again.server.stop()


async def test_a_wrong_token_is_reported_in_plain_words(form: Form) -> None:
    sync = FormSync(make_board(), FormTarget(form.url, "w" * 32))
    assert not await sync.sync_once()
    assert "refused the token (401)" in sync.status.message
    assert "w" * 32 not in sync.status_line(UTC)
    await sync.stop()


async def test_the_loop_pushes_each_change_and_the_mode(form: Form) -> None:
    asker, other = Participant(form.url), Participant(form.url)
    try:
        await asker.ask("Open mode question")
        board = make_board(mode="open")
        await feed(board, form.url)
        (key,) = board.keys()
        sync = FormSync(board, FormTarget(form.url, TOKEN))
        sync.start()
        await until(lambda: sync.status.ok, "the first push")
        assert "Open mode question" in await other.page("questions")  # open: shown at once
        board.hide(key)
        sync.changed()

        async def gone() -> bool:
            return "Open mode question" not in await other.page("questions")

        await until(gone, "the hidden question to leave the list")
        await sync.stop()
    finally:
        await asker.aclose()
        await other.aclose()


def test_pushes_are_cut_by_count_and_by_size_and_keep_every_item_in_order() -> None:
    from console.session.form_batch import chunks

    small = [{"id": f"q{i}"} for i in range(2500)]
    assert [len(b) for b in chunks(small)] == [1000, 1000, 500]
    big = [{"id": f"q{i}", "answers": [{"text": "é" * 5000}]} for i in range(100)]
    pushes = list(chunks(big, max_bytes=200_000))
    assert [item for push in pushes for item in push] == big
    assert all(len(json.dumps(push)) <= 200_000 for push in pushes) and len(pushes) > 1
    huge = [{"id": "alone", "answers": [{"text": "x" * 300_000}]}, {"id": "next"}]
    assert [len(b) for b in chunks(huge, max_bytes=200_000)] == [1, 1]
