"""The form's open/closed state: kept in its folder, said on the page, over real HTTP."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from console.intake import FormInfo, IntakeConfig, IntakeError, IntakeServer
from console.intake import form_state as form_state_module
from console.intake.form_state import (
    CLOSED,
    ENDED,
    STATE_FILE,
    FormState,
    load_form_state,
    save_form_state,
)

INFO = FormInfo(title="Office hours", when="Wednesday")
CLOSED_FOR_NOW = "The question form is closed"
ENDED_TEXT = "This session has ended"


def config(folder: Path) -> IntakeConfig:
    return IntakeConfig(data_dir=folder, port=0, token="t" * 32)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


async def page(http: httpx.AsyncClient, server: IntakeServer) -> str:
    resp = await http.get(server.url)
    assert resp.status_code == 200
    return resp.text


async def send(http: httpx.AsyncClient, server: IntakeServer, text: str) -> httpx.Response:
    """Fill the form as a browser would: take its CSRF token, post from its own origin."""
    form = await page(http, server)
    match = re.search(r'name="csrf" value="([^"]+)"', form)
    assert match, "the form is not offered"
    return await http.post(
        server.url,
        data={"csrf": match.group(1), "question": text},
        headers={"Origin": server.url.rstrip("/")},
    )


async def questions(http: httpx.AsyncClient, server: IntakeServer) -> list[str]:
    resp = await http.get(
        server.url + "api/questions", headers={"Authorization": f"Bearer {server.token}"}
    )
    return [q["text"] for q in resp.json()["questions"]]


def test_state_round_trips_and_a_missing_file_is_none(tmp_path: Path) -> None:
    assert load_form_state(tmp_path) is None
    save_form_state(tmp_path, FormState(False, CLOSED, "2025-12-17T20:40:00+00:00"))
    assert load_form_state(tmp_path) == FormState(False, CLOSED, "2025-12-17T20:40:00+00:00")
    saved = json.loads((tmp_path / STATE_FILE).read_text())
    assert saved == {"open": False, "reason": CLOSED, "changed_at": "2025-12-17T20:40:00+00:00"}
    save_form_state(tmp_path, FormState(True, None))
    assert load_form_state(tmp_path) == FormState(True, None)


def test_an_unreadable_state_is_kept_aside_and_counts_as_never_saved(tmp_path: Path) -> None:
    (tmp_path / STATE_FILE).write_bytes(b'{"open": "maybe"')
    assert load_form_state(tmp_path) is None
    (aside,) = tmp_path.glob("form-state.unreadable-*.json")
    assert aside.read_bytes() == b'{"open": "maybe"'
    assert not (tmp_path / STATE_FILE).exists()


def test_an_unknown_reason_reads_as_ended_and_open_drops_the_reason() -> None:
    assert FormState.from_json({"open": False, "reason": "later"}).reason == ENDED
    assert FormState.from_json({"open": True, "reason": CLOSED}).reason is None
    with pytest.raises(ValueError):
        FormState.from_json({"open": 1})


async def test_closed_for_now_survives_a_restart_and_reopening_takes_questions(
    tmp_path: Path, http: httpx.AsyncClient
) -> None:
    folder = tmp_path / "intake"
    first = IntakeServer(config(folder), INFO)
    await first.start()
    try:
        assert first.saved_state is None and first.open
        await first.set_open(False, CLOSED)
        shown = await page(http, first)
        assert CLOSED_FOR_NOW in shown and ENDED_TEXT not in shown
        assert "<textarea" not in shown
    finally:
        await first.stop()
    assert load_form_state(folder) is not None

    second = IntakeServer(config(folder), INFO)
    await second.start()
    try:
        assert second.open is False and second.closed_reason == CLOSED
        assert CLOSED_FOR_NOW in await page(http, second)
        refused = await http.post(
            second.url, data={"question": "too soon"}, headers={"Origin": second.url[:-1]}
        )
        assert refused.status_code == 403 and CLOSED_FOR_NOW in refused.text
        assert "too soon" in refused.text  # what they typed is shown back
        await second.set_open(True)
        assert "<textarea" in await page(http, second)
        sent = await send(http, second, "asked after reopening")
        assert sent.status_code == 303
        assert await questions(http, second) == ["asked after reopening"]
    finally:
        await second.stop()

    third = IntakeServer(config(folder), INFO)
    await third.start()
    try:
        assert third.open is True and third.closed_reason is None
    finally:
        await third.stop()


async def test_api_closes_for_now_or_for_good(tmp_path: Path, http: httpx.AsyncClient) -> None:
    server = IntakeServer(config(tmp_path / "intake"), INFO)
    await server.start()
    url, auth = server.url + "api/session", {"Authorization": f"Bearer {server.token}"}
    try:
        resp = await http.post(url, json={"open": False, "reason": "later"}, headers=auth)
        assert resp.status_code == 400 and server.open
        resp = await http.post(url, json={"open": False, "reason": CLOSED}, headers=auth)
        assert resp.json() == {"open": False}
        assert CLOSED_FOR_NOW in await page(http, server)
        resp = await http.post(url, json={"open": False}, headers=auth)  # ended, as before
        assert ENDED_TEXT in await page(http, server)
        state = load_form_state(tmp_path / "intake")
        assert state is not None and (state.open, state.reason) == (False, ENDED)
    finally:
        await server.stop()


async def test_a_failed_save_still_closes_the_form_and_says_so(
    tmp_path: Path, http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = IntakeServer(config(tmp_path / "intake"), INFO)
    await server.start()
    try:

        def full_disk(path: Path, data: bytes, mode: int = 0o600) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(form_state_module, "atomic_write_bytes", full_disk)
        with pytest.raises(IntakeError, match="could not be saved"):
            await server.set_open(False, CLOSED)
        assert CLOSED_FOR_NOW in await page(http, server)  # in effect all the same
        resp = await http.post(
            server.url + "api/session",
            json={"open": True},
            headers={"Authorization": f"Bearer {server.token}"},
        )
        assert resp.status_code == 503 and resp.json()["open"] is True
        assert not (tmp_path / "intake" / STATE_FILE).exists()
    finally:
        await server.stop()


async def test_a_server_not_started_writes_nothing(tmp_path: Path) -> None:
    server = IntakeServer(config(tmp_path / "intake"), INFO)
    await server.set_open(False, CLOSED)
    assert server.open is False
    assert not (tmp_path / "intake").exists()
