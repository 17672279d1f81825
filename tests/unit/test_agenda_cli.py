"""The ``agenda`` subcommands, driven through a parser built the way cli.py builds it."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from console.agenda.load import DEFAULT_AGENDA, bundled_agendas, load_agenda
from console.cli.agenda import register

DATA = Path(__file__).parent.parent / "data" / "agendas"


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="facilitator")
    sub = parser.add_subparsers()
    register(sub)
    args = parser.parse_args(["agenda", *argv])
    args.data_dir = args.config_dir = None
    return int(args.handler(args))


def test_check_good_and_bad_files(capsys: pytest.CaptureFixture[str]) -> None:
    good = bundled_agendas()[0]
    rc = run("check", str(good), str(DATA / "many-problems.toml"), "drop-in-30")
    out, err = capsys.readouterr()
    assert rc == 1
    agenda = load_agenda(good)
    assert f"ok: {good} ({len(agenda.segments)} segments," in out
    assert "drop-in-30.toml (3 segments, 30 min)" in out
    assert err.count("many-problems.toml:") >= 10
    assert "Traceback" not in err


def test_check_all_good_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("check", *map(str, bundled_agendas())) == 0
    out, err = capsys.readouterr()
    assert out.count("ok: ") == len(bundled_agendas())
    assert err == ""


def test_check_missing_and_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("check", str(tmp_path / "gone.toml"), str(tmp_path)) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'gone.toml'}: no such agenda file" in err
    assert f"{tmp_path}: is a directory" in err


def test_list_shows_bundled_agendas(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("list") == 0
    out = capsys.readouterr().out
    assert f"{DEFAULT_AGENDA} (default)" in out
    assert "2025-12-17 15:30 America/New_York" in out
    assert len(out.splitlines()) == len(bundled_agendas())


def test_show_prints_planned_times(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("show", "drop-in-30") == 0
    out = capsys.readouterr().out
    assert "15:30     2 min  opening" in out
    assert "15:32    23 min  questions" in out
    assert out.rstrip().endswith("16:00  end")


def test_new_writes_then_refuses_to_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mine.toml"
    assert run("new", str(path), "--title", "Spring office hours") == 0
    assert load_agenda(path).title == "Spring office hours"
    before = path.read_text(encoding="utf-8")
    assert run("new", str(path)) == 1
    assert "already exists" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == before


def test_bare_agenda_prints_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert run() == 2
    assert "check" in capsys.readouterr().err


@pytest.mark.parametrize("action", ["check", "list", "show", "new"])
def test_every_action_has_help(action: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        run(action, "--help")
    assert done.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_list_and_show_an_undated_agenda(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("list") == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert "undated    15:30 America/New_York" in lines[DEFAULT_AGENDA]
    assert "2025-12-17 15:30 America/New_York" in lines["school-safety-office-hours-2025-12-17"]
    assert run("show") == 0
    out = capsys.readouterr().out
    assert "undated    15:30 America/New_York" in out
    assert "planned for the day a session of it is created" in out
    assert "15:30     5 min  opening" in out
    assert out.rstrip().endswith("16:30  end")
