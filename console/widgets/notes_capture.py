"""Adding entries to the notes panel: one typed line, or the parts of an accepted paste.

Kept apart from ``notes_panel.py`` (which stays under the module size limit): the panel's
``CaptureLine.Submitted`` handler and ``paste_answered`` call these functions, which add the
entries to the notebook and hand the records back to the panel to save and show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from console.notes.notebook import NoteTooLong
from console.widgets.capture_line import CaptureLine
from console.widgets.notes_list import NotesList, first_line
from console.widgets.notes_tabs import PANE_TITLES

if TYPE_CHECKING:
    from console.notes.notebook import Note
    from console.session.live import LiveSession
    from console.store import Record

READ_ONLY = "This console is read-only (--read-only): nothing is saved."


class CapturingPanel(Protocol):
    """What these functions need of the notes panel."""

    @property
    def session(self) -> LiveSession: ...

    @property
    def capture(self) -> CaptureLine: ...

    def notes_list(self, kind: str) -> NotesList: ...

    def show_detail(self, note_id: str | None) -> None: ...

    def _stage(self, records: list[Record], note_ids: list[str]) -> None: ...

    def _show_one(self, note: Note) -> None: ...


def add_entry(session: LiveSession, text: str, kind: str) -> tuple[Note, Record]:
    """Add one entry, tied to the current segment and the live question."""
    live = session.board.live_question
    return session.notebook.add(
        text,
        kind,
        segment_id=session.segment_id,
        question_key=live.key if live is not None else None,
    )


def add_one(panel: CapturingPanel, event: CaptureLine.Submitted) -> None:
    """Add the line the capture line submitted, select it and say where it went."""
    request = event.request
    if panel.session.read_only:
        event.capture.refuse(READ_ONLY, event.raw)
        return
    try:
        note, record = add_entry(panel.session, request.text, request.kind)
    except (NoteTooLong, ValueError) as exc:
        event.capture.refuse(str(exc), event.raw)
        return
    panel._stage([record], [note.id])
    panel._show_one(note)
    lst = panel.notes_list(note.kind)
    if lst.shows(note.id):  # a filter may hide it
        lst.move_cursor(row=lst.row_of(note.id))
    panel.show_detail(note.id)  # its owner and due, whichever tab is open
    event.capture.accepted(f"→ {PANE_TITLES[note.kind]}: {first_line(note.text, 40)} · saving…")


def add_many(panel: CapturingPanel, parts: list[str], kind: str) -> None:
    """Add each part of an accepted paste; say how many were added and why others were not."""
    if panel.session.read_only:
        panel.capture.refuse(READ_ONLY)
        return
    records: list[Record] = []
    notes: list[Note] = []
    problems: list[str] = []
    for number, part in enumerate(parts, 1):
        try:
            note, record = add_entry(panel.session, part, kind)
        except (NoteTooLong, ValueError) as exc:
            problems.append(f"part {number}: {exc}")
            continue
        notes.append(note)
        records.append(record)
    if records:
        panel._stage(records, [n.id for n in notes])
        for note in notes:
            panel._show_one(note)
    summary = f"Added {len(records)} of {len(parts)} entries from the paste"
    if problems:
        panel.capture.refuse(f"{summary}; not added: {'; '.join(problems)}")
    else:
        panel.capture.say(f"{summary} · saving…")
