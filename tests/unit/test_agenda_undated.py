"""An agenda without a date: planned for the day a session of it is created, and kept so.

The bundled default used to be dated 2025-12-17, so every new user's first console said
"planned for Wed 17 Dec 2025 (352 days ago)". The default is now undated: today at its start
time, or now once that has passed, decided when a session is created and saved with it.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.request
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from console.agenda.load import DEFAULT_AGENDA, load_agenda, parse_agenda, resolve_agenda
from console.clock.view import countdown
from console.report.build import build_report
from console.session.live import LiveSession
from console.session.setup import Launch, prepare
from console.store import SessionFolder

NY = ZoneInfo("America/New_York")
MORNING = datetime(2026, 3, 4, 9, 0, tzinfo=NY)
DATED = "school-safety-office-hours-2025-12-17"


def launch(root: Path, now: datetime, **kw: object) -> Launch:
    args: dict[str, object] = {
        "root": root,
        "agenda_ref": None,
        "session_ref": None,
        "new": False,
        "role": "facilitator",
        "author": "Dana",
        "read_only": False,
        "rehearsal": False,
        "now": lambda: now,
    }
    return prepare(**(args | kw))  # type: ignore[arg-type]


def test_default_is_undated_and_the_dated_first_session_is_bundled_beside_it() -> None:
    default = load_agenda(resolve_agenda(None))
    dated = load_agenda(resolve_agenda(DATED))
    assert default.date is None
    assert dated.scheduled_start == datetime(2025, 12, 17, 15, 30, tzinfo=NY)
    assert replace(dated, date=None, name=default.name, path=default.path) == default


def test_undated_plans_for_today_at_its_start_or_now_once_that_has_passed() -> None:
    agenda = load_agenda(resolve_agenda(None))
    assert agenda.planned_start(MORNING) == datetime(2026, 3, 4, 15, 30, tzinfo=NY)
    late = datetime(2026, 3, 4, 16, 10, 27, 500_000, tzinfo=NY)
    assert agenda.planned_start(late) == late.replace(microsecond=0)
    # "Today" is the agenda's day: 03:00 UTC on the 5th is still the 4th in New York.
    assert agenda.planned_start(datetime(2026, 3, 5, 3, 0, tzinfo=UTC)) == datetime(
        2026, 3, 5, 3, 0, tzinfo=UTC
    )
    assert agenda.planned_start(datetime(2026, 3, 4, 12, 0, tzinfo=UTC)).date() == MORNING.date()
    dated = load_agenda(resolve_agenda(DATED))
    assert dated.planned_start(MORNING) == dated.scheduled_start  # a date is kept as written
    with pytest.raises(ValueError, match="no date"):
        _ = agenda.scheduled_start


def test_undated_agendas_parse_and_dated_ones_still_check_their_end() -> None:
    text = (
        '[session]\ntitle = "Any day"\nstart = 10:00:00\nend = 10:30:00\n'
        'timezone = "UTC"\n\n[[segments]]\nid = "a"\ntitle = "A"\nminutes = 45\n'
    )
    with pytest.raises(Exception, match='past "end"'):
        parse_agenda(text)
    assert parse_agenda(text.replace("45", "30")).date is None


def test_a_new_session_is_planned_for_today_and_keeps_it(tmp_path: Path) -> None:
    first = launch(tmp_path, MORNING, new=True)
    planned = datetime(2026, 3, 4, 15, 30, tzinfo=NY)
    assert first.agenda.scheduled_start == planned
    assert first.folder.info.planned_start == planned
    live = LiveSession(first, now=lambda: MORNING)
    assert live.clock.scheduled_start == planned
    assert not live.clock.would_rebase()
    assert "ago" not in countdown(live.clock, NY).caption  # the "(352 days ago)"

    # Opened again a week later, and its report: still that Wednesday at 15:30.
    later = MORNING + timedelta(days=7)
    again = launch(tmp_path, later, session_ref=first.folder.info.id)
    assert again.agenda.scheduled_start == planned
    report = build_report(SessionFolder.open(first.folder.path), now=later)
    assert report.segments[0].planned_start == "2026-03-04T15:30:00-05:00"
    assert report.date == "2026-03-04"


def test_a_session_opened_late_is_planned_for_when_it_was_created(tmp_path: Path) -> None:
    late = datetime(2026, 3, 4, 16, 10, 27, tzinfo=NY)
    assert launch(tmp_path, late, new=True).agenda.scheduled_start == late


def test_sessions_saved_before_the_default_lost_its_date_keep_their_day(tmp_path: Path) -> None:
    """Sessions created before this change saved no planned start; their agenda was dated
    the day they were created, at its start time: that is what they keep."""
    old = SessionFolder.create(
        tmp_path,
        agenda=DEFAULT_AGENDA,
        title="School Safety Office Hours",
        facilitator="Dana",
        now=datetime(2025, 12, 17, 20, 0, tzinfo=UTC),  # 15:00 in New York
    )
    assert old.info.planned_start is None
    opened = launch(tmp_path, datetime(2026, 12, 4, 14, 0, tzinfo=UTC), session_ref=old.info.id)
    assert opened.agenda.scheduled_start == datetime(2025, 12, 17, 15, 30, tzinfo=NY)


def test_form_serve_on_the_undated_default_shows_today(tmp_path: Path) -> None:
    """``form serve --agenda`` (a real process) heads the page with today at the start time."""
    env = {k: v for k, v in os.environ.items() if k != "FACILITATOR_FORM_TOKEN"}
    command = [sys.executable, "-m", "console", "--data-dir", str(tmp_path), "form", "serve"]
    proc = subprocess.Popen(
        [*command, "--port", "0", "--agenda", DEFAULT_AGENDA],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        said = ""
        while "Ctrl-C" not in said:
            line = proc.stdout.readline()
            assert line, said + (proc.stderr.read() if proc.stderr else "")
            said += line
        url = re.search(r"is at (http://\S+)", said)
        assert url, said
        with urllib.request.urlopen(url.group(1), timeout=30) as resp:
            page = resp.read().decode()
        today = datetime.now(NY)
        assert f"{today:%B} {today.day}, {today.year}" in page
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
