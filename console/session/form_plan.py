"""The question form's link for a session: chosen once, saved with the session, reused.

Participants hold the link from the invitation; a console restart must not move it. So the
facilitator's console decides it when it first opens the session and keeps it in
``session.json`` (``SessionInfo.form_port``, ``form_host``, ``form_public_url``,
``form_link``), in this order of precedence:

1. ``run --port P`` / ``run --public-url URL``, as asked (and saved: asking is deciding);
2. what the session saved before (a resume, after a crash or a quit);
3. the link ``facilitator form link`` made before the session (``planned_link``);
4. the first free port from 8765 (the local form, on this computer only).

``--public-url`` alone means a hosted ``form serve``: the console runs no form of its own,
follows that one (``intake`` preset, token from ``FACILITATOR_FORM_TOKEN``) and pushes its
decisions there. ``--public-url`` with ``--port`` is the local form behind a proxy or tunnel
of your own. A local link made by ``form link`` names this computer's address: that form
listens on every interface (the participants are on the room's network); otherwise it
listens on 127.0.0.1 only, as before.

If the saved port is taken when the session resumes, nothing moves silently:
:func:`port_taken_notice` says which port, that participants hold that link, and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from console.session.form_link import (
    DEFAULT_PORT,
    LinkError,
    check_public_url,
    choose_port,
    local_url,
    planned_link,
)

if TYPE_CHECKING:
    from console.agenda.model import Agenda
    from console.store import SessionFolder

LOOPBACK = "127.0.0.1"
ALL_INTERFACES = "0.0.0.0"  # noqa: S104 - only for a link made for the room's network
TOKEN_ENV = "FACILITATOR_FORM_TOKEN"  # noqa: S105 - a variable name (console.intake.TOKEN_ENV)


@dataclass(frozen=True, slots=True)
class FormPlan:
    """Where the session's question form is and what link participants hold."""

    link: str
    """What participants open (the invitation's link)."""
    port: int | None
    """The local form's port (None: a hosted form only, nothing runs here)."""
    host: str = LOOPBACK
    """Where the local form listens: 127.0.0.1, or every interface for a LAN link."""
    public_url: str | None = None
    """The hosted form's address, or the proxy's in front of the local form."""
    chosen: str = "first free"
    """How it was decided: ``asked`` (run --port/--public-url), ``saved`` (resume),
    ``planned`` (form link), ``first free``."""
    moved_from: str | None = None
    """The link saved before, when ``asked`` replaced it (participants may hold the old one)."""

    @property
    def hosted(self) -> bool:
        """A hosted form the console follows: no local form at all."""
        return self.port is None and self.public_url is not None

    @property
    def api_url(self) -> str:
        """How the console itself reaches the form (loopback for the local one)."""
        if self.port is None:
            return self.public_url or self.link
        return f"http://{LOOPBACK}:{self.port}/"

    @property
    def extra_hosts(self) -> tuple[str, ...]:
        """Names the local form must also answer to: loopback, for the console behind a proxy."""
        return (LOOPBACK, "localhost") if self.public_url and self.port else ()

    def notice(self) -> str:
        """What to say at start-up about the link, if anything (empty when all is as before)."""
        if self.moved_from and self.moved_from != self.link:
            return (
                f"The question form's link changed from {self.moved_from} to {self.link} "
                "(as asked). Participants holding the old link will not reach the form: "
                "share the new one."
            )
        return ""


def saved_plan(info: object) -> FormPlan | None:
    """The plan kept in ``session.json`` (a ``SessionInfo``), or None if none was chosen."""
    link = getattr(info, "form_link", None)
    port = getattr(info, "form_port", None)
    public = getattr(info, "form_public_url", None)
    if not link or (port is None and public is None):
        return None
    return FormPlan(link, port, getattr(info, "form_host", None) or LOOPBACK, public, "saved")


def choose_plan(
    folder: SessionFolder,
    agenda: Agenda,
    data_dir: Path | None,
    *,
    port: int | None = None,
    public_url: str | None = None,
    host: str | None = None,
) -> FormPlan:
    """Decide the form's link for this session (see the module's order) and save it in
    ``session.json``. Facilitator's console only (the one writer of that file).

    ``data_dir`` is where ``form link`` keeps planned links (None: do not look).
    Raises ``LinkError`` in plain words: a bad ``--port`` or ``--public-url``, a saved
    ``form link`` file that cannot be read, or no free port from 8765.
    """
    if port is not None and not 0 < port < 65536:
        raise LinkError("--port must be between 1 and 65535 (the link keeps it)")
    wanted_public = check_public_url(public_url) if public_url else None
    saved = saved_plan(folder.info)
    if port is not None or wanted_public is not None:
        # On top of the saved link, else the planned one: the invitation may carry either.
        plan = _asked(saved or _planned(agenda, data_dir), port, wanted_public, host)
    elif saved is not None:
        plan = saved
    else:
        plan = _planned(agenda, data_dir) or _first_free()
    _save(folder, plan)
    return plan


def _asked(
    base: FormPlan | None, port: int | None, public_url: str | None, host: str | None
) -> FormPlan:
    """The plan asked for on the command line, on top of the one saved (or planned): a port
    alone keeps a LAN link's address and listening on every interface."""
    saved = base
    if public_url is not None:
        # Hosted (no port), or the local form behind a proxy or tunnel (with one).
        plan = FormPlan(public_url, port, LOOPBACK, public_url, "asked")
    else:
        assert port is not None
        keep_host = host or (saved.host if saved is not None and saved.port else LOOPBACK)
        shown = _link_host(saved.link) if saved is not None and keep_host != LOOPBACK else None
        link = local_url(port, shown) if keep_host != LOOPBACK else _loopback_link(port)
        plan = FormPlan(link, port, keep_host, None, "asked")
    moved = saved.link if saved is not None and saved.link != plan.link else None
    return FormPlan(plan.link, plan.port, plan.host, plan.public_url, "asked", moved)


def _planned(agenda: Agenda, data_dir: Path | None) -> FormPlan | None:
    link = planned_link(agenda, data_dir) if data_dir is not None else None
    if link is None:
        return None
    if link.public_url is not None:
        return FormPlan(link.url, link.port, LOOPBACK, link.public_url, "planned")
    port = link.port or DEFAULT_PORT
    host = LOOPBACK if _link_host(link.url) in {LOOPBACK, "localhost"} else ALL_INTERFACES
    return FormPlan(link.url, port, host, None, "planned")


def _first_free() -> FormPlan:
    port = choose_port()
    return FormPlan(_loopback_link(port), port, LOOPBACK, None, "first free")


def _loopback_link(port: int) -> str:
    return f"http://{LOOPBACK}:{port}/"


def _link_host(url: str) -> str | None:
    return urlsplit(url).hostname


def _save(folder: SessionFolder, plan: FormPlan) -> None:
    info = folder.info
    wanted = {
        "form_port": plan.port,
        "form_host": plan.host if plan.port is not None else None,
        "form_public_url": plan.public_url,
        "form_link": plan.link,
    }
    if any(getattr(info, key) != value for key, value in wanted.items()):
        folder.update_info(**wanted)


def port_taken_notice(plan: FormPlan, agenda_name: str, holder: str = "") -> str:
    """Said loudly (stderr and the console's start-up notice) when the saved port is taken."""
    who = f" by {holder}" if holder else " by another program"
    return (
        f"PROBLEM: the question form cannot start: port {plan.port} is taken{who}. "
        f"Participants hold the link {plan.link}, so the form must not move by itself. "
        f"Either stop what holds port {plan.port} and start the console again, or start it "
        f"with --port ANOTHER and share the new link (facilitator form link --agenda "
        f"{agenda_name} --port ANOTHER --replace makes it, with a QR code)."
    )


def hosted_token_missing(plan: FormPlan, env: dict[str, str] | None = None) -> str:
    """What to say when the console follows a hosted form without its token (else "")."""
    import os

    values = os.environ if env is None else env
    if not plan.hosted or values.get(TOKEN_ENV, "").strip():
        return ""
    return (
        f"The console follows the hosted form at {plan.link} but {TOKEN_ENV} is not set: "
        "set it to the form's read token (printed by form serve on its first start) so the "
        "board can read questions and push decisions."
    )
