"""The board's dialogs, opened by whichever screen holds a ``BoardPanel``.

The panel is a widget and opens no screens: a key that needs a dialog posts
``BoardPanel.DialogRequested`` (which dialog, about which question), and the screen's handler
calls ``open_dialog``, which opens it and hands the answer back to the panel (``apply``,
``select_question``, ``filter_theme``). Nothing here is imported by the panel, and nothing
here imports the panel at run time (the main screen paints before the board is loaded).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

if TYPE_CHECKING:
    from console.screens.add_question import ManualQuestion
    from console.store import Record
    from console.widgets.board_panel import BoardDialog, BoardPanel


def open_dialog(screen: Screen[Any], event: BoardPanel.DialogRequested) -> None:
    """Open the dialog the panel asked for (``event.dialog``)."""
    DIALOGS[event.dialog](screen, event.control, event.key)


def answer_note(screen: Screen[Any], panel: BoardPanel, key: str) -> None:
    """``a``: mark the question answered, with a short answer note."""
    from console.screens.answer_note import AnswerNoteScreen

    session = panel.session
    q = session.board.get(key)

    def done(note: str | None) -> None:
        if note is not None:
            panel.apply(lambda: session.board.answer(key, note, session.segment_id))

    screen.app.push_screen(AnswerNoteScreen(q.text, q.answer_note), done)


def reply(screen: Screen[Any], panel: BoardPanel, key: str) -> None:
    """``w``: an answer for the participants, public or for the asker only. Any console may
    write one (a note-taker's reaches the form through the facilitator's console)."""
    from console.screens.participant_answer import ParticipantAnswerScreen, ParticipantReply

    session = panel.session
    q = session.board.get(key)

    def done(result: ParticipantReply | None) -> None:
        if result is None:
            return

        def add() -> list[Record]:
            _answer_id, records = session.board.add_participant_answer(
                key, result.text, public=result.public
            )
            return records

        if panel.apply(add):
            shown = "on the participants' list" if result.public else "for the asker only"
            panel.notify(f"Answer saved, {shown}.")

    screen.app.push_screen(ParticipantAnswerScreen(q.text), done)


def tag(screen: Screen[Any], panel: BoardPanel, key: str) -> None:
    """``t``: toggle one of the agenda's themes on the question."""
    from console.screens.choice import ChoiceScreen

    session = panel.session
    have = session.board.get(key).themes
    items = [(t.id, f"{'✓' if t.id in have else ' '} {t.label}") for t in session.agenda.themes]
    if not items:
        panel.notify("This agenda names no themes.", severity="warning")
        return

    def done(theme: str | None) -> None:
        if theme:
            panel.apply(lambda: session.board.tag(key, theme))

    screen.app.push_screen(ChoiceScreen("Tag with a theme (toggles)", items), done)


def merge(screen: Screen[Any], panel: BoardPanel, key: str) -> None:
    """``m``: merge the question into another one (a duplicate)."""
    from console.screens.choice import ChoiceScreen

    board = panel.session.board
    items = [
        (q.key, f"[{q.votes}] {panel.short(q.key)}")
        for q in board.questions(status=None)
        if q.key != key
    ]
    if not items:
        panel.notify("There is no other question to merge into.", severity="warning")
        return

    def done(target: str | None) -> None:
        if target:
            panel.apply(lambda: board.merge(target, [key]))

    screen.app.push_screen(ChoiceScreen("Merge this question into…", items), done)


def add_question(screen: Screen[Any], panel: BoardPanel, _key: str) -> None:
    """``i``: a question heard aloud, in the chat or by email, typed in by hand."""
    from console.screens.add_question import AddQuestionScreen

    session = panel.session

    def done(result: ManualQuestion | None) -> None:
        if result is None:
            return
        added: list[str] = []

        def add() -> list[Record]:
            key, records = session.board.add_manual(
                result.text,
                result.origin,
                result.asker,
                session.segment_id,
                display_name=result.display_name,
            )
            added.append(key)
            return records

        if panel.apply(add):
            panel.select_question(added[0])

    screen.app.push_screen(AddQuestionScreen(), done)


def theme_filter(screen: Screen[Any], panel: BoardPanel, _key: str) -> None:
    """``F``: show the questions of one theme, or of all."""
    from console.screens.choice import ChoiceScreen

    items = [("", "All themes"), *((t.id, t.label) for t in panel.session.agenda.themes)]

    def done(theme: str | None) -> None:
        if theme is not None:
            panel.filter_theme(theme or None)

    screen.app.push_screen(ChoiceScreen("Show questions of one theme", items), done)


def presenter(screen: Screen[Any], _panel: BoardPanel, _key: str) -> None:
    """``P``: the presenter view of the live question, safe to share."""
    from console.screens.presenter import PresenterScreen

    screen.app.push_screen(PresenterScreen())


DIALOGS: dict[BoardDialog, Callable[[Screen[Any], BoardPanel, str], None]] = {
    "answer": answer_note,
    "tag": tag,
    "merge": merge,
    "add": add_question,
    "theme_filter": theme_filter,
    "presenter": presenter,
    "reply": reply,
}
"""Each dialog a board key may ask for, named in code (no lookup by a name from a message)."""
