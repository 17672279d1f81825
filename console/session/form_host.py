"""How a console hosts the built-in question form for its session (no UI imports).

The form runs inside the facilitator's console, in its event loop, with its data in the
session folder (``<session>/intake/``), so each session has its own submissions and read
token and a new session never shows the last one's questions. The board reads it through
the same poller as any other source, with the ``intake`` preset and the token it already
knows. Whether the form is open is kept there too (``intake/form-state.json``): a restart
keeps a form the facilitator closed closed, and one reopened after the session ended open.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING

from console.feeds.config import SourceConfig

if TYPE_CHECKING:
    from console.intake.server import IntakeServer
    from console.session.live import LiveSession
    from console.session.source_choice import SourceChoice

INTAKE_FOLDER = "intake"


def wants_builtin_form(session: LiveSession, choice: SourceChoice | None) -> bool:
    """The built-in form is the default source: unless another source or ``--no-form``."""
    if not session.runs_clock:
        return False  # note-takers and read-only consoles never host the form
    if choice is not None and (not choice.builtin_form or choice.url):
        return False
    return not session.agenda.questions.url


def make_server(session: LiveSession) -> IntakeServer:
    from console.intake.config import IntakeConfig, form_info_from_agenda
    from console.intake.server import IntakeServer

    config = IntakeConfig(data_dir=session.folder.path / INTAKE_FOLDER)
    return IntakeServer(config, form_info_from_agenda(session.agenda, held_at(session)))


def held_at(session: LiveSession) -> datetime | None:
    """When the session is held, if not at its agenda's date: the real start of a clock rebased
    on it, or now for one that will be (see ``RunOfShow.would_rebase``); None otherwise."""
    clock = session.clock
    if clock.rebased_from is not None:
        return clock.planned_start
    if clock.would_rebase():
        return session.now()
    return None


def starts_closed(server: IntakeServer, session: LiveSession) -> bool:
    """A form whose state was never saved closes when its session is already over (a session
    ended before this was kept, or before the form first ran); a saved state always wins."""
    return server.saved_state is None and session.folder.info.finished_at is not None


def form_state_line(open: bool, reason: str | None) -> str:
    """The form's state in plain words, for the console (what participants now see)."""
    from console.intake.form_state import CLOSED

    if open:
        return "The question form is open: participants can send questions."
    if reason == CLOSED:
        return "The question form is closed for now: participants see that it is closed."
    return "The question form is closed: participants see that the session has ended."


def intake_source(server: IntakeServer, session: LiveSession) -> SourceConfig:
    """The board's source for the in-process form: its own URL and token, never shown."""
    return SourceConfig(
        url=server.url,
        preset="intake",
        token=server.token,
        tz=session.agenda.timezone,
        interval_seconds=1.0,
        wait_seconds=20.0,
    )


def qr_text(url: str) -> str:
    """The URL as a QR code drawn with block characters (two modules per character cell)."""
    import segno

    buffer = io.StringIO()
    segno.make(url, error="m").terminal(out=buffer, compact=True, border=2)
    return buffer.getvalue().rstrip("\n")
