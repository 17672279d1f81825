"""`facilitator run --set-aside-damaged` from the command line, on a really damaged file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from console.app import FacilitatorApp
from console.cli import main
from console.session.setup import Launch, prepare
from console.store import AuthorFile
from console.store.journal import encode_entry, journal_path_for
from console.store.records import Record


def damaged_session(root: Path) -> tuple[Launch, Path, bytes]:
    """A session whose facilitator file was cut short, with one record only in its journal."""
    launch = prepare(
        root=root,
        agenda_ref=None,
        session_ref=None,
        new=True,
        role="facilitator",
        author="Dana",
        read_only=False,
        rehearsal=False,
    )
    path = launch.folder.author_path("Dana")
    with AuthorFile(path, "Dana") as file:
        file.put_many(
            [Record("note", f"n{i}", "Dana", data={"text": f"note {i}"}) for i in range(4)]
        )
    cut = path.read_bytes()[:-40]
    path.write_bytes(cut)
    journal_path_for(path).write_bytes(
        encode_entry([Record("note", "late", "Dana", data={"text": "typed last"})])
    )
    return launch, path, cut


def cli(root: Path, launch: Launch, *extra: str) -> subprocess.CompletedProcess[str]:
    args = ["--data-dir", str(root), "run", "--session", launch.folder.info.id, "--author", "Dana"]
    return subprocess.run(
        [sys.executable, "-m", "console", *args, "--no-form", *extra],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_refusal_names_the_option_and_keeps_the_bytes(tmp_path: Path) -> None:
    launch, path, cut = damaged_session(tmp_path)
    out = cli(tmp_path, launch)
    assert out.returncode == 1
    assert "--set-aside-damaged" in out.stderr and "untouched" in out.stderr
    assert "Traceback" not in out.stderr
    assert path.read_bytes() == cut
    assert not [p for p in path.parent.iterdir() if ".damaged-" in p.name]


def test_the_option_is_refused_with_read_only(tmp_path: Path) -> None:
    launch, path, cut = damaged_session(tmp_path)
    out = cli(tmp_path, launch, "--read-only", "--set-aside-damaged")
    assert out.returncode == 2
    assert "--read-only" in out.stderr
    assert path.read_bytes() == cut


def test_the_console_starts_and_says_what_was_set_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    launch, path, cut = damaged_session(tmp_path)
    seen: dict[str, Any] = {}
    real_run = FacilitatorApp.run

    def run_headless(self: FacilitatorApp, **_: Any) -> None:
        async def look(pilot: Any) -> None:
            await pilot.pause()
            seen["notes"] = [n.message for n in self._notifications]
            seen["records"] = {r.id for r in self.session.file.records()}
            self.exit()

        real_run(self, headless=True, size=(120, 40), auto_pilot=look)

    monkeypatch.setattr(FacilitatorApp, "run", run_headless)
    code = main(
        [
            "--data-dir",
            str(tmp_path),
            "run",
            "--session",
            launch.folder.info.id,
            "--author",
            "Dana",
            "--no-form",
            "--set-aside-damaged",
        ]
    )

    assert code == 0
    asides = sorted(p for p in path.parent.iterdir() if ".damaged-" in p.name)
    main_aside = [p for p in asides if not p.name.endswith(".journal")]
    assert len(main_aside) == 1 and main_aside[0].read_bytes() == cut
    said = [n for n in seen["notes"] if "set aside" in n.lower()]
    assert said and main_aside[0].name in said[0]
    recovered = seen["records"]
    assert "late" in recovered and 0 < len(recovered) < 5  # some of n0..n3 were cut away
    assert f"{len(recovered)} records recovered" in said[0]
    assert main_aside[0].name in capsys.readouterr().out  # said again after the console closes
