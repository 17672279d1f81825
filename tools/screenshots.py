"""Render the README's screenshots (SVG) from a scripted session with a frozen clock.

    uv run python tools/screenshots.py [OUT_DIR]

Uses the same headless driver as the tests; nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from console.feeds.model import FeedQuestion
from tests.ui.helpers import FakeNow, make_app

START = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)
QUESTIONS = [
    ("1", "How often are lockdown drills required, and who evaluates them?", "Maria G.", 4),
    ("2", "Is there funding for door-lock upgrades in older buildings?", None, 7),
    (
        "3",
        "What is my role on the school security and safety committee as a teacher?",
        "J. Chen",
        2,
    ),
    ("4", "How do substitutes learn the plan on day one?", None, 3),
    ("5", "Can the radio system reach the portable classrooms?", "Pat", 1),
]


def feed() -> list[FeedQuestion]:
    return [
        FeedQuestion(
            source_id=i,
            text=t,
            asker=a,
            submitted_at=START + timedelta(minutes=int(i)),
            votes=v,
            display_name=True,
        )
        for i, t, a, v in QUESTIONS
    ]


async def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        now = FakeNow(START)
        app = make_app(Path(tmp) / "data", Path(tmp) / "cfg", now, form=True)
        app.startup_message = ""
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("s")
            now.advance(6 * 60)
            await pilot.press("n")
            now.advance(14 * 60 + 20)
            session = app.session
            records = session.board.update_feed("form", feed(), session.segment_id)
            key = session.board.keys()[1]
            records += session.board.go_live(key, session.segment_id)
            await app.persist(records)
            for line, kind in [
                (
                    "Teachers unsure who calls a lockdown when the principal is out #roles",
                    "concern",
                ),
                ("Send the drill evaluation checklist to districts @Lee due:2026-01-09", "action"),
                ("Plain-language summary of 10-222n for staff #training", "resource"),
            ]:
                _note, record = session.notebook.add(line, kind, session.segment_id, key)
                await app.persist(record)
            app.tick()
            await pilot.pause(0.5)
            await app.settle()
            app.last_saved_at = None
            app.session_changed()  # every view re-reads the session (the header: not saved)
            await pilot.pause(0.3)
            app.save_screenshot(str(out / "main-120x40.svg"))
            from console.widgets.question_board import QuestionBoard

            app.screen.query_one(QuestionBoard).focus()
            await pilot.press("P")
            await pilot.pause(0.3)
            app.save_screenshot(str(out / "presenter.svg"))
            await pilot.press("escape")
            await pilot.resize_terminal(80, 24)
            await pilot.pause(0.5)
            app.save_screenshot(str(out / "main-80x24.svg"))
        app.session.close()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"))
