"""``facilitator form stop``: stop a session's question form that a console left serving.

The console's own form is a process of its own, so that a crash or a quit mid-session does not
take the participants' link away (``console.session.form_process``). A quit after the session
has ended stops it; this stops it by hand, for a session that will not be ended from its
console, or a form that holds a port another session needs.
"""

from __future__ import annotations

import argparse
import sys

from console.system.paths import data_dir


def register(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    stop = actions.add_parser(
        "stop",
        help="stop a session's question form left serving (lists them without an option)",
        description="Stop the question form a console left serving for a session (its link, "
        "its pages and the participants' private links stop answering; the questions stay in "
        "the session folder). Without --session or --all, list the forms serving now.",
    )
    which = stop.add_mutually_exclusive_group()
    which.add_argument("--session", metavar="ID", help="this session (id, prefix or 'latest')")
    which.add_argument("--all", action="store_true", help="every session's form serving now")
    stop.set_defaults(handler=run_form_stop)


def run_form_stop(args: argparse.Namespace) -> int:
    from console.session.form_process import (
        INTAKE_FOLDER,
        FormProcessError,
        serving_form,
        session_forms,
        stop_form,
    )
    from console.store import StoreError, find_session

    root = data_dir(getattr(args, "data_dir", None))
    if args.session:
        try:
            info = find_session(root, args.session).info
        except StoreError as exc:
            print(f"facilitator form stop: {exc}", file=sys.stderr)
            return 1
        state = serving_form(info.path / INTAKE_FOLDER)
        if state is None:
            print(f"The question form of session {info.id} is not running.")
            return 0
        serving = [(info, state)]
    else:
        serving = session_forms(root)
        if not serving:
            print("No session's question form is running.")
            return 0
        if not args.all:
            print("Question forms serving now:")
            for info, state in serving:
                print(f"  {info.id}  {info.title}  {state.url}  (process {state.pid})")
            print("Stop one with --session ID, or every one with --all.")
            return 1
    failed = 0
    for info, state in serving:
        try:
            stop_form(info.path / INTAKE_FOLDER)
        except FormProcessError as exc:
            print(f"facilitator form stop: session {info.id}: {exc}", file=sys.stderr)
            failed += 1
            continue
        print(
            f"Stopped the question form of session {info.id} ({info.title}) at {state.url}: "
            "its link and private pages no longer answer; its questions stay in the session."
        )
    return 1 if failed else 0
