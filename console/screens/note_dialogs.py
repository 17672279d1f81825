"""The note panes' dialogs, opened by whichever screen holds a ``NotesPanel``.

The panel is a widget and opens no screens: it posts ``NotesPanel.PasteOffered`` (a paste
the capture line refused) or ``NotesPanel.EditRequested`` (edit an entry), and the screen's
handler calls one of these, which opens the dialog and hands the answer back to the panel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from console.host import host_of

if TYPE_CHECKING:
    from console.widgets.notes_panel import NotesPanel


def ask_about_paste(screen: Screen[Any], event: NotesPanel.PasteOffered) -> None:
    """Ask whether to add a refused paste as the entries offered (yes / escape)."""
    from console.screens.confirm import ConfirmScreen

    panel, offer = event.control, event.offer

    def answered(ok: bool | None) -> None:
        panel.paste_answered(offer, ok)

    screen.app.push_screen(ConfirmScreen(offer.question, yes=offer.yes), answered)


def edit_entry(screen: Screen[Any], event: NotesPanel.EditRequested) -> None:
    """Open the editor of one entry; every segment and every question can be linked."""
    from console.screens.note_editor import NoteEditor

    panel, note = event.control, event.note
    host = host_of(screen)
    session = host.session

    def on_save(changes: dict[str, Any]) -> str | None:
        return panel.save_edit(note.id, changes)

    screen.app.push_screen(
        NoteEditor(
            note,
            themes=session.notebook.themes,
            segments=[(s.id, s.title) for s in session.agenda.segments],
            questions=[(q.key, q.text) for q in session.board.questions()],
            today=host.now().astimezone(session.agenda.tz).date(),
            on_save=on_save,
            tz=session.agenda.tz,
        )
    )
