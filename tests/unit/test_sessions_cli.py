"""``facilitator sessions`` through the real command line: times, JSON, and a closed pipe."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.cli import main
from console.store import SessionFolder

WHEN = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)  # 15:30 in New York, where the agenda is


def sessions(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    assert main(["--data-dir", str(root), "sessions", *extra]) == 0
    return capsys.readouterr().out


def test_times_are_in_the_sessions_time_zone_which_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The test process runs in UTC (conftest); the console showed 15:30 New York time."""
    bundled = SessionFolder.create(
        tmp_path, agenda="school-safety-follow-up", title="Bundled", facilitator="Dana", now=WHEN
    )
    bundled.update_info(started_at=WHEN + timedelta(minutes=2))
    SessionFolder.create(
        tmp_path, agenda="gone.toml", title="Lost agenda", facilitator="Dana", now=WHEN
    )

    rows = {line.split()[0]: line for line in sessions(tmp_path, capsys).splitlines()}
    line = rows[bundled.info.id]
    assert "2025-12-17 15:32 EST" in line and "20:3" not in line  # when it began
    lost = next(row for row in rows.values() if "Lost agenda" in row)
    assert "2025-12-17 20:30 UTC" in lost  # no agenda to ask: the machine's zone, named

    doc = {r["id"]: r for r in json.loads(sessions(tmp_path, capsys, "--json"))}
    mine = doc[bundled.info.id]
    assert mine["timezone"] == "America/New_York"
    assert mine["started_at"] == "2025-12-17T15:32:00-05:00"
    assert mine["created_at"] == "2025-12-17T15:30:00-05:00"


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,000 sessions with long titles, written straight to disk: some 250 KB as a table and
    600 KB as JSON, far more than a pipe and the reader's buffer hold together."""
    root = tmp_path_factory.mktemp("many")
    padding = " ".join(["and a long title to fill the pipe"] * 5)
    for n in range(1000):
        folder = root / "sessions" / f"2025-12-17-1530-{n:06x}"
        folder.mkdir(parents=True)
        info = {
            "schema_version": 1,
            "id": folder.name,
            "title": f"Office hours {n} {padding}",
            "agenda": "school-safety-follow-up",
            "created_at": (WHEN + timedelta(minutes=n)).isoformat(),
            "started_at": None,
            "finished_at": None,
            "rehearsal": False,
            "facilitator": "Dana",
            "follow_up_of": None,
        }
        (folder / "session.json").write_text(json.dumps(info), encoding="utf-8")
    return root


@pytest.mark.parametrize("extra", [["--json"], []])
def test_a_reader_that_stops_early_gets_no_traceback(many: Path, extra: list[str]) -> None:
    """``facilitator sessions --json | head``: the pipe closes while output is still coming."""
    command = [sys.executable, "-m", "console", "--data-dir", str(many), "sessions", *extra]
    out = subprocess.run(
        ["bash", "-c", f"{shlex.join(command)} | head -n 1; echo status=${{PIPESTATUS[0]}}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stderr == ""  # no traceback, no "Exception ignored ... BrokenPipeError"
    first, status = out.stdout.splitlines()
    assert first == "[" if extra else first.startswith("2025-12-17-1530-")
    assert status == "status=141"  # what a program killed by SIGPIPE gives, like head's peers
