"""The local form as a process of its own: a console that crashes does not take it down, a
question sent while the console is away is kept, and the restarted console reattaches to the
same form on the same port and link.

The "console" here is a real process that calls ``form_process.start_or_attach`` and is then
killed with SIGKILL, as a crash would; the form it started is a real ``form serve``.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from console.board.model import Board
from console.feeds.poller import FeedPoller
from console.session.form_process import (
    STATE_FILE,
    FormPortTaken,
    FormProcessError,
    running_form,
    start_or_attach,
    stop_form,
)
from console.session.live import LiveSession
from console.session.setup import prepare
from tests.form_helpers import Participant

AGENDA = "school-safety-office-hours"
NOW = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)

CONSOLE = """
import json, sys
from datetime import UTC, datetime
from pathlib import Path
from console.session.form_process import start_or_attach
from console.session.live import LiveSession
from console.session.setup import prepare

now = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)
launch = prepare(root=Path(sys.argv[1]), agenda_ref=sys.argv[2], session_ref=None, new=True,
                 role="facilitator", author="Dana", read_only=False, rehearsal=False,
                 now=lambda: now)
session = LiveSession(launch, now=lambda: now)
session.open()
handle = start_or_attach(session, data_dir=Path(sys.argv[1]))
print(json.dumps({"url": handle.url, "port": handle.port, "pid": handle.pid,
                  "attached": handle.attached, "session": session.folder.info.id}), flush=True)
sys.stdin.read()  # hold on until killed
"""


def resume(root: Path, session_id: str) -> LiveSession:
    launch = prepare(
        root=root,
        agenda_ref=AGENDA,
        session_ref=session_id,
        new=False,
        role="facilitator",
        author="Dana",
        read_only=False,
        rehearsal=False,
        now=lambda: NOW,
    )
    live = LiveSession(launch, now=lambda: NOW)
    live.open()
    return live


@pytest.fixture
def reaper() -> Iterator[list[int]]:
    """Form processes a failed test may leave behind are stopped at the end."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"serve" in cmdline:  # still a form, not a pid used again since
            os.kill(pid, signal.SIGTERM)


async def test_the_form_outlives_a_crashed_console_and_is_reattached(
    tmp_path: Path, reaper: list[int]
) -> None:
    console = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CONSOLE,
        str(tmp_path),
        AGENDA,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert console.stdout is not None
    first = json.loads(await console.stdout.readline())
    reaper.append(first["pid"])
    assert first["attached"] is False
    assert first["url"] == f"http://127.0.0.1:{first['port']}/"

    console.send_signal(signal.SIGKILL)  # the console crashes
    await console.wait()

    away = Participant(first["url"])  # a participant asks while the console is away
    try:
        await away.ask("Sent while the console was restarting")
    finally:
        await away.aclose()

    live = resume(tmp_path, first["session"])
    try:
        handle = start_or_attach(live, data_dir=tmp_path)
        assert handle.attached is True
        assert (handle.port, handle.url, handle.pid) == (first["port"], first["url"], first["pid"])
        board = Board("Dana", lambda: NOW)
        poller = FeedPoller(handle.source("UTC"))
        try:
            update = await poller.poll_once()
        finally:
            await poller.stop()
        board.update_feed("intake", update.questions, None)
        assert [board.get(k).text for k in board.keys()] == [
            "Sent while the console was restarting"
        ]
        # the end of the session: the console stops its form, and the state file goes
        folder = live.folder.path / "intake"
        handle.stop()
        assert running_form(folder) is None
        assert not (folder / STATE_FILE).exists()
        assert not stop_form(live)
    finally:
        live.close()


async def test_a_started_form_is_found_again_and_a_taken_port_is_refused(
    tmp_path: Path, reaper: list[int]
) -> None:
    live = resume_new(tmp_path)
    try:
        handle = start_or_attach(live, data_dir=tmp_path)
        reaper.append(handle.pid)
        again = start_or_attach(live, data_dir=tmp_path)
        assert again.attached and again.pid == handle.pid and again.token == handle.token
        async with httpx.AsyncClient() as http:
            health = await http.get(handle.api_url + "healthz")
        assert health.json() == {"status": "ok"}
        assert handle.set_open(False, "closed") is False
        async with httpx.AsyncClient() as http:
            assert "closed" in (await http.get(handle.url)).text.lower()
        assert handle.set_open(True) is True
        info = json.loads((handle.folder / "form-info.json").read_text())
        assert info["title"] == live.agenda.title and info["when"]
        handle.stop()
        assert not stop_form(live)

        # something else takes the port while the form is stopped: refused, loudly, unmoved
        with socket.socket() as squatter:
            squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            squatter.bind(("127.0.0.1", handle.port))
            squatter.listen()
            with pytest.raises(FormPortTaken) as taken:
                start_or_attach(live, data_dir=tmp_path)
        message = str(taken.value)
        assert f"port {handle.port} is taken" in message and handle.url in message
        assert "--port ANOTHER" in message
    finally:
        live.close()


async def test_a_form_that_cannot_start_says_why(tmp_path: Path, reaper: list[int]) -> None:
    from console.intake import FormInfo, IntakeConfig, IntakeServer

    live = resume_new(tmp_path)
    holder = IntakeServer(  # another form already serves this session's folder
        IntakeConfig(data_dir=live.folder.path / "intake", port=0, token="t" * 32),
        FormInfo(title="Someone else's"),
    )
    await holder.start()
    try:
        with pytest.raises(FormProcessError, match="did not start") as failed:
            handle = start_or_attach(live, data_dir=tmp_path)
            reaper.append(handle.pid)
        assert "another question form is already using" in str(failed.value)
    finally:
        await holder.stop()
        live.close()


def resume_new(root: Path) -> LiveSession:
    launch = prepare(
        root=root,
        agenda_ref=AGENDA,
        session_ref=None,
        new=True,
        role="facilitator",
        author="Dana",
        read_only=False,
        rehearsal=False,
        now=lambda: NOW,
    )
    live = LiveSession(launch, now=lambda: NOW)
    live.open()
    return live
