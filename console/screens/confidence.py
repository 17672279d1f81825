"""The presenter's console (``facilitator run --role presenter``): a confidence view.

What a speaker glances at while talking (Stagetimer's and Ontime's most used screen): the
segment in play and the next one, a large countdown with its state in words and colour (ON
TIME, WRAP UP, OVERTIME), the facilitator's message ("Wrap up", "Next: questions"), and the
question now being answered. It runs in a console of its own, on another screen or machine
that sees the session folder, so the facilitator keeps working in theirs.

It only reads. The console joins like a note-taker's but read-only (no lock, no file); the
App's folder poll brings the facilitator's clock, decisions and message in and posts
``SessionChanged``, which this screen follows (each tick too, for the seconds). Question texts
come from the facilitator's feed cache, which the App's feed service follows on every console
that does not poll (``console.session.feed_service``); the screen itself opens no file.

Never an email, never a theme tag or an answer note, and the asker's name only when they
agreed to show it (``presenter_text``, shared with the in-console presenter view ``P``).

Overtime flashes (the digits and the word swap to the error colour every other second) only
when Textual's animations are on in full; ``TEXTUAL_ANIMATIONS=basic`` or ``none`` keeps it
steady, and the word OVERTIME is shown either way.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

from console.board.question import Question
from console.clock.model import Phase
from console.clock.view import countdown, hhmm
from console.host import host_of
from console.messages import SessionChanged
from console.screens.presenter import presenter_text
from console.session.live import LiveSession
from console.session.presenter_message import PresenterMessage
from console.widgets.countdown import Countdown
from console.widgets.session_header import SessionHeader


def segment_text(session: LiveSession) -> Text:
    """Which segment is in play, of how many, and the one after it."""
    segments = session.agenda.segments
    clock = session.clock
    index = clock.current_index
    if index is None:
        if clock.phase is Phase.FINISHED:
            return Text("Session finished", style="bold")
        out = Text("Not started yet", style="bold")
        if segments:
            out.append(f"\nFirst: {segments[0].title}", style="dim")
        return out
    out = Text(f"Segment {index + 1} of {len(segments)}", style="dim")
    out.append("\n")
    out.append(segments[index].title, style="bold")
    if clock.phase is Phase.PAUSED:
        out.append("  (paused)", style="bold")
    if index + 1 < len(segments):
        out.append(f"\nNext: {segments[index + 1].title}", style="dim")
    return out


def message_text(message: PresenterMessage, session: LiveSession) -> Text:
    """The facilitator's message, and when it was sent."""
    if not message.showing:
        return Text("No message", style="dim italic")
    out = Text(message.text, style="bold")
    if message.sent_at is not None:
        out.append(f"   sent {hhmm(message.sent_at, session.agenda.tz)}", style="dim")
    return out


def question_text(live: Question | None) -> Text:
    """The live question as an audience may see it, or a quiet line when none is live."""
    if live is None:
        return Text("No question is live.", style="dim italic")
    return presenter_text(live)


class ConfidenceScreen(Screen[None]):
    """The presenter's console: segment, countdown, the facilitator's message, live question."""

    DEFAULT_CSS = """
    ConfidenceScreen { layout: vertical; }
    ConfidenceScreen #confidence-segment { height: auto; width: 100%; text-align: center;
        padding: 1 2 0 2; }
    ConfidenceScreen Countdown { margin: 1 0; }
    ConfidenceScreen Countdown > Digits { text-style: bold; }
    ConfidenceScreen Countdown.-flash > Digits,
    ConfidenceScreen Countdown.-flash > #countdown-state { background: $error; color: $text; }
    ConfidenceScreen #confidence-message { height: auto; margin: 0 2; padding: 0 1;
        border: round $primary; text-align: center; }
    ConfidenceScreen #confidence-message.-showing { border: heavy $warning;
        background: $warning 15%; }
    ConfidenceScreen #confidence-question { height: 1fr; min-height: 3; margin: 1 2 0 2;
        padding: 0 2; border: round $accent; overflow: hidden hidden; text-align: center; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._shown: dict[str, tuple[object, ...]] = {}

    def compose(self) -> ComposeResult:
        yield SessionHeader()
        yield Static(Text(""), id="confidence-segment", markup=False)
        yield Countdown()
        message = Static(Text(""), id="confidence-message", markup=False)
        message.border_title = "From the facilitator"
        yield message
        question = Static(Text(""), id="confidence-question", markup=False)
        question.border_title = "Now answering"
        yield question
        yield Footer()

    def on_mount(self) -> None:
        host_of(self).follow_session(self)
        self.show_session()

    @on(SessionChanged)
    def show_session(self) -> None:
        """Show the session as it is now (each tick, each folder read)."""
        host = host_of(self)
        session = host.session
        self._show("#confidence-segment", segment_text(session))
        view = countdown(session.clock, session.agenda.tz)
        clock = self.query_one(Countdown)
        clock.time_text, clock.state, clock.caption = view.time_text, view.state, view.caption
        flash = (
            view.state == "overtime"
            and self.app.animation_level == "full"
            and int(host.now().timestamp()) % 2 == 0
        )
        clock.set_class(flash, "-flash")
        message = session.presenter_message
        self._show("#confidence-message", message_text(message, session))
        self.query_one("#confidence-message").set_class(message.showing, "-showing")
        self._show("#confidence-question", question_text(session.board.live_question))

    def _show(self, selector: str, text: Text) -> None:
        """Update one line of the view only when its text changed (a tick moves the digits,
        not the question)."""
        key = (text.plain, tuple(text.spans), str(text.style))
        if self._shown.get(selector) != key:
            self._shown[selector] = key
            self.query_one(selector, Static).update(text)
