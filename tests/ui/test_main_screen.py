"""The main screen under Pilot: clock keys, persistence, resume after a restart."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest

from console.clock.model import Phase
from console.store import list_sessions
from console.widgets.countdown import Countdown
from console.widgets.session_header import SessionHeader
from tests.ui.helpers import FakeNow, make_app, until

# 3:25 p.m. in New York on the default agenda's day: five minutes before the start.
BEFORE_START = datetime(2025, 12, 17, 20, 25, tzinfo=UTC)


async def wait_saved(app) -> None:  # type: ignore[no-untyped-def]
    await app.settle()


async def test_countdown_to_the_scheduled_start(tmp_path: Path) -> None:
    now = FakeNow(BEFORE_START)
    app = make_app(tmp_path / "data", tmp_path / "cfg", now)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        cd = app.screen.query_one(Countdown)
        assert cd.time_text == "05:00"
        assert cd.state == "waiting"
        header = app.screen.query_one(SessionHeader)
        assert header.wall_clock == "15:25:00"  # shown in the agenda's zone, not UTC
        assert header.projected_end == "16:30"


async def test_keys_drive_the_clock(tmp_path: Path) -> None:
    now = FakeNow(BEFORE_START)
    app = make_app(tmp_path / "data", tmp_path / "cfg", now)
    async with app.run_test(size=(120, 40)) as pilot:
        now.advance(300)
        await pilot.press("s")
        clock = app.session.clock
        assert clock.phase is Phase.RUNNING
        assert clock.current_index == 0
        now.advance(60)
        await pilot.press("space")
        assert clock.phase is Phase.PAUSED
        await pilot.press("space")
        assert clock.phase is Phase.RUNNING
        allotted = clock.allotted()
        await pilot.press("plus")
        assert clock.allotted() == allotted + 60
        await pilot.press("minus")
        assert clock.allotted() == allotted
        await pilot.press("n")
        assert clock.current_index == 1
        await pilot.press("p")
        assert clock.current_index == 0
        await wait_saved(app)


async def test_overtime_shows_a_word_not_only_colour(tmp_path: Path) -> None:
    now = FakeNow(BEFORE_START)
    app = make_app(tmp_path / "data", tmp_path / "cfg", now)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        first = app.session.agenda.segments[0]
        now.advance(first.minutes * 60 - 30)
        app.tick()
        cd = app.screen.query_one(Countdown)
        await until(lambda: cd.state != "on time", pilot)  # the face follows the tick
        assert cd.state == "wrap up"
        assert cd.has_class("-wrap-up")
        now.advance(95)
        app.tick()
        await until(lambda: cd.state != "wrap up", pilot)
        assert cd.state == "overtime"
        assert cd.time_text == "-01:05"
        assert "OVERTIME" in str(cd.query_one("#countdown-state").render())


async def test_quit_and_restart_resumes_where_it_was(tmp_path: Path) -> None:
    data, cfg = tmp_path / "data", tmp_path / "cfg"
    now = FakeNow(BEFORE_START)
    app = make_app(data, cfg, now)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await pilot.press("n")
        await wait_saved(app)
        session_id = app.session.folder.info.id
    app.session.close()
    now.advance(120)  # two minutes pass while the console is closed
    again = make_app(data, cfg, now)
    assert "Resumed" in again.startup_message
    assert again.session.folder.info.id == session_id
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        clock = again.session.clock
        assert clock.phase is Phase.RUNNING
        assert clock.current_index == 1
        assert clock.elapsed() == pytest.approx(120, abs=1)
    again.session.close()


async def test_end_session_marks_it_finished(tmp_path: Path) -> None:
    now = FakeNow(BEFORE_START)
    app = make_app(tmp_path / "data", tmp_path / "cfg", now)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await pilot.press("ctrl+e")
        await pilot.press("y")
        await wait_saved(app)
        assert app.session.clock.phase is Phase.FINISHED
    app.session.close()
    (info,) = list_sessions(tmp_path / "data")
    assert info.finished_at is not None


async def test_clock_actions_are_in_the_command_palette(tmp_path: Path) -> None:
    now = FakeNow(BEFORE_START)
    app = make_app(tmp_path / "data", tmp_path / "cfg", now)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for word in ("Start", "Pause", "Next", "Prev", "End"):
            assert word in titles
    app.session.close()


async def test_keys_can_be_remapped_from_the_config_file(tmp_path: Path) -> None:
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "config.toml").write_text('[keys]\nnext = "right"\n', encoding="utf-8")
    now = FakeNow(BEFORE_START)
    app = make_app(tmp_path / "data", cfg, now)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await pilot.press("right")
        assert app.session.clock.current_index == 1
        await pilot.press("n")  # the old key no longer moves on
        assert app.session.clock.current_index == 1
        await wait_saved(app)
    app.session.close()


async def test_theme_choice_is_remembered_without_touching_config(tmp_path: Path) -> None:
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    original = "# my comments\n[keys]\n"
    (cfg / "config.toml").write_text(original, encoding="utf-8")
    now = FakeNow(BEFORE_START)
    app = make_app(tmp_path / "data", cfg, now)
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = "nord"
        await pilot.pause()
    app.session.close()
    assert (cfg / "config.toml").read_text(encoding="utf-8") == original
    again = make_app(tmp_path / "data", cfg, now)
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert again.theme == "nord"
    again.session.close()


async def test_panels_arrive_after_the_first_frame(tmp_path: Path) -> None:
    """The real start-up path: placeholders first, the board and notes panels right after."""
    from console.widgets.board_panel import BoardPanel
    from console.widgets.notes_panel import NotesPanel

    now = FakeNow(BEFORE_START)
    app = make_app(tmp_path / "data", tmp_path / "cfg", now, defer_panels=True)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(100):
            if app.screen.query(BoardPanel) and app.screen.query(NotesPanel):
                break
            await pilot.pause(0.05)
        assert app.screen.query_one(BoardPanel).id == "board-region"
        assert app.screen.query_one(NotesPanel).id == "notes-region"
        assert not app.screen.query(".slot")
        await pilot.press("s")
        assert app.session.clock.current_index == 0
        await app.settle()
    app.session.close()


# 10 a.m. in New York on 29 Nov 2026: the default agenda (17 Dec 2025, 3:30 p.m.) is 347 days old.
A_YEAR_LATER = datetime(2026, 11, 29, 15, 0, tzinfo=UTC)
DATED = "school-safety-office-hours-2025-12-17"
"""The default agenda as first held: it has a date (the default itself has none)."""


def _countdown_lines(app) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    cd = app.screen.query_one(Countdown)
    state = str(cd.query_one("#countdown-state").render())
    detail = cd.query_one("#countdown-detail")
    return state, (str(detail.render()) if detail.display else "")


async def test_before_the_start_the_countdown_says_how_far_the_start_is(tmp_path: Path) -> None:
    now = FakeNow(BEFORE_START)
    app = make_app(tmp_path / "data", tmp_path / "cfg", now)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert _countdown_lines(app) == ("WAITING · starts in 5 min", "")
        now.advance(17 * 60)  # twelve minutes late, still idle
        app.tick()
        cd = app.screen.query_one(Countdown)
        await until(lambda: cd.time_text != "05:00", pilot)  # the face follows the tick
        assert cd.time_text == "-12:00"
        assert _countdown_lines(app) == ("WAITING · today 15:30, 12 min late", "")
        await pilot.press("s")
        assert app.session.clock.start_delay_seconds == 12 * 60  # measured, as before
        assert app.session.clock.rebased_from is None
        await app.settle()
    app.session.close()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_a_session_planned_for_another_day_says_so_and_starts_without_lateness(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    from console.report.build import build_report
    from console.widgets.agenda_timeline import AgendaTimeline

    now = FakeNow(A_YEAR_LATER)
    app = make_app(tmp_path / "data", tmp_path / "cfg", now, agenda=DATED)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        cd = app.screen.query_one(Countdown)
        assert cd.time_text == "1:00:00"  # the session's length, not a countdown of months
        state, detail = _countdown_lines(app)
        assert state == "WAITING · planned for Wed 17 Dec 2025 15:30 (347 days ago)"
        assert detail == "1 h 00 min, timed from when it starts"
        label = cd.query_one("#countdown-state")
        pane = app.screen.query_one("#now-pane")
        assert label.region.right <= pane.content_region.right  # wrapped inside, never cut
        assert label.size.height == (1 if size[0] >= 120 else 2)
        rows = app.screen.query_one(AgendaTimeline).rows
        assert [r.when for r in rows[:2]] == ["10:00", "10:05"]  # what a start now gives
        assert app.screen.query_one(SessionHeader).projected_end == "11:00"

        now.advance(90)
        await pilot.press("s")
        clock = app.session.clock
        assert clock.start_delay_seconds == 0
        assert clock.rebased_from == app.session.agenda.scheduled_start
        assert [e.kind.value for e in clock.events] == ["rebased", "started"]
        assert _countdown_lines(app) == ("ON TIME · of 5m", "")
        told = [n.message for n in app._notifications]
        assert any(m.startswith("Started on another day than planned") for m in told), told
        await app.settle()
    app.session.close()

    again = make_app(tmp_path / "data", tmp_path / "cfg", now, agenda=DATED)  # rebase saved
    assert again.session.clock.rebased_from == app.session.agenda.scheduled_start
    assert again.session.clock.start_delay_seconds == 0
    again.session.close()
    report = build_report(again.session.folder, now=now())
    started = A_YEAR_LATER + timedelta(seconds=90)
    planned = [datetime.fromisoformat(s.planned_start or "") for s in report.segments[:2]]
    assert planned == [started, started + timedelta(minutes=5)]  # not 17 Dec 2025
    assert report.segments[0].actual_start == report.segments[0].planned_start
    # Staff reading the report learn that it was held on another day than the agenda's.
    from console.report.render_html import render_html
    from console.report.render_json import render_json, report_schema
    from console.report.render_markdown import render_markdown

    assert report.planned_for is not None and report.planned_for.startswith("2025-12-17T15:30")
    words = "2025-12-17 15:30 (held on another day"
    assert f"- **Planned for:** {words}" in render_markdown(report)
    assert f"<dt>Planned for</dt><dd>{words}" in render_html(report)
    exported = json.loads(render_json(report))
    assert exported["session"]["planned_for"] == report.planned_for
    jsonschema.validate(exported, report_schema())
