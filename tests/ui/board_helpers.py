"""Shared pieces of the board's Pilot tests: seeding questions, reading what was saved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from console.board.model import Board
from console.feeds.model import FeedQuestion
from console.store import SessionFolder
from console.widgets.board_panel import BoardPanel
from console.widgets.question_board import QuestionBoard

BEFORE_START = datetime(2025, 12, 17, 20, 25, tzinfo=UTC)


def fq(i: int, text: str | None = None, **kw: Any) -> FeedQuestion:
    return FeedQuestion(
        source_id=str(i),
        text=text if text is not None else f"Question number {i}?",
        submitted_at=BEFORE_START - timedelta(minutes=60 - i),
        **kw,
    )


def seed(app: Any, questions: list[FeedQuestion], label: str = "form") -> None:
    """Put feed questions on the app's board as a poll would (before or during the run)."""
    app.session.board.update_feed(label, questions, None)


def panel(app: Any) -> BoardPanel:
    return app.screen.query_one(BoardPanel)


def table(app: Any) -> QuestionBoard:
    return app.screen.query_one(QuestionBoard)


async def focus_row(pilot: Any, app: Any, key: str) -> None:
    """Focus the list with the cursor on one question."""
    t = table(app)
    panel(app).repaint()
    t.focus()
    assert t.select_key(key), f"{key} is not in the list"
    await pilot.pause()


def saved_board(app: Any, questions: list[FeedQuestion], role: str = "facilitator") -> Board:
    """A fresh board built from what is on disk (a new reader of the session folder)."""
    folder = SessionFolder.open(Path(app.session.folder.path))
    records, _warnings = folder.read_all()
    board = Board("someone-else", lambda: BEFORE_START, role=role)
    board.load(records.values())
    board.update_feed("form", questions, None)
    return board


def row_text(t: QuestionBoard, key: str) -> str:
    """The plain text of a rendered row of the list (what the terminal shows)."""
    index = t.get_row_index(key)
    row_y = index + 1 - int(t.scroll_y)  # +1: the header line
    strip = t.render_line(row_y)
    return "".join(segment.text for segment in strip)


def screen_lines(app: Any) -> list[str]:
    """The text of every line of the terminal as drawn now (what capture-pane would show)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def board_lines(app: Any) -> list[str]:
    """The lines of the screen that the question board's region covers, cut to it."""
    region = panel(app).region
    lines = screen_lines(app)[region.y : region.bottom]
    return [line[region.x : region.right] for line in lines]
