"""The question board region: list, detail pane, status bar and moderation keys.

The feeds are not run here: the App's ``FeedService`` (``console.session.feed_service``)
polls the sources, keeps the feed cache and puts each update on the board, then the App posts
``SessionChanged`` and the panel redraws if the board moved (else the status words). Every
action goes through ``session.board`` and its records through the App's ``persist``
(``host_of(self)``). A key that needs a dialog (answer note, theme, merge target, a question
typed in, theme filter, presenter) posts ``DialogRequested``; the screen opens it
(``console.screens.board_dialogs``) and hands the answer back (``apply``, ``select_question``,
``filter_theme``). Nothing here opens a file, a socket or a screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.message import Message
from textual.widgets import Input

from console import actions
from console.board.feeds import BoardCounts, BoardFeeds, summary_line
from console.board.model import Board
from console.board.question import Question
from console.host import host_of
from console.messages import SessionChanged
from console.store import Record
from console.widgets import board_view
from console.widgets.board_view import HELD_VIEW, STATUS_FILTERS, SearchInput
from console.widgets.feed_status import FeedStatus
from console.widgets.question_board import QuestionBoard
from console.widgets.question_detail import QuestionDetail, detail_text, participant_words

__all__ = ["HELD_VIEW", "STATUS_FILTERS", "BoardPanel", "SearchInput"]  # as before the split

if TYPE_CHECKING:
    from textual.screen import Screen

    from console.session.feed_service import FeedService
    from console.session.live import LiveSession

MODERATION_STEPS: dict[str, Callable[[Board, str, str | None], Sequence[Record]]] = {
    "queue": lambda board, key, _segment: board.queue(key),
    "go_live": lambda board, key, segment: board.go_live(key, segment),
    "defer": lambda board, key, _segment: board.defer(key),
    "dismiss": lambda board, key, _segment: board.dismiss(key),
    "restore": lambda board, key, _segment: board.restore(key),
    "star": lambda board, key, _segment: board.star(key),
    "unmerge": lambda board, key, _segment: board.unmerge(key),
    "plus_one": lambda board, key, _segment: board.plus_one(key),
    "publish": lambda board, key, _segment: board.publish(key),
    "hide": lambda board, key, _segment: board.hide(key),
}
"""What ``moderate('step')`` does (board, question key, segment in play): the board's own
method, named here in code (no ``getattr`` on a name from a binding)."""

BoardDialog = Literal["answer", "tag", "merge", "add", "theme_filter", "presenter", "reply"]
"""The dialogs a board key asks its screen for (``console.screens.board_dialogs``)."""
SEEN_AFTER_SECONDS = 0.4
"""A row counts as looked at once the cursor rests on it this long."""


class BoardPanel(Vertical):
    """Live questions: list, detail and moderation keys."""

    ALLOW_MAXIMIZE = True
    """"Maximize" (the palette's, or ``z``) gives the whole panel the screen, not the list only."""

    DEFAULT_CSS = """
    BoardPanel { border: round $secondary; }
    BoardPanel #board-search { display: none; height: 1; border: none; padding: 0 1; }
    BoardPanel.-searching #board-search { display: block; }
    BoardPanel #board-body { height: 1fr; }
    BoardPanel QuestionBoard { width: 3fr; }
    BoardPanel QuestionDetail { width: 2fr; min-width: 24; }
    BoardPanel.compact QuestionDetail { display: none; }
    BoardPanel.-narrow #board-body { layout: vertical; }
    BoardPanel.-narrow QuestionBoard { width: 1fr; height: 3fr; }
    BoardPanel.-narrow QuestionDetail { width: 1fr; height: 2fr; min-height: 3;
        border-left: none; border-top: hkey $secondary; }
    BoardPanel.-short QuestionDetail { display: none; }
    """

    NARROW_BELOW = 90
    """Panel widths (cells) below which the list drops columns and the detail goes below it."""
    SHORT_BELOW = 16
    """Panel heights below which the detail pane is left out (the list needs the rows)."""

    BINDINGS: ClassVar[list[BindingType]] = actions.bindings(actions.BOARD)

    class DialogRequested(Message):
        """A key needs ``dialog``, about question ``key`` ("" for none): the screen holding
        the panel opens it and hands the answer back."""

        def __init__(self, panel: BoardPanel, dialog: BoardDialog, key: str = "") -> None:
            super().__init__()
            self.panel = panel
            self.dialog: BoardDialog = dialog
            self.key = key

        @property
        def control(self) -> BoardPanel:
            return self.panel

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.status_filter = "open"
        self.theme_filter: str | None = None
        self.search = ""
        self.sort: str = "time"
        self.painted_version = -1
        self.repaints = 0
        """How many times the list was redrawn (tests check an unchanged poll adds none)."""
        self.counts = BoardCounts({}, 0, 0)
        self._seen_pending: set[str] = set()
        self._seen_timer: Any = None
        self._detail_key: str | None = None
        self._detail_version = (-1, -1)
        self._fitted_size = Size(0, 0)

    # ---------------------------------------------------------------- set-up
    @property
    def session(self) -> LiveSession:
        return host_of(self).session

    @property
    def feed_service(self) -> FeedService:
        return host_of(self).feed_service()

    @property
    def feeds(self) -> BoardFeeds:
        """The sources' questions and status (kept by the App's feed service)."""
        return self.feed_service.feeds

    @property
    def polls(self) -> bool:
        """Whether this console polls the sources and keeps the cache (the facilitator)."""
        return bool(self.session.runs_clock)

    def compose(self) -> ComposeResult:
        session = self.session
        labels = {t.id: t.label for t in session.agenda.themes}
        compact = self.has_class("compact") or session.role == "notes"
        yield SearchInput(
            placeholder="Search questions (Enter: back to the list, Esc: clear)", id="board-search"
        )
        with Horizontal(id="board-body"):
            yield QuestionBoard(tz=session.agenda.tz, theme_labels=labels, compact=compact)
            yield QuestionDetail()
        yield FeedStatus(id="board-status")

    def on_mount(self) -> None:
        self.border_title = "Questions"
        if self.session.role == "notes":
            self.add_class("compact")
        self.repaint()
        host_of(self).follow_session(self)
        self.screen.screen_layout_refresh_signal.subscribe(self, self._layout_done)

    def on_resize(self) -> None:
        self._fit_to_size()

    def _layout_done(self, _screen: Screen[object]) -> None:
        """After every layout of the screen: fit to the size it gave, Resize or not.

        Textual may send no Resize when the zoom is undone: a widget hidden by the zoom that
        repainted meanwhile (the clock's seconds) has the screen's map rebuilt, un-zoomed,
        before the layout that compares old and new sizes, so it sees no change."""
        self._fit_to_size()

    def _fit_to_size(self) -> None:
        """The layout for the size the panel has now (narrow, short, the list's columns)."""
        size = self.size
        if size == self._fitted_size or not size:
            return
        self._fitted_size = size
        narrow = size.width < self.NARROW_BELOW
        self.set_class(narrow, "-narrow")
        self.set_class(size.height < self.SHORT_BELOW, "-short")
        self.query_one(QuestionBoard).set_compact(narrow or self.has_class("compact"))

    def set_compact(self, compact: bool) -> None:
        """The note-taker's narrow layout: fewer columns, no detail pane."""
        self.set_class(compact, "compact")
        self.query_one(QuestionBoard).set_compact(compact or self.has_class("-narrow"))

    # ---------------------------------------------------------------- render
    def wanted(self) -> list[Question]:
        board = self.session.board
        questions = board.questions(
            status=STATUS_FILTERS[self.status_filter],
            theme=self.theme_filter,
            search=self.search,
            sort="votes" if self.sort == "votes" else "time",
        )
        if self.status_filter == HELD_VIEW:
            return [q for q in questions if q.held]
        return questions

    def repaint(self) -> None:
        """Redraw the list, counts, detail and status from the board."""
        board = self.session.board
        self.repaints += 1
        self.painted_version = board.version
        table = self.query_one(QuestionBoard)
        table.show(self.wanted())
        by_status = board.counts()  # from the moderation index: no question views built
        self.counts = BoardCounts(by_status, board.new_count(), sum(by_status.values()))
        table.set_empty_text(self.empty_words())
        self._show_detail()
        self._show_status()

    def catch_up(self) -> bool:
        """Show changes made elsewhere (another console's decisions, a reloaded file) at once.
        Cheap when nothing moved. True when the list was redrawn."""
        if self.session.board.version == self.painted_version:
            return False
        self.repaint()
        return True

    @on(SessionChanged)
    def session_changed(self) -> None:
        """The session may have moved (a feed update, a folder read, a save, the clock tick):
        redraw the list only if the board moved; else refresh the status words, which follow
        the clock ("6 min left") and are not redrawn when unchanged, and the detail pane if
        the notes moved. A big intake drawn, the
        feed service settles the heap (after the redraw: the rows are long-lived too)."""
        if not self.catch_up():
            self._show_status()
            self._show_detail()  # a note taken on the selected question (cheap when none)
        self.feed_service.settle_heap()

    def view_words(self) -> str:
        return board_view.view_words(
            self.status_filter, self.sort, self._theme_label(self.theme_filter), self.search
        )

    def empty_words(self) -> str:  # the filter or search that hides the board's questions
        theme = self._theme_label(self.theme_filter)
        return board_view.empty_words(self.counts.total, self.status_filter, theme, self.search)

    def _show_status(self) -> None:
        tz = self.session.agenda.tz
        summary = summary_line(self.counts, self.session.clock)
        accept = actions.by_id("board.accept-feed").keys
        hint = f"press {accept} to accept the smaller list" if self.polls else ""
        self.query_one(FeedStatus).set_lines(
            summary,
            [
                *self.feeds.status_lines(tz, accept_hint=hint),
                *host_of(self).participant_sync_lines(),
            ],
            problem=self.feeds.problem,
            view=self.view_words(),
        )

    def _show_detail(self) -> None:
        key = self.query_one(QuestionBoard).highlighted_key
        board, notebook = self.session.board, self.session.notebook
        versions = (board.version, notebook.version)  # a note taken on it shows at once
        if (key, versions) == (self._detail_key, self._detail_version):
            return
        self._detail_key, self._detail_version = key, versions
        q = board.get(key) if key is not None else None
        self.query_one(QuestionDetail).show(
            detail_text(
                q,
                self.session.agenda.tz,
                segment_title=self._segment_title,
                theme_labels={t.id: t.label for t in self.session.agenda.themes},
                duplicate_text=self.short,
                participants=participant_words(board, q.key) if q is not None else None,
                history=board.history(q.key) if q is not None else (),
                notes=notebook.notes_on({q.key, *q.duplicates}) if q is not None else (),
            )
        )

    def _segment_title(self, segment_id: str | None) -> str:
        for s in self.session.agenda.segments:
            if s.id == segment_id:
                return str(s.title)
        return "before the session" if segment_id is None else segment_id

    def _theme_label(self, theme_id: str | None) -> str | None:
        if not theme_id:
            return None
        for t in self.session.agenda.themes:
            if t.id == theme_id:
                return str(t.label)
        return theme_id

    def short(self, key: str) -> str:
        """The first line of a question's text, cut at 70 characters (lists, dialogs)."""
        try:
            return board_view.first_line(self.session.board.get(key).text)
        except KeyError:
            return key

    @on(QuestionBoard.Highlighted)
    def highlighted(self, event: QuestionBoard.Highlighted) -> None:
        self._show_detail()
        key = event.key
        if key is None:
            return
        self._seen_pending = {key}
        if self._seen_timer is not None:
            self._seen_timer.stop()
        self._seen_timer = self.set_timer(SEEN_AFTER_SECONDS, self._mark_seen)

    def _mark_seen(self) -> None:
        keys, self._seen_pending = self._seen_pending, set()
        still = self.query_one(QuestionBoard).highlighted_key
        records = self.session.board.mark_seen(k for k in keys if k == still)
        self._save(records)
        self.catch_up()

    # --------------------------------------------------------------- actions
    MODERATES = actions.facilitator_only(actions.BOARD)
    """The moderation actions: off on a note-taker's board."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A note-taker reads the board: only "add", the views and the presenter work.
        return not (action in self.MODERATES and self.session.board.role != "facilitator")

    def _current(self) -> str | None:
        key = self.query_one(QuestionBoard).highlighted_key
        if key is None:
            self.notify("No question selected.", severity="warning")
        return key

    def apply(self, make: Callable[[], Sequence[Record]]) -> bool:
        """Run one board operation, save its records and redraw; a refusal is said, False."""
        try:
            records = make()
        except (ValueError, KeyError, PermissionError) as exc:
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
            self.notify(str(message), severity="warning")
            return False
        self._save(records)
        self.repaint()
        return True

    def _save(self, records: Sequence[Record]) -> None:
        if records:
            saving = host_of(self).persist(list(records))
            self.run_worker(saving, group="board-save", exit_on_error=False)

    def action_moderate(self, step: str) -> None:
        """One step of ``MODERATION_STEPS`` on the highlighted question."""
        key = self._current()
        if key is None:
            return
        moderate = MODERATION_STEPS[step]
        self.apply(lambda: moderate(self.session.board, key, self.session.segment_id))

    @on(QuestionBoard.PutLive)
    def put_live(self, event: QuestionBoard.PutLive) -> None:
        if self.check_action("moderate", ("go_live",)):
            self.action_moderate("go_live")

    def _ask(self, dialog: BoardDialog, *, about_question: bool = True) -> None:
        """Ask the screen for a dialog, about the highlighted question if it needs one.

        Posted to the screen itself: bubbling would pass it through every container's queue
        first, and the dialog would open some turns of the loop later."""
        key = self._current() if about_question else ""
        if key is not None:
            self.screen.post_message(self.DialogRequested(self, dialog, key))

    def action_answer(self) -> None:
        self._ask("answer")

    def action_reply(self) -> None:
        """``w``: an answer for the participants (any console may write one)."""
        self._ask("reply")

    def action_tag(self) -> None:
        self._ask("tag")

    def action_merge(self) -> None:
        self._ask("merge")

    def action_add_question(self) -> None:
        self._ask("add", about_question=False)

    def select_question(self, key: str) -> None:
        """Put the list's cursor on ``key`` (a question just added)."""
        self.query_one(QuestionBoard).select_key(key)

    def action_search(self) -> None:
        self.add_class("-searching")
        self.query_one("#board-search", Input).focus()

    @on(Input.Changed, "#board-search")
    def search_changed(self, event: Input.Changed) -> None:
        self.search = event.value
        self.repaint()

    @on(Input.Submitted, "#board-search")
    def search_done(self) -> None:
        self.query_one(QuestionBoard).focus()

    @on(SearchInput.Cleared)
    def search_cleared(self) -> None:
        self.remove_class("-searching")
        self.query_one(QuestionBoard).focus()

    def action_cycle_filter(self) -> None:
        names = list(STATUS_FILTERS)
        self.status_filter = names[(names.index(self.status_filter) + 1) % len(names)]
        self.repaint()

    def action_theme_filter(self) -> None:
        self._ask("theme_filter", about_question=False)

    def filter_theme(self, theme: str | None) -> None:
        """Show the questions of one theme (None: every theme)."""
        self.theme_filter = theme
        self.repaint()

    def action_toggle_sort(self) -> None:
        self.sort = "votes" if self.sort == "time" else "time"
        self.repaint()

    def action_zoom(self) -> None:
        """The board alone on screen (all columns, the detail pane) on a small terminal."""
        if self.screen.maximized is self:
            self.screen.minimize()
        else:
            self.screen.maximize(self, container=False)

    def action_refresh_feeds(self) -> None:
        if not self.feed_service.poll_now() and self.polls:
            self.notify("No question source to refresh.", severity="information")

    def action_accept_feed(self) -> None:
        """Take the smaller list of every source that holds one (see ``FeedPoller``)."""
        accepted = self.feed_service.accept_smaller()
        if not accepted:
            self.notify("No question source is holding back a smaller list.")
            return
        self.notify(f"Took the smaller list of {', '.join(accepted)}.")

    def action_presenter(self) -> None:
        self._ask("presenter", about_question=False)
