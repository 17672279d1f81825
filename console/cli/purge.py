"""``facilitator purge --before DATE``: remove askers' names and emails from old sessions."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, time

from console.system.paths import data_dir


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "purge",
        help="remove askers' names and emails from sessions that ended before a date",
        description="Remove askers' names and emails from every session that ended before "
        "DATE (the form's database, the feed cache, author files and their journals, set-aside "
        "copies), and from the questions a standalone form received before DATE. Questions, "
        "decisions and notes stay; the report still builds and says the session was purged. "
        "Refused, with nothing changed, while a console or form holds one of the files. Each "
        "purge is logged in purge-log.jsonl in the data folder (counts, never the values).",
    )
    p.add_argument(
        "--before",
        required=True,
        metavar="DATE",
        help="YYYY-MM-DD (midnight, this computer's time zone) or an ISO date and time",
    )
    p.add_argument(
        "--dry-run", action="store_true", help="say what would be removed; change nothing"
    )
    p.set_defaults(handler=run)


def parse_before(text: str, now: datetime) -> datetime:
    """The cutoff as an aware datetime; ``ValueError`` in plain words."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"--before {text!r} is not a date (YYYY-MM-DD)") from None
    if len(text.strip()) == 10:  # a bare date: its midnight, here
        moment = datetime.combine(moment.date(), time())
    if moment.tzinfo is None:
        moment = moment.astimezone()
    if moment > now:
        raise ValueError(
            f"--before {text} is in the future: purge removes names from sessions that are over"
        )
    return moment


def _when(moment: datetime | None) -> str:
    return "?" if moment is None else moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _counts(names: int, emails: int) -> str:
    return f"{names} name{'s' * (names != 1)}, {emails} email{'s' * (emails != 1)}"


def run(args: argparse.Namespace) -> int:
    from console.purge import PurgeRefused, purge

    root = data_dir(getattr(args, "data_dir", None))
    now = datetime.now(UTC)
    try:
        before = parse_before(args.before, now)
    except ValueError as exc:
        print(f"facilitator purge: {exc}", file=sys.stderr)
        return 2
    try:
        result = purge(root, before, now=now, dry_run=args.dry_run)
    except PurgeRefused as exc:
        print(f"facilitator purge: {exc}", file=sys.stderr)
        return 1
    verb = "Would remove" if result.dry_run else "Removed"
    print(f"Names and emails of sessions that ended before {_when(before)} ({root}):")
    for folder in result.folders:
        if folder.kind == "session":
            how = "ended" if folder.ended_by == "finished" else "never finished; last written"
            head = f"session {folder.id} “{folder.title}” ({how} {_when(folder.ended_at)})"
        else:
            head = f"standalone form {folder.path} (questions sent before {_when(before)})"
        print(f"- {head}: {verb.lower()} {_counts(folder.names, folder.emails)}")
        for item in folder.files:
            counts = _counts(item.names, item.emails) if item.names or item.emails else ""
            print(f"    {item.name} ({item.action}){': ' + counts if counts else ''}")
        for line in folder.left:
            print(f"    note: {line}")
        for problem in folder.problems:
            print(f"    problem: {problem}", file=sys.stderr)
    if not result.folders:
        print("- no session ended before that date")
    if result.not_ended:
        print(f"Left alone: {len(result.not_ended)} session(s) not ended before that date.")
    if result.dry_run:
        print("Dry run: nothing was changed.")
    else:
        total_names = sum(f.names for f in result.folders)
        total_emails = sum(f.emails for f in result.folders)
        print(f"{verb} {_counts(total_names, total_emails)} at {_when(result.at)}.")
        print(f"Logged in {result.log_path}")
    return 1 if result.problems else 0
