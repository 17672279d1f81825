"""The editor for one entry: text, kind, themes, owner, due date, done, and its links.

A link can point at ANY segment of the agenda or ANY question on the board, not only the
ones in play when the entry was typed. The screen does not save: it hands the changed
fields to ``on_save``, which returns a problem to show (the editor stays open, nothing
typed is lost) or None (the editor closes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, tzinfo
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, SelectionList, Static, TextArea

from console import actions
from console.notes.markers import parse_due
from console.notes.notebook import KINDS, Note
from console.widgets.capture_line import KIND_LABELS
from console.widgets.notes_list import CARRIED_GLYPH

QUESTION_PROMPT_WIDTH = 70

SaveHandler = Callable[[dict[str, Any]], str | None]


def _short(text: str, width: int = QUESTION_PROMPT_WIDTH) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def carried_sentence(note: Note, tz: tzinfo) -> str:
    """Where a carried-over item came from, as a sentence (empty for other entries)."""
    origin = note.carried_from
    if origin is None:
        return ""
    words = origin.describe(tz)
    by = f", where {origin.author} wrote it" if origin.author else ""
    return f"{CARRIED_GLYPH} {words[:1].upper()}{words[1:]}{by}."


class NoteEditor(ModalScreen[bool]):
    """Edit one of your own entries; dismissed with True once saved, False when cancelled."""

    DEFAULT_CSS = """
    NoteEditor { align: center middle; }
    NoteEditor > Vertical {
        width: 90; max-width: 100%; height: auto; max-height: 100%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    NoteEditor VerticalScroll { height: auto; max-height: 1fr; }
    NoteEditor Label { margin-top: 1; color: $text-muted; }
    NoteEditor #editor-carried { color: $accent; }
    NoteEditor #editor-text { height: 6; }
    NoteEditor SelectionList { height: auto; max-height: 6; }
    NoteEditor .row { height: auto; }
    NoteEditor .row > Vertical { width: 1fr; height: auto; }
    NoteEditor #editor-problem { color: $error; height: auto; }
    NoteEditor #editor-buttons { height: auto; align-horizontal: right; margin-top: 1; }
    NoteEditor Button { margin-left: 1; }
    """
    BINDINGS = actions.bindings(actions.NOTE_EDITOR)

    def __init__(
        self,
        note: Note,
        *,
        themes: Sequence[str],
        segments: Sequence[tuple[str, str]],
        questions: Sequence[tuple[str, str]],
        today: date,
        on_save: SaveHandler,
        tz: tzinfo = UTC,
    ) -> None:
        super().__init__()
        self.tz = tz
        self.note = note
        self.themes = tuple(themes)
        self.segments = list(segments)
        self.questions = list(questions)
        self.today = today
        self.on_save = on_save

    def compose(self) -> ComposeResult:
        note = self.note
        with Vertical():
            yield Static(Text(f"Edit {KIND_LABELS[note.kind].lower()} by {note.author}"))
            if note.carried_from is not None:
                yield Static(Text(carried_sentence(note, self.tz)), id="editor-carried")
            with VerticalScroll():
                yield Label("Text")
                yield TextArea(note.text, soft_wrap=True, tab_behavior="focus", id="editor-text")
                with Horizontal(classes="row"):
                    with Vertical():
                        yield Label("Kind")
                        yield Select(
                            [(KIND_LABELS[k], k) for k in KINDS],
                            value=note.kind,
                            allow_blank=False,
                            id="editor-kind",
                        )
                    with Vertical():
                        yield Label("Action item")
                        yield Checkbox("Done", note.done, id="editor-done")
                with Horizontal(classes="row"):
                    with Vertical():
                        yield Label("Owner")
                        yield Input(note.owner or "", placeholder="who does it", id="editor-owner")
                    with Vertical():
                        yield Label("Due (YYYY-MM-DD, today, +3d)")
                        yield Input(
                            note.due.isoformat() if note.due else "",
                            placeholder="no due date",
                            id="editor-due",
                        )
                yield Label("Themes")
                yield SelectionList[str](
                    *[(Text(f"#{t}"), t, t in note.themes) for t in self.themes],
                    id="editor-themes",
                )
                yield Label("Segment")
                yield Select(
                    self._options(self.segments, note.segment_id),
                    value=note.segment_id if note.segment_id is not None else Select.NULL,
                    prompt="(no segment)",
                    id="editor-segment",
                )
                yield Label("Question")
                yield Select(
                    self._options(self.questions, note.question_key),
                    value=note.question_key if note.question_key is not None else Select.NULL,
                    prompt="(no question)",
                    id="editor-question",
                )
            yield Static("", id="editor-problem", markup=False)
            with Horizontal(id="editor-buttons"):
                yield Button("Cancel", id="editor-cancel")
                yield Button("Save (ctrl+s)", id="editor-save", variant="primary")

    @staticmethod
    def _options(choices: Sequence[tuple[str, str]], current: str | None) -> list[tuple[Text, str]]:
        options = [(Text(_short(label)), value) for value, label in choices]
        if current is not None and all(value != current for value, _ in choices):
            options.append((Text(f"{current} (not in this session)"), current))
        return options

    def on_mount(self) -> None:
        self.query_one("#editor-text", TextArea).focus()

    def changes(self) -> dict[str, Any]:
        """The fields as the form shows them; raises ValueError for a date it cannot read."""
        due_text = self.query_one("#editor-due", Input).value.strip()
        due: date | None = None
        if due_text:
            due = parse_due(due_text, self.today)
            if due is None:
                raise ValueError(
                    f"Due date {due_text!r} is not a date (use YYYY-MM-DD, today or +3d)."
                )
        segment = self.query_one("#editor-segment", Select).value
        question = self.query_one("#editor-question", Select).value
        return {
            "text": self.query_one("#editor-text", TextArea).text,
            "kind": self.query_one("#editor-kind", Select).value,
            "themes": list(self.query_one("#editor-themes", SelectionList).selected),
            "owner": self.query_one("#editor-owner", Input).value,
            "due": due.isoformat() if due else None,
            "done": self.query_one("#editor-done", Checkbox).value,
            "segment_id": None if segment is Select.NULL else segment,
            "question_key": None if question is Select.NULL else question,
        }

    def action_save(self) -> None:
        problem = self.query_one("#editor-problem", Static)
        try:
            changes = self.changes()
        except ValueError as exc:
            problem.update(Text(str(exc)))
            return
        error = self.on_save(changes)
        if error:
            problem.update(Text(error))
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "editor-save":
            self.action_save()
        else:
            self.action_cancel()
