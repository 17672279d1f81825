"""SIGKILL the real console while a note-taker is typing entries: every entry the console
confirmed on disk survives, and the file opens again with no help.

The console runs under tmux (its own socket, UTF-8 locale) as ``python -m console run``;
``FACILITATOR_SAVE_LOG`` makes it append ``kind id rev`` for each record AFTER its fsync, so
the log, not the screen, says what was promised. The typing console is a note-taker's
(``--role notes``), whose capture line has the focus from the start; the facilitator's
session it joins is created first, as the facilitator's console would.
"""

from __future__ import annotations

import os
import random
import shlex
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import psutil

from console.session.setup import prepare
from console.store import AuthorFile
from console.store.author_file import read_author_file
from tests.conftest import require_tmux

REPO = Path(__file__).resolve().parents[2]
READY = "type and press Enter"


class TmuxConsole:
    """One `python -m console` process in a detached tmux session on a private server."""

    def __init__(
        self,
        tmux: str,
        args: list[str],
        env: dict[str, str] | None = None,
        size: tuple[int, int] = (120, 40),
    ) -> None:
        self.tmux = tmux
        self.socket = f"notes-{uuid.uuid4().hex[:10]}"
        self.killed: int | None = None
        extra = " ".join(f"{k}={shlex.quote(v)}" for k, v in (env or {}).items())
        command = (
            f"cd {shlex.quote(str(REPO))} && exec env -u COLUMNS -u LINES "
            "LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color "
            f"{extra} {shlex.quote(sys.executable)} -m console "
            + " ".join(shlex.quote(a) for a in args)
        )
        self._tmux("new-session", "-d", "-x", str(size[0]), "-y", str(size[1]), command)

    def _tmux(self, *args: str) -> str:
        done = subprocess.run(
            [self.tmux, "-L", self.socket, *args], capture_output=True, text=True, timeout=30
        )
        return done.stdout

    @property
    def pid(self) -> int:
        return int(self._tmux("display-message", "-p", "#{pane_pid}").strip())

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p")

    def wait_for(self, check: Callable[[str], bool], seconds: float = 60.0) -> str:
        deadline = time.monotonic() + seconds
        shown = ""
        while time.monotonic() < deadline:
            shown = self.screen()
            if check(shown):
                return shown
            time.sleep(0.2)
        raise AssertionError(f"the console did not show what was expected; it shows:\n{shown}")

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-l", text)

    def keys(self, *names: str) -> None:
        self._tmux("send-keys", *names)

    def kill(self) -> None:
        """SIGKILL the program itself (exec'd, so the pane's pid is the Python process)."""
        self.killed = self.pid
        os.kill(self.killed, signal.SIGKILL)

    def close(self) -> None:
        """Stop the tmux server, then wait until a killed program is really gone.

        A process whose main thread died can still have a thread finishing an fsync; its
        files (and the lock) are released only when every thread has exited.
        """
        subprocess.run(
            [self.tmux, "-L", self.socket, "kill-server"], capture_output=True, timeout=30
        )
        if self.killed is None:
            return
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                proc = psutil.Process(self.killed)
                if proc.status() == psutil.STATUS_ZOMBIE and not _live_threads(self.killed):
                    return
            except psutil.NoSuchProcess:
                return
            time.sleep(0.05)
        raise AssertionError(f"process {self.killed} outlived SIGKILL")


def _live_threads(pid: int) -> bool:
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return False
    return any(t != str(pid) for t in tasks)


def confirmed_notes(log: Path) -> set[str]:
    """Note ids the console confirmed on disk (complete lines only)."""
    if not log.exists():
        return set()
    text = log.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text = text[: text.rfind("\n") + 1]
    return {
        parts[1]
        for line in text.splitlines()
        if len(parts := line.split()) == 3 and parts[0] == "note"
    }


def make_session(data: Path) -> str:
    """The facilitator's session, created the way ``run --new`` does."""
    launch = prepare(
        root=data,
        agenda_ref=None,
        session_ref=None,
        new=True,
        role="facilitator",
        author="Fran",
        read_only=False,
        rehearsal=False,
        now=lambda: datetime.now(UTC),
    )
    return launch.folder.path.name


def test_sigkill_while_typing_loses_no_confirmed_entry(tmp_path: Path) -> None:
    tmux = require_tmux()
    rng = random.Random(int.from_bytes(os.urandom(4), "big"))
    data, config = tmp_path / "data", tmp_path / "config"
    sid = make_session(data)
    confirmed: set[str] = set()
    path: Path | None = None
    for round_no in range(3):
        log = tmp_path / f"saved-{round_no}.log"  # a kill may cut the log's last line
        console = TmuxConsole(
            tmux,
            [
                "--data-dir",
                str(data),
                "--config-dir",
                str(config),
                "run",
                "--role",
                "notes",
                "--session",
                sid,
                "--author",
                "Kim",
            ],
            env={"FACILITATOR_SAVE_LOG": str(log)},
        )
        try:
            console.wait_for(lambda s: READY in s)
            first = rng.randint(2, 6)
            for i in range(first):
                console.type(f"! round {round_no} entry {i} #drills")
                console.keys("Enter")
            # some entries are surely confirmed before the kill...
            deadline = time.monotonic() + 60
            while len(confirmed_notes(log)) < first and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(confirmed_notes(log)) >= first, console.screen()
            # ...and then more are typed fast, with the kill landing among their saves
            for i in range(first, first + rng.randint(5, 20)):
                console.type(f"! round {round_no} entry {i} #drills")
                console.keys("Enter")
                time.sleep(rng.uniform(0, 0.05))
            console.type("half typed, never sent")
            time.sleep(rng.uniform(0, 0.3))  # land the kill anywhere in the saves
            console.kill()
        finally:
            console.close()
        this_round = confirmed_notes(log)
        assert len(this_round) >= first, "the console confirmed too little to test anything"
        confirmed |= this_round
        path = path or next((data / "sessions" / sid).glob("kim.json"))
        records, problems = read_author_file(path)
        on_disk = {r.id for r in records if r.kind == "note"}
        assert problems == []
        assert confirmed <= on_disk, sorted(confirmed - on_disk)[:5]
        # The kernel released the lock: the next writer opens the file without help.
        with AuthorFile(path, "Kim") as reopened:
            assert confirmed <= {r.id for r in reopened.records("note")}
