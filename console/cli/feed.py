"""`facilitator feed test SOURCE`: fetch a question source once and show what the board would.

Staff use it before the session to check a form link: it prints the parsed questions and the
adapter's notes (which column it took for the question), or a diagnosis in plain words.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from datetime import tzinfo
from typing import TYPE_CHECKING

from console.feeds.config import SourceConfig, load_zone
from console.feeds.errors import FeedError
from console.feeds.model import FeedQuestion
from console.feeds.presets import PRESETS
from console.session.source_choice import SourceChoice

if TYPE_CHECKING:
    from console.feeds.poller import FeedUpdate


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    feed = sub.add_parser("feed", help="question feeds: check a form source")
    actions = feed.add_subparsers(dest="feed_command", required=True, metavar="ACTION")
    test = actions.add_parser(
        "test",
        help="fetch a source once and print the questions it holds",
        description="Fetch SOURCE once (a URL, or a local CSV/JSON export) and print the "
        "parsed questions and notes, or what is wrong with it.",
    )
    test.add_argument("source", metavar="SOURCE", help="URL, or path to a CSV/JSON file")
    test.add_argument(
        "--preset", choices=sorted(PRESETS), help="kind of source (guessed if omitted)"
    )
    test.add_argument(
        "--map",
        dest="maps",
        action="append",
        default=[],
        metavar="FIELD=NAME",
        help="name the column/field for text, asker, email, submitted_at, votes, "
        "topic, id or items (repeatable)",
    )
    test.add_argument("--json", action="store_true", help="print the questions as JSON")
    test.add_argument(
        "--tz",
        default=None,
        metavar="ZONE",
        help="time zone of timestamps without one (IANA name, default UTC)",
    )
    test.add_argument(
        "--token-env",
        default=None,
        metavar="VAR",
        help="environment variable holding the token or API key",
    )
    test.add_argument(
        "--timeout",
        type=float,
        default=20.0,
        metavar="SECONDS",
        help="give up after this many seconds (default 20)",
    )
    test.set_defaults(handler=run_feed_test)


def source_choice(args: argparse.Namespace) -> SourceChoice:
    """The source options of ``feed test``, typed once for the core."""
    return SourceChoice(
        url=args.source,
        preset=args.preset,
        maps=tuple(args.maps),
        tz=args.tz,
        token_env=args.token_env,
        timeout_seconds=args.timeout,
    )


def run_feed_test(args: argparse.Namespace) -> int:
    choice = source_choice(args)
    preset = choice.preset_name()
    if preset is None:
        print(
            "facilitator feed test: cannot tell what kind of source this is; "
            f"name it with --preset ({', '.join(PRESETS)})",
            file=sys.stderr,
        )
        return 2
    try:
        config = choice.source_config(wait_seconds=0.0)
        zone = load_zone(choice.tz)
    except FeedError as exc:
        print(f"facilitator feed test: {exc.message}", file=sys.stderr)
        return 2
    update = asyncio.run(_fetch_once(config))
    status = update.status
    if not status.ok:
        print(f"facilitator feed test: {status.source_label}: {status.message}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps([_as_json(q) for q in update.questions], ensure_ascii=False, indent=2))
        for note in status.notes:
            print(f"note: {note}", file=sys.stderr)
        return 0
    print(_table(update.questions, zone))
    print()
    print(f"{status.source_label} [{preset}]: {status.message.replace(' (no change)', '')}")
    for note in status.notes:
        print(f"note: {note}")
    return 0


async def _fetch_once(config: SourceConfig) -> FeedUpdate:
    from console.feeds.poller import FeedPoller  # httpx only when a fetch happens

    # The command says what went wrong itself, once; the poller's own warning line (Python's
    # last-resort handler prints it when nothing else handles it) would say it again.
    feeds_log = logging.getLogger("console.feeds")
    quiet = logging.NullHandler()
    feeds_log.addHandler(quiet)
    poller = FeedPoller(config)
    try:
        return await poller.poll_once()
    finally:
        await poller.stop()
        feeds_log.removeHandler(quiet)


def _as_json(q: FeedQuestion) -> dict[str, object]:
    return {
        "id": q.source_id,
        "text": q.text,
        "asker": q.asker,
        "submitted_at": q.submitted_at.isoformat() if q.submitted_at else None,
        "votes": q.votes,
        "topic": q.topic,
    }


def _table(questions: tuple[FeedQuestion, ...], zone: tzinfo, width: int = 60) -> str:
    if not questions:
        return "(no questions yet)"
    rows = [("ID", "SUBMITTED", "ASKER", "QUESTION")]
    for q in questions:
        when = q.submitted_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if q.submitted_at else "-"
        text = " ".join(q.text.split())
        rows.append(
            (
                q.source_id[:16],
                when,
                (q.asker or "-")[:24],
                text if len(text) <= width else text[: width - 1] + "…",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join(
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r[:3])) + "  " + r[3] for r in rows
    )
