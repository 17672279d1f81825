"""Three sessions of a series, run the way ``facilitator run`` runs them (``prepare`` and
``LiveSession.open``, which carries open items over at ``--follow-up``), saved in the
facilitator's own file. Used by the ledger's unit and console tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from console.session.live import LiveSession
from console.session.setup import prepare
from tests.ui.helpers import FakeNow

FRAN = "Fran Facilitator"
AGENDA = "school-safety-follow-up"
"""Bundled: its "carried-over" segment (15 min) takes 2 minutes per carried item."""
SERIES = "School Safety Office Hours"
DRILLS = "Drills and exercises"
Q_A = "How often are drills? <script>alert(1)</script>"
Q_B = "Who pays for cameras? **bold** | pipe [x](http://evil.example)"
Q_C = "Answered on the spot"
Q_D = "A new drills question in session two"
ACT_X = "Send the drill checklist <img src=x onerror=alert(1)>"
ACT_Y = "Done in the session"
CLOSE_NOTE = "Budget line 4 <b>covers</b> it | see [doc](http://evil.example)"
DAY1 = datetime(2025, 12, 17, 20, 0, tzinfo=UTC)  # 15:00 in New York
DAY2 = datetime(2026, 1, 21, 20, 0, tzinfo=UTC)
DAY3 = datetime(2026, 2, 18, 20, 0, tzinfo=UTC)


def open_session(
    root: Path, now: FakeNow, follow_up: str | None = None, session: str | None = None
) -> LiveSession:
    launch = prepare(
        root=root,
        agenda_ref=AGENDA,
        session_ref=session,
        new=session is None,
        role="facilitator",
        author=FRAN,
        read_only=False,
        rehearsal=False,
        follow_up_of=follow_up,
        now=now,
    )
    live = LiveSession(launch, now=now)
    live.open()
    return live


def _save(live: LiveSession, records: list[Any]) -> None:
    assert live.file is not None
    live.file.put_many(records)


def _start(live: LiveSession, now: FakeNow) -> None:
    now.advance(30 * 60)  # 15:30 in New York
    _events, record = live.start()
    assert record is not None
    _save(live, [record])
    live.folder.update_info(**live.session_changes())


def _finish(live: LiveSession, now: FakeNow) -> None:
    now.advance(45 * 60)
    _events, record = live.finish()
    assert record is not None
    _save(live, [record])
    live.folder.update_info(**live.session_changes())
    live.close()


def _ask(live: LiveSession, text: str, theme: str | None) -> str:
    key, records = live.board.add_manual(text, "aloud")
    _save(live, records)
    if theme:
        _save(live, live.board.tag(key, theme))
    return key


def first_session(root: Path) -> str:
    now = FakeNow(DAY1)
    live = open_session(root, now)
    _start(live, now)
    _save(live, live.board.defer(_ask(live, Q_A, "drills")))
    _ask(live, Q_B, "funding")  # never reached
    _save(live, live.board.answer(_ask(live, Q_C, "drills"), "said"))
    _note, record = live.notebook.add(ACT_X + " @Ana", "action")
    _save(live, [record])
    note, record = live.notebook.add(ACT_Y, "action")
    _save(live, [record, live.notebook.set_done(note.id, True)])
    _finish(live, now)
    return live.folder.info.id


def second_session(root: Path, first: str) -> str:
    now = FakeNow(DAY2)
    live = open_session(root, now, follow_up=first)
    assert "2 questions and 1 action item carried over" in live.carried_summary
    assert live.carried_length is not None and live.carried_length.minutes == 6
    _start(live, now)
    by_text = {q.text: q.key for q in live.board.questions()}
    _save(live, live.board.answer(by_text[Q_A], "answered in January"))
    carried_x = next(n for n in live.notebook.notes(kind="action") if n.text.startswith("Send"))
    _save(live, [live.notebook.set_done(carried_x.id, True)])
    _save(live, live.board.defer(_ask(live, Q_D, "drills")))
    _finish(live, now)
    return live.folder.info.id
