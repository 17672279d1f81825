"""The Textual App: wiring, global bindings, command palette, theme memory.

The App owns the open ``LiveSession`` and the background writer of this console's file;
screens turn keys into calls on the session and hand the records to ``persist``.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from console.live_session import LiveSession
from console.records import Record
from console.settings import Settings
from console.store import FolderWatcher, StoreWriter

FOLLOW_INTERVAL = 1.0
"""Seconds between looks at the other consoles' files (the issue allows 2 s behind)."""


def system_now() -> datetime:
    return datetime.now(UTC)


class FacilitatorApp(App[None]):
    """The facilitator console."""

    CSS_PATH = "app.tcss"
    TITLE = "Facilitator console"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", tooltip="Leave the console (all is saved)"),
    ]

    class FolderChanged(Message):
        """Another console's file changed: the merged records of the whole session folder."""

        def __init__(self, records: dict[tuple[str, str], Record], warnings: list[str]) -> None:
            super().__init__()
            self.records = records
            self.warnings = warnings

    def __init__(
        self,
        session: LiveSession,
        *,
        settings: Settings,
        message: str = "",
        source_args: argparse.Namespace | None = None,
        now: Callable[[], datetime] = system_now,
    ) -> None:
        super().__init__()
        self.session = session
        self.settings = settings
        self.startup_message = message
        self.source_args = source_args
        self.now = now
        self.writer = StoreWriter(session.file) if session.file is not None else None
        self.exit_message = ""
        self.return_code_override: int | None = None
        self.last_saved_at: datetime | None = None

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        if self.settings.theme and self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        from console.screens.main_screen import MainScreen

        self.push_screen(MainScreen())
        if self.startup_message:
            self.notify(self.startup_message, timeout=6)
        for warning in self.session.warnings:
            self.notify(warning, severity="warning", timeout=10)
        self.call_after_refresh(self.follow_folder)

    @work(exit_on_error=False, group="follow", thread=False)
    async def follow_folder(self) -> None:
        """One long-lived loop: re-read changed files of the session folder every second.

        The stat calls and reads run in a thread so the event loop never waits on the disk;
        an unchanged folder costs one stat per file and posts nothing.
        """
        import asyncio

        watcher = FolderWatcher(self.session.folder)
        await asyncio.to_thread(watcher.poll)  # prime: what open() already read
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
            self.post_message(self.FolderChanged(read.records, fresh))

    def on_facilitator_app_folder_changed(self, message: FolderChanged) -> None:
        for warning in message.warnings:
            self.notify(warning, severity="warning", timeout=10)
        if self.session.apply_folder(message.records):
            self.screen.post_message(message)

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
        if self.writer is None:
            self.notify("Read-only console: nothing is saved.", severity="warning")
            return False
        try:
            await self.writer.put_many(batch)
        except Exception as exc:  # disk full, folder removed: say so, keep running
            self.notify(f"NOT SAVED: {exc}", severity="error", timeout=15)
            return False
        self.last_saved_at = self.now()
        return True

    LONG_LIVED_GROUPS = frozenset({"follow", "feed", "intake"})
    """Worker groups that run for the whole session (never awaited by ``settle``)."""

    async def settle(self) -> None:
        """Wait until every short-lived worker (saves, exports) has finished."""
        import asyncio

        pending = [w for w in self.workers if w.group not in self.LONG_LIVED_GROUPS]
        for worker in pending:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(worker.wait(), timeout=30)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for binding in getattr(screen, "PALETTE_BINDINGS", ()):
            action = binding.action
            yield SystemCommand(
                binding.description,
                binding.tooltip or binding.description,
                lambda action=action: self.run_action(action, screen),
            )

    async def on_unmount(self) -> None:
        if self.writer is not None:
            await self.writer.close()
        self.session.close()
