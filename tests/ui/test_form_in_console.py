"""The built-in form started by the console: address in the header, link and QR, closing and
reopening (keys and palette), and its state kept across a restart."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import httpx
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import OptionList

from console.app import FacilitatorApp
from console.screens.form_link import FormLinkScreen
from console.widgets.session_header import SessionHeader
from tests.ui.helpers import FakeNow, make_app

BEFORE_START = datetime(2025, 12, 17, 20, 25, tzinfo=UTC)


async def wait_for(predicate, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def test_form_starts_after_first_frame_and_closes_with_the_session(tmp_path: Path) -> None:
    now = FakeNow(BEFORE_START)
    app = make_app(tmp_path / "data", tmp_path / "cfg", now, form=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(lambda: bool(app.form_url))
        url = app.form_url
        assert url.startswith("http://127.0.0.1:")
        await pilot.pause()
        assert app.screen.query_one(SessionHeader).form_address == url
        async with httpx.AsyncClient() as client:
            page = await client.get(url)
        assert page.status_code == 200
        assert "School Safety Office Hours" in page.text
        # the form's data lives in the session folder, one per session
        assert (app.session.folder.path / "intake").is_dir()

        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, FormLinkScreen)
        assert url in str(app.screen.query_one("#form-url").render())
        assert app.clipboard == url  # OSC 52 path: what the terminal was sent
        await pilot.press("escape")

        await pilot.press("s")
        await pilot.press("ctrl+e")
        await pilot.press("y")
        await app.settle()
        async with httpx.AsyncClient() as client:
            closed = await client.get(url)
        assert "ended" in closed.text.lower()
    app.session.close()


async def test_no_form_when_another_source_is_named(tmp_path: Path) -> None:
    now = FakeNow(BEFORE_START)
    app = make_app(
        tmp_path / "data",
        tmp_path / "cfg",
        now,
        form=True,
        source="http://127.0.0.1:9/never",
        preset="csv",
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.5)
        assert app.form is None
        assert not (app.session.folder.path / "intake").exists()
    app.session.close()


async def form_page(url: str) -> str:
    async with httpx.AsyncClient() as client:
        resp = await client.get(url)
    assert resp.status_code == 200
    return resp.text


async def send_question(url: str, text: str) -> httpx.Response:
    """Post the form as a browser would: its CSRF token, from its own origin."""
    async with httpx.AsyncClient() as client:
        form = (await client.get(url)).text
        match = re.search(r'name="csrf" value="([^"]+)"', form)
        assert match, "the form is not offered"
        return await client.post(
            url, data={"csrf": match.group(1), "question": text}, headers={"Origin": url[:-1]}
        )


async def palette(pilot: Pilot[None], title: str) -> None:
    """Choose ``title`` in the command palette, typed as a person would."""
    app = pilot.app
    assert title in {c.title for c in app.get_system_commands(app.screen)}
    await pilot.press("ctrl+p")
    await wait_for(lambda: isinstance(app.screen, CommandPalette))
    await pilot.press(*title)
    options = app.screen.query_one(OptionList)

    def first_is_it() -> bool:
        return options.option_count > 0 and title in str(options.get_option_at_index(0).prompt)

    await wait_for(first_is_it)
    await pilot.press("enter")
    await wait_for(lambda: not isinstance(app.screen, CommandPalette))


def saved_state(app: FacilitatorApp) -> dict[str, object]:
    raw = (app.session.folder.path / "intake" / "form-state.json").read_text(encoding="utf-8")
    state: dict[str, object] = json.loads(raw)
    return state


async def test_form_link_keys_close_and_reopen_the_form(tmp_path: Path) -> None:
    now = FakeNow(BEFORE_START)
    app = make_app(tmp_path / "data", tmp_path / "cfg", now, form=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(lambda: bool(app.form_url))
        url = app.form_url
        assert "<textarea" in await form_page(url)
        await pilot.press("ctrl+l")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FormLinkScreen)
        assert "is open" in str(screen.query_one("#form-state").render())

        await pilot.press("x")
        await wait_for(lambda: app.form is not None and not app.form.open)
        await pilot.pause()
        shown = await form_page(url)
        assert "The question form is closed" in shown and "<textarea" not in shown
        assert "closed for now" in str(screen.query_one("#form-state").render())
        assert "o reopen" in str(screen.query_one("#form-hint").render())
        assert saved_state(app)["open"] is False

        await pilot.press("o")
        await wait_for(lambda: app.form is not None and app.form.open)
        sent = await send_question(url, "Asked once the form reopened")
        assert sent.status_code == 303
        board = app.session.board
        await wait_for(
            lambda: any(board.get(k).text == "Asked once the form reopened" for k in board.keys())
        )
        assert saved_state(app)["open"] is True
        await pilot.press("escape")
    app.session.close()


async def test_palette_closes_the_form_and_a_restart_keeps_it_closed(tmp_path: Path) -> None:
    now = FakeNow(BEFORE_START)
    app = make_app(tmp_path / "data", tmp_path / "cfg", now, form=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(lambda: bool(app.form_url))
        await palette(pilot, "Close the question form")
        await wait_for(lambda: app.form is not None and not app.form.open)
        await pilot.pause()
        assert any("closed for now" in n.message for n in app._notifications)
    app.session.close()
    session_id = app.session.folder.info.id

    again = make_app(tmp_path / "data", tmp_path / "cfg", now, form=True, session=session_id)
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_for(lambda: bool(again.form_url))
        assert again.form is not None and again.form.open is False
        assert "The question form is closed" in await form_page(again.form_url)
        await palette(pilot, "Reopen the question form")
        await wait_for(lambda: again.form is not None and again.form.open)
        assert "<textarea" in await form_page(again.form_url)
    again.session.close()


async def test_a_form_reopened_after_the_end_stays_open_after_a_restart(tmp_path: Path) -> None:
    now = FakeNow(BEFORE_START)
    app = make_app(tmp_path / "data", tmp_path / "cfg", now, form=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(lambda: bool(app.form_url))
        await pilot.press("s")
        await pilot.press("ctrl+e")
        await pilot.press("y")
        await app.settle()
        assert "This session has ended" in await form_page(app.form_url)
        assert saved_state(app)["reason"] == "ended"
        await palette(pilot, "Reopen the question form")
        await wait_for(lambda: app.form is not None and app.form.open)
    app.session.close()
    session_id = app.session.folder.info.id
    state_file = app.session.folder.path / "intake" / "form-state.json"

    again = make_app(tmp_path / "data", tmp_path / "cfg", now, form=True, session=session_id)
    async with again.run_test(size=(120, 40)):
        await wait_for(lambda: bool(again.form_url))
        assert again.session.folder.info.finished_at is not None
        assert again.form is not None and again.form.open  # the facilitator's choice holds
        assert "<textarea" in await form_page(again.form_url)
    again.session.close()

    state_file.unlink()  # a session that ended before the state was kept: closed, as before
    third = make_app(tmp_path / "data", tmp_path / "cfg", now, form=True, session=session_id)
    async with third.run_test(size=(120, 40)):
        await wait_for(lambda: bool(third.form_url))
        assert third.form is not None and third.form.open is False
        assert "This session has ended" in await form_page(third.form_url)
    third.session.close()


async def test_the_form_shows_the_day_the_session_is_held(tmp_path: Path) -> None:
    """The first session's agenda is dated 17 Dec 2025; opened a year later, participants must
    see the day it is really held, and on the planned day, the planned date and time."""
    cases = [
        (datetime(2026, 11, 29, 15, 0, tzinfo=UTC), "November 29, 2026", "December 17, 2025"),
        (BEFORE_START, "Wednesday, December 17, 2025, 3:30 PM", "November 29, 2026"),
    ]
    for i, (moment, shown, hidden) in enumerate(cases):
        app = make_app(
            tmp_path / f"data{i}",
            tmp_path / "cfg",
            FakeNow(moment),
            form=True,
            agenda="school-safety-office-hours-2025-12-17",
        )
        async with app.run_test(size=(120, 40)):
            await wait_for(lambda app=app: bool(app.form_url))  # type: ignore[misc]
            async with httpx.AsyncClient() as client:
                page = (await client.get(app.form_url)).text
            assert shown in page and hidden not in page
        app.session.close()


async def test_a_note_taker_s_ctrl_l_shows_the_session_s_form_link(tmp_path: Path) -> None:
    """The note-taker's console runs no form of its own: it shows the one the facilitator's
    console serves for the session (kept in session.json), read-only."""
    from tests.ui.helpers import screen_text

    now = FakeNow(BEFORE_START)
    data, cfg = tmp_path / "data", tmp_path / "cfg"
    facilitator = make_app(data, cfg, now, form=True)
    async with facilitator.run_test(size=(120, 40)) as pilot:
        await wait_for(lambda: bool(facilitator.form_url))
        url = facilitator.form_url
        await wait_for(lambda: facilitator.session.folder.info.form_url == url)
        await pilot.pause()
    facilitator.session.close()
    session_id = facilitator.session.folder.info.id

    for size in ((120, 40), (80, 24)):
        notes = make_app(data, cfg, now, role="notes", author="Sam", session=session_id)
        async with notes.run_test(size=size) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+l")
            await wait_for(lambda: isinstance(notes.screen, FormLinkScreen))  # noqa: B023
            await pilot.pause()
            shown = screen_text(notes)
            assert url in shown
            assert "in this console" not in shown
            assert "x close" not in shown  # closing the form is the facilitator's
            await pilot.press("x")  # not a key here: closing the form is the facilitator's
            await pilot.pause()
            said = [str(n.message) for n in notes._notifications]
            assert not any("in this console" in m for m in said), said
            assert notes.clipboard == url  # copied, as on the facilitator's console
            await pilot.press("escape")
        notes.session.close()
