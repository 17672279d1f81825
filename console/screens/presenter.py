"""The presenter view: safe to share on screen.

Shows the session, the segment in play and the live question large. Never an email, never the
facilitator's private theme tags, and the asker's name only when they agreed to show it.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from console import actions
from console.board.question import Question
from console.host import host_of
from console.messages import SessionChanged

PRESENTER_TEXT_LIMIT = 1_000


def presenter_text(q: Question | None) -> Text:
    """What the audience sees of the live question (no email, no themes, name only if given)."""
    if q is None:
        return Text("Questions welcome: the next one will show here.", style="italic")
    body = q.text if len(q.text) <= PRESENTER_TEXT_LIMIT else q.text[:PRESENTER_TEXT_LIMIT] + " …"
    out = Text(body, style="bold", justify="center")
    if q.asker and q.display_name:
        out.append("\n\n")
        out.append(f"asked by {q.asker}", style="italic")
    return out


class PresenterScreen(Screen[None]):
    """Full-screen view of the live question; escape closes."""

    DEFAULT_CSS = """
    PresenterScreen { background: $background; align: center middle; }
    PresenterScreen #presenter-head { dock: top; height: auto; padding: 1 2; width: 100%;
        text-align: center; color: $text-muted; }
    PresenterScreen #presenter-body { width: 80%; max-width: 110; height: auto;
        align: center middle; }
    PresenterScreen #presenter-label { width: 100%; text-align: center; color: $accent;
        text-style: bold; margin-bottom: 1; }
    PresenterScreen #presenter-question { width: 100%; text-align: center; padding: 2 4;
        border: tall $accent; }
    """
    BINDINGS = actions.bindings(actions.PRESENTER)

    def compose(self) -> ComposeResult:
        yield Static(Text(""), id="presenter-head", markup=False)
        with Vertical(id="presenter-body"):
            yield Static(Text("NOW ANSWERING"), id="presenter-label", markup=False)
            yield Static(Text(""), id="presenter-question", markup=False)

    def on_mount(self) -> None:
        host_of(self).follow_session(self)
        self.refresh_view()

    @on(SessionChanged)
    def refresh_view(self) -> None:
        """Show the segment and the live question as they are now."""
        session = host_of(self).session
        agenda = session.agenda
        clock = session.clock
        index = clock.current_index
        segment = agenda.segments[index].title if index is not None else ""
        head = Text(agenda.title, style="bold")
        if segment:
            head.append(f"\n{segment}")
        self.query_one("#presenter-head", Static).update(head)
        live = session.board.live_question
        self.query_one("#presenter-label", Static).display = live is not None
        self.query_one("#presenter-question", Static).update(presenter_text(live))

    def action_close(self) -> None:
        self.dismiss(None)
