"""The types behind the key tables of ``actions.py``: ``Handler``, ``Action``, ``DialogKey``.

They live apart so ``actions.py`` stays the one file a newcomer reads to find every key (the
tables only), and so both stay under the module size limit. ``actions.py`` re-exports every
name here; code keeps writing ``actions.Action``, ``actions.bindings(...)`` and so on. Like
``actions.py``, this module imports no screen or widget (handlers are named, not imported).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from textual.actions import parse
from textual.binding import Binding, BindingType

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.screen import Screen


class Handler(StrEnum):
    """The class whose ``action_`` method runs an action, as ``module:Class``."""

    APP = "console.app:FacilitatorApp"
    MAIN_SCREEN = "console.screens.main_screen:MainScreen"
    NOTES_SCREEN = "console.screens.notes_screen:NotesScreen"
    REPORT_SCREEN = "console.screens.report_screen:ReportScreen"
    TRANSCRIPT_SCREEN = "console.screens.transcript_screen:TranscriptScreen"
    SERIES_SCREEN = "console.screens.series_screen:SeriesScreen"
    PRESENTER = "console.screens.presenter:PresenterScreen"
    FORM_LINK = "console.screens.form_link:FormLinkScreen"
    CONFIRM = "console.screens.confirm:ConfirmScreen"
    NOTE_EDITOR = "console.screens.note_editor:NoteEditor"
    BOARD_PANEL = "console.widgets.board_panel:BoardPanel"
    BOARD_SEARCH = "console.widgets.board_view:SearchInput"
    QUESTION_BOARD = "console.widgets.question_board:QuestionBoard"
    NOTES_PANEL = "console.widgets.notes_panel:NotesPanel"
    AGENDA_TIMELINE = "console.widgets.agenda_timeline:AgendaTimeline"
    NOTES_LIST = "console.widgets.notes_list:NotesList"
    CAPTURE_LINE = "console.widgets.capture_line:CaptureLine"

    @property
    def class_name(self) -> str:
        return self.value.rpartition(":")[2]

    def handles(self, node: DOMNode) -> bool:
        """Whether ``node`` is an instance of this handler's class (by name: nothing imported)."""
        return any(cls.__name__ == self.class_name for cls in type(node).__mro__)

    def node_on(self, screen: Screen[Any]) -> DOMNode | None:
        """The node on ``screen`` that runs this handler's actions (None if not mounted)."""
        if self is Handler.APP:
            return screen.app
        if self.handles(screen):
            return screen
        return next(iter(screen.query(self.class_name)), None)


@dataclass(frozen=True, slots=True)
class Action:
    """One thing the user can ask for: a key binding, a footer entry, a palette entry."""

    id: str
    """The binding id: the name to remap it by in ``config.toml``'s ``[keys]``."""
    keys: str
    """Default key(s), comma-separated, in Textual's names; "" for a palette-only entry."""
    action: str
    """A literal naming one ``action_`` method of ``handler``, with literal arguments."""
    description: str
    """Short text: the footer's label and the palette's title."""
    tooltip: str
    """One sentence: the footer's tooltip and the palette's help."""
    handler: Handler
    footer: bool = False
    """Shown in the footer."""
    palette: bool = False
    """Offered in the command palette of the screens that list it in ``PALETTES``."""
    key_display: str | None = None
    """How the footer shows the default key, when Textual's own name is not the best."""
    facilitator_only: bool = False
    """Disabled on a console that does not run the session (note-taker, read-only)."""
    priority: bool = False
    """Runs before the focused widget sees the key (a text field's own use of it included)."""

    @property
    def method(self) -> str:
        """The ``action_`` method's name, without the prefix."""
        return parse(self.action)[1]

    @property
    def arguments(self) -> tuple[object, ...]:
        return tuple(parse(self.action)[2])

    def binding(self, keys: str | None = None) -> Binding:
        """This action as a Textual binding (on other ``keys``: to show a remapped key)."""
        keys = self.keys if keys is None else keys
        return Binding(
            keys,
            self.action,
            self.description,
            show=self.footer,
            key_display=self.key_display if keys == self.keys else None,
            id=self.id,
            tooltip=self.tooltip,
            priority=self.priority,
        )

    def shown_keys(self, display: Callable[[Binding], str], keys: str | None = None) -> str:
        """The keys that run this action as the footer writes them ("" for palette only)."""
        keys = self.keys if keys is None else keys
        if keys == self.keys and self.key_display:
            return self.key_display
        return " or ".join(display(self.binding(k.strip())) for k in keys.split(",") if k.strip())


def bindings(*groups: Iterable[Action]) -> list[BindingType]:
    """The ``BINDINGS`` of a widget or screen: the keyed actions of ``groups``, in order."""
    return [action.binding() for group in groups for action in group if action.keys]


def facilitator_only(group: Iterable[Action]) -> frozenset[str]:
    """Names of the ``action_`` methods in ``group`` that only the facilitator may run."""
    return frozenset(action.method for action in group if action.facilitator_only)


@dataclass(frozen=True, slots=True)
class DialogKey:
    """A dialog's local key, declared in its ``ModalScreen`` class (listed for the docs)."""

    id: str
    keys: str
    description: str
    dialogs: str
    """The classes that bind it, comma-separated."""
