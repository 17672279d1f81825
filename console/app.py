"""The Textual App: wiring, global bindings, command palette, theme memory.

The App owns the open ``LiveSession`` and the background writer of this console's file;
screens turn keys into calls on the session and hand the records to ``persist``. It is the
``console.host.Host`` of every screen and widget (they never import this module), and it owns
the console's only two timers: the clock tick and the folder poll. After each (and after a
write, a folder read, the form starting) it posts ``SessionChanged`` to the views that follow
the session (``console.messages``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import SystemCommand
from textual.driver import Driver
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widgets import Input

if TYPE_CHECKING:
    from console.session.console_form import ConsoleForm
    from console.session.feed_service import FeedService
    from console.session.form_sync import FormSync
    from console.session.source_choice import SourceChoice

from console import actions
from console.actions import Action
from console.form_hosting import FormHosting
from console.host import Host
from console.messages import FolderChanged, SessionChanged
from console.session.form_host import wants_builtin_form
from console.session.live import LiveSession
from console.store import FolderWatcher, Record, StoreWriter
from console.system.heap import keep_long_lived
from console.system.settings import Settings
from console.ui_terminal import use_paste_safe_parser

SAVE_LOG_ENV = "FACILITATOR_SAVE_LOG"
SWITCH_INTERVAL = 0.001
"""Seconds between GIL hand-overs (Python's default is 0.005)."""

FOLLOW_INTERVAL = 1.0
"""Seconds between looks at the other consoles' files (the issue allows 2 s behind)."""
TICK_SECONDS = 1.0
"""Seconds between clock ticks (auto-advance, and the seconds on every clock face)."""


def _append_save_log(path: Path, records: Sequence[Record]) -> None:
    """One line per confirmed record, fsync'd: what a crash test may expect to find."""
    with path.open("a", encoding="utf-8") as fh:
        fh.writelines(f"{r.kind} {r.id} {r.rev}\n" for r in records)
        fh.flush()
        os.fsync(fh.fileno())


def unknown_ids(keymap: dict[str, str]) -> list[str]:
    """The ids of ``keymap`` that name no key, each quoted, with a did-you-mean."""
    from difflib import get_close_matches

    known = sorted(actions.known_ids())
    out = []
    for key_id in sorted(set(keymap) - set(known)):
        close = get_close_matches(key_id, known, n=1)
        out.append(f'"{key_id}"' + (f' (did you mean "{close[0]}"?)' if close else ""))
    return out


def system_now() -> datetime:
    return datetime.now(UTC)


class FacilitatorApp(FormHosting):
    """The facilitator console."""

    CSS_PATH = "app.tcss"
    TITLE = "Facilitator console"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = actions.bindings(actions.APP)

    def __init__(
        self,
        session: LiveSession,
        *,
        settings: Settings,
        message: str = "",
        source: SourceChoice | None = None,
        now: Callable[[], datetime] = system_now,
        defer_panels: bool = True,
        form_process: bool = False,
    ) -> None:
        super().__init__()
        # Saves run on a writer thread; with the default 5 ms GIL switch interval a busy
        # frame makes that thread wait several intervals to finish a write it has fsync'd.
        sys.setswitchinterval(SWITCH_INTERVAL)
        self.defer_panels = defer_panels
        """Mount the board and notes panels after the first frame (tests turn it off so the
        panels exist as soon as the app runs)."""
        self.session = session
        self.settings = settings
        self.startup_message = message
        self.source = source
        self.now = now
        self.writer = StoreWriter(session.file) if session.file is not None else None
        self.exit_message = ""
        self.return_code_override: int | None = None
        self.last_saved_at: datetime | None = None
        self.form_process = form_process
        """Host the built-in form as a process of its own that outlives the console
        (``facilitator run``); else in this event loop (tests: faster, nothing left over)."""
        self.form: ConsoleForm | None = None
        self.form_stopped = False
        self.form_url = ""
        self._feed_service: FeedService | None = None
        self.form_syncs: list[FormSync] = []
        """The pushers of the board's decisions (published, hidden, states, participant
        answers) to the question forms: the built-in one and a hosted ``form serve``."""
        self._synced_version = -1
        log = os.environ.get(SAVE_LOG_ENV)
        self.save_log: Path | None = Path(log) if log else None
        """Test hook: ids of records confirmed on disk, appended after each durable write."""
        self.ticks_clock = session.role not in ("notes", "presenter")
        """Whether the tick advances the clock (auto-advance); a note-taker's or presenter's
        console shows the facilitator's clock as saved and never moves it itself."""
        self._views: list[MessagePump] = []

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this terminal, reading a paste whole (see ``ui_terminal``)."""
        driver_class = super().get_driver_class()
        use_paste_safe_parser(driver_class)
        return driver_class

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
            if unknown := unknown_ids(self.settings.keymap):
                self.notify(
                    f"config.toml [keys] names no key {', '.join(unknown)}: left out. "
                    "Every id is listed in docs/keys.md.",
                    title="Unknown key id",
                    severity="warning",
                    timeout=15,
                    markup=False,
                )
        if self.settings.theme and self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        from console.screens.main_screen import MainScreen

        if self.session.role == "notes":
            from console.screens.notes_screen import NotesScreen

            self.push_screen(NotesScreen())
        elif self.session.role == "presenter":
            from console.screens.confidence import ConfidenceScreen

            self.push_screen(ConfidenceScreen())
        else:
            self.push_screen(MainScreen())
        if self.startup_message:
            self.notify(self.startup_message, timeout=6)
        for warning in self.session.warnings:
            self.notify(warning, severity="warning", timeout=10)
        self.set_interval(TICK_SECONDS, self.tick)
        self.call_after_refresh(self.after_first_frame)

    async def after_first_frame(self) -> None:
        """Slow starts (panels, file watcher, feeds, the form server) wait for the first frame."""
        mount_deferred = getattr(self.screen, "mount_deferred", None)
        if callable(mount_deferred):
            await mount_deferred()
        keep_long_lived()  # the session as loaded (agenda, notes, decisions, widgets) stays
        self.follow_folder()
        self.run_feeds()
        if wants_builtin_form(self.session, self.source):
            self.start_form()
        self.start_feeds()

    @work(exit_on_error=False, group="clipboard")
    async def copy_text(self, text: str, what: str = "Text") -> None:
        """Copy with the desktop clipboard if there is one, and OSC 52 too; say which worked."""
        self.copy_to_clipboard(text)  # OSC 52: works over SSH in many terminals, never confirmed
        try:
            from console.system.clipboard import copy_with_desktop
        except ImportError:
            copied = False
        else:
            copied = await asyncio.to_thread(copy_with_desktop, text)
        if copied:
            self.notify(f"{what} copied.")
        else:
            self.notify(f"{what} sent to the terminal, unconfirmed (no desktop clipboard).")

    @work(exit_on_error=False, group="follow", thread=False)
    async def follow_folder(self) -> None:
        """One long-lived loop: re-read changed files of the session folder every second.

        The stat calls and reads run in a thread so the event loop never waits on the disk;
        an unchanged folder costs one stat per file and posts nothing.
        """
        # No priming pass: a file another console wrote between open() and now must not be
        # taken as already known. The first pass re-reads every file; applying records is
        # idempotent, so what open() already read costs time once, not correctness.
        own = [self.session.file.path] if self.session.file is not None else []
        watcher = FolderWatcher(self.session.folder, skip=own)
        seen_warnings: set[str] = set()
        while True:
            await asyncio.sleep(FOLLOW_INTERVAL)
            try:
                read = await asyncio.to_thread(watcher.poll)
            except Exception as exc:  # a folder on a flaky share: report, keep trying
                self.notify(f"Could not read the session folder: {exc}", severity="warning")
                continue
            if read is None:
                continue
            fresh = [w for w in read.warnings if w not in seen_warnings]
            seen_warnings.update(fresh)
            self.post_message(FolderChanged(read.records, fresh))

    @on(FolderChanged)
    def folder_changed(self, message: FolderChanged) -> None:
        for warning in message.warnings:
            self.notify(warning, severity="warning", timeout=10)
        if self.session.apply_folder(message.records):
            self.session_changed()

    # -- the views' news: one coalescing message, to every view that follows the session ---
    def follow_session(self, view: MessagePump) -> None:
        """Post ``SessionChanged`` to ``view`` whenever the session may have moved, for as
        long as it is mounted (views call this from ``on_mount``)."""
        self._views.append(view)

    def session_changed(self) -> None:
        """Tell every following view that the session may have moved.

        Each view gets its own message (it does not bubble), queued behind what it is
        doing; a view with one still queued keeps only the newest (``can_replace``).
        Views that were removed are forgotten here.
        """
        self._views = [v for v in self._views if v.is_attached and v.is_running]
        for view in self._views:
            view.post_message(SessionChanged())
        self._push_if_moved()

    def _push_if_moved(self) -> None:
        """Tell the form pushers the board moved (a save, a folder merge, a feed update),
        once per board version: a clock tick with nothing new costs one comparison."""
        version = self.session.board.version
        if self.form_syncs and version != self._synced_version:
            self._synced_version = version
            for sync in self.form_syncs:
                sync.changed()

    def tick(self) -> None:
        """The clock tick, every ``TICK_SECONDS``: let time pass, then tell the views.

        Auto-advance may move the clock on (saved, and the bell rings); the views redraw
        only what moved (an idle board is not repainted).
        """
        if self.ticks_clock:
            events, record = self.session.tick()
            if record is not None:
                self.save_clock(record)
            if events:
                self.bell()
        self.session_changed()

    @work(exit_on_error=False, group="save")
    async def save_clock(self, record: Record) -> None:
        """Save a clock record, then the session facts it implies (started, finished)."""
        ok = await self.persist(record)
        changes = self.session.session_changes()
        if ok and changes:
            await asyncio.to_thread(self.session.folder.update_info, **changes)

    @property
    def escape_to_minimize(self) -> bool:
        """Esc gives a zoomed board's screen back, except to a text field, which keeps its
        own Esc (the board's search clears first; a second Esc, on the list, un-zooms)."""
        return super().escape_to_minimize and not isinstance(self.focused, Input)

    def watch_theme(self, theme: str) -> None:
        if self.is_running and theme != self.settings.theme:
            try:
                self.settings.remember_theme(theme)
            except OSError as exc:
                self.notify(f"Could not remember the theme: {exc}", severity="warning")

    async def persist(self, records: Sequence[Record] | Record) -> bool:
        """Write records through this console's writer; True once they are on disk."""
        batch = [records] if isinstance(records, Record) else list(records)
        if not batch:
            return True
        try:
            return await self._write(batch)
        finally:  # saved or not, the records changed the session in memory
            self.session_changed()

    async def _write(self, batch: list[Record]) -> bool:
        if self.writer is None:
            self.notify("Read-only console: nothing is saved.", severity="warning")
            return False
        try:
            await self.writer.put_many(batch)
        except Exception as exc:  # disk full, folder removed: say so, keep running
            self.notify(f"NOT SAVED: {exc}", severity="error", timeout=15)
            return False
        self.last_saved_at = self.now()
        if self.save_log is not None:
            await asyncio.to_thread(_append_save_log, self.save_log, batch)
        return True

    LONG_LIVED_GROUPS = frozenset({"follow", "feed", "intake"})
    """Worker groups that run for the whole session (never awaited by ``settle``)."""

    async def settle(self) -> None:
        """Wait until every short-lived worker (saves, exports) has finished."""
        pending = [w for w in self.workers if w.group not in self.LONG_LIVED_GROUPS]
        for worker in pending:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(worker.wait(), timeout=30)

    # -- question feeds: the pollers and the feed cache, supervised by the FeedService -------
    def feed_service(self) -> FeedService:
        """The question feeds of this console, made on first use: it brings httpx along, and
        a console that has not painted yet must not pay for it (so a method, not a property:
        the ``Host`` check calls no method). Its updates reach the views as
        ``SessionChanged``."""
        if self._feed_service is None:
            from console.session.feed_service import FeedService

            self._feed_service = FeedService(
                self.session,
                on_change=self.session_changed,
                save=self._save_arrivals,
                notify=self._feed_warning,
                now=self.now,
            )
        return self._feed_service

    @work(exit_on_error=False, group="feed", name="question feeds")
    async def run_feeds(self) -> None:
        """The one worker of the feeds: pollers, cache load, follow and write (after the
        first frame). It ends when the App does."""
        await self.feed_service().run()

    def start_feeds(self) -> None:
        """Hand the configured question source to the feeds (after the first frame).

        The built-in form's source is added by ``start_form``; a source that cannot be used is
        reported in plain words and the console runs on without it.
        """
        from console.feeds.errors import FeedError
        from console.session.source_choice import configured_source

        try:
            config = configured_source(self.session.agenda, self.source)
        except FeedError as exc:
            self.notify(f"The question source is not usable: {exc}", severity="error", timeout=15)
            return
        if config is not None:
            self.feed_service().add_source(config)
            self.hosted_form_sync(config)

    def _save_arrivals(self, records: Sequence[Record]) -> None:
        self.run_worker(self.persist(list(records)), group="board-save", exit_on_error=False)

    def _feed_warning(self, text: str) -> None:
        self.notify(text, severity="warning")

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for action in actions.palette(screen):
            if self.hidden_now(action, screen):
                continue
            yield SystemCommand(
                action.description,
                self.palette_help(action),
                partial(self.run_palette_action, action, screen),
            )

    def hidden_now(self, action: Action, screen: Screen[object]) -> bool:
        """Whether the footer hides ``action`` now (its handler's ``check_action`` says False,
        as the start does once started), so the palette leaves it out too. An action whose
        refusal the palette explains (``actions.REFUSED``) stays offered, to say why."""
        if action.handler in actions.REFUSED:
            return False
        target = action.handler.node_on(screen)
        return target is not None and target.check_action(action.method, action.arguments) is False

    def palette_help(self, action: Action) -> str:
        """The action's tooltip, and the key that runs it (as remapped in ``config.toml``)."""
        keys = self.shown_keys(action.id)
        return f"{action.tooltip} (key: {keys})" if keys else action.tooltip

    def shown_keys(self, action_id: str) -> str:
        """The keys that run an action as the footer writes them, as remapped in ``config.toml``."""
        action = actions.by_id(action_id)
        return action.shown_keys(self.get_key_display, self.settings.keymap.get(action.id))

    def key_names(self, action_id: str) -> str:
        """The keys that run an action as a sentence names them (``ctrl+e``, ``n or right``)."""
        keys = self.settings.keymap.get(action_id, actions.by_id(action_id).keys)
        return " or ".join(k.strip() for k in keys.split(",") if k.strip())

    async def run_palette_action(self, action: Action, screen: Screen[object]) -> None:
        """Run a palette entry on the widget, screen or app that handles it, as its key would."""
        target = action.handler.node_on(screen)
        if target is None:
            return  # not mounted yet (the panels come after the first frame)
        if not target.check_action(action.method, action.arguments):
            if refused := actions.REFUSED.get(action.handler):
                self.notify(refused, severity="warning")
            return
        await self.run_action(action.action, target)

    async def on_unmount(self) -> None:
        for screen in self.screen_stack:  # a notepad typed into just before quitting
            flush = getattr(screen, "flush_pending", None)
            if callable(flush):
                with contextlib.suppress(Exception):
                    await flush()
        for sync in self.form_syncs:  # before the form stops: no push to a closed port
            with contextlib.suppress(Exception):
                await sync.stop()
        if self._feed_service is not None:  # pollers closed, the newest feed on disk
            await self._feed_service.stop()
        await self.leave_form()  # stopped, or (a process, mid-session) left serving
        if self.writer is not None:
            await self.writer.close()
        self.session.close()


_HOST: type[Host] = FacilitatorApp
"""mypy checks here that the App implements what screens and widgets ask of it."""
