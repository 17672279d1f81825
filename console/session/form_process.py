"""The local question form as a process of its own, which the console starts and reattaches to.

Why a child process rather than a server in the console's event loop: participants must not
feel a console crash or restart. A form inside the console dies with it: the link answers
"connection refused" until the console is back, and a question sent meanwhile is lost. As a
process of its own (``facilitator form serve`` on the session's intake folder, holding that
folder's lock, in its own process group so a Ctrl-C or a crash of the console does not reach
it), the form keeps taking questions and votes while the console is away. The restarted
console reads the form's state file, checks the process is alive and is this session's form
(``/healthz``, then the API with the session's token) and carries on with the same port and
link: a restart costs participants no submission, only the board lagging a few seconds.

When it stops: a console crash, and a quit mid-session, leave it serving (the quit says so,
with the link and how to stop it); the facilitator's quit stops it once the session has ended
and the form is closed (``console_form.stops_at_quit``), and ``facilitator form stop`` stops
it by hand. The private pages go with it, which the thank-you page says ahead of time.

Files, in ``<session>/intake/`` beside the form's own (``form.sqlite3``, ``read-token``...):

- ``form-process.json``, written by the form once it listens and removed when it stops:
  ``{"pid", "port", "url", "api_url", "host", "token": "file", "started_at"}``. The token
  itself stays in ``read-token`` (owner-only); the state file only says where it is.
- ``form-info.json``, written by the console before each start: the page's title, date line
  and themes (``FormInfo``), so the form shows the session as the console plans it.
- ``form.log``: the form's output (the console does not hold a pipe to it, so the form never
  dies of a closed pipe when the console goes).

API for the App (all blocking, with deadlines: call them from a thread worker)::

    handle = start_or_attach(session)   # FormHandle(url, token, port, attached, ...)
    handle.source(tz)                   # the board's intake source for it
    handle.target()                     # the FormSync target for it
    handle.set_open(False, "ended")     # close (or reopen) it, kept across restarts
    handle.stop()                       # at the end: stops the form (participants' pages go)
    stop_form(folder)                   # the same, from the folder alone (form stop)

``start_or_attach`` raises ``FormPortTaken`` (its message says which port, that participants
hold that link, and what to do) when the session's port is held by something else, and
``FormProcessError`` when the form does not start (the message quotes its log).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.session.form_link import port_is_free
from console.session.form_pids import alive, is_form, wait_gone
from console.session.form_plan import FormPlan, choose_plan, port_taken_notice, saved_plan

if TYPE_CHECKING:
    from console.feeds.config import SourceConfig
    from console.session.form_sync import FormTarget
    from console.session.live import LiveSession
    from console.store import SessionInfo

INTAKE_FOLDER = "intake"
STATE_FILE = "form-process.json"
INFO_FILE = "form-info.json"
LOG_FILE = "form.log"
TOKEN_FILE = "read-token"  # noqa: S105 - a file name (console.intake.tokens.TOKEN_FILE)
TOKEN_ENV = "FACILITATOR_FORM_TOKEN"  # noqa: S105 - a variable name
START_DEADLINE_S = 30.0
STOP_DEADLINE_S = 10.0
CHECK_DEADLINE_S = 3.0


class FormProcessError(Exception):
    """The local form could not be started, reached or stopped; the message is for the user."""


class FormPortTaken(FormProcessError):
    """The session's port is held by something that is not this session's form."""


@dataclass(frozen=True, slots=True)
class FormHandle:
    """The session's local form, started now or found running (``attached``)."""

    url: str
    """The participants' link, as the form serves it."""
    api_url: str
    """How the console reaches it (loopback)."""
    token: str = field(repr=False)
    port: int = 0
    pid: int = 0
    attached: bool = False
    """True: a form an earlier console started was found running and reattached."""
    folder: Path = field(default_factory=Path)
    _child: subprocess.Popen[bytes] | None = field(default=None, repr=False, compare=False)

    def source(self, tz: str | None = None) -> SourceConfig:
        """The board's source for this form (``intake`` preset, its token, never shown)."""
        from console.feeds.config import SourceConfig

        return SourceConfig(
            url=self.api_url,
            preset="intake",
            token=self.token,
            tz=tz,
            interval_seconds=1.0,
            wait_seconds=20.0,
        )

    def target(self) -> FormTarget:
        """Where ``FormSync`` pushes the decisions."""
        from console.session.form_sync import FormTarget

        return FormTarget(self.api_url, self.token)

    def set_open(self, open: bool, reason: str = "ended") -> bool:
        """Close the form (``reason``: ``ended``, or ``closed`` for now) or reopen it, through
        its API (``POST /api/session``); the form keeps the state across restarts. Returns
        the state now in effect; ``FormProcessError`` in plain words when it fails."""
        import httpx  # here, not at the top: ``facilitator run`` imports this before first paint

        try:
            with httpx.Client(timeout=CHECK_DEADLINE_S * 3, follow_redirects=False) as http:
                answer = http.post(
                    self.api_url + "api/session",
                    json={"open": open, "reason": reason},
                    headers={"Authorization": f"Bearer {self.token}"},
                )
            state = answer.json().get("open")
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            raise FormProcessError(f"the question form did not answer ({exc})") from None
        if answer.status_code != 200 or not isinstance(state, bool):
            raise FormProcessError(
                f"the question form could not change its state ({answer.status_code})"
            )
        return state

    def stop(self, timeout: float = STOP_DEADLINE_S) -> None:
        """Stop the form (SIGTERM: it finishes its writes and releases its folder)."""
        _terminate(self.pid, self.folder, timeout, self._child)


# -- the state file ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FormState:
    """What ``form serve --state-file`` writes once it listens."""

    pid: int
    port: int
    url: str
    api_url: str
    host: str
    token: str = "file"  # noqa: S105 - where the token is, never the token
    started_at: str = ""

    @classmethod
    def read(cls, path: Path) -> FormState | None:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            state = cls(**{k: raw[k] for k in ("pid", "port", "url", "api_url", "host")})
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not isinstance(state.pid, int) or not isinstance(state.port, int):
            return None
        return state

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def intake_folder(session: LiveSession) -> Path:
    return session.folder.path / INTAKE_FOLDER


def running_form(folder: Path, port: int | None = None) -> FormState | None:
    """The form recorded in ``folder`` if it is alive and answers as this folder's form (its
    ``/healthz``, then its API with the folder's token); None otherwise."""
    state = FormState.read(folder / STATE_FILE)
    if state is None or (port is not None and state.port != port) or not alive(state.pid):
        return None
    token = read_token(folder)
    if token is None:
        return None
    import httpx  # only when a form may be running: ``run`` calls this before first paint

    try:
        with httpx.Client(timeout=CHECK_DEADLINE_S, follow_redirects=False) as http:
            health = http.get(state.api_url + "healthz")
            if health.status_code != 200 or health.json().get("status") != "ok":
                return None
            api = http.get(
                state.api_url + "api/questions",
                params={"wait": "0"},
                headers={"Authorization": f"Bearer {token}"},
            )
    except (httpx.HTTPError, ValueError):
        return None
    return state if api.status_code == 200 else None


def read_token(folder: Path) -> str | None:
    try:
        return (folder / TOKEN_FILE).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


# -- start, attach, stop -----------------------------------------------------------------------
def start_or_attach(
    session: LiveSession,
    *,
    data_dir: Path | None = None,
    python: str = sys.executable,
    deadline: float = START_DEADLINE_S,
) -> FormHandle:
    """Reattach to the session's form if it is running, else start it on the session's port.

    The port and link are the session's (``session.json``; chosen once by
    ``form_plan.choose_plan``, which this calls when none is saved yet, with ``data_dir``
    for a link ``form link`` made). A form running on another port (the facilitator asked for a
    new one with ``run --port``) is stopped and started on the new one.
    """
    plan = saved_plan(session.folder.info)
    if plan is None:
        plan = choose_plan(session.folder, session.agenda, data_dir)
    if plan.port is None:
        raise FormProcessError(
            f"this session follows the hosted form at {plan.link}; no local form runs for it"
        )
    folder = intake_folder(session)
    found = running_form(folder)
    if found is not None and found.port == plan.port:
        token = read_token(folder) or ""
        return FormHandle(found.url, found.api_url, token, found.port, found.pid, True, folder)
    if found is not None:
        _terminate(found.pid, folder, STOP_DEADLINE_S, None)
    if not port_is_free(plan.port, plan.host):
        raise FormPortTaken(port_taken_notice(plan, session.agenda.name))
    return _start(session, plan, folder, python, deadline)


def stop_form(where: LiveSession | Path, timeout: float = STOP_DEADLINE_S) -> bool:
    """Stop the form of a session (or of its intake folder) if one is running (the App at the
    end, ``facilitator form stop``); True if it was."""
    folder = where if isinstance(where, Path) else intake_folder(where)
    state = serving_form(folder)
    if state is None:
        return False
    _terminate(state.pid, folder, timeout, None)
    return True


def serving_form(folder: Path) -> FormState | None:
    """The form recorded in an intake folder if its process is alive and still a form (no
    HTTP asked: for listing and stopping, where a hung form counts too)."""
    state = FormState.read(folder / STATE_FILE)
    if state is None or not alive(state.pid) or not is_form(state.pid):
        return None
    return state


def session_forms(root: Path) -> list[tuple[SessionInfo, FormState]]:
    """The forms serving for the sessions kept under the data folder ``root``, newest session
    first (``form stop`` lists them; a taken port is put down to one of them)."""
    from console.store import list_sessions

    found = []
    for info in list_sessions(root):
        state = serving_form(info.path / INTAKE_FOLDER)
        if state is not None:
            found.append((info, state))
    return found


def _start(
    session: LiveSession, plan: FormPlan, folder: Path, python: str, deadline: float
) -> FormHandle:
    assert plan.port is not None
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    _write_info(session, folder)
    with contextlib.suppress(FileNotFoundError):
        (folder / STATE_FILE).unlink()  # a state file left by a killed form
    questions = session.agenda.questions
    read_end, write_end = os.pipe()
    argv = [
        python,
        "-m",
        "console",
        "form",
        "serve",
        "--folder",
        str(folder),
        "--info",
        str(folder / INFO_FILE),
        "--state-file",
        str(folder / STATE_FILE),
        "--ready-fd",
        str(write_end),
        "--port",
        str(plan.port),
        "--mode",
        questions.participant_list,
    ]
    argv += ["--lan"] if plan.host != "127.0.0.1" else ["--host", "127.0.0.1"]
    if plan.public_url:
        argv += ["--public-url", plan.public_url]
    for name in plan.extra_hosts:
        argv += ["--extra-host", name]
    for word in questions.held_words:
        argv += ["--held-word", word]
    env = {k: v for k, v in os.environ.items() if k != TOKEN_ENV}  # the token stays in the folder
    try:
        with (folder / LOG_FILE).open("ab") as log:
            child = subprocess.Popen(  # noqa: S603 - our own command, no shell
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=env,
                pass_fds=(write_end,),
                start_new_session=True,  # the console's Ctrl-C or crash does not reach it
                close_fds=True,
            )
    finally:
        os.close(write_end)
    try:
        ready = _read_ready(read_end, deadline)
    finally:
        os.close(read_end)
    if ready is None:
        # It closed the pipe without a word (it failed), or said nothing in time: let it
        # finish writing why to its log (it exits right after), else stop it.
        try:
            child.wait(STOP_DEADLINE_S)
        except subprocess.TimeoutExpired:
            _terminate(child.pid, folder, STOP_DEADLINE_S, child)
        raise FormProcessError("the question form did not start: " + _log_tail(folder / LOG_FILE))
    token = read_token(folder)
    if token is None:
        _terminate(child.pid, folder, STOP_DEADLINE_S, child)
        raise FormProcessError(f"the question form started without a token in {folder}")
    return FormHandle(
        str(ready["url"]),
        str(ready["api_url"]),
        token,
        int(ready["port"]),
        child.pid,
        False,
        folder,
        child,
    )


def _write_info(session: LiveSession, folder: Path) -> None:
    from console.intake.config import form_info_from_agenda
    from console.store import atomic_write_bytes

    info = replace(
        form_info_from_agenda(session.agenda, session.held_at()), stops_after_session=True
    )
    payload = json.dumps(asdict(info), ensure_ascii=False, indent=2) + "\n"
    atomic_write_bytes(folder / INFO_FILE, payload.encode("utf-8"))


def _read_ready(fd: int, deadline: float) -> dict[str, Any] | None:
    """The form's one line on the ready pipe; None when it closed the pipe (it died) first."""
    end = time.monotonic() + deadline
    data = b""
    while b"\n" not in data:
        left = end - time.monotonic()
        if left <= 0:
            return None
        readable, _, _ = select.select([fd], [], [], left)
        if not readable:
            return None
        chunk = os.read(fd, 4096)
        if not chunk:
            return None
        data += chunk
    try:
        ready = json.loads(data.split(b"\n", 1)[0])
    except ValueError:
        return None
    return ready if isinstance(ready, dict) else None


def _log_tail(path: Path, lines: int = 6) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return f"(no log at {path})"
    tail = [line for line in text.splitlines() if line.strip()][-lines:]
    return " / ".join(tail) or f"(nothing in {path})"


def _terminate(
    pid: int, folder: Path, timeout: float, child: subprocess.Popen[bytes] | None
) -> None:
    if pid <= 0 or not alive(pid) or not is_form(pid):
        _forget_state(folder, pid)
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if not wait_gone(pid, timeout, child):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        if not wait_gone(pid, timeout, child):
            raise FormProcessError(f"the question form (process {pid}) did not stop")
    _forget_state(folder, pid)


def _forget_state(folder: Path, pid: int) -> None:
    state = FormState.read(folder / STATE_FILE)
    if state is not None and state.pid == pid:
        with contextlib.suppress(FileNotFoundError):
            (folder / STATE_FILE).unlink()
