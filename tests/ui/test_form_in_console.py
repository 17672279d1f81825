"""The built-in form started by the console: address in the header, link and QR, closing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import httpx

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
