"""Answers as spoken on the report screen: read captions, keep, edit, drop; kept in the store."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from console.report.captions_review import reviews_of
from console.screens.report_screen import ReportScreen
from console.screens.transcript_screen import SpokenEditScreen, TranscriptScreen
from console.store import SessionFolder
from tests.data.report.fixture_session import FACILITATOR, NOW, SESSION_ID, make_fixture
from tests.ui.helpers import FakeNow, make_app


async def _until(check: Callable[[], bool], deadline: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    while not check():
        if loop.time() > end:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


def _ts(seconds: float) -> str:
    minutes, second = divmod(seconds, 60)
    return f"00:{int(minutes):02d}:{second:06.3f}"


# Recording started 15:30:30; form:1 answered at 16:00, manual:q-chat-1 at 16:10 (the fixture
# as a session from before the decision log: its live windows are estimated from those).
CUES = [
    (60 * 20, "<v Fran Facilitator>Next, how often must we run lockdown drills?</v>"),
    (60 * 20 + 8, "<v Omar Reyes>Twice a year at least &lt;b&gt;really&lt;/b&gt;.</v>"),
    (60 * 29 + 50, "<v Fran Facilitator>Now, can parents join the safety committee?</v>"),
    (60 * 30 + 10, "<v Walter Visitor>My kid asks too.</v>"),
]


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    make_fixture(tmp_path / "data", decision_log=False)
    monkeypatch.chdir(tmp_path / "data")
    captions = tmp_path / "teams.vtt"
    blocks = [
        f"id-{n}/0-0\n{_ts(at)} --> {_ts(at + 6)}\n{said}\n" for n, (at, said) in enumerate(CUES)
    ]
    captions.write_text("WEBVTT\n\n" + "\n".join(blocks), encoding="utf-8")
    app = make_app(
        tmp_path / "data",
        tmp_path / "config",
        FakeNow(NOW),
        agenda="agenda.toml",
        session=SESSION_ID,
        author=FACILITATOR,
    )
    return app, captions, tmp_path / "data" / "sessions" / SESSION_ID


async def test_review_keep_edit_drop_is_saved_and_shown(setup) -> None:  # type: ignore[no-untyped-def]
    app, captions, folder_path = setup
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.press("ctrl+r")
        await _until(lambda: isinstance(app.screen, ReportScreen))
        report = app.screen
        await _until(lambda: report.data is not None)
        await pilot.press("t")
        await _until(lambda: isinstance(app.screen, TranscriptScreen))
        screen = app.screen
        screen.query_one("#transcript-file").value = str(captions)
        screen.query_one("#transcript-offset").value = "15:30:30"
        screen.query_one("#transcript-file").focus()
        await pilot.press("enter")
        await _until(lambda: len(screen.items) == 2)
        assert [i.key for i in screen.items] == ["form:1", "manual:q-chat-1"]
        assert [i.state for i in screen.items] == ["review", "review"]
        status = str(screen.query_one("#transcript-status").render())
        assert "The recording started at 15:30:30 (as given)" in status
        assert screen.items[0].turns[1] == ("Omar Reyes", "Twice a year at least <b>really</b>.")

        await pilot.press("k")  # keep the drills answer
        await _until(lambda: screen.items[0].state == "kept")
        await pilot.press("down", "e")
        await _until(lambda: isinstance(app.screen, SpokenEditScreen))
        editor = app.screen
        area = editor.query_one("#spoken-text")
        assert area.text.startswith("Fran Facilitator: Now, can parents join")
        area.text = "Fran Facilitator: Yes, parents can join.\nWalter Visitor: Thank you."
        await pilot.press("ctrl+s")
        await _until(lambda: screen.items[1].state == "edited")

        stored = reviews_of(SessionFolder.open(folder_path).read_all()[0].values())
        assert stored["form:1"].state == "kept" and not stored["form:1"].edited
        assert stored["manual:q-chat-1"].turns == (
            ("Fran Facilitator", "Yes, parents can join."),
            ("Walter Visitor", "Thank you."),
        )
        assert stored["manual:q-chat-1"].edited

        await pilot.press("d")  # changed my mind: drop the edited one
        await _until(lambda: screen.items[1].state == "dropped")
        await pilot.press("escape")
        await _until(lambda: app.screen is report)
        await _until(lambda: report.data is not None and "Answer as spoken" in report.preview)
        await app.settle()
        kept = "Answer as spoken, 15:50–15:50: Fran Facilitator: Next, how often must we run"
        assert kept in report.preview  # kept, so no "(not reviewed)"
        assert "Participant: Twice a year at least \\<b\\>" in report.preview  # not staff here
        assert "My kid asks too" not in report.preview and "Thank you" not in report.preview
    stored = reviews_of(SessionFolder.open(folder_path).read_all()[0].values())
    assert stored["manual:q-chat-1"].state == "dropped"


async def test_a_malformed_file_is_named_and_changes_nothing(  # type: ignore[no-untyped-def]
    setup, tmp_path: Path
) -> None:
    app, _, folder_path = setup
    bad = tmp_path / "bad.srt"
    bad.write_text("1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\nno times here\n", encoding="utf-8")
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.press("ctrl+r")
        await _until(lambda: isinstance(app.screen, ReportScreen))
        await pilot.press("t")
        await _until(lambda: isinstance(app.screen, TranscriptScreen))
        screen = app.screen
        screen.query_one("#transcript-file").value = str(bad)
        screen.query_one("#transcript-file").focus()
        await pilot.press("enter")
        status = screen.query_one("#transcript-status")
        await _until(lambda: "Not read" in str(status.render()))
        assert f"{bad}:5: a caption block without times" in str(status.render())
        assert screen.items == []
    assert reviews_of(SessionFolder.open(folder_path).read_all()[0].values()) == {}
    assert bad.read_text(encoding="utf-8").startswith("1\n00:00:01,000")
