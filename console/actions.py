"""Every key of the console in one place: its id, default key, text, and who handles it.

One ``Action`` serves as the key binding, the footer entry, the command palette entry and
the keymap entry (the idea of davep/braindrop's command classes). Widgets and screens take
their ``BINDINGS`` from here (``BINDINGS = actions.bindings(actions.BOARD)``); the App lists
``PALETTES[screen]`` in the command palette and runs each entry on its handler, as the key
would. Users remap keys by id in ``config.toml`` (``[keys]``); ``docs/keys.md`` lists every
id and is checked against this file by ``tests/unit/test_actions.py``.

Each action string is a literal naming one ``action_`` method of its handler, with literal
arguments. This module imports no screen or widget (handlers are named, not imported), so
it stays cheap to load before the first frame.

Dialogs may keep their own local keys (Esc, y, ctrl+s) in their ``ModalScreen`` class;
their ids are listed in ``DIALOG_KEYS`` so the keymap documentation names them too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from console.action_types import Action as Action
from console.action_types import DialogKey as DialogKey
from console.action_types import Handler as Handler
from console.action_types import bindings as bindings
from console.action_types import facilitator_only as facilitator_only

if TYPE_CHECKING:
    from textual.screen import Screen


# The tables below are laid out by hand, two lines an action (ruff would give each argument
# a line of its own): id, key(s), action string and label, then the tooltip and the flags.
# fmt: off

def _app(id: str, keys: str, action: str, text: str, tip: str) -> Action:
    return Action(id, keys, action, text, tip, Handler.APP, footer=True)


APP: Final = (
    _app("quit", "ctrl+q", "quit", "Quit",
         "Leave the console (all is saved)"),
    _app("form_link", "ctrl+l", "show_form_link", "Form link",
         "Show the question form's link and QR code, and copy the link"),
)
"""On every screen."""


def _clock(id: str, keys: str, action: str, text: str, tip: str,
           key_display: str | None = None, *, only: bool = True,
           priority: bool = False) -> Action:
    return Action(id, keys, action, text, tip, Handler.MAIN_SCREEN, footer=True, palette=True,
                  key_display=key_display, facilitator_only=only, priority=priority)


CLOCK: Final = (
    _clock("start", "s", "start_session", "Start",
           "Start the session"),
    _clock("pause", "space", "toggle_pause", "Pause",
           "Pause or resume the clock"),
    _clock("next", "n", "next_segment", "Next",
           "Move to the next segment"),
    _clock("previous", "p", "previous_segment", "Prev",
           "Go back to the previous segment"),
    _clock("extend", "plus,equals_sign", "nudge(60)", "+1m",
           "Give the current segment a minute more", "+"),
    _clock("shorten", "minus", "nudge(-60)", "-1m",
           "Take a minute from the current segment", "-"),
    _clock("jump", "j", "jump_to_segment", "Jump to a segment",
           "Choose a segment of the run of show and move the clock there"),
    _clock("end", "ctrl+e", "end_session", "End",
           "End the session (asks first); works while typing", priority=True),
    _clock("report", "ctrl+r", "report", "Report",
           "Preview, export and copy the follow-up report", only=False),
    _clock("series", "ctrl+b", "series", "Series",
           "The series' open commitments: their age, close or re-open one", only=False),
)
"""The facilitator's main screen: the run-of-show clock, the end and the report. The clock
keys show disabled on a read-only console. The end is a priority binding: a text field that
has the focus would take ``ctrl+e`` as end of line (it keeps ``end`` for that)."""


def _pane(id: str, keys: str, action: str, text: str, tip: str) -> Action:
    return Action(id, keys, action, text, tip, Handler.MAIN_SCREEN, palette=True,
                  key_display=keys.upper())


PANES: Final = (
    _pane("focus_board", "f2", "focus_pane('board')", "Focus the board",
          "Move the focus to the question list, where the board keys act"),
    _pane("focus_notes", "f3", "focus_pane('notes')", "Focus the notes",
          "Move the focus to the entries of the open notes tab"),
    _pane("focus_run_of_show", "f4", "focus_pane('run_of_show')", "Focus the run of show",
          "Move the focus to the run of show, to pick a segment"),
)
"""The facilitator's main screen: one key per pane, free while typing (a text field takes no
function key). Each pane's frame shows its key, and the pane with the focus is lit."""


def _to_presenter(id: str, keys: str, action: str, text: str, tip: str) -> Action:
    return Action(id, keys, action, text, tip, Handler.MAIN_SCREEN, footer=bool(keys),
                  palette=True, facilitator_only=True)


TO_PRESENTER: Final = (
    _to_presenter("presenter.message", "ctrl+g", "message_presenter", "Message to presenter",
                  "Show a message on the presenter's console: a preset or your own words"),
    _to_presenter("presenter.wrap-up", "", "send_presenter_message('Wrap up')",
                  "Presenter: Wrap up", "Show \"Wrap up\" on the presenter's console"),
    _to_presenter("presenter.next-questions", "", "send_presenter_message('Next: questions')",
                  "Presenter: Next: questions",
                  "Show \"Next: questions\" on the presenter's console"),
    _to_presenter("presenter.two-minutes", "", "send_presenter_message('Two minutes')",
                  "Presenter: Two minutes", "Show \"Two minutes\" on the presenter's console"),
    _to_presenter("presenter.clear", "", "send_presenter_message('')",
                  "Presenter: clear the message", "Take the message off the presenter's console"),
)
"""Messages to the presenter's console (``run --role presenter``), from the main screen: the
key opens a prompt with the presets and a line for free text; the palette sends a preset at
once. The presets are ``console.session.presenter_message.PRESETS``."""


def _notes(id: str, keys: str, action: str, text: str, tip: str) -> Action:
    return Action(id, keys, action, text, tip, Handler.NOTES_PANEL, footer=True, palette=True)


NOTES: Final = (
    _notes("notes.capture", "ctrl+n", "notes('capture')", "New entry",
           "Type a new entry (the capture line)"),
    _notes("notes.filter", "ctrl+f", "notes('filter')", "Filter",
           "Filter the entries: words, #theme, seg:segment"),
    _notes("notes.notepad", "ctrl+o", "notes('notepad')", "Notepad",
           "Write in the segment's notepad"),
    _notes("notes.kind", "ctrl+t", "notes('kind')", "Kind",
           "Cycle the kind of the next entry (or start the line with ! > ? ~)"),
    _notes("notes.undo", "ctrl+z", "notes('undo')", "Undo delete",
           "Bring back the entry deleted last"),
)
"""The note panes. Both screens bind them too (their ``action_notes`` hands them to the
panes), so they work wherever the focus is."""


def _key(handler: Handler, id: str, keys: str, action: str, text: str, tip: str,
         footer: bool = True) -> Action:
    """A key of one widget or screen, not offered in the palette."""
    return Action(id, keys, action, text, tip, handler, footer=footer)


NOTES_LIST: Final = (
    _key(Handler.NOTES_LIST, "notes.edit", "e", "edit", "Edit",
         "Edit the entry under the cursor"),
    _key(Handler.NOTES_LIST, "notes.done", "x", "toggle_done", "Done",
         "Mark the action item done, or open again"),
    _key(Handler.NOTES_LIST, "notes.delete", "delete", "delete", "Delete",
         "Delete the entry (ctrl+z brings it back)"),
)
"""One note pane's list, on the entry under the cursor."""

CAPTURE_LINE: Final = (
    _key(Handler.CAPTURE_LINE, "capture.kind", "ctrl+t", "next_kind", "Kind",
         "Cycle the kind of the next entry (or start the line with ! > ? ~)"),
)
"""The capture line, while typing in it."""

TIMELINE: Final = (
    _key(Handler.AGENDA_TIMELINE, "timeline.up", "up", "cursor_up", "Up",
         "Highlight the segment above", footer=False),
    _key(Handler.AGENDA_TIMELINE, "timeline.down", "down", "cursor_down", "Down",
         "Highlight the segment below", footer=False),
    _key(Handler.AGENDA_TIMELINE, "timeline.first", "home", "first", "First",
         "Highlight the first segment", footer=False),
    _key(Handler.AGENDA_TIMELINE, "timeline.last", "end", "last", "Last",
         "Highlight the last segment", footer=False),
    _key(Handler.AGENDA_TIMELINE, "timeline.jump", "enter", "jump", "Jump here",
         "Jump to the highlighted segment (asks first; a click on a row does too)"),
)
"""The run of show's list, once focused (F4): a cursor on the segments."""


def _board(id: str, keys: str, action: str, text: str, tip: str, *, footer: bool = False,
           key_display: str | None = None, moderates: bool = False) -> Action:
    return Action(id, keys, action, text, tip, Handler.BOARD_PANEL, footer=footer, palette=True,
                  key_display=key_display, facilitator_only=moderates)


BOARD: Final = (
    _board("board.queue", "q", "moderate('queue')", "Queue",
           "Queue the question to take it", footer=True, moderates=True),
    _board("board.live", "l", "moderate('go_live')", "Live",
           "Put the question live (now answering)", footer=True, moderates=True),
    _board("board.answer", "a", "answer", "Answer",
           "Mark answered, with a short answer note", footer=True, moderates=True),
    _board("board.defer", "d", "moderate('defer')", "Defer",
           "Defer: we will follow up", footer=True, moderates=True),
    _board("board.dismiss", "x", "moderate('dismiss')", "Dismiss",
           "Dismiss (restorable with u)", footer=True, moderates=True),
    _board("board.restore", "u", "moderate('restore')", "Restore",
           "Restore a dismissed question", moderates=True),
    _board("board.star", "asterisk", "moderate('star')", "Star",
           "Star or unstar", key_display="*", moderates=True),
    _board("board.tag", "t", "tag", "Theme",
           "Tag with one of the agenda's themes (toggles)", moderates=True),
    _board("board.merge", "m", "merge", "Merge",
           "Merge this question into another (duplicates)", moderates=True),
    _board("board.unmerge", "M", "moderate('unmerge')", "Unmerge",
           "Take a duplicate out of its primary", moderates=True),
    _board("board.vote", "v", "moderate('plus_one')", "+1 vote",
           "Count a question raised again aloud", moderates=True),
    _board("board.publish", "U", "moderate('publish')", "Publish",
           "Show the question on the participants' list (takes back a hide)", moderates=True,
           key_display="U"),
    _board("board.hide", "h", "moderate('hide')", "Hide",
           "Keep the question off the participants' list (its asker still sees it)",
           moderates=True),
    _board("board.reply", "w", "reply", "Answer participants",
           "Write an answer for the participants: public on the list, or for the asker only"),
    _board("board.add", "i", "add_question", "Add",
           "Add a question heard aloud, in the chat or by email", footer=True),
    _board("board.search", "slash", "search", "Search",
           "Search the questions as you type", footer=True, key_display="/"),
    _board("board.filter", "f", "cycle_filter", "Filter",
           "Show open / all / answered / deferred / dismissed / held questions"),
    _board("board.theme-filter", "F", "theme_filter", "Theme filter",
           "Show one theme only"),
    _board("board.sort", "o", "toggle_sort", "Sort",
           "Sort newest first or most votes first"),
    _board("board.refresh", "r", "refresh_feeds", "Refresh",
           "Fetch the question sources now"),
    _board("board.accept-feed", "A", "accept_feed", "Accept smaller feed",
           "A source lost most of its questions: take its smaller list (questions with a "
           "decision or a note stay)"),
    _board("board.zoom", "z", "zoom", "Zoom",
           "Give the board the whole screen, or give it back (Esc)"),
    _board("board.presenter", "P", "presenter", "Presenter",
           "Presenter view of the live question, safe to share", footer=True, key_display="P"),
)
"""The question board, on the highlighted question. A note-taker's board only reads: the
moderation keys are off there."""

BOARD_SEARCH: Final = (
    _key(Handler.BOARD_SEARCH, "board.search-clear", "escape", "clear_search", "Clear",
         "Clear the search and go back to the list"),
)
"""The board's search box."""

QUESTION_BOARD: Final = (
    _key(Handler.QUESTION_BOARD, "board.cursor-up", "up", "cursor_up", "Up",
         "Highlight the question above", footer=False),
    _key(Handler.QUESTION_BOARD, "board.cursor-down", "down", "cursor_down", "Down",
         "Highlight the question below", footer=False),
    _key(Handler.QUESTION_BOARD, "board.page-up", "pageup", "page_up", "Page up",
         "Move the highlight a page up", footer=False),
    _key(Handler.QUESTION_BOARD, "board.page-down", "pagedown", "page_down", "Page down",
         "Move the highlight a page down", footer=False),
    _key(Handler.QUESTION_BOARD, "board.first", "home", "first", "First",
         "Highlight the first question", footer=False),
    _key(Handler.QUESTION_BOARD, "board.last", "end", "last", "Last",
         "Highlight the last question", footer=False),
    _key(Handler.QUESTION_BOARD, "board.enter-live", "enter", "put_live", "Live",
         "Put the highlighted question live", footer=False),
)
"""The question list itself (enter goes through the board panel, which checks the role)."""

PRESENTER: Final = (
    _key(Handler.PRESENTER, "presenter.close", "escape", "close", "Close",
         "Back to the console"),
)
"""The presenter view (P on the board)."""


def _report(id: str, keys: str, action: str, text: str, tip: str) -> Action:
    return Action(id, keys, action, text, tip, Handler.REPORT_SCREEN, footer=True, palette=True)


REPORT: Final = (
    _key(Handler.REPORT_SCREEN, "report.close", "escape", "close", "Close",
         "Back to the console"),
    _report("report.export", "e", "export", "Export",
            "Write the report in the chosen format to the session's reports folder"),
    _report("report.copy", "c", "copy", "Copy",
            "Copy the report as Markdown (its summary when long) and save it"),
    _report("report.format", "f", "cycle_format", "Format",
            "Switch the export format (Markdown, HTML, CSV, JSON)"),
    _report("report.refresh", "r", "rebuild", "Refresh",
            "Read the session again and rebuild the preview"),
    _report("report.transcript", "t", "transcript", "Captions",
            "Read the recording's captions and review each answer as spoken"),
)
"""The report screen (ctrl+r)."""


def _spoken(id: str, keys: str, action: str, text: str, tip: str) -> Action:
    return Action(id, keys, action, text, tip, Handler.TRANSCRIPT_SCREEN, footer=True)


TRANSCRIPT: Final = (
    _key(Handler.TRANSCRIPT_SCREEN, "transcript.close", "escape", "close", "Back",
         "Back to the report"),
    _spoken("transcript.keep", "k", "keep", "Keep",
            "Keep this answer as spoken in the report (and the FAQ)"),
    _spoken("transcript.edit", "e", "edit", "Edit",
            "Edit the answer as spoken, then keep it"),
    _spoken("transcript.drop", "d", "drop", "Drop",
            "Leave this answer as spoken out of the report"),
)
"""Answers as spoken, for review (t on the report screen)."""
def _series(id: str, keys: str, action: str, text: str, tip: str) -> Action:
    return Action(id, keys, action, text, tip, Handler.SERIES_SCREEN, footer=True, palette=True)


SERIES: Final = (
    _key(Handler.SERIES_SCREEN, "series.close", "escape", "close", "Close",
         "Back to the console"),
    _series("series.close_item", "c", "close_item", "Close item",
            "Close the selected item with a note, written as a participant answer"),
    _series("series.reopen_item", "o", "reopen_item", "Re-open item",
            "Re-open the selected closed item in this session"),
    _series("series.refresh", "r", "rebuild", "Refresh",
            "Read the sessions of the series again"),
)
"""The series screen (ctrl+b): the ledger of open commitments."""

_CLOSE_FORM: Final = "Close the question form"
_CLOSE_TIP: Final = "Stop taking questions for now; participants see that the form is closed"
_REOPEN_FORM: Final = "Reopen the question form"
_REOPEN_TIP: Final = "Take questions again (also after the session has ended)"

FORM_LINK: Final = (
    _key(Handler.FORM_LINK, "form_link.close", "escape", "app.pop_screen", "Back",
         "Back to the console"),
    _key(Handler.FORM_LINK, "form_link.copy", "c", "copy", "Copy link",
         "Copy the link again"),
    _key(Handler.FORM_LINK, "form_link.close_form", "x", "set_form_open(False)", _CLOSE_FORM,
         _CLOSE_TIP),
    _key(Handler.FORM_LINK, "form_link.reopen_form", "o", "set_form_open(True)", _REOPEN_FORM,
         _REOPEN_TIP),
)
"""The form link screen (ctrl+l)."""

FORM: Final = (
    Action("form.close", "", "set_form_open(False)", _CLOSE_FORM, _CLOSE_TIP, Handler.APP,
           palette=True),
    Action("form.reopen", "", "set_form_open(True)", _REOPEN_FORM, _REOPEN_TIP, Handler.APP,
           palette=True),
)
"""The form link screen's x and o, offered in the main screen's palette (no key there)."""

CONFIRM: Final = (
    _key(Handler.CONFIRM, "confirm.cancel", "escape", "answer(False)", "Cancel",
         "Say no and close"),
    _key(Handler.CONFIRM, "confirm.yes", "y", "answer(True)", "Yes",
         "Say yes", footer=False),
)
"""The yes/no question (ending the session, deleting an entry)."""

NOTE_EDITOR: Final = (
    _key(Handler.NOTE_EDITOR, "editor.save", "ctrl+s", "save", "Save",
         "Save the entry"),
    _key(Handler.NOTE_EDITOR, "editor.cancel", "escape", "cancel", "Cancel",
         "Close without saving"),
)
"""The note editor (e on an entry)."""

# fmt: on

ALL: Final[tuple[Action, ...]] = (
    *APP,
    *CLOCK,
    *TO_PRESENTER,
    *PANES,
    *TIMELINE,
    *NOTES,
    *NOTES_LIST,
    *CAPTURE_LINE,
    *BOARD,
    *BOARD_SEARCH,
    *QUESTION_BOARD,
    *PRESENTER,
    *REPORT,
    *TRANSCRIPT,
    *SERIES,
    *FORM_LINK,
    *FORM,
    *CONFIRM,
    *NOTE_EDITOR,
)
"""Every action, in the order of the keymap documentation."""

PALETTES: Final[Mapping[Handler, tuple[Action, ...]]] = {
    Handler.MAIN_SCREEN: (*CLOCK, *TO_PRESENTER, *PANES, *NOTES, *BOARD, *FORM),
    Handler.NOTES_SCREEN: NOTES,
    Handler.REPORT_SCREEN: REPORT,
    Handler.SERIES_SCREEN: SERIES,
}
"""What each screen's command palette offers (its entries with ``palette`` set), in order."""

REFUSED: Final[Mapping[Handler, str]] = {
    Handler.BOARD_PANEL: "Only the facilitator moderates questions.",
}
"""What the palette says when it is asked for a disabled action of this handler."""


def by_id(action_id: str) -> Action:
    """The action with this id (its default key for a hint, say); KeyError if there is none."""
    for action in ALL:
        if action.id == action_id:
            return action
    raise KeyError(action_id)


def known_ids() -> frozenset[str]:
    """Every id ``config.toml``'s ``[keys]`` may remap (actions and the dialogs' local keys)."""
    return frozenset(a.id for a in ALL) | frozenset(d.id for d in DIALOG_KEYS)


def palette(screen: Screen[Any]) -> tuple[Action, ...]:
    """The command palette entries of ``screen``."""
    for handler, offered in PALETTES.items():
        if handler.handles(screen):
            return tuple(action for action in offered if action.palette)
    return ()


DIALOG_KEYS: Final = (
    DialogKey(
        "prompt.cancel",
        "escape",
        "Cancel",
        "AnswerNoteScreen, AddQuestionScreen, ChoiceScreen, PresenterMessageScreen, "
        "ParticipantAnswerScreen, SpokenEditScreen",
    ),
    DialogKey("prompt.save", "ctrl+s", "Add", "AddQuestionScreen"),
    DialogKey("spoken.save", "ctrl+s", "Save", "SpokenEditScreen"),
)
"""Local keys of the question dialogs (answer note, add a question, choose from a list) and of
the message to the presenter."""
