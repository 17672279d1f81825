"""The main console screen: run of show, countdown, talking points, board and notes regions.

The screen composes and turns clock keys into calls on the session; it owns no timer and
refreshes nothing by hand: the header, the clock pane and the panels follow the session
themselves (``SessionChanged``), and a clock key ends by telling them (``session_changed``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import ActiveBinding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static

from console import actions
from console.clock.model import ClockError, Phase
from console.clock.view import rebase_notice
from console.host import host_of
from console.screens.board_dialogs import open_dialog
from console.screens.note_dialogs import ask_about_paste, edit_entry
from console.session.live import ClockStep, LiveSession
from console.store import Record
from console.widgets.clock_pane import ClockPane
from console.widgets.session_header import SessionHeader

if TYPE_CHECKING:
    from console.widgets.agenda_timeline import AgendaTimeline
    from console.widgets.board_panel import BoardPanel
    from console.widgets.notes_panel import NotesPanel


def _slot(title: str, region_id: str) -> Static:
    """A framed, empty region shown in the first frame until its panel is mounted."""
    slot = Static("loading…", id=region_id, classes="slot placeholder")
    slot.border_title = title
    return slot


class MainScreen(Screen[None]):
    """Everything a facilitator needs at a glance during the session."""

    BINDINGS = actions.bindings(actions.CLOCK, actions.PANES, actions.NOTES, actions.TO_PRESENTER)
    AUTO_FOCUS = "QuestionBoard"
    """The board list has the focus at start, so its keys (``l``, ``q``...) work at once."""
    PANE_KEYS = {
        "#board-region": "focus_board",
        "#notes-region": "focus_notes",
        "#timeline-pane": "focus_run_of_show",
    }
    """Each pane's frame, and the action whose key it shows ("F2 to focus") on its lower edge."""

    def compose(self) -> ComposeResult:
        yield SessionHeader()
        yield ClockPane(id="top")
        with Horizontal(id="bottom"):
            if host_of(self).defer_panels:
                yield _slot("Questions", "board-region")
                yield _slot("Notes", "notes-region")
            else:
                from console.widgets.board_panel import BoardPanel
                from console.widgets.notes_panel import NotesPanel

                yield BoardPanel(id="board-region")
                yield NotesPanel(id="notes-region")
        yield Footer()

    def on_mount(self) -> None:
        self.label_panes()
        self.propose_carried_length()

    def propose_carried_length(self) -> None:
        """A new follow-up session: propose the carried-over segment's length (the items
        carried times the agenda's minutes per item); the facilitator takes it or keeps the
        plan."""
        host = host_of(self)
        proposal = host.session.carried_length
        if proposal is None or not host.session.runs_clock:
            return
        from console.screens.confirm import ConfirmScreen

        def chosen(use: bool | None) -> None:
            session = host.session
            if not use:
                session.carried_length = None
                self.notify(f"Kept the plan: {proposal.planned_minutes:g} min.")
                return
            try:
                record = session.allot_carried()
            except (ClockError, PermissionError, LookupError) as exc:
                self.notify(str(exc), severity="warning")
                return
            host.save_clock(record)
            host.session_changed()
            self.notify(f"“{proposal.title}” now has {proposal.minutes:g} min in this session.")

        self.app.push_screen(
            ConfirmScreen(
                f"{proposal.question()} (Cancel keeps the plan.)",
                yes=f"Use {proposal.minutes:g} min",
            ),
            chosen,
        )

    SCROLLS_ON = {
        **dict.fromkeys(("scroll_left", "scroll_right", "page_left", "page_right"), "x"),
        **dict.fromkeys(("scroll_up", "scroll_down", "page_up", "page_down"), "y"),
    }
    """Textual's own scroll keys of a scrollable widget, and the axis each scrolls."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's, with a key of this screen put back where a focused widget's hidden
        scroll key on the same key would not scroll (nothing to scroll that way): Textual
        skips that scroll and runs this screen's action, but its footer dropped it. So a
        clock key remapped to ``right`` stays in the footer over the board list."""
        active = super().active_bindings
        mine_by_key = next(
            (
                bindings.key_to_bindings
                for node, bindings in self._modal_binding_chain
                if node is self
            ),
            {},
        )  # this screen's keys with the keymap applied (its own map has the defaults)
        for key, (node, binding, _enabled, _tooltip) in list(active.items()):
            axis = self.SCROLLS_ON.get(binding.action)
            if binding.show or axis is None or not isinstance(node, Widget):
                continue
            if node.allow_horizontal_scroll if axis == "x" else node.allow_vertical_scroll:
                continue  # it does scroll: the key is the widget's
            for mine in mine_by_key.get(key, []):
                state = self.app._check_action_state(mine.action, self)
                if mine.show and state is not False:
                    active[key] = ActiveBinding(self, mine, bool(state), mine.tooltip)
                    break
        return active

    def label_panes(self) -> None:
        """Write on each pane's frame the key that focuses it (as remapped)."""
        host = host_of(self)
        for selector, action_id in self.PANE_KEYS.items():
            for pane in self.query(selector):
                pane.border_subtitle = f"{host.shown_keys(action_id)} to focus"

    async def mount_deferred(self) -> None:
        """Swap the placeholders for the board and notes panels, after the first frame.

        The board brings the feed machinery (httpx, the poller) with it; loading it after
        the first paint keeps the console's start close to a bare Textual app's.
        """
        slots = [w for w in self.query(".slot")]
        if not slots:
            return
        from console.widgets.board_panel import BoardPanel
        from console.widgets.notes_panel import NotesPanel

        bottom = self.query_one("#bottom")
        with self.app.batch_update():
            for slot in slots:
                await slot.remove()
            await bottom.mount(BoardPanel(id="board-region"), NotesPanel(id="notes-region"))
        self.label_panes()
        if self.focused is None:  # nothing was focusable before: the board list is now
            self.focus_pane("board")

    # The panels (mounted after the first frame, imported late) ask for their dialogs.
    def on_board_panel_dialog_requested(self, event: BoardPanel.DialogRequested) -> None:
        open_dialog(self, event)

    def on_notes_panel_paste_offered(self, event: NotesPanel.PasteOffered) -> None:
        ask_about_paste(self, event)

    def on_notes_panel_edit_requested(self, event: NotesPanel.EditRequested) -> None:
        edit_entry(self, event)

    # ------------------------------------------------------------------ actions
    CLOCK_ONLY = actions.facilitator_only(actions.CLOCK)
    """The clock keys: shown disabled on a console that does not run the clock."""
    MESSAGE_ONLY = actions.facilitator_only(actions.TO_PRESENTER)
    """The messages to the presenter: only the console that runs the session sends them."""
    UNTIL_THE_END = CLOCK_ONLY - {"start_session"}
    """The clock keys that have nothing left to do once the session has ended (hidden)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        session = host_of(self).session
        only_here = action in self.CLOCK_ONLY or action in self.MESSAGE_ONLY
        if only_here and not session.runs_clock:
            return None  # shown disabled: a note-taker follows the facilitator's clock
        phase = session.clock.phase
        if action == "start_session" and phase is not Phase.IDLE:
            return False  # started (or ended): the footer and the palette drop it
        # Ended: pause, next, the nudges, the jump and the end itself have nothing left to do.
        return not (action in self.UNTIL_THE_END and phase is Phase.FINISHED)

    def run_clock(self, step: Callable[[LiveSession], ClockStep]) -> bool:
        """Run one clock operation and save what it changed; False (and said) if refused."""
        host = host_of(self)
        try:
            _events, record = step(host.session)
        except (ClockError, PermissionError) as exc:
            self.notify(str(exc), severity="warning")
            return False
        if record is not None:
            host.save_clock(record)
        host.session_changed()
        self.refresh_bindings()  # the footer follows the phase (Start goes once started)
        return True

    def action_start_session(self) -> None:
        if self.run_clock(LiveSession.start):
            session = host_of(self).session
            if notice := rebase_notice(session.clock, session.agenda.tz):
                self.notify(notice, timeout=10)

    def action_toggle_pause(self) -> None:
        self.run_clock(LiveSession.toggle_pause)

    def action_next_segment(self) -> None:
        clock = host_of(self).session.clock
        last = len(clock.segments) - 1
        if clock.phase in (Phase.RUNNING, Phase.PAUSED) and clock.current_index == last:
            keys = host_of(self).key_names("end")
            self.notify(f"This is the last segment: {keys} ends the session.", severity="warning")
            return
        self.run_clock(LiveSession.next)

    def action_previous_segment(self) -> None:
        self.run_clock(LiveSession.previous)

    # -- jumping to a segment: j (a list to choose from), or the run of show's Enter / click
    def can_jump(self) -> bool:
        """Whether the clock can move to another segment now (said when it cannot)."""
        session = host_of(self).session
        if not session.runs_clock:
            self.notify("Only the facilitator's console moves the clock.", severity="warning")
            return False
        if session.clock.phase not in (Phase.RUNNING, Phase.PAUSED):
            self.notify(
                "Start the session first: a jump moves the clock of a running session."
                if session.clock.phase is Phase.IDLE
                else "The session has ended: the clock no longer moves.",
                severity="warning",
            )
            return False
        return True

    def jump_to(self, index: int) -> None:
        self.run_clock(lambda session: session.jump(index))

    def action_jump_to_segment(self) -> None:
        """Choose a segment from a list (the one after the segment in play comes first)."""
        if not self.can_jump():
            return
        from console.screens.choice import ChoiceScreen

        session = host_of(self).session
        current = session.clock.current_index or 0
        items = [
            (str(i), f"{i + 1}. {s.title}" + ("  (in play)" if i == current else ""))
            for i, s in enumerate(session.agenda.segments)
        ]
        following = str(min(current + 1, len(items) - 1))

        def chosen(index: str | None) -> None:
            if index is not None:
                self.jump_to(int(index))

        self.app.push_screen(ChoiceScreen("Jump to a segment", items, following), chosen)

    def on_agenda_timeline_jump_asked(self, event: AgendaTimeline.JumpAsked) -> None:
        """Enter or a click on a row of the run of show: ask, then jump (never on a stray
        click alone)."""
        if not self.can_jump():
            return
        from console.screens.confirm import ConfirmScreen

        session = host_of(self).session
        index = event.index
        if index == session.clock.current_index:
            self.notify("That segment is the one in play.")
            return
        title = session.agenda.segments[index].title

        def answered(yes: bool | None) -> None:
            if yes:
                self.jump_to(index)

        question = (
            f"Jump to segment {index + 1}, “{title}”, now? The segment in play ends here; "
            "the ones jumped over are marked skipped unless you come back to them."
        )
        self.app.push_screen(ConfirmScreen(question, yes="Jump"), answered)

    def action_nudge(self, seconds: int) -> None:
        """A minute more (``seconds`` > 0) or less for the segment in play."""
        if seconds > 0:
            self.run_clock(lambda session: session.extend(seconds))
        else:
            self.run_clock(lambda session: session.shorten(-seconds))

    def action_focus_pane(self, pane: str) -> None:
        """Focus the board list, the notes (the open tab's entries) or the run of show."""
        self.focus_pane(pane)

    def focus_pane(self, pane: str) -> None:
        if pane == "board":
            for board in self.query("QuestionBoard"):
                board.focus()
        elif pane == "notes":
            from console.widgets.notes_panel import NotesPanel

            for panel in self.query(NotesPanel):
                panel.focus_entries()
        elif pane == "run_of_show":
            for timeline in self.query("#timeline-pane AgendaTimeline"):
                timeline.focus()

    def action_notes(self, what: str) -> None:
        """A notes action from anywhere on the screen (focus need not be in the panes)."""
        from console.widgets.notes_panel import NotesPanel

        for panel in self.query(NotesPanel):
            panel.action_notes(what)

    def action_report(self) -> None:
        from console.screens.report_screen import ReportScreen

        self.app.push_screen(ReportScreen())

    def action_series(self) -> None:
        from console.screens.series_screen import SeriesScreen

        self.app.push_screen(SeriesScreen())

    # -- messages to the presenter's console (``run --role presenter``) ----------------------
    def action_message_presenter(self) -> None:
        """Ask for the message (a preset, or typed), then send it."""
        from console.screens.presenter_message import PresenterMessageScreen

        def chosen(text: str | None) -> None:
            if text is not None:
                self.action_send_presenter_message(text)

        showing = host_of(self).session.presenter_message.text
        self.app.push_screen(PresenterMessageScreen(showing), chosen)

    def action_send_presenter_message(self, text: str) -> None:
        """Show ``text`` on every presenter's console ("" takes the message off)."""
        host = host_of(self)
        try:
            record = host.session.send_presenter_message(text)
        except PermissionError as exc:
            self.notify(str(exc), severity="warning")
            return
        self.save_presenter_message(record)

    @work(exit_on_error=False, group="save")
    async def save_presenter_message(self, record: Record) -> None:
        if not await host_of(self).persist(record):
            return  # the App said why (NOT SAVED)
        text = str(record.data.get("text", ""))
        self.notify(f"Presenter sees: {text}" if text else "Presenter's message cleared.")

    def action_end_session(self) -> None:
        from console.screens.confirm import ConfirmScreen

        def ended(answer: bool | None) -> None:
            if answer:
                self.finish_session()

        self.app.push_screen(
            ConfirmScreen(
                "End the session now? The clock stops, the session is marked finished and "
                "the question form tells participants that it has ended.",
                yes="End session",
            ),
            ended,
        )

    def finish_session(self) -> None:
        host = host_of(self)
        session = host.session
        record = None
        if session.clock.phase in (Phase.RUNNING, Phase.PAUSED):
            _events, record = session.finish()
        if record is not None:
            host.save_clock(record)
        self.mark_finished()
        host.session_changed()
        self.refresh_bindings()

    @work(exit_on_error=False, group="session-info")
    async def mark_finished(self) -> None:
        import asyncio

        host = host_of(self)
        session = host.session
        changes = session.session_changes()
        changes.setdefault("finished_at", host.now())  # ended before it was started: now
        await asyncio.to_thread(session.folder.update_info, **changes)
        await host.close_form()
        said = "Session finished. The question form now says so."
        if host.form is not None and host.form.outlives_console:
            said += (
                " Quitting the console now stops it, and the participants' private links with "
                f"it (reopen it from {host.key_names('form_link')} to keep it serving)."
            )
        self.notify(said, timeout=10)
