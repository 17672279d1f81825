"""``facilitator export``: the follow-up report of a session, or a summary of a series."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from console.cli import export_documents
from console.system.paths import data_dir

if TYPE_CHECKING:
    from console.report.captions_align import Spoken
    from console.store import SessionFolder

FORMATS = ("md", "html", "csv", "json", "docx")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export",
        help="write the follow-up report (md, html, csv, json, docx), the FAQ, a records "
        "packet, or a series summary",
        description=(
            "Write a session's follow-up report. Askers' names and emails are left out "
            "unless --with-names is given: the report is meant to be shared."
        ),
    )
    p.add_argument(
        "session",
        nargs="?",
        metavar="SESSION",
        help="session id (or a unique start of it), 'latest', or a session folder",
    )
    p.add_argument(
        "--series",
        metavar="NAME",
        help="summarise every session held in this series instead, oldest first "
        "(rehearsals and sessions never started left out)",
    )
    p.add_argument("--format", choices=FORMATS, default="md", help="output format (default md)")
    p.add_argument(
        "--out",
        metavar="PATH",
        default="-",
        help="file to write, '-' for standard output (default); for csv a folder "
        "(questions.csv, notes.csv, action_items.csv) or NAME.csv "
        "(NAME-questions.csv ...)",
    )
    p.add_argument(
        "--merge",
        nargs="+",
        metavar="PATH",
        default=[],
        help="fold in session files or folders copied from other machines",
    )
    p.add_argument("--include-dismissed", action="store_true", help="also list dismissed questions")
    p.add_argument(
        "--with-names",
        action="store_true",
        help="include askers' names and emails (keep such a report internal)",
    )
    export_documents.add_arguments(p)
    p.add_argument(
        "--transcript",
        metavar="FILE",
        help="a caption file of the recording (WebVTT from Zoom or Teams, or SRT): each "
        "answered question gets what was said while it was live",
    )
    p.add_argument(
        "--offset",
        metavar="WHEN",
        help="when the recording started: a time of day (15:29:30, the agenda's zone), an "
        "ISO date and time, or seconds after (+30) or before (-1:30) the clock's start; "
        "without it, the suggested start is used and printed",
    )
    p.set_defaults(handler=run)


def _fail(message: str, code: int = 1) -> int:
    print(f"facilitator export: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    from console.report.merge import MergeError, load_copied
    from console.store import StoreError, find_session

    root = data_dir(getattr(args, "data_dir", None))
    now = datetime.now(UTC)
    if bool(args.session) == bool(args.series):
        return _fail(
            "give a SESSION (id, 'latest' or a folder) or --series NAME, not both and not neither"
        )
    if export_documents.wanted(args):
        problem = export_documents.check(args)
        if problem:
            return _fail(problem, 2)
    elif args.format == "csv" and args.out == "-":
        return _fail("csv writes three tables: give --out a folder or a NAME.csv file", 2)
    elif args.format == "docx" and args.out == "-":
        return _fail("a DOCX file needs --out FILE.docx", 2)
    if args.offset and not args.transcript:
        return _fail("--offset goes with --transcript FILE", 2)
    if args.series:
        if args.transcript:
            return _fail("--transcript takes a SESSION, not --series", 2)
        if args.merge or args.format in ("csv", "docx"):
            return _fail("--series takes --format md, html or json, and no --merge", 2)
        return _series(root, args.series, args.format, args.out, now)
    try:
        folder = find_session(root, args.session)
        extra = load_copied([Path(p).expanduser() for p in args.merge])
    except (StoreError, MergeError) as exc:
        return _fail(str(exc))
    if export_documents.wanted(args):
        return export_documents.run(args, folder, extra, root, now)
    from console.report.build import build_report
    from console.report.write import render, write_report

    spoken = None
    if args.transcript:
        found = _transcript(folder, args.transcript, args.offset, now)
        if isinstance(found, int):
            return found
        spoken = found
    data = build_report(
        folder,
        now=now,
        extra=extra,
        include_dismissed=args.include_dismissed,
        with_names=args.with_names,
        spoken=spoken,
    )
    for warning in data.warnings:
        print(f"facilitator export: warning: {warning}", file=sys.stderr)
    if args.out == "-":
        sys.stdout.write(render(data, args.format))
        return 0
    try:
        written = write_report(data, args.format, Path(args.out).expanduser())
    except OSError as exc:
        return _fail(f"cannot write {args.out}: {exc}")
    for path in written:
        print(path)
    return 0


def _series(root: Path, name: str, fmt: str, out: str, now: datetime) -> int:
    from console.report.series import (
        build_series,
        render_series_html,
        render_series_json,
        render_series_markdown,
    )
    from console.store import atomic_write_bytes

    data = build_series(root, name, now)
    if not data.reports:
        print(f"facilitator export: warning: no sessions of series {name!r}", file=sys.stderr)
    renderers = {
        "md": render_series_markdown,
        "html": render_series_html,
        "json": render_series_json,
    }
    text = renderers[fmt](data)
    if out == "-":
        sys.stdout.write(text)
        return 0
    path = Path(out).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, text.encode("utf-8"))
    except OSError as exc:
        return _fail(f"cannot write {out}: {exc}")
    print(path)
    return 0


def _transcript(
    folder: SessionFolder, file: str, offset: str | None, now: datetime
) -> dict[str, Spoken] | int:
    """The answers as spoken a caption file gives, or the exit code of a failure."""
    from console.report.build import find_agenda
    from console.report.captions_parse import CaptionError
    from console.report.spoken import parse_offset, read_transcript

    agenda, _ = find_agenda(folder.info.agenda)
    zone: tzinfo = agenda.tz if agenda is not None else UTC
    info = folder.info
    day = (info.started_at or info.created_at).astimezone(zone).date()
    try:
        moment = parse_offset(offset, zone, day) if offset else None
    except ValueError as exc:
        return _fail(str(exc), 2)
    try:
        transcript = read_transcript(folder, Path(file).expanduser(), now=now, offset=moment)
    except CaptionError as exc:
        return _fail(f"{exc} (nothing was written)")
    print(f"facilitator export: captions: {transcript.describe(zone)}", file=sys.stderr)
    if transcript.times.estimated:
        print(
            "facilitator export: captions: live windows are estimated from the decisions' "
            "times (when each question was answered); check the answers as spoken",
            file=sys.stderr,
        )
    return dict(transcript.found)
