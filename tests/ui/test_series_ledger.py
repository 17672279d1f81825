"""A three-session series: items carried, closed and re-opened, read in the ledger.

Sessions 1 and 2 are run the way ``facilitator run`` runs them (``prepare`` and
``LiveSession.open``, which carries the open items over at ``--follow-up``; records saved in
the facilitator's own file). Session 3 runs in the console under Pilot: the carried-over
segment's proposed length is taken, items are closed and re-opened on the series screen
(``ctrl+b``). Then ``facilitator export --series`` prints the ledger and the theme table.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from console.app import FacilitatorApp
from console.cli import main
from console.report.ledger import LedgerItem
from console.screens.confirm import ConfirmScreen
from console.screens.participant_answer import ParticipantAnswerScreen
from console.screens.series_screen import SeriesScreen
from console.session.carry_over import carry_over_records
from console.session.source_choice import SourceChoice
from console.store import SessionFolder
from console.system.settings import load_settings
from tests.series_helpers import (
    ACT_X,
    AGENDA,
    CLOSE_NOTE,
    DAY3,
    DRILLS,
    FRAN,
    Q_A,
    Q_B,
    Q_D,
    SERIES,
    first_session,
    open_session,
    second_session,
)
from tests.ui.helpers import FakeNow, until


def _item(screen: SeriesScreen, text: str) -> LedgerItem:
    return next(i for i in screen.items if i.text.startswith(text[:20]))


async def _select(pilot: Any, screen: SeriesScreen, text: str) -> LedgerItem:
    item = _item(screen, text)
    screen.query_one("#series-items").move_cursor(row=screen.items.index(item))
    await pilot.pause()
    assert screen.selected == item
    return item


async def _rebuilt(pilot: Any, screen: SeriesScreen, before: object) -> None:
    await until(lambda: screen.data is not before, pilot)


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def test_three_sessions_carried_closed_and_reopened(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = first_session(root)
    second = second_session(root, first)

    now = FakeNow(DAY3)
    live = open_session(root, now, follow_up=second)
    third = live.folder.info.id
    assert "2 questions and 0 action items carried over" in live.carried_summary
    app = FacilitatorApp(
        live,
        settings=load_settings(root / "config"),
        message="",
        now=now,
        source=SourceChoice(builtin_form=False),
    )
    async with app.run_test(size=(140, 44)) as pilot:
        # The proposal: 2 items carried x 2 min = 4 min, against the agenda's 15.
        await until(lambda: isinstance(app.screen, ConfirmScreen), pilot)
        assert "2 items carried over × 2 min = 4 min" in app.screen.question
        await pilot.press("y")
        await until(lambda: not isinstance(app.screen, ConfirmScreen), pilot)
        await app.settle()
        assert live.clock.allotted(1) == 240
        now.advance(30 * 60)
        await pilot.press("s")
        await until(lambda: live.folder.info.started_at is not None, pilot)
        await app.settle()

        await pilot.press("ctrl+b")
        await until(lambda: isinstance(app.screen, SeriesScreen), pilot)
        screen = app.screen
        assert isinstance(screen, SeriesScreen)
        await until(lambda: screen.data is not None, pilot)
        assert screen.why_not == ""
        assert [s.id for s in screen.data.ledger.sessions] == [first, second, third]
        assert {i.text: i.open for i in screen.items} == {
            Q_A: False,
            Q_B: True,
            ACT_X: False,
            Q_D: True,
        }  # Q_C and ACT_Y were settled where they were raised: never commitments

        # Close Q_B with a note: a participant answer under its question in this session.
        await _select(pilot, screen, Q_B)
        await pilot.press("c")
        await until(lambda: isinstance(app.screen, ParticipantAnswerScreen), pilot)
        await pilot.press(*CLOSE_NOTE)
        before = screen.data
        await pilot.press("enter")
        await _rebuilt(pilot, screen, before)
        b = _item(screen, Q_B)
        assert not b.open and b.last.how == "closed with a note" and b.last.author == FRAN
        assert b.last.note == CLOSE_NOTE
        local = b.key_in(third)
        assert local is not None
        answers = live.board.get(local).participant_answers
        assert [a.text for a in answers] == [CLOSE_NOTE] and answers[0].public

        # Re-open it: the answer is taken back (a tombstone), the item is open again.
        await _select(pilot, screen, Q_B)
        before = screen.data
        await pilot.press("o")
        await _rebuilt(pilot, screen, before)
        assert _item(screen, Q_B).open
        assert live.board.get(local).participant_answers == ()
        # ... and close it for good.
        await _select(pilot, screen, Q_B)
        await pilot.press("c")
        await until(lambda: isinstance(app.screen, ParticipantAnswerScreen), pilot)
        await pilot.press(*CLOSE_NOTE)
        before = screen.data
        await pilot.press("enter")
        await _rebuilt(pilot, screen, before)

        # Re-open X (done in session 2) and Q_A (answered there): carried into this session.
        for text in (ACT_X, Q_A):
            await _select(pilot, screen, text)
            before = screen.data
            await pilot.press("o")
            await _rebuilt(pilot, screen, before)
            assert _item(screen, text).open
        assert any(n.text.startswith("Send") for n in live.notebook.notes(kind="action"))
        assert Q_A in {q.text for q in live.board.questions()}

        await pilot.press("escape")
        await until(lambda: not isinstance(app.screen, SeriesScreen), pilot)
        await app.settle()

    # The ledger as the command line prints it.
    args = ["--data-dir", str(root), "export", "--series", SERIES]
    assert main([*args, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    ledger = doc["ledger"]
    items = {i["text"]: i for i in ledger["items"]}
    assert (ledger["open"], ledger["closed"]) == (3, 1)
    a, b, x, d = items[Q_A], items[Q_B], items[ACT_X], items[Q_D]
    assert [s["what"] for s in a["steps"]] == ["raised", "closed", "re-opened"]
    assert a["steps"][1]["how"] == "answered" and a["steps"][1]["session"] == second
    assert a["age"] == "open since 17 Dec 2025, re-opened 18 Feb 2026, 3 sessions"
    assert [s["what"] for s in b["steps"]] == ["raised", "carried", "closed"]
    assert b["state"] == "closed" and b["steps"][-1]["note"] == CLOSE_NOTE
    assert b["age"] == "closed 18 Feb 2026 (closed with a note), open 3 sessions"
    assert [s["what"] for s in x["steps"]] == ["raised", "closed", "re-opened"]
    assert x["steps"][1]["how"] == "done" and x["owner"] == "Ana"
    assert (d["raised_in"], d["age"]) == (second, "open since 21 Jan 2026, 2 sessions")
    assert [i["raised_in"] for i in ledger["items"]] == [first, first, first, second]
    # Each session lists only the open items it raised itself.
    sessions = {s["id"]: s for s in doc["sessions"]}
    assert [q["text"] for q in sessions[second]["open_questions"]] == [Q_D]
    assert sessions[third]["open_questions"] == [] and sessions[third]["open_actions"] == []
    themes = {r["theme"]: r for r in ledger["themes_by_session"]["rows"]}
    assert ledger["themes_by_session"]["sessions"] == [first, second, third]
    assert themes[DRILLS]["counts"] == [2, 1, 0] and themes[DRILLS]["trend"] == "falling"
    assert themes["Funding and resources"]["counts"] == [1, 0, 0]

    assert main([*args, "--format", "md"]) == 0
    md = capsys.readouterr().out
    for text in (Q_A[:12], Q_B[:12], ACT_X[:12]):
        assert md.count(text) == 1, text  # listed once, under the session that raised it
    assert not re.search(r"(?<!\\)[<>\[]", md)  # every angle and square bracket escaped
    assert "\\<script\\>" in md and "\\| pipe" in md and "\\*\\*bold\\*\\*" in md
    assert f"| {DRILLS} | 2 | 1 | 0 | ↓ falling |" in md
    assert "open since 21 Jan 2026, 2 sessions" in md

    assert main([*args, "--format", "html"]) == 0
    html = capsys.readouterr().out
    assert "<script>alert" not in html and "<img src" not in html and "<b>covers" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Budget line 4 &lt;b&gt;covers&lt;/b&gt; it" in html
    assert f"<td>{DRILLS}</td>" in html and "↓ falling" in html

    # The next follow-up leaves the item closed with a note behind, and takes the rest.
    fourth = SessionFolder.create(
        root, agenda=AGENDA, title="Fourth", facilitator=FRAN, now=DAY3 + timedelta(days=28)
    )
    carried = carry_over_records(fourth, third, FRAN, lambda: DAY3 + timedelta(days=28))
    texts = {r.data["text"] for r in carried if r.kind in ("question", "note")}
    assert texts == {Q_A, Q_D, ACT_X}


async def test_keeping_the_plan_and_an_older_session_changes_nothing(root: Path) -> None:
    first = first_session(root)
    second = second_session(root, first)

    now = FakeNow(DAY3)
    live = open_session(root, now, follow_up=second)
    app = FacilitatorApp(
        live,
        settings=load_settings(root / "config"),
        message="",
        now=now,
        source=SourceChoice(builtin_form=False),
    )
    async with app.run_test(size=(140, 44)) as pilot:
        await until(lambda: isinstance(app.screen, ConfirmScreen), pilot)
        await pilot.press("escape")  # keep the plan
        await until(lambda: not isinstance(app.screen, ConfirmScreen), pilot)
        await app.settle()
        assert live.clock.allotted(1) == 15 * 60 and live.carried_length is None
    live.close()

    # The first session, opened again: its ledger shows, but the newest session is elsewhere.
    older = open_session(root, FakeNow(DAY3), session=first)
    app = FacilitatorApp(
        older,
        settings=load_settings(root / "config"),
        message="",
        now=FakeNow(DAY3),
        source=SourceChoice(builtin_form=False),
    )
    async with app.run_test(size=(140, 44)) as pilot:
        assert not isinstance(app.screen, ConfirmScreen)  # nothing was carried here
        await pilot.press("ctrl+b")
        await until(lambda: isinstance(app.screen, SeriesScreen), pilot)
        screen = app.screen
        assert isinstance(screen, SeriesScreen)
        await until(lambda: screen.data is not None, pilot)
        assert second in screen.why_not
        written = sorted(p.stat().st_mtime_ns for p in (root / "sessions").rglob("*.json*"))
        await pilot.press("c")
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, SeriesScreen)  # no dialog opened
        assert sorted(p.stat().st_mtime_ns for p in (root / "sessions").rglob("*.json*")) == (
            written
        )
    older.close()
