"""How a console hosts the built-in question form for its session (no UI imports).

Two ways, both with the form's data in the session folder (``<session>/intake/``), so each
session has its own submissions and read token and a new session never shows the last one's
questions, and both on the session's saved port and link (``form_plan``):

- **as a process of its own** (``console.session.form_process.start_or_attach``): what
  ``facilitator run`` does. The form keeps serving while the console is away and the
  restarted console reattaches to it.
- **in the console's event loop** (``make_server``: an ``IntakeServer``): what tests that
  build the App directly use. It stops with the console.

The App holds either through one interface (``console.session.console_form``).

``prepare_form`` is what ``facilitator run`` calls before the App starts: it decides the
link once (and saves it), and says loudly when the saved port is taken. The board reads it through
the same poller as any other source, with the ``intake`` preset and the token it already
knows. Whether the form is open is kept there too (``intake/form-state.json``): a restart
keeps a form the facilitator closed closed, and one reopened after the session ended open.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from console.feeds.config import SourceConfig

if TYPE_CHECKING:
    from console.intake.server import IntakeServer
    from console.session.form_plan import FormPlan
    from console.session.form_sync import FormTarget
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
    """The in-process form, on the session's saved port and link when it has one (else the
    first free port from 8765, as before), with the agenda's mode and held words."""
    from console.intake.config import IntakeConfig, form_info_from_agenda
    from console.intake.server import IntakeServer
    from console.session.form_plan import saved_plan

    plan = saved_plan(session.folder.info)
    questions = session.agenda.questions
    config = IntakeConfig(
        data_dir=session.folder.path / INTAKE_FOLDER,
        participant_list=questions.participant_list,
        held_words=questions.held_words,
    )
    if plan is not None and plan.port is not None:
        config.port = plan.port
        config.host = plan.host
        config.public_url = plan.public_url
        config.extra_hosts = plan.extra_hosts
    info = form_info_from_agenda(session.agenda, held_at(session))
    return IntakeServer(config, replace(info, stops_after_session=True))


def held_at(session: LiveSession) -> datetime | None:
    """When the session is held, if not at its agenda's date (``LiveSession.held_at``)."""
    return session.held_at()


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
    url = server.url
    if server.config.public_url:  # behind a proxy: the console reads it on this machine
        url = f"http://127.0.0.1:{server.port}/"
    return SourceConfig(
        url=url,
        preset="intake",
        token=server.token,
        tz=session.agenda.timezone,
        interval_seconds=1.0,
        wait_seconds=20.0,
    )


def intake_target(server: IntakeServer, session: LiveSession) -> FormTarget:
    """Where ``FormSync`` pushes the decisions for the in-process form."""
    from console.session.form_sync import FormTarget

    return FormTarget(intake_source(server, session).url, server.token)


def qr_text(url: str) -> str:
    """The URL as a QR code drawn with block characters (two modules per character cell)."""
    import segno

    buffer = io.StringIO()
    segno.make(url, error="m").terminal(out=buffer, compact=True, border=2)
    return buffer.getvalue().rstrip("\n")


@dataclass(frozen=True, slots=True)
class FormPreparation:
    """What ``prepare_form`` decided for ``facilitator run``."""

    plan: FormPlan | None
    """The session's form link (None: no built-in form, another source was named)."""
    choice: SourceChoice
    """The source choice to hand the App: a hosted form becomes its ``intake`` source."""
    notices: tuple[str, ...] = ()
    """Said on stderr and as the console's start-up notice."""
    port_taken: bool = False


def prepare_form(
    session: LiveSession, choice: SourceChoice, data_dir: Path | None
) -> FormPreparation:
    """Decide (once) and save the session's form link, for ``facilitator run``.

    Only the facilitator's console decides (a note-taker's never hosts a form). A saved port
    that is taken by something other than this session's form is reported, never moved:
    ``port_taken`` and a notice saying which port, that participants hold that link, and
    what to do. ``LinkError`` (plain words) for a bad ``--port``/``--public-url``.
    """
    from console.session.form_link import port_is_free
    from console.session.form_plan import (
        TOKEN_ENV,
        choose_plan,
        hosted_token_missing,
        port_taken_notice,
    )
    from console.session.form_process import intake_folder, running_form, serving_form

    asked = choice.port is not None or choice.public_url is not None
    if not session.runs_clock:
        ignored = "--port and --public-url are for the facilitator's console; ignored here."
        return FormPreparation(None, choice, (ignored,) if asked else ())
    if not wants_builtin_form(session, choice):
        ignored = (
            "--port and --public-url are for the built-in question form; ignored, since "
            "another question source is named."
        )
        said = [ignored] if asked else []
        if (left := serving_form(intake_folder(session))) is not None:
            said.append(
                f"This session's question form still serves at {left.url}, and this console "
                "does not read it (another source, or --no-form): its questions are not on "
                f"the board. Stop it with: facilitator form stop --session {session.folder.info.id}"
            )
        return FormPreparation(None, choice, tuple(said))
    plan = choose_plan(
        session.folder, session.agenda, data_dir, port=choice.port, public_url=choice.public_url
    )
    notices = [n for n in (plan.notice(), hosted_token_missing(plan)) if n]
    if plan.hosted:
        hosted = replace(
            choice,
            url=plan.public_url,
            preset="intake",
            token_env=choice.token_env or TOKEN_ENV,
        )
        return FormPreparation(plan, hosted, tuple(notices))
    assert plan.port is not None
    taken = not port_is_free(plan.port, plan.host)
    if taken and running_form(intake_folder(session), plan.port) is not None:
        taken = False  # this session's own form, still serving: it is reattached to
    if taken:
        holder = port_holder(data_dir, plan.port) if data_dir is not None else ""
        notices.insert(0, port_taken_notice(plan, session.agenda.name, holder))
    return FormPreparation(plan, choice, tuple(notices), taken)


def port_holder(data_dir: Path, port: int) -> str:
    """Who holds ``port``, when it is another session's form left serving (a quit mid-session,
    a series sharing one link): named, with how to stop it; "" when it is something else."""
    from console.session.form_process import session_forms

    for info, state in session_forms(data_dir):
        if state.port == port:
            return (
                f"the question form of session {info.id} (“{info.title}”), still serving; "
                f"`facilitator form stop --session {info.id}` stops it"
            )
    return ""
