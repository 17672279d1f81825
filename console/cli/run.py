"""``facilitator run``: open the console (the default command)."""

from __future__ import annotations

import argparse
import shlex
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from console.system.paths import config_dir, data_dir

if TYPE_CHECKING:
    from console.app import FacilitatorApp
    from console.session.setup import Launch
    from console.session.source_choice import SourceChoice


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "run",
        help="open the console (the default when no command is given)",
        description="Open the console on an agenda. Without --session it resumes the latest "
        "unfinished session of that agenda begun in the last 12 hours, else starts a new one.",
    )
    p.add_argument("--agenda", metavar="NAME|PATH", help="bundled agenda name or a TOML file")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--session", metavar="ID", help="open this session (id, prefix or 'latest')")
    which.add_argument("--new", action="store_true", help="always start a new session")
    which.add_argument(
        "--follow-up",
        metavar="SESSION",
        help="start a new session that carries open items over from SESSION "
        "(id, prefix or 'latest': the latest session before this one)",
    )
    p.add_argument(
        "--role",
        choices=("facilitator", "notes", "presenter"),
        default="facilitator",
        help="facilitator runs the clock and board; notes joins a running session; presenter "
        "joins one read-only and shows the speaker the countdown, the live question and the "
        "facilitator's messages",
    )
    p.add_argument("--author", metavar="NAME", help="your name on notes (default: login name)")
    p.add_argument("--read-only", action="store_true", help="look without writing anything")
    p.add_argument("--rehearsal", action="store_true", help="mark a new session as a rehearsal")
    p.add_argument("--source", metavar="URL", help="question source (overrides the agenda's)")
    p.add_argument("--preset", metavar="NAME", help="how to read the source (see 'feed test')")
    p.add_argument(
        "--map",
        metavar="FIELD=NAME",
        action="append",
        default=[],
        help="column or key for a field (text, asker, email, submitted_at, ...)",
    )
    p.add_argument("--no-form", action="store_true", help="do not start the built-in question form")
    p.add_argument(
        "--port",
        type=int,
        metavar="P",
        help="the built-in form's port; kept with the session and reused on resume (default: "
        "the one kept, else the link 'form link' made, else the first free from 8765)",
    )
    p.add_argument(
        "--public-url",
        metavar="URL",
        help="alone: follow the hosted form at URL (token in FACILITATOR_FORM_TOKEN) and push "
        "decisions there; with --port: the address of your proxy or tunnel in front of the "
        "local form",
    )
    p.add_argument(
        "--set-aside-damaged",
        action="store_true",
        help="if this console's own file cannot be read, move it aside (never deleted) as "
        "NAME.damaged-TIME, keep every record still readable, and start a fresh file",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from console.agenda.errors import AgendaError
    from console.session.setup import SetupError, prepare
    from console.store import StoreError

    root = data_dir(getattr(args, "data_dir", None))
    set_aside = bool(getattr(args, "set_aside_damaged", False))
    presenter = getattr(args, "role", None) == "presenter"  # read-only: it writes nothing
    if set_aside and (getattr(args, "read_only", False) or presenter):
        print(
            "facilitator: --set-aside-damaged changes files, and a read-only console "
            "(--read-only, --role presenter) writes nothing; use one or the other.",
            file=sys.stderr,
        )
        return 2
    try:
        launch = prepare(
            root=root,
            agenda_ref=getattr(args, "agenda", None),
            session_ref=getattr(args, "session", None),
            new=bool(getattr(args, "new", False)),
            role=getattr(args, "role", "facilitator"),
            author=getattr(args, "author", None),
            read_only=bool(getattr(args, "read_only", False)),
            rehearsal=bool(getattr(args, "rehearsal", False)),
            follow_up_of=getattr(args, "follow_up", None),
        )
    except (AgendaError, SetupError, StoreError) as exc:
        print(f"facilitator: {exc}", file=sys.stderr)
        return 1
    from console.session.live import LiveSession
    from console.system.settings import load_settings

    cfg_root = config_dir(getattr(args, "config_dir", None))
    try:
        settings = load_settings(cfg_root)
    except ValueError as exc:
        print(f"facilitator: {exc}", file=sys.stderr)
        return 1
    session = LiveSession(launch, now=_system_now)
    try:
        recovery = _set_aside_if_damaged(launch) if set_aside else ""
        session.open()  # takes the lock before any UI: a refusal is a plain message
    except StoreError as exc:
        print(f"facilitator: {exc}", file=sys.stderr)
        return 1
    if recovery:
        session.warnings.insert(0, recovery)  # shown as the console starts
    from console.session.form_host import prepare_form
    from console.session.form_link import LinkError

    try:
        form = prepare_form(session, source_choice(args), root)
    except LinkError as exc:
        session.close()
        print(f"facilitator: {exc}", file=sys.stderr)
        return 1
    for notice in form.notices:  # loudly, before the screen takes the terminal
        print(f"facilitator: {notice}", file=sys.stderr)
    if form.port_taken:  # participants hold that link: never open without the form on it
        session.close()
        return 1
    message = " ".join(filter(None, (launch.message, session.carried_summary, *form.notices)))
    from console.app import FacilitatorApp

    app = FacilitatorApp(
        session, settings=settings, message=message, source=form.choice, form_process=True
    )
    try:
        app.run()
    finally:
        session.close()
    print(message)
    if recovery:
        print(recovery)
    if app.exit_message:
        print(app.exit_message)
    if farewell := form_farewell(app, session.folder.info.id, args):
        print(farewell)
    return app.return_code or 0


def form_farewell(app: FacilitatorApp, session_id: str, args: argparse.Namespace) -> str:
    """The exit line about a form that outlives the console: stopped, or still serving (with
    how to come back to it and how to stop it)."""
    from console.session.console_form import left_serving_words, stopped_words

    form = app.form
    if form is None or not form.outlives_console:
        return ""
    if app.form_stopped:
        return stopped_words(form)
    command = "facilitator"
    if getattr(args, "data_dir", None):
        command += f" --data-dir {shlex.quote(str(args.data_dir))}"
    return left_serving_words(form, session_id, command)


def source_choice(args: argparse.Namespace) -> SourceChoice:
    """The question source options of ``run``, typed once for the core."""
    from console.session.source_choice import SourceChoice

    return SourceChoice(
        url=getattr(args, "source", None),
        preset=getattr(args, "preset", None),
        maps=tuple(getattr(args, "map", None) or ()),
        builtin_form=not getattr(args, "no_form", False),
        port=getattr(args, "port", None),
        public_url=getattr(args, "public_url", None),
    )


def _set_aside_if_damaged(launch: Launch) -> str:
    """Set this console's own file aside when it cannot be read; what to say on start."""
    from console.store import set_aside_damaged

    path = launch.folder.author_path(launch.author)
    recovery = set_aside_damaged(path, launch.author)
    if recovery is None:
        return ""
    return recovery.summary()


def _system_now() -> datetime:
    return datetime.now(UTC)
