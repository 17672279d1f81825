"""The real console as the facilitator in end-to-end tests: the App under Pilot, driven with
the keys a facilitator presses (console/actions.py), its form on a real port.

``run_console`` starts a ``FacilitatorApp`` on a data folder, with the built-in form in the
App's event loop (what the App does when constructed directly) or reading another source,
and waits until it is ready. ``agenda_file`` writes the bundled agenda with a ``[questions]``
table of the test's own (mode, held words, a hosted form). Every wait is on a condition (the
board, the pushes, the screen), never a fixed sleep.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from textual.widgets import RadioButton, Static

from console import actions
from console.app import FacilitatorApp
from console.board.model import Board
from console.screens.participant_answer import ParticipantAnswerScreen
from console.widgets.question_detail import QuestionDetail
from tests.form_helpers import until
from tests.ui.board_helpers import BEFORE_START, focus_row, panel
from tests.ui.helpers import FakeNow, make_app

BUNDLED = Path(__file__).resolve().parents[2] / "agendas" / "school-safety-office-hours.toml"
SIZE = (140, 40)


def agenda_file(folder: Path, **questions: str | list[str]) -> Path:
    """The bundled agenda with these ``[questions]`` keys added (its last table), as a file."""
    lines = [f"{name} = {json.dumps(value)}" for name, value in questions.items()]
    text = BUNDLED.read_text(encoding="utf-8").rstrip("\n") + "\n" + "\n".join(lines) + "\n"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "office-hours.toml"
    path.write_text(text, encoding="utf-8")
    return path


class Console:
    """One running console: its App, its Pilot, and the facilitator's (or note-taker's) keys."""

    def __init__(self, app: FacilitatorApp, pilot: Any) -> None:
        self.app = app
        self.pilot = pilot

    @property
    def board(self) -> Board:
        return self.app.session.board

    @property
    def url(self) -> str:
        """The built-in form's address, as participants get it."""
        return self.app.form_url

    def key_of(self, text: str) -> str | None:
        return next((k for k in self.board.keys() if self.board.get(k).text == text), None)

    async def question(self, text: str) -> str:
        """Wait until the question is on this console's board; its key."""
        await until(lambda: self.key_of(text) is not None, f"{text!r} on the board")
        key = self.key_of(text)
        assert key is not None
        return key

    async def select(self, key: str) -> None:
        """Put the list's cursor on the question (its detail pane shows it), pressing ``f``
        first while the board's view leaves it out (an answered one, say)."""
        board_panel = panel(self.app)
        for _ in range(10):
            if key in {q.key for q in board_panel.wanted()}:
                break
            board_panel.query_one("QuestionBoard").focus()
            await self.pilot.press(actions.by_id("board.filter").keys)
        await focus_row(self.pilot, self.app, key)

    async def press(self, action_id: str, key: str) -> None:
        """Select the question in the list and press the action's key, as the facilitator
        does; return once what it saved is on disk."""
        await self.select(key)
        await self.pilot.press(actions.by_id(action_id).keys)
        await self.app.settle()
        await self.pilot.pause()

    async def reply(self, key: str, text: str, *, public: bool) -> None:
        """``w`` on the question: type the answer, choose who reads it, save (Enter)."""
        await self.press("board.reply", key)
        dialog = self.app.screen
        assert isinstance(dialog, ParticipantAnswerScreen)
        await self.pilot.press(*text)
        if not public:
            await self.pilot.press("tab", "down", "enter")  # the audience: "Private"
            assert dialog.query_one("#private", RadioButton).value
            await self.pilot.press("shift+tab")  # back to the text: Enter saves
        await self.pilot.press("enter")
        await until(lambda: self.app.screen is not dialog, "the answer dialog to close")
        await self.app.settle()
        await self.pilot.pause()

    async def view(self, name: str) -> list[str]:
        """Press ``f`` until the board shows the view ``name``; the keys it lists."""
        board_panel = panel(self.app)
        board_panel.query_one("QuestionBoard").focus()
        for _ in range(10):
            if board_panel.status_filter == name:
                break
            await self.pilot.press(actions.by_id("board.filter").keys)
        assert board_panel.status_filter == name, f"no {name!r} view on the board"
        await self.pilot.pause()
        return [q.key for q in board_panel.wanted()]

    def detail(self) -> str:
        """The detail pane's text for the selected question."""
        return str(self.app.screen.query_one(QuestionDetail).query_one(Static).render())

    async def pushed(self) -> None:
        """Wait until every push to a form says it is up to date (the first one at least)."""
        await until(
            lambda: (
                bool(self.app.form_syncs)
                and all(s.status.ok and not s.status.pending for s in self.app.form_syncs)
            ),
            "the decisions pushed to the form",
        )


@asynccontextmanager
async def run_console(
    root: Path,
    *,
    agenda: Path | None = None,
    form: bool = True,
    role: str = "facilitator",
    author: str = "Dana",
    config: str = "config",
) -> AsyncIterator[Console]:
    """A console on ``root`` (the sessions' data folder) under Pilot. The facilitator's hosts
    the built-in form (``form``) in its event loop, or follows the hosted form the agenda's
    ``[questions]`` names, and is ready once the first push went through; a note-taker's
    joins the latest session."""
    app = make_app(
        root,
        root.parent / config,
        FakeNow(BEFORE_START),
        agenda=str(agenda) if agenda is not None else None,
        role=role,
        author=author,
        form=form,
    )
    try:
        hosted = bool(app.session.agenda.questions.url)
        async with app.run_test(size=SIZE) as pilot:
            console = Console(app, pilot)
            if role == "facilitator" and form and not hosted:
                await until(lambda: bool(app.form_url), "the form to start")
            if role == "facilitator" and (form or hosted):
                await console.pushed()
            yield console
    finally:
        app.session.close()
