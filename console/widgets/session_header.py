"""A header that shows what the facilitator glances at: title, wall clock, projected end."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.reactive import reactive
from textual.widget import Widget

from console.host import host_of
from console.messages import SessionChanged


class SessionHeader(Widget, can_focus=False):
    """One line: title (and role), wall clock, projected end and the form address.

    It follows the session by itself (``SessionChanged``, each tick among others) and reads
    the App's injected ``now()``, so snapshots with a frozen clock are stable (Textual's
    Header clock reads the system time).
    """

    DEFAULT_CSS = """
    SessionHeader { dock: top; height: 1; background: $primary; color: $text; }
    """

    title: reactive[str] = reactive("")
    wall_clock: reactive[str] = reactive("")
    projected_end: reactive[str] = reactive("")
    form_address: reactive[str] = reactive("")
    saved: reactive[str] = reactive("")

    def on_mount(self) -> None:
        host = host_of(self)
        session = host.session
        role = "" if session.role == "facilitator" else f" · {session.role}: {session.author}"
        self.title = f"{session.agenda.title}{role}"
        host.follow_session(self)
        self.show_session()

    @on(SessionChanged)
    def show_session(self) -> None:
        """Read the clock, the last save and the form's address (unchanged: no redraw)."""
        host = host_of(self)
        session = host.session
        tz = session.agenda.tz
        self.wall_clock = host.now().astimezone(tz).strftime("%H:%M:%S")
        self.projected_end = session.clock.projected_end().astimezone(tz).strftime("%H:%M")
        saved = host.last_saved_at
        self.saved = f"saved {saved.astimezone(tz):%H:%M:%S}" if saved else ""
        self.form_address = host.form_url

    def render(self) -> Table:
        grid = Table.grid(expand=True, padding=(0, 1))
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(no_wrap=True, justify="right")
        right = Text()
        if self.form_address:
            right.append(f"form {self.form_address}  ")
        if self.saved:
            right.append(f"{self.saved}  ", style="dim")
        if self.projected_end:
            right.append(f"ends ~{self.projected_end}  ")
        right.append(self.wall_clock, style="bold")
        grid.add_row(Text(self.title, style="bold"), right)
        return grid
