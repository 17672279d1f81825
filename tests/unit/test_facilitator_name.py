"""Who the report names as facilitator: ``--author``, else the agenda's ``[session]
facilitator``, else the login name (it said "Facilitator: root" on a shared machine)."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.agenda.load import load_agenda
from console.report.build import build_report
from console.report.render_markdown import render_markdown
from console.session.setup import prepare

NOW = datetime(2026, 2, 4, 20, 0, tzinfo=UTC)
AGENDA = """\
[session]
title = "Drop-in"
facilitator = "Dana Whitfield"
start = 15:30:00
timezone = "America/New_York"

[[segments]]
id = "questions"
title = "Your questions"
minutes = 20
"""


@pytest.fixture
def agenda(tmp_path: Path) -> Path:
    path = tmp_path / "drop-in.toml"
    path.write_text(AGENDA, encoding="utf-8")
    return path


def facilitator_of(root: Path, agenda: str, author: str | None) -> tuple[str, str]:
    launch = prepare(
        root=root,
        agenda_ref=agenda,
        session_ref=None,
        new=True,
        role="facilitator",
        author=author,
        read_only=False,
        rehearsal=False,
        now=lambda: NOW,
    )
    markdown = render_markdown(build_report(launch.folder, now=NOW))
    return launch.folder.info.facilitator, markdown


def test_the_agenda_names_the_facilitator(
    agenda: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load_agenda(agenda).facilitator == "Dana Whitfield"
    monkeypatch.setattr(getpass, "getuser", lambda: "root")
    name, markdown = facilitator_of(tmp_path / "data", str(agenda), None)
    assert name == "Dana Whitfield"
    assert "- **Facilitator:** Dana Whitfield" in markdown
    assert "root" not in markdown


def test_a_resumed_session_keeps_its_facilitator(
    agenda: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Resumed without --author, the console writes as the session's facilitator (the same
    author file), not as whoever is logged in."""
    monkeypatch.setattr(getpass, "getuser", lambda: "root")
    facilitator_of(tmp_path / "data", str(agenda), None)
    again = prepare(
        root=tmp_path / "data",
        agenda_ref=str(agenda),
        session_ref=None,
        new=False,
        role="facilitator",
        author=None,
        read_only=False,
        rehearsal=False,
        now=lambda: NOW,
    )
    assert again.message.startswith("Resumed")
    assert again.author == "Dana Whitfield"


def test_author_wins_over_the_agenda(agenda: Path, tmp_path: Path) -> None:
    name, markdown = facilitator_of(tmp_path / "data", str(agenda), "Sam Ortiz")
    assert name == "Sam Ortiz"
    assert "- **Facilitator:** Sam Ortiz" in markdown


def test_without_either_the_login_name_serves(
    agenda: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    agenda.write_text(AGENDA.replace('facilitator = "Dana Whitfield"\n', ""), encoding="utf-8")
    monkeypatch.setattr(getpass, "getuser", lambda: "dana")
    name, _markdown = facilitator_of(tmp_path / "data", str(agenda), None)
    assert name == "dana"


def test_an_empty_facilitator_is_refused(agenda: Path) -> None:
    from console.agenda.errors import AgendaError

    agenda.write_text(AGENDA.replace('"Dana Whitfield"', '""'), encoding="utf-8")
    with pytest.raises(AgendaError, match="facilitator"):
        load_agenda(agenda)
