"""The question form the console hosts, as a part of the App: start, sync, link, open/close.

``FacilitatorApp`` inherits this class; it lives apart only to keep ``console/app.py`` short
enough to read. The form is a ``console.session.console_form.ConsoleForm``: a process of its
own when ``facilitator run`` built the App (``form_process``), which a quit mid-session leaves
serving, or a server in this event loop (tests), which stops with the App. What these methods
need of the App (the session, the clock, the feed service, the clipboard) is declared below
and provided by ``FacilitatorApp``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App

from console.intake.form_state import CLOSED, ENDED
from console.session.console_form import FormControlError
from console.session.form_host import form_state_line

if TYPE_CHECKING:
    from console.feeds.config import SourceConfig
    from console.session.console_form import ConsoleForm
    from console.session.feed_service import FeedService
    from console.session.form_sync import FormSync, FormTarget
    from console.session.live import LiveSession
    from console.store import Record


class FormHosting(App[None]):
    """The App's question-form methods (the built-in form, and syncs to a hosted one)."""

    if TYPE_CHECKING:  # provided by FacilitatorApp
        session: LiveSession
        now: Callable[[], datetime]
        form: ConsoleForm | None
        form_process: bool
        form_stopped: bool
        form_url: str
        exit_message: str
        form_syncs: list[FormSync]

        def session_changed(self) -> None: ...

        def feed_service(self) -> FeedService: ...

        def copy_text(self, text: str, what: str = "Text") -> Any: ...

        async def persist(self, records: Sequence[Record] | Record) -> bool: ...

    @work(exit_on_error=False, group="intake")
    async def start_form(self) -> None:
        """Serve the built-in question form and feed it to the board: as a process of its own
        (``form_process``: started, or found running and reattached to) or, when the App was
        built without it (tests), in this event loop."""
        from console.intake import IntakeError
        from console.session.console_form import start_as_process, start_in_process
        from console.session.form_process import FormProcessError

        try:
            if self.form_process:
                started = await start_as_process(self.session)
            else:
                started = await start_in_process(self.session)
        except (IntakeError, FormProcessError) as exc:
            self.notify(f"The question form did not start: {exc}", severity="error", timeout=30)
            return
        form = self.form = started.form
        if started.notice:
            self.notify(started.notice, timeout=8)
        if started.close_now:
            await self.close_form()
        self.form_url = form.url
        self.session_changed()  # the header shows the address
        self.feed_service().add_source(form.source(self.session.agenda.timezone))
        self.start_form_sync(form.target())
        await self.keep_form_url(form.url)

    def start_form_sync(self, target: FormTarget) -> None:
        """Push the board's decisions to the form at ``target`` for as long as the App runs
        (the facilitator's console only: a note-taker's answers go through it)."""
        if self.session.board.role != "facilitator" or self.session.read_only:
            return
        from console.session.form_sync import FormSync

        sync = FormSync(
            self.session.board,
            target,
            now=self.now,
            on_board_change=self.session_changed,
            save=self.save_form_votes,
        )
        self.form_syncs.append(sync)
        sync.start()

    def save_form_votes(self, records: list[Record]) -> None:
        """Keep the form's counts of typed-in questions in the session (the report and the
        next carry-over read them), written like any decision."""
        self.run_worker(self.persist(records), group="board-save", exit_on_error=False)

    def hosted_form_sync(self, config: SourceConfig) -> None:
        """A hosted ``form serve`` read with the ``intake`` preset gets the decisions too."""
        from console.board.feeds import INTAKE_LABEL
        from console.feeds.errors import FeedError
        from console.session.form_sync import FormTarget

        if config.preset != INTAKE_LABEL or self.session.board.role != "facilitator":
            return
        try:
            target = FormTarget.from_source(config)
        except (ValueError, FeedError) as exc:
            self.notify(
                f"The participants' list will not follow the board: {exc}",
                severity="warning",
                timeout=15,
            )
            return
        self.start_form_sync(target)

    def participant_sync_lines(self) -> list[str]:
        tz = self.session.agenda.tz
        return [sync.status_line(tz) for sync in self.form_syncs]

    async def keep_form_url(self, url: str) -> None:
        """Keep the form's address with the session (``session.json``), so a note-taker's
        console shows the same link (ctrl+l)."""
        from console.store import StoreError

        folder = self.session.folder
        if not self.session.runs_clock or folder.info.form_url == url:
            return
        try:
            await asyncio.to_thread(folder.update_info, form_url=url)
        except (OSError, StoreError) as exc:
            self.notify(f"The form's link was not kept for note-takers: {exc}", severity="warning")

    def session_form_url(self) -> str:
        """The address the facilitator's console serves this session's form at, as kept in
        ``session.json`` (read again: it may have started after this console); "" if none."""
        from console.store import SessionFolder, StoreError

        try:
            return SessionFolder.open(self.session.folder.path).info.form_url or ""
        except (OSError, StoreError):
            return ""

    async def action_show_form_link(self) -> None:
        """The question form's link and QR code: this console's own form, or, on a console
        that does not run the session (a note-taker's), the one the facilitator's serves."""
        url, serves = self.form_url, True
        if not url and not self.session.runs_clock:
            url, serves = await asyncio.to_thread(self.session_form_url), False
        if not url:
            self.notify(
                "No built-in question form is running in this console."
                if self.session.runs_clock
                else "The facilitator's console has not served this session's question form "
                "yet: its link shows here once it has.",
                severity="warning",
            )
            return
        from console.screens.form_link import FormLinkScreen

        self.push_screen(FormLinkScreen(url, serves=serves))
        self.copy_text(url, what="Form link")

    async def close_form(self, reason: str = ENDED) -> bool:
        """Stop the form taking questions: the session ``ended`` (the page says so), or the
        facilitator ``closed`` it for now. The state is kept in the session folder; False
        (and said) when that save failed, though the form is closed all the same."""
        if self.form is None:
            return False
        try:
            await self.form.set_open(False, reason)
        except FormControlError as exc:
            self.notify(f"NOT SAVED: {exc}", severity="error", timeout=15)
            return False
        return True

    async def action_set_form_open(self, open: bool) -> None:
        """Close the question form for now, or reopen it (form link screen, command palette)."""
        await self.set_form_open(open)

    async def set_form_open(self, open: bool) -> None:
        """Close the question form for now, or reopen it, and say how it stands."""
        form = self.form
        if form is None:
            self.notify("No built-in question form is running in this console.", severity="warning")
            return
        if form.open != open:  # when it already is, only say how it stands
            try:
                await form.set_open(open, CLOSED)
            except FormControlError as exc:
                self.notify(f"NOT SAVED: {exc}", severity="error", timeout=15)
                return
        self.notify(form_state_line(form.open, form.closed_reason))

    async def leave_form(self) -> None:
        """At quit: stop the form, or leave it serving (a process, mid-session: participants
        keep the link); ``form_stopped`` says which, for the exit line."""
        from console.session.console_form import stops_at_quit

        form = self.form
        if form is None or not stops_at_quit(form, self.session):
            return
        try:
            await form.stop()
        except FormControlError as exc:
            self.exit_message = f"{self.exit_message}\n{exc}".strip()
            return
        self.form_stopped = True
