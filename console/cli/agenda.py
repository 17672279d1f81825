"""``facilitator agenda``: check, list, show and start agenda files without opening the console.

``check`` is what an author runs after every edit (and what CI can run over a folder of
agendas); it prints every problem as ``path:line:col: message`` and exits 1 if any file is bad.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from console.agenda.errors import AgendaError
from console.agenda.load import DEFAULT_AGENDA, bundled_agendas, load_agenda, resolve_agenda
from console.agenda.model import Agenda
from console.agenda.write import write_starter
from console.text.clean import clean_text


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "agenda",
        help="check, list, show or create agenda files",
        description="Work with agenda files (TOML; format in agendas/README.md).",
    )
    parser.set_defaults(handler=lambda _args: _usage(parser))
    actions = parser.add_subparsers(title="actions", metavar="ACTION")

    check = actions.add_parser(
        "check",
        help="validate agenda files and report every problem",
        description="Validate agenda files. Prints 'ok: ...' per good file and every problem"
        " as path:line:col: message. Exit status 1 if any file is invalid.",
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="agenda file or bundled name")
    check.set_defaults(handler=cmd_check)

    listing = actions.add_parser(
        "list",
        help="list the bundled agendas",
        description="List the agendas shipped with the console: name, title, start, length.",
    )
    listing.set_defaults(handler=cmd_list)

    show = actions.add_parser(
        "show",
        help="print an agenda's run of show with planned times",
        description="Print the run of show: each segment with its planned start and length,"
        " in the agenda's own time zone.",
    )
    show.add_argument(
        "agenda",
        nargs="?",
        metavar="AGENDA",
        help=f"file or bundled name (default {DEFAULT_AGENDA})",
    )
    show.set_defaults(handler=cmd_show)

    new = actions.add_parser(
        "new",
        help="write a starter agenda to edit",
        description="Write a small valid agenda to PATH. Never overwrites an existing file.",
    )
    new.add_argument("path", metavar="PATH", help="the new .toml file")
    new.add_argument("--title", default="Office hours", help="the session title")
    new.set_defaults(handler=cmd_new)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _minutes(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _print_problems(error: AgendaError) -> None:
    for problem in error.problems:
        print(clean_text(str(problem), single_line=True), file=sys.stderr)


def cmd_check(args: argparse.Namespace) -> int:
    status = 0
    for wanted in args.paths:
        try:
            agenda = load_agenda(resolve_agenda(wanted))
        except AgendaError as error:
            _print_problems(error)
            status = 1
            continue
        shown = agenda.path or wanted
        count = len(agenda.segments)
        noun = "segment" if count == 1 else "segments"
        print(f"ok: {shown} ({count} {noun}, {_minutes(agenda.planned_minutes)} min)")
    return status


def cmd_list(args: argparse.Namespace) -> int:
    paths = bundled_agendas()
    if not paths:
        print("no bundled agendas found", file=sys.stderr)
        return 1
    status = 0
    rows: list[tuple[str, str, str, str]] = []
    for path in paths:
        try:
            agenda = load_agenda(path)
        except AgendaError as error:
            _print_problems(error)
            status = 1
            continue
        name = agenda.name + (" (default)" if agenda.name == DEFAULT_AGENDA else "")
        rows.append((name, agenda.title, _when(agenda), f"{_minutes(agenda.planned_minutes)} min"))
    widths = [max(len(row[i]) for row in rows) for i in range(3)] if rows else []
    for row in rows:
        padded = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*padded, row[3]]))
    return status


def _when(agenda: Agenda) -> str:
    day = "undated   " if agenda.date is None else f"{agenda.date:%Y-%m-%d}"
    return f"{day} {agenda.start:%H:%M} {agenda.timezone}"


def cmd_show(args: argparse.Namespace) -> int:
    try:
        agenda = load_agenda(resolve_agenda(args.agenda))
    except AgendaError as error:
        _print_problems(error)
        return 1
    print(agenda.title)
    details = [_when(agenda), f"{_minutes(agenda.planned_minutes)} min"]
    if agenda.host:
        details.append(agenda.host)
    if agenda.facilitator:
        details.append(f"facilitator {agenda.facilitator}")
    print("  ".join(details))
    if agenda.date is None:
        print("  (no date: planned for the day a session of it is created)")
        # Only the times of day are shown: any day will do to lay them out.
        agenda = agenda.planned_for(_today_at(agenda))
    for start, segment in zip(agenda.planned_starts(), agenda.segments, strict=True):
        print(
            f"  {start:%H:%M}  {_minutes(segment.minutes):>4} min  {segment.kind:<10}"
            f"  {segment.title}"
        )
    print(f"  {agenda.planned_end:%H:%M}  end")
    return 0


def _today_at(agenda: Agenda) -> datetime:
    return datetime.combine(datetime.now(agenda.tz).date(), agenda.start, tzinfo=agenda.tz)


def cmd_new(args: argparse.Namespace) -> int:
    path = Path(args.path).expanduser()
    try:
        write_starter(path, title=args.title)
    except AgendaError as error:
        _print_problems(error)
        return 1
    print(f"wrote {path}; edit it, then run: facilitator agenda check {path}")
    return 0
