"""`facilitator feed test` on local export files (no network), through argparse."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from console.cli import feed
from console.feeds.presets import guess_preset

DATA = Path(__file__).resolve().parents[1] / "data" / "feeds"


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="facilitator")
    feed.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    result: int = args.handler(args)
    return result


def test_prints_questions_and_notes(capsys: pytest.CaptureFixture[str]) -> None:
    code = run(
        [
            "feed",
            "test",
            str(DATA / "google_forms_en.csv"),
            "--preset",
            "google-forms",
            "--tz",
            "America/New_York",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "row-2" in out and "2025-12-17 15:31" in out and "Ana Ruiz" in out
    assert "note: question column chosen: 'What would you like to ask?'" in out
    assert "3 questions" in out


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    code = run(
        [
            "feed",
            "test",
            str(DATA / "microsoft_forms.csv"),
            "--preset",
            "microsoft-forms",
            "--json",
            "--tz",
            "UTC",
        ]
    )
    rows = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [r["id"] for r in rows] == ["1", "2"]
    assert set(rows[0]) == {"id", "text", "asker", "submitted_at", "votes", "topic"}
    assert rows[1]["submitted_at"] == "2025-12-17T15:35:21+00:00"


def test_guesses_json_preset_from_extension(capsys: pytest.CaptureFixture[str]) -> None:
    code = run(
        [
            "feed",
            "test",
            str(DATA / "generic.json"),
            "--map",
            "items=data.entries",
            "--map",
            "text=fields.q",
            "--map",
            "id=uid",
            "--json",
        ]
    )
    assert code == 0
    assert [r["text"] for r in json.loads(capsys.readouterr().out)] == [
        "Where is the plan kept?",
        "Who trains substitutes?",
    ]


def test_unusable_source_exits_1_with_diagnosis(capsys: pytest.CaptureFixture[str]) -> None:
    code = run(
        [
            "feed",
            "test",
            str(DATA / "google_forms_en.csv"),
            "--preset",
            "csv",
            "--map",
            "text=Your question",
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "'Your question' (mapped to text) is not in the feed" in err
    assert "Traceback" not in err


def test_missing_file_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["feed", "test", str(tmp_path / "nope.csv")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_empty_export_file_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(b"\r\n\r\n")
    assert run(["feed", "test", str(path)]) == 1
    assert "the file is empty" in capsys.readouterr().err


def test_bad_map_and_unknown_kind_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["feed", "test", "x.csv", "--map", "colour=x"]) == 2
    assert "unknown field 'colour'" in capsys.readouterr().err
    assert run(["feed", "test", "https://example.test/thing"]) == 2
    assert "--preset" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("url", "preset"),
    [
        ("https://docs.google.com/spreadsheets/d/e/X/pub?output=csv", "google-forms"),
        ("https://api.typeform.com/forms/abc/responses", "typeform"),
        ("https://api.jotform.com/form/1/submissions", "jotform"),
        ("https://api.tally.so/forms/w/submissions", "tally"),
        ("http://127.0.0.1:8080/api/questions", "intake"),
        ("export.csv", "csv"),
        ("https://x.test/q.json?x=1", "json"),
    ],
)
def test_guess_preset(url: str, preset: str) -> None:
    assert guess_preset(url) == preset


def test_the_real_command_says_each_problem_once(tmp_path: Path) -> None:
    """Run as a user does (no test logging in the way): the poller's own warning line used
    to print the same problem a second time."""
    import subprocess
    import sys

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    done = subprocess.run(
        [sys.executable, "-m", "console", "feed", "test", str(empty), "--preset", "csv"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.count("the file is empty") == 1, done.stderr
    assert done.stderr.startswith("facilitator feed test: ")
