"""``facilitator sessions``: list the sessions kept in the data folder."""

from __future__ import annotations

import argparse
import json
import sys

from console.system.paths import data_dir


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "sessions",
        help="list sessions (newest first)",
        description="List the sessions in the data folder, newest first, with their state.",
    )
    p.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    p.set_defaults(handler=run)


def _state(started: object, finished: object) -> str:
    if finished:
        return "finished"
    return "running" if started else "not started"


def run(args: argparse.Namespace) -> int:
    from console.store import list_sessions

    root = data_dir(getattr(args, "data_dir", None))
    rows = list_sessions(root)
    if getattr(args, "json", False):
        out = [
            {
                **info.to_json(),
                "path": str(info.path),
                "state": _state(info.started_at, info.finished_at),
            }
            for info in rows
        ]
        json.dump(out, sys.stdout, indent=2)
        print()
        return 0
    if not rows:
        print(f"No sessions yet in {root}. Start one with: facilitator run")
        return 0
    for info in rows:
        flags = " (rehearsal)" if info.rehearsal else ""
        when = info.created_at.strftime("%Y-%m-%d %H:%M")
        print(
            f"{info.id:<32} {when}  {_state(info.started_at, info.finished_at):<11} "
            f"{info.title}{flags}"
        )
    return 0
