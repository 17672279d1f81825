"""``facilitator sessions`` through the real command line: times, JSON, and a closed pipe."""

from __future__ import annotations

import json
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
