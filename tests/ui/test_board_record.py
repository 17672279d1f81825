"""The board's detail pane keeps a question's record: when it was live, who decided what, and
the notes taken on it; all of it back after a restart."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.widgets import Static

from console.app import FacilitatorApp
from console.widgets.question_detail import QuestionDetail
from tests.ui.board_helpers import BEFORE_START, focus_row, fq, seed
from tests.ui.helpers import FakeNow, make_app, type_line, until

QUESTIONS = [fq(1), fq(2), fq(3)]
HOSTILE_NOTE = "[bold red]boom[/] <script>x</script> \x1b[31mred @here"


def detail(app: Any) -> str:
    return str(app.screen.query_one(QuestionDetail).query_one(Static).render())


def _app(tmp_path: Path, now: FakeNow, session: str | None = None) -> FacilitatorApp:
    app = make_app(tmp_path / "data", tmp_path / "cfg", now, session=session)
    app.startup_message = ""
    seed(app, QUESTIONS)
    return app


async def test_the_detail_pane_lists_the_notes_and_the_times_of_a_question(
    tmp_path: Path,
) -> None:
    now = FakeNow(BEFORE_START)
    app = _app(tmp_path, now)
    tz = app.session.agenda.tz

    def hhmm(minutes: float) -> str:
        return (BEFORE_START + timedelta(minutes=minutes)).astimezone(tz).strftime("%H:%M")

    async with app.run_test(size=(140, 45)) as pilot:
        await focus_row(pilot, app, "form:1")
        assert "Notes (" not in detail(app) and "Decisions:" not in detail(app)
        await pilot.press("l")
        await app.settle()
        now.advance(60)
        # a note typed while the question is live is taken on it, and the pane lists it at once
        await type_line(app, pilot, HOSTILE_NOTE)
        await until(lambda: "Notes (1):" in detail(app), pilot, 10.0)
        # a note on another question stays off this one's pane
        _note, record = app.session.notebook.add("About question two", "note", None, "form:2")
        assert await app.persist(record)
        now.advance(120)
        await focus_row(pilot, app, "form:1")
        await pilot.press("q")  # back to the queue: still on the open list, no longer live
        await app.settle()
        await until(lambda: "queued ·" in detail(app), pilot, 10.0)
        shown = detail(app)
        assert f"Live: {hhmm(0)}–{hhmm(3)}" in shown
        assert f"{hhmm(0)} went live · Dana" in shown
        assert f"{hhmm(3)} queued · Dana" in shown
        # shown literally: Rich markup and escape codes do nothing in the pane
        assert "[bold red]boom[/] <script>x</script>" in shown and "\x1b" not in shown
        assert "About question two" not in shown
        await focus_row(pilot, app, "form:2")
        await until(lambda: "About question two" in detail(app), pilot, 10.0)
        assert "Live:" not in detail(app) and "boom" not in detail(app)
    session_id = app.session.folder.info.id
    app.session.close()

    # a restart: a new console on the same session shows the same record
    again = _app(tmp_path, FakeNow(BEFORE_START + timedelta(minutes=10)), session=session_id)
    async with again.run_test(size=(140, 45)) as pilot:
        await focus_row(pilot, again, "form:1")
        await until(lambda: "Notes (1):" in detail(again), pilot, 10.0)
        shown = detail(again)
        assert f"Live: {hhmm(0)}–{hhmm(3)}" in shown
        assert f"{hhmm(3)} queued · Dana" in shown
        assert "[bold red]boom[/]" in shown
    again.session.close()
