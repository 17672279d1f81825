"""The command line: default command, --version, help on every subcommand, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from console import __version__
from console.cli import build_parser, main


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_every_subcommand_has_help() -> None:
    parser = build_parser()
    names = set()
    for action in parser._actions:
        if hasattr(action, "choices") and isinstance(action.choices, dict):
            names = set(action.choices)
    assert {"run", "agenda", "sessions"} <= names
    for name in names:
        out = run_cli(name, "--help")
        assert out.returncode == 0, out.stderr
        assert "usage: facilitator" in out.stdout


def test_unknown_option_is_a_usage_error() -> None:
    out = run_cli("sessions", "--no-such-flag")
    assert out.returncode == 2
    assert "usage:" in out.stderr


def test_sessions_lists_nothing_then_json(tmp_path: Path) -> None:
    out = run_cli("--data-dir", str(tmp_path), "sessions")
    assert out.returncode == 0
    assert "No sessions yet" in out.stdout
    from console.store import SessionFolder

    SessionFolder.create(tmp_path, agenda="a", title="Office hours", facilitator="Dana")
    out = run_cli("--data-dir", str(tmp_path), "sessions", "--json")
    rows = json.loads(out.stdout)
    assert [r["title"] for r in rows] == ["Office hours"]
    assert rows[0]["state"] == "not started"


def test_notes_role_never_creates_a_session(tmp_path: Path) -> None:
    out = run_cli("--data-dir", str(tmp_path), "run", "--role", "notes", "--author", "Sam")
    assert out.returncode == 1
    assert "none is running" in out.stderr
    assert not (tmp_path / "sessions").exists() or not any((tmp_path / "sessions").iterdir())


def test_run_with_a_broken_agenda_reports_file_line_col(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[session]\ntitle = "x"\ndate = \n', encoding="utf-8")
    out = run_cli("--data-dir", str(tmp_path), "run", "--agenda", str(bad))
    assert out.returncode == 1
    assert f"{bad}:3:" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "command",
    [["agenda", "check"], ["agenda", "show"], ["run", "--agenda"]],
    ids=["check", "show", "run"],
)
def test_an_agenda_that_is_a_fifo_is_refused_without_waiting(
    command: list[str], tmp_path: Path
) -> None:
    """Opening a named pipe for reading waits for a writer: these commands used to hang.

    Each runs in a subprocess with a deadline (and the test under pytest-timeout), so a hang
    fails the test instead of stalling the suite.
    """
    fifo = tmp_path / "agenda.toml"
    os.mkfifo(fifo)
    data = tmp_path / "data"
    out = subprocess.run(
        [sys.executable, "-m", "console", "--data-dir", str(data), *command, str(fifo)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert out.returncode == 1
    assert f"{fifo}: not a regular file" in out.stderr
    assert "Traceback" not in out.stderr
    assert not (data / "sessions").exists() or not any((data / "sessions").iterdir())


def test_second_live_console_is_refused_naming_the_holder(tmp_path: Path) -> None:
    from console.session.setup import prepare
    from console.store import AuthorFile

    launch = prepare(
        root=tmp_path,
        agenda_ref=None,
        session_ref=None,
        new=True,
        role="facilitator",
        author="Dana",
        read_only=False,
        rehearsal=False,
    )
    holder = AuthorFile(launch.folder.author_path("Dana"), "Dana")
    holder.open()
    try:
        code = (
            "import sys\n"
            "from console.cli import main\n"
            f"sys.exit(main(['--data-dir', {str(tmp_path)!r}, 'run', '--session', "
            f"{launch.folder.info.id!r}, '--author', 'Dana']))\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
        )
        assert out.returncode == 1
        assert "Dana" in out.stderr
        assert "--read-only" in out.stderr
    finally:
        holder.close()
