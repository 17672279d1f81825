"""``facilitator export`` end to end through the CLI (in process)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.cli import main
from tests.data.report.fixture_session import (
    PLANTED_NAMES,
    SESSION_ID,
    make_fixture,
    write_session_json,
)


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    make_fixture(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_export_each_format(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("md", "html", "json"):
        out = root / f"r.{fmt}"
        assert (
            main(["--data-dir", str(root), "export", "latest", "--format", fmt, "--out", str(out)])
            == 0
        )
        assert out.read_text(encoding="utf-8").strip()
    assert (
        main(
            [
                "--data-dir",
                str(root),
                "export",
                SESSION_ID[:12],
                "--format",
                "csv",
                "--out",
                str(root / "csv"),
            ]
        )
        == 0
    )
    assert sorted(p.name for p in (root / "csv").iterdir()) == [
        "action_items.csv",
        "notes.csv",
        "questions.csv",
    ]


def test_export_to_stdout_with_names(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(root), "export", "latest", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["options"]["with_names"] is False
    assert (
        main(
            [
                "--data-dir",
                str(root),
                "export",
                str(root / "sessions" / SESSION_ID),
                "--with-names",
                "--include-dismissed",
            ]
        )
        == 0
    )
    assert PLANTED_NAMES[0] in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["export"], 1, "give a SESSION"),
        (["export", "latest", "--series", "x"], 1, "give a SESSION"),
        (["export", "nope"], 1, "No session matches"),
        (["export", "latest", "--format", "csv"], 2, "three tables"),
        (["export", "latest", "--merge", "/nonexistent/x.json"], 1, "does not exist"),
    ],
)
def test_bad_input_is_a_clear_error(
    root: Path, capsys: pytest.CaptureFixture[str], argv: list[str], code: int, message: str
) -> None:
    assert main(["--data-dir", str(root), *argv]) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_series_summary(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    second = make_fixture(root / "more", "2026-01-14-1530-fixt02")
    target = root / "sessions" / second.name
    second.rename(target)
    write_session_json(target, created_at="2026-01-14T20:30:00+00:00", title="Second one")
    rehearsal = make_fixture(root / "more2", "2026-01-10-1530-rehear")
    rehearsal.rename(root / "sessions" / rehearsal.name)
    write_session_json(root / "sessions" / rehearsal.name, rehearsal=True)
    assert (
        main(
            [
                "--data-dir",
                str(root),
                "export",
                "--series",
                "report fixture series",
                "--format",
                "json",
            ]
        )
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert [s["id"] for s in doc["sessions"]] == [SESSION_ID, "2026-01-14-1530-fixt02"]
    first = doc["sessions"][0]
    assert len(first["open_questions"]) == 4 and len(first["open_actions"]) == 2
    assert first["themes"]["Drills and exercises"] == 2
    for fmt in ("md", "html"):
        assert (
            main(
                [
                    "--data-dir",
                    str(root),
                    "export",
                    "--series",
                    "Report Fixture Series",
                    "--format",
                    fmt,
                ]
            )
            == 0
        )
        text = capsys.readouterr().out
        assert "Second one" in text and PLANTED_NAMES[0] not in text


def test_series_is_in_date_order_and_leaves_out_sessions_never_started(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Oldest first by when each was held: a session prepared early (created first) but held
    later comes later; one that never started is not part of what the series held."""
    early = make_fixture(root / "more", "2025-12-01-1530-early1")
    early.rename(root / "sessions" / early.name)
    write_session_json(
        root / "sessions" / early.name,
        title="Prepared early, held in January",
        created_at="2025-12-01T20:30:00+00:00",
        started_at="2026-01-14T20:31:00+00:00",
        finished_at="2026-01-14T21:30:00+00:00",
    )
    idle = make_fixture(root / "more2", "2026-02-01-1530-idle01")
    idle.rename(root / "sessions" / idle.name)
    write_session_json(
        root / "sessions" / idle.name,
        title="Never started",
        created_at="2026-02-01T20:30:00+00:00",
        started_at=None,
        finished_at=None,
    )
    args = ["--data-dir", str(root), "export", "--series", "Report Fixture Series"]

    assert main([*args, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [s["id"] for s in doc["sessions"]] == [SESSION_ID, "2025-12-01-1530-early1"]
    assert [s["date"] for s in doc["sessions"]] == ["2025-12-17", "2026-01-14"]
    assert main([*args, "--format", "md"]) == 0
    text = capsys.readouterr().out
    assert "Never started" not in text
    assert text.index("2025-12-17") < text.index("2026-01-14")
