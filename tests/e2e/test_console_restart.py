"""The real ``facilitator run`` under tmux, its question form a process of its own: the console
killed (SIGKILL, the console process only) and started again keeps the link, a question a
participant sends in Chromium while it is down arrives on the board, and nothing is lost;
``run --port`` is kept on resume; a taken port stops ``run`` before the console opens, saying
which port, that participants hold the link, and what to do.

The form each test starts is stopped at its end (``forms_stopped``): no ``form serve`` is
left behind.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from console.session.form_process import session_forms, stop_form
from tests.conftest import require_browser, require_tmux
from tests.e2e.test_notes_kill import READY, REPO, TmuxConsole
from tests.form_helpers import Participant

FIRST = "Asked before the console went down"
DURING = "Asked in the browser while the console was restarting"
ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run"]


class Console(TmuxConsole):
    """The console under tmux, its wrapped lines read joined; its pane kept after it exits
    when asked, to read what it printed last."""

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-J")

    def keep_after_exit(self) -> None:
        self._tmux("set-option", "-g", "remain-on-exit", "on")


@pytest.fixture
def data(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "data"
    yield root
    for info, _state in session_forms(root):
        stop_form(info.path / "intake")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def common(data: Path, tmp_path: Path) -> list[str]:
    return ["--data-dir", str(data), "--config-dir", str(tmp_path / "config")]


def only_session(data: Path) -> Path:
    (folder,) = (data / "sessions").iterdir()
    return folder


def form_state(folder: Path) -> dict[str, Any]:
    state: dict[str, Any] = json.loads((folder / "intake" / "form-process.json").read_text())
    return state


def api_questions(folder: Path, port: int) -> list[str]:
    token = (folder / "intake" / "read-token").read_text().strip()
    answer = httpx.get(
        f"http://127.0.0.1:{port}/api/questions",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert answer.status_code == 200
    return [q["text"] for q in answer.json()["questions"]]


def ask(url: str, text: str) -> None:
    async def go() -> None:
        participant = Participant(url)
        try:
            await participant.ask(text)
        finally:
            await participant.aclose()

    asyncio.run(go())


def facilitator(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


async def ask_in_chromium(url: str, text: str) -> str:
    """A participant's browser: the form, the question, the thank-you page's private link."""
    from playwright.async_api import async_playwright

    from tests.conftest import CHROMIUM
    from tests.form_helpers import assert_accessible

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = await browser.new_page()
            await page.goto(url)
            await page.get_by_label("Your question").fill(text)
            await page.get_by_role("button", name="Send question").click()
            await page.wait_for_url("**/thanks?r=*")
            until = await page.locator("#private-until").inner_text()
            assert "until the organizers stop the question form" in until
            await assert_accessible(page, "thank-you page of the console's own form")
            private = await page.locator("#private-link").get_attribute("href")
            assert private
            await page.goto(url + private)
            assert text in await page.content()
            return url + private
        finally:
            await browser.close()


@pytest.mark.browser
def test_a_killed_console_keeps_the_link_and_a_question_sent_meanwhile_arrives(
    tmp_path: Path, data: Path
) -> None:
    tmux = require_tmux()
    require_browser()
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    run = [*common(data, tmp_path), "run", "--author", "Dana"]
    console = Console(tmux, [*run, "--new", "--port", str(port)])
    try:
        console.wait_for(lambda s: f"form {url}" in s and READY in s)
        folder = only_session(data)
        form_pid = form_state(folder)["pid"]
        ask(url, FIRST)
        console.wait_for(lambda s: FIRST[:25] in s)
        console.kill()  # the console crashes; the form is a process of its own
    finally:
        console.close()

    private = asyncio.run(ask_in_chromium(url, DURING))  # nobody runs the console now

    again = Console(tmux, run)  # resumes the session: no --port, the kept one
    try:
        shown = again.wait_for(
            lambda s: DURING[:25] in s and FIRST[:25] in s and "reattached" in s, seconds=90
        )
        assert f"form {url}" in shown  # the same link in the header
        assert form_state(folder)["pid"] == form_pid  # the same form, never restarted
        assert sorted(api_questions(folder, port)) == sorted([FIRST, DURING])  # nothing lost
        assert httpx.get(private, timeout=30).status_code == 200  # the private page still works
    finally:
        again.close()


def test_run_port_is_kept_a_quit_says_the_form_serves_and_a_taken_port_is_refused(
    tmp_path: Path, data: Path
) -> None:
    tmux = require_tmux()
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    run = [*common(data, tmp_path), "run", "--author", "Dana"]
    console = Console(tmux, [*run, "--new", "--port", str(port)])
    try:
        console.wait_for(lambda s: f"form {url}" in s and READY in s)
        console.keep_after_exit()
        console.keys("C-q")  # quit mid-session
        said = console.wait_for(lambda s: "form stop --session" in s)
    finally:
        console.close()
    folder = only_session(data)
    session_id = folder.name
    flat = " ".join(said.split())
    assert f"The question form keeps serving at {url}: participants can still send" in flat
    assert f"run --session {session_id}" in flat and f"form stop --session {session_id}" in flat

    listed = facilitator(*common(data, tmp_path), "form", "stop")
    assert listed.returncode == 1 and session_id in listed.stdout and url in listed.stdout
    stopped = facilitator(*common(data, tmp_path), "form", "stop", "--session", session_id)
    assert stopped.returncode == 0, stopped.stderr
    assert f"Stopped the question form of session {session_id}" in stopped.stdout
    assert session_forms(data) == []

    again = Console(tmux, run)  # no --port: the session's kept port, a fresh form on it
    try:
        shown = again.wait_for(lambda s: f"form {url}" in s and READY in s)
        assert "reattached" not in shown
        assert form_state(folder)["port"] == port
    finally:
        again.close()

    # Another session's console finds the port held by this session's form (left serving):
    # it is named, with the command that stops it.
    other = facilitator(*common(data, tmp_path), "run", "--new", "--port", str(port))
    assert other.returncode == 1
    assert f"port {port} is taken by the question form of session {session_id}" in other.stderr
    assert f"facilitator form stop --session {session_id}" in other.stderr
    stop_form(folder / "intake")

    with socket.socket() as squatter:  # another program on the kept port
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        taken = facilitator(*common(data, tmp_path), "run", "--session", session_id)
    assert taken.returncode == 1
    err = " ".join(taken.stderr.split())
    assert (
        f"PROBLEM: the question form cannot start: port {port} is taken by another program" in err
    )
    assert f"Participants hold the link {url}" in err and "--port ANOTHER" in err
    assert session_forms(data) == []  # nothing started
