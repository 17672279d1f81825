"""``facilitator run --follow-up SESSION`` through the real command line.

``FacilitatorApp.run`` is swapped for a look at the opened session, so what is tested is the
CLI's own path: parsing, ``prepare``, opening the session (where the carry-over happens) and
what it says.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from console.app import FacilitatorApp
from console.cli import main
from console.store import list_sessions
from tests.data.report.fixture_session import FACILITATOR, SESSION_ID, make_fixture


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    make_fixture(tmp_path)
    monkeypatch.chdir(tmp_path)  # the fixture session names its agenda relative to here
    return tmp_path


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Stand in for the console's UI: note what the session holds and what the console would
    say as it starts. The session is already open by then (that is where carrying happens);
    the widgets themselves are the UI tests' business."""
    found: dict[str, Any] = {}

    def look(self: FacilitatorApp, **_: Any) -> None:
        found["questions"] = {q.text: q for q in self.session.board.questions()}
        found["actions"] = self.session.notebook.notes(kind="action")
        found["toast"] = self.startup_message
        found["follow_up_of"] = self.session.folder.info.follow_up_of

    monkeypatch.setattr(FacilitatorApp, "run", look)
    return found


def run(root: Path, *extra: str) -> int:
    base = ["--data-dir", str(root), "run", "--agenda", "agenda.toml", "--author", FACILITATOR]
    return main([*base, "--no-form", *extra])


def test_follow_up_latest_carries_the_latest_earlier_session(
    root: Path, seen: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(root, "--follow-up", "latest") == 0

    assert seen["follow_up_of"] == SESSION_ID  # "latest" is the earlier one, not the new one
    carried = [q for q in seen["questions"].values() if q.carried_over]
    assert len(carried) == 4 and len(seen["actions"]) == 2
    said = capsys.readouterr().out
    assert SESSION_ID in said
    assert "4 questions and 2 action items carried over" in said
    assert "4 questions and 2 action items carried over" in seen["toast"]


def test_follow_up_of_an_unknown_session_leaves_no_folder_behind(
    root: Path, seen: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    before = [info.id for info in list_sessions(root)]

    assert run(root, "--follow-up", "1999-nope") == 1

    err = capsys.readouterr().err
    assert "No session matches '1999-nope'" in err and SESSION_ID in err
    assert "Traceback" not in err
    assert [info.id for info in list_sessions(root)] == before
    assert sorted(p.name for p in (root / "sessions").iterdir()) == [SESSION_ID]
    assert not seen  # the console never opened


def test_carried_questions_keep_their_votes(root: Path, seen: dict[str, Any]) -> None:
    assert run(root, "--follow-up", SESSION_ID) == 0

    votes = {text.split()[0]: q.votes for text, q in seen["questions"].items()}
    # The fixture's feed: the deferred one had 3 votes, a never-reached one 2, two had none.
    assert sorted(votes.values()) == [0, 0, 2, 3]
    assert votes["#"] == 3
