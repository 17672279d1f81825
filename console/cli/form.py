"""`facilitator form serve`: run the built-in question form on its own.

Staff use it on a machine participants can reach (behind a TLS reverse proxy) when teachers
join from home and cannot reach the facilitator's laptop. The console then reads it with the
``intake`` preset and the read token printed here on first start.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from console.cli import form_link, form_stop
from console.intake.config import TOKEN_ENV, FormInfo, IntakeConfig, IntakeError
from console.system.paths import data_dir

if TYPE_CHECKING:  # the server module (and aiohttp) is imported only when serving
    from console.intake.connections import FileLimit

INTAKE_FOLDER = "intake"
FEW_FILES = 4096
"""Below this open-file limit, ``form serve`` warns that a busy form may run out."""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    form = sub.add_parser("form", help="the built-in question form")
    actions = form.add_subparsers(dest="form_command", required=True, metavar="ACTION")
    serve = actions.add_parser(
        "serve",
        help="serve the question form on its own (for a reachable machine)",
        description="Serve the question form until Ctrl-C. Binds 127.0.0.1 unless --lan or "
        "--host says otherwise; put a TLS reverse proxy in front and pass --public-url.",
    )
    serve.add_argument("--agenda", metavar="PATH", help="agenda file or bundled agenda name")
    serve.add_argument("--title", help="title shown on the form when there is no agenda")
    serve.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    serve.add_argument(
        "--port", type=int, default=None, help="port (default 8765, or the next free one)"
    )
    serve.add_argument(
        "--public-url",
        metavar="URL",
        help="the https:// address participants use (Origin and Host are checked against it)",
    )
    serve.add_argument(
        "--trust-proxy",
        action="store_true",
        help="count clients by X-Forwarded-For (only behind your own reverse proxy)",
    )
    serve.add_argument(
        "--lan", action="store_true", help="bind all interfaces (reachable on your network)"
    )
    serve.add_argument(
        "--rate-per-minute",
        type=int,
        default=30,
        metavar="N",
        help="questions per minute from one address (default 30; a school NAT shares one)",
    )
    serve.add_argument(
        "--global-per-minute",
        type=int,
        default=1200,
        metavar="N",
        help="questions per minute from everyone together (default 1200)",
    )
    serve.add_argument(
        "--mode",
        choices=("screened", "open"),
        default="screened",
        help="participants' list: screened (others see a question once published; default) "
        "or open (at once, unless hidden); the console can change it",
    )
    serve.add_argument(
        "--held-word",
        action="append",
        default=[],
        metavar="WORD",
        help="flag questions containing WORD as held (they wait for publishing); repeatable",
    )
    serve.add_argument(
        "--extra-host",
        action="append",
        default=[],
        metavar="NAME",
        help="another host name the form answers to (for example 127.0.0.1 behind a proxy, "
        "so a console on this machine reaches it); repeatable",
    )
    serve.add_argument(
        "--folder",
        metavar="PATH",
        help="keep the form's files in PATH itself (default: <data dir>/intake); the console "
        "serves a session's form from <session>/intake",
    )
    serve.add_argument(
        "--info",
        metavar="FILE",
        help="the page's title, date line and themes as JSON (written by the console)",
    )
    serve.add_argument(
        "--state-file",
        metavar="FILE",
        help="once listening, write pid, port and address here (the console reattaches with "
        "it); removed when the form stops",
    )
    serve.add_argument("--ready-fd", type=int, default=None, help=argparse.SUPPRESS)
    serve.set_defaults(handler=run_form_serve)
    form_link.register(actions)
    form_stop.register(actions)


def _form_info(args: argparse.Namespace) -> FormInfo:
    """The page heading: from ``--info``, else the agenda (imported only then), else plain."""
    if getattr(args, "info", None):
        return _info_file(Path(args.info))
    if not args.agenda:
        return FormInfo(title=args.title or "Questions for the session")
    try:
        from console.agenda.errors import AgendaError
        from console.agenda.load import load_agenda, resolve_agenda
    except ImportError as exc:
        raise ValueError(f"agendas cannot be read in this build ({exc})") from None
    from console.intake.config import form_info_from_agenda

    try:
        agenda = load_agenda(resolve_agenda(args.agenda))
    except AgendaError as exc:
        raise ValueError(str(exc)) from None
    if agenda.date is None:  # an undated agenda: today at its start time (or now, once past)
        return form_info_from_agenda(agenda, agenda.planned_start(datetime.now(UTC)))
    return form_info_from_agenda(agenda)


def _info_file(path: Path) -> FormInfo:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        themes = [(str(i), str(label)) for i, label in raw.get("themes") or []]
        return FormInfo(
            title=str(raw["title"]),
            when=str(raw.get("when") or ""),
            themes=themes,
            host=str(raw["host"]) if raw.get("host") else None,
            ask_email=raw.get("ask_email", True) is not False,
            email_consent=str(raw["email_consent"]) if raw.get("email_consent") else None,
            stops_after_session=raw.get("stops_after_session") is True,
            start=str(raw["start"]) if raw.get("start") else None,
            timezone=str(raw["timezone"]) if raw.get("timezone") else None,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"cannot read the form's details from {path} ({exc})") from None


def _check_args(args: argparse.Namespace) -> str | None:
    if args.public_url:
        parts = urlsplit(args.public_url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            return "--public-url must look like https://forms.example.org/"
    if args.port is not None and not 0 <= args.port <= 65535:
        return "--port must be between 0 and 65535"
    if args.rate_per_minute < 1 or args.global_per_minute < 1:
        return "rate limits must be at least 1"
    if args.lan and args.host:
        return "use either --lan or --host, not both"
    return None


def run_form_serve(args: argparse.Namespace) -> int:
    if problem := _check_args(args):
        print(f"error: {problem}", file=sys.stderr)
        return 1
    try:
        info = _form_info(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    folder = (
        Path(args.folder)
        if getattr(args, "folder", None)
        else data_dir(getattr(args, "data_dir", None)) / INTAKE_FOLDER
    )
    config = IntakeConfig(
        data_dir=folder,
        host="0.0.0.0" if args.lan else (args.host or "127.0.0.1"),  # noqa: S104 - asked for
        port=args.port,
        public_url=args.public_url,
        trust_proxy=args.trust_proxy,
        rate_per_minute=args.rate_per_minute,
        global_per_minute=args.global_per_minute,
        participant_list=args.mode,
        held_words=tuple(args.held_word),
        extra_hosts=tuple(getattr(args, "extra_host", None) or ()),
    )
    state = Path(args.state_file) if getattr(args, "state_file", None) else None
    ready = getattr(args, "ready_fd", None)
    try:
        return asyncio.run(_serve(config, info, lan=args.lan, state_file=state, ready_fd=ready))
    except KeyboardInterrupt:
        return 0
    except (IntakeError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


async def _serve(
    config: IntakeConfig,
    info: FormInfo,
    *,
    lan: bool,
    state_file: Path | None = None,
    ready_fd: int | None = None,
) -> int:
    from console.intake.server import IntakeServer, settle_heap

    server = IntakeServer(config, info)
    try:
        await server.start()
    finally:
        if ready_fd is not None and not server.url:  # did not start: say so by closing
            with contextlib.suppress(OSError):
                os.close(ready_fd)
    try:
        if state_file is not None or ready_fd is not None:
            _announce(server.port, server.url, config.host, state_file, ready_fd)
        print(f"Question form for “{info.title}” is at {server.url}", flush=True)
        if lan:
            print(
                f"warning: listening on all interfaces; anyone on your network can reach "
                f"{server.url} (plain HTTP, no TLS). Prefer a TLS reverse proxy and --public-url.",
                file=sys.stderr,
            )
        print(f"Submissions are kept in {config.data_dir}", flush=True)
        _print_file_limit(server.file_limit)
        if not server.open:
            print(
                "The form is closed, as it was left; reopen it with "
                'POST /api/session {"open": true} (see docs/intake.md).',
                flush=True,
            )
        if server.store is not None and server.store.migrated is not None:
            print(
                f"Copied {server.store.migrated} questions from intake.json into the new "
                "database; the old file is kept as intake.pre-sqlite.json",
                flush=True,
            )
        if server.store is not None and server.store.recovered_from is not None:
            print(
                f"warning: the old submissions file did not parse; kept it as "
                f"{server.store.recovered_from} and started a fresh one",
                file=sys.stderr,
            )
        if server.token_was_created:
            print(
                "Read token for the console (shown once; it is kept in the data folder):\n"
                f"  {server.token}",
                flush=True,
            )
        elif server.token_source == "env":  # noqa: S105 - not a secret
            print(f"Using the read token from {TOKEN_ENV}.", flush=True)
        else:
            print(
                f"The read token was printed on first start; it is kept in {config.data_dir}.",
                flush=True,
            )
        settle_heap()
        print("Press Ctrl-C to stop.", flush=True)
        await _until_stopped()
    finally:
        await server.stop()
        if state_file is not None:
            _forget_state(state_file)
    return 0


def _announce(
    port: int, url: str, host: str, state_file: Path | None, ready_fd: int | None
) -> None:
    """Tell a console where this form listens: the state file it reattaches with (written
    once listening, atomically), and one line on the pipe it waits on (then closed)."""
    from console.intake.files import atomic_write_bytes

    state = {
        "pid": os.getpid(),
        "port": port,
        "url": url,
        "api_url": f"http://127.0.0.1:{port}/",
        "host": host,
        "token": "file",  # where the console finds the token: read-token, in the folder
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    line = json.dumps(state).encode()
    if state_file is not None:
        atomic_write_bytes(state_file, line + b"\n")
    if ready_fd is not None:
        try:
            os.write(ready_fd, line + b"\n")
        except OSError:
            pass  # the console went away while we started: the state file still says it
        finally:
            with contextlib.suppress(OSError):
                os.close(ready_fd)


def _forget_state(state_file: Path) -> None:
    """Remove the state file if it is still this process's (a newer form may own it)."""
    try:
        pid = json.loads(state_file.read_text(encoding="utf-8")).get("pid")
    except (OSError, ValueError, AttributeError):
        return
    if pid == os.getpid():
        with contextlib.suppress(FileNotFoundError):
            state_file.unlink()


def _print_file_limit(limit: FileLimit | None) -> None:
    """Each open connection holds a file: say how many the form can have at once."""
    if limit is None:
        return
    raised = f", raised from {limit.before:,}" if limit.now != limit.before else ""
    print(f"Open-file limit: {limit.now:,}{raised} (one per connection).", flush=True)
    if limit.now < FEW_FILES:
        print(
            f"warning: {limit.now:,} open files is few for a busy form; raise the hard limit "
            "(ulimit -Hn, or LimitNOFILE= in a systemd unit) to serve more people at once.",
            file=sys.stderr,
        )


async def _until_stopped() -> None:
    """Sleep until SIGINT or SIGTERM, so the store is flushed and the lock released."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()


def intake_folder(root: Path) -> Path:
    """Where ``form serve`` keeps its token and submissions under a data root."""
    return root / INTAKE_FOLDER
