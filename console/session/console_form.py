"""The question form a console hosts, behind one interface: in its event loop, or a process.

The App holds a ``ConsoleForm`` and never asks which kind it is: the header and the link
screen read ``url``, ``open`` and ``closed_reason``, the end of the session and the palette
call ``set_open``, the board reads ``source()`` and the pusher ``target()``. Two kinds:

- ``ProcessForm``: the form as a process of its own (``form_process``), which
  ``facilitator run`` uses. It outlives the console (``outlives_console``), so a crash or a
  quit mid-session costs participants nothing; a restarted console reattaches to it.
- ``InProcessForm``: an ``IntakeServer`` in the console's event loop, which tests that build
  the App directly use (faster, and nothing to clean up); it stops with the console.

When a quit stops the form, and when it leaves it serving, is decided here
(``stops_at_quit``): a process form stops only once the session has ended and the form is
closed, so an accidental quit mid-session never takes the link away; then the private pages
go with it, which the thank-you page tells the asker in advance.
"""

from __future__ import annotations

import asyncio
import json
import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from console.intake.form_state import CLOSED, ENDED, STATE_FILE, FormState

if TYPE_CHECKING:
    from pathlib import Path

    from console.feeds.config import SourceConfig
    from console.intake.server import IntakeServer
    from console.session.form_process import FormHandle
    from console.session.form_sync import FormTarget
    from console.session.live import LiveSession


class FormControlError(Exception):
    """The form did not take a change (or could not keep it); the message is for the user."""


class ConsoleForm(Protocol):
    """What the App needs of the form it hosts, whichever kind it is."""

    @property
    def url(self) -> str:
        """The participants' link."""
        ...

    @property
    def open(self) -> bool:
        """Whether participants can send questions now."""
        ...

    @property
    def closed_reason(self) -> str | None:
        """``ended`` or ``closed`` while closed; None while open."""
        ...

    @property
    def outlives_console(self) -> bool:
        """True when the form keeps serving after the console exits (a process of its own)."""
        ...

    def source(self, tz: str | None) -> SourceConfig:
        """The board's source for this form (``intake`` preset, its token)."""
        ...

    def target(self) -> FormTarget:
        """Where the board's decisions are pushed."""
        ...

    async def set_open(self, open: bool, reason: str = ENDED) -> None:
        """Close (``ended``, or ``closed`` for now) or reopen; ``FormControlError`` when the
        change was not taken or not kept."""
        ...

    async def stop(self) -> None:
        """Stop serving (participants' pages go); ``FormControlError`` when it would not."""
        ...


class InProcessForm:
    """An ``IntakeServer`` in the console's own event loop: it stops with the console."""

    outlives_console = False

    def __init__(self, server: IntakeServer, session: LiveSession) -> None:
        self.server = server
        self.session = session

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def open(self) -> bool:
        return self.server.open

    @property
    def closed_reason(self) -> str | None:
        return self.server.closed_reason

    def source(self, tz: str | None) -> SourceConfig:
        from console.session.form_host import intake_source

        return intake_source(self.server, self.session)

    def target(self) -> FormTarget:
        from console.session.form_host import intake_target

        return intake_target(self.server, self.session)

    async def set_open(self, open: bool, reason: str = ENDED) -> None:
        from console.intake import IntakeError

        try:
            await self.server.set_open(open, reason)
        except IntakeError as exc:
            raise FormControlError(str(exc)) from None

    async def stop(self) -> None:
        await self.server.stop()


class ProcessForm:
    """The session's form as a process of its own, started or found running."""

    outlives_console = True

    def __init__(self, handle: FormHandle, state: FormState | None) -> None:
        self.handle = handle
        self._open = True if state is None else state.open
        self._reason = None if state is None or state.open else state.reason

    @property
    def url(self) -> str:
        return self.handle.url

    @property
    def open(self) -> bool:
        return self._open

    @property
    def closed_reason(self) -> str | None:
        return self._reason

    @property
    def attached(self) -> bool:
        return self.handle.attached

    def source(self, tz: str | None) -> SourceConfig:
        return self.handle.source(tz)

    def target(self) -> FormTarget:
        return self.handle.target()

    async def set_open(self, open: bool, reason: str = ENDED) -> None:
        from console.session.form_process import FormProcessError

        try:
            now = await asyncio.to_thread(self.handle.set_open, open, reason)
        except FormProcessError as exc:
            raise FormControlError(str(exc)) from None
        self._open, self._reason = now, (None if now else reason)

    async def stop(self) -> None:
        from console.session.form_process import FormProcessError

        try:
            await asyncio.to_thread(self.handle.stop)
        except FormProcessError as exc:
            raise FormControlError(f"{exc}; stop it with: kill {self.handle.pid}") from None


@dataclass(frozen=True, slots=True)
class Started:
    """A form the console now hosts, and what to say about it at start."""

    form: ConsoleForm
    notice: str = ""
    close_now: bool = False
    """Close it as the session ``ended``: a session over before its form's state was kept."""


async def start_in_process(session: LiveSession) -> Started:
    """Serve the form in this event loop (``IntakeError`` in plain words when it cannot)."""
    from console.session.form_host import make_server, starts_closed

    server = make_server(session)
    await server.start()
    return Started(InProcessForm(server, session), close_now=starts_closed(server, session))


async def start_as_process(session: LiveSession) -> Started:
    """Reattach to the session's form process, or start it (blocking work in a thread).

    ``FormPortTaken`` / ``FormProcessError`` (plain words) when it cannot."""
    from console.session.form_process import start_or_attach

    handle = await asyncio.to_thread(start_or_attach, session)
    state = await asyncio.to_thread(saved_state, handle.folder)
    close_now = state is None and session.folder.info.finished_at is not None
    notice = (
        f"The question form at {handle.url} was found running and reattached: "
        "questions sent while the console was away are coming onto the board."
        if handle.attached
        else ""
    )
    return Started(ProcessForm(handle, state), notice, close_now)


def saved_state(folder: Path) -> FormState | None:
    """The form's open state as kept in its folder, read only (the form owns the file)."""
    try:
        return FormState.from_json(json.loads((folder / STATE_FILE).read_bytes()))
    except (OSError, ValueError):
        return None


def stops_at_quit(form: ConsoleForm, session: LiveSession) -> bool:
    """Whether the console's quit stops its form: always one in its event loop (it cannot
    outlive it); a process only once the session has ended and the form is closed."""
    if not form.outlives_console:
        return True
    return session.folder.info.finished_at is not None and not form.open


def left_serving_words(form: ConsoleForm, session_id: str, command: str = "facilitator") -> str:
    """What the console says as it exits and leaves its form serving (``command``: how to
    call ``facilitator`` again, with ``--data-dir`` when one was given)."""
    if form.open:
        state = "participants can still send questions"
    elif form.closed_reason == CLOSED:
        state = "it is closed for now, and participants still see its pages"
    else:
        state = "participants still see its pages and their private links"
    session = shlex.quote(session_id)
    return (
        f"The question form keeps serving at {form.url}: {state}.\n"
        f"  See what came in, on the board: {command} run --session {session}\n"
        f"  Stop the form:                  {command} form stop --session {session}"
    )


def stopped_words(form: ConsoleForm) -> str:
    """What the console says as it exits after stopping its form."""
    return f"The question form at {form.url} was stopped: the session has ended."
