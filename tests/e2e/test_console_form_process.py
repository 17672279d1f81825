"""The real console (Pilot, in this process) hosting its form as a process of its own, as
``facilitator run`` does: the header shows the link, questions reach the board, the form link
keys close and reopen it through the process, a quit mid-session leaves it serving, the next
console reattaches to it (same process, same link, what came in meanwhile on the board), and
a quit after the session ended stops it.

Every form process a test starts is stopped at its end (``forms_stopped``): none is left
behind when pytest exits.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.session.console_form import ProcessForm, left_serving_words
from console.session.form_host import prepare_form
from console.session.form_process import running_form, session_forms, stop_form
from console.session.live import LiveSession
from console.session.setup import prepare
from console.session.source_choice import SourceChoice
from console.widgets.session_header import SessionHeader
from tests.form_helpers import Participant, until
from tests.ui.helpers import FakeNow, make_app
from tests.ui.test_form_in_console import BEFORE_START, form_page, saved_state

FIRST = "Asked while the console runs"
AWAY = "Asked while the console was closed"


@pytest.fixture
def data(tmp_path: Path) -> Iterator[Path]:
    """The data folder; every session's form still serving in it is stopped at the end."""
    root = tmp_path / "data"
    yield root
    for info, _state in session_forms(root):
        stop_form(info.path / "intake")


async def ask(url: str, text: str) -> str:
    participant = Participant(url)
    try:
        return await participant.ask(text)
    finally:
        await participant.aclose()


def on_board(app: object, text: str) -> bool:
    board = app.session.board  # type: ignore[attr-defined]
    return any(board.get(k).text == text for k in board.keys())


def resume(data: Path, session_id: str) -> LiveSession:
    launch = prepare(
        root=data,
        agenda_ref=None,
        session_ref=session_id,
        new=False,
        role="facilitator",
        author="Dana",
        read_only=False,
        rehearsal=False,
        now=FakeNow(BEFORE_START),
    )
    live = LiveSession(launch, now=FakeNow(BEFORE_START))
    live.open()
    return live


def refused(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


async def test_a_quit_mid_session_leaves_the_form_serving_and_the_next_console_reattaches(
    tmp_path: Path, data: Path
) -> None:
    now = FakeNow(BEFORE_START)
    app = make_app(data, tmp_path / "cfg", now, form=True, form_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(lambda: bool(app.form_url) and bool(app.form_syncs), "the form to start")
        form = app.form
        assert isinstance(form, ProcessForm) and not form.attached
        url = app.form_url
        await pilot.pause()
        assert app.screen.query_one(SessionHeader).form_address == url
        thanks = await ask(url, FIRST)
        assert 'id="private-until"' in thanks  # the asker is told the link ends with the form
        await until(lambda: on_board(app, FIRST), "the question on the board")

        await pilot.press("ctrl+l")  # close for now and reopen, through the process's API
        await pilot.pause()
        await pilot.press("x")
        await until(lambda: not form.open, "the form to close")
        assert "The question form is closed" in await form_page(url)
        state = saved_state(app)
        assert (state["open"], state["reason"]) == (False, "closed")
        await pilot.press("o")
        await until(lambda: form.open, "the form to reopen")
        assert "<textarea" in await form_page(url)
        await pilot.press("escape")
    app.session.close()

    intake = app.session.folder.path / "intake"
    assert not app.form_stopped  # mid-session: the quit leaves it serving
    serving = running_form(intake)
    assert serving is not None and serving.pid == form.handle.pid
    words = left_serving_words(form, app.session.folder.info.id)
    assert url in words and "can still send questions" in words and "form stop" in words
    await ask(url, AWAY)  # a participant asks while no console runs

    session_id = app.session.folder.info.id
    again = make_app(data, tmp_path / "cfg", now, form=True, form_process=True, session=session_id)
    async with again.run_test(size=(120, 40)) as pilot:
        await until(lambda: bool(again.form_url), "the form to be found")
        second = again.form
        assert isinstance(second, ProcessForm) and second.attached
        assert (second.url, second.handle.pid) == (url, form.handle.pid)
        await until(lambda: on_board(again, AWAY) and on_board(again, FIRST), "both questions")
        assert any("found running and reattached" in n.message for n in again._notifications)

        await pilot.press("s")
        await pilot.press("ctrl+e")
        await pilot.press("y")
        await again.settle()
        await until(lambda: not second.open, "the form to close as the session ends")
        assert "This session has ended" in await form_page(url)
        await until(
            lambda: any(
                "Quitting the console now stops it" in n.message for n in again._notifications
            ),
            "the end to say what a quit will do",
        )
    again.session.close()

    assert again.form_stopped  # the session ended and the form is closed: the quit stops it
    assert running_form(intake) is None
    assert refused(form.handle.port)


async def test_a_form_reopened_after_the_end_keeps_serving_after_the_quit(
    tmp_path: Path, data: Path
) -> None:
    app = make_app(data, tmp_path / "cfg", FakeNow(BEFORE_START), form=True, form_process=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(lambda: bool(app.form_url), "the form to start")
        await pilot.press("s")
        await pilot.press("ctrl+e")
        await pilot.press("y")
        await app.settle()
        assert app.form is not None
        await until(lambda: app.form is not None and not app.form.open, "the form to close")
        await app.set_form_open(True)  # to collect follow-up questions
        assert app.form.open
    app.session.close()
    assert not app.form_stopped
    assert running_form(app.session.folder.path / "intake") is not None  # the fixture stops it

    # A console that will not read it (--no-form) says that it still serves.
    resumed = resume(data, app.session.folder.info.id)
    try:
        prep = prepare_form(resumed, SourceChoice(builtin_form=False), data)
    finally:
        resumed.close()
    assert prep.plan is None
    (notice,) = prep.notices
    assert f"still serves at {app.form.url}" in notice and "its questions are not on" in notice
