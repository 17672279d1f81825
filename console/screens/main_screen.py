"""The main console screen: run of show, countdown, talking points, board and notes regions."""

from __future__ import annotations

from collections.abc import Callable

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from console import actions
from console.app import FacilitatorApp
from console.clock.model import ClockError, Phase
from console.clock.view import countdown, rebase_notice, timeline
from console.session.live import ClockStep, LiveSession
from console.widgets.agenda_timeline import AgendaTimeline, TimelineRow
from console.widgets.countdown import Countdown
from console.widgets.segment_brief import SegmentBrief
from console.widgets.session_header import SessionHeader


def _slot(title: str, region_id: str) -> Static:
    """A framed, empty region shown in the first frame until its panel is mounted."""
    slot = Static("loading…", id=region_id, classes="slot placeholder")
    slot.border_title = title
    return slot


class MainScreen(Screen[None]):
    """Everything a facilitator needs at a glance during the session."""

    BINDINGS = actions.bindings(actions.CLOCK, actions.NOTES)

    def compose(self) -> ComposeResult:
        yield SessionHeader()
        with Horizontal(id="top"):
            with Vertical(id="timeline-pane") as pane:
                pane.border_title = "Run of show"
                yield AgendaTimeline()
            with VerticalScroll(id="now-pane") as now:
                now.border_title = "Now"
                yield Countdown()
                yield SegmentBrief()
        with Horizontal(id="bottom"):
            if self.app.defer_panels:  # type: ignore[attr-defined]
                yield _slot("Questions", "board-region")
                yield _slot("Notes", "notes-region")
            else:
                from console.widgets.board_panel import BoardPanel
                from console.widgets.notes_panel import NotesPanel

                yield BoardPanel(id="board-region")
                yield NotesPanel(id="notes-region")
        yield Footer()

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

    def on_mount(self) -> None:
        session = self.app.session  # type: ignore[attr-defined]
        header = self.query_one(SessionHeader)
        role = "" if session.role == "facilitator" else f" · {session.role}: {session.author}"
        header.title = f"{session.agenda.title}{role}"
        self.refresh_view()
        self.set_interval(1.0, self.on_tick)

    # ------------------------------------------------------------------ view
    def refresh_view(self) -> None:
        app = self.app
        session = app.session  # type: ignore[attr-defined]
        clock = session.clock
        tz = session.agenda.tz
        now = app.now()  # type: ignore[attr-defined]
        header = self.query_one(SessionHeader)
        header.wall_clock = now.astimezone(tz).strftime("%H:%M:%S")
        header.projected_end = clock.projected_end().astimezone(tz).strftime("%H:%M")
        saved = app.last_saved_at  # type: ignore[attr-defined]
        header.saved = f"saved {saved.astimezone(tz):%H:%M:%S}" if saved else ""
        self.query_one(AgendaTimeline).set_rows(
            [TimelineRow(r.title, r.when, r.length, r.delta, r.state) for r in timeline(clock, tz)]
        )
        view = countdown(clock, tz)
        cd = self.query_one(Countdown)
        cd.time_text, cd.state, cd.caption = view.time_text, view.state, view.caption
        segment = session.agenda.segments[clock.current_index or 0]
        heading, points = "Talking points", segment.talking_points
        if segment.prompts and not segment.talking_points:
            heading, points = "Discussion prompts", segment.prompts
        elif segment.prompts:
            points = (*segment.talking_points, *segment.prompts)
        self.query_one(SegmentBrief).show(segment.title, segment.kind, heading, points)

    async def on_tick(self) -> None:
        session = self.app.session  # type: ignore[attr-defined]
        events, record = session.tick()
        if record is not None:
            self.save(record)
        if events:
            self.app.bell()
        self.refresh_view()

    def on_facilitator_app_folder_changed(self, _message: object) -> None:
        self.refresh_view()
        from console.widgets.board_panel import BoardPanel
        from console.widgets.notes_panel import NotesPanel

        # Messages posted to the screen do not reach its widgets: hand them the news. There
        # are none until the deferred panels are mounted.
        for board in self.query(BoardPanel):
            board.catch_up()
        for notes in self.query(NotesPanel):
            notes.poll()

    def on_facilitator_app_form_started(self, message: FacilitatorApp.FormStarted) -> None:
        self.query_one(SessionHeader).form_address = message.url

    # ------------------------------------------------------------------ actions
    CLOCK_ONLY = actions.facilitator_only(actions.CLOCK)
    """The clock keys: shown disabled on a console that does not run the clock."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        session = self.app.session  # type: ignore[attr-defined]
        if action in self.CLOCK_ONLY and not session.runs_clock:
            return None  # shown disabled: a note-taker follows the facilitator's clock
        return True

    def run_clock(self, step: Callable[[LiveSession], ClockStep]) -> bool:
        """Run one clock operation and save what it changed; False (and said) if refused."""
        session = self.app.session  # type: ignore[attr-defined]
        try:
            _events, record = step(session)
        except (ClockError, PermissionError) as exc:
            self.notify(str(exc), severity="warning")
            return False
        if record is not None:
            self.save(record)
        self.refresh_view()
        return True

    def action_start_session(self) -> None:
        if self.run_clock(LiveSession.start):
            session = self.app.session  # type: ignore[attr-defined]
            if notice := rebase_notice(session.clock, session.agenda.tz):
                self.notify(notice, timeout=10)

    def action_toggle_pause(self) -> None:
        self.run_clock(LiveSession.toggle_pause)

    def action_next_segment(self) -> None:
        self.run_clock(LiveSession.next)

    def action_previous_segment(self) -> None:
        self.run_clock(LiveSession.previous)

    def action_nudge(self, seconds: int) -> None:
        """A minute more (``seconds`` > 0) or less for the segment in play."""
        if seconds > 0:
            self.run_clock(lambda session: session.extend(seconds))
        else:
            self.run_clock(lambda session: session.shorten(-seconds))

    def action_notes(self, what: str) -> None:
        """A notes action from anywhere on the screen (focus need not be in the panes)."""
        from console.widgets.notes_panel import NotesPanel

        for panel in self.query(NotesPanel):
            panel.action_notes(what)

    def action_report(self) -> None:
        from console.screens.report_screen import ReportScreen

        self.app.push_screen(ReportScreen())

    def action_end_session(self) -> None:
        from console.screens.confirm import ConfirmScreen

        def ended(answer: bool | None) -> None:
            if answer:
                self.finish_session()

        self.app.push_screen(
            ConfirmScreen(
                "End the session now? The clock stops and the session is marked finished.",
                yes="End session",
            ),
            ended,
        )

    def finish_session(self) -> None:
        session = self.app.session  # type: ignore[attr-defined]
        record = None
        if session.clock.phase in (Phase.RUNNING, Phase.PAUSED):
            _events, record = session.finish()
        if record is not None:
            self.save(record)
        self.mark_finished()
        self.refresh_view()

    @work(exit_on_error=False, group="session-info")
    async def mark_finished(self) -> None:
        import asyncio

        session = self.app.session  # type: ignore[attr-defined]
        now = self.app.now()  # type: ignore[attr-defined]
        changes = session.session_changes()
        changes.setdefault("finished_at", now)  # ended before it was started: finished now
        await asyncio.to_thread(session.folder.update_info, **changes)
        await self.app.close_form()  # type: ignore[attr-defined]
        self.notify("Session finished. The question form now says so.")

    @work(exit_on_error=False, group="save")
    async def save(self, record: object) -> None:
        import asyncio

        app = self.app
        ok = await app.persist(record)  # type: ignore[attr-defined]
        session = app.session  # type: ignore[attr-defined]
        changes = session.session_changes()
        if ok and changes:
            await asyncio.to_thread(session.folder.update_info, **changes)
        self.refresh_view()
