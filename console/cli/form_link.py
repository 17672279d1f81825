"""``facilitator form link``: make the participants' link before the session, with a QR code.

The link goes into the invitation days before the console runs; it is kept in the data folder
(``console.session.form_link``) so the console on the day serves the form at the same address.
"""

from __future__ import annotations

import argparse
import sys

from console.system.paths import data_dir


def register(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    link = actions.add_parser(
        "link",
        help="make the participants' link before the session (kept for the day), with a QR code",
        description="Make and show the link participants use to ask questions, before the "
        "console starts, and keep it so that the console on the day serves the form at the same "
        "address. With --public-url the link is a hosted form's address; otherwise the local "
        "form's port is chosen once (or --port) and kept. Run it again to show the kept link.",
    )
    link.add_argument(
        "--agenda", required=True, metavar="NAME|PATH", help="bundled agenda name or a TOML file"
    )
    link.add_argument(
        "--public-url",
        metavar="URL",
        help="the https:// address of the hosted form (a form serve behind a TLS proxy)",
    )
    link.add_argument(
        "--port",
        type=int,
        metavar="P",
        help="the local form's port (default: the first free one from 8765)",
    )
    link.add_argument(
        "--series",
        action="store_true",
        help="one link for every session of the agenda's series (else for this agenda only)",
    )
    link.add_argument(
        "--replace",
        action="store_true",
        help="change a link made earlier (participants holding the old one will not reach it)",
    )
    link.add_argument("--no-qr", action="store_true", help="print the link without the QR code")
    link.set_defaults(handler=run_form_link)


def _fail(message: str) -> int:
    print(f"facilitator form link: {message}", file=sys.stderr)
    return 1


def run_form_link(args: argparse.Namespace) -> int:
    from console.agenda.errors import AgendaError
    from console.agenda.load import load_agenda, resolve_agenda
    from console.session.form_link import LinkError, make_link, port_is_free

    try:
        agenda = load_agenda(resolve_agenda(args.agenda))
    except AgendaError as exc:
        return _fail(str(exc))
    root = data_dir(getattr(args, "data_dir", None))
    try:
        choice = make_link(
            agenda,
            root,
            public_url=args.public_url,
            port=args.port,
            series=args.series,
            replace=args.replace,
        )
    except LinkError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot keep the link in {root}: {exc}")
    link = choice.link
    whom = f"the series “{link.name}”" if link.scope == "series" else f"“{agenda.title}”"
    print(f"Question link for {whom}:")
    print(f"  {link.url}")
    if not args.no_qr:
        from console.session.form_host import qr_text

        print()
        print(qr_text(link.url))
        print()
    said = {
        "new": "Kept in",
        "kept": f"Made on {link.created_at:%Y-%m-%d} and kept in",
        "replaced": "Replaced the earlier link; kept in",
    }[choice.status]
    print(f"{said} {link.path}")
    if choice.previous is not None:
        print(f"The earlier link {choice.previous.url} no longer applies.")
    if choice.shadowed_by is not None:
        print(
            f"note: agenda {agenda.name!r} has a link of its own ({choice.shadowed_by.url}), "
            "which wins over the series link for this agenda.",
            file=sys.stderr,
        )
    if link.hosted:
        print(
            "Hosted form: keep `facilitator form serve --public-url "
            f"{link.public_url} --trust-proxy` running behind your TLS proxy "
            "(docs/intake.md, “Hosting the form”)."
        )
    else:
        print(
            f"Local form on port {link.port}: this link points at this computer, so it works "
            "only for people on its network while the console runs. For participants joining "
            "from elsewhere, host the form and make the link with --public-url."
        )
        if link.port is not None and not port_is_free(link.port):
            print(
                f"warning: port {link.port} is in use right now; free it before the session "
                "(or make a new link with --port P --replace).",
                file=sys.stderr,
            )
    return 0
