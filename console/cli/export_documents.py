"""``facilitator export --faq`` and ``--packet DIR``: the documents made from a session
besides its report (the publishable questions and answers, the public-records packet)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from console.system.paths import config_dir

if TYPE_CHECKING:
    from console.store import Record, SessionFolder

FAQ_FORMATS = ("md", "html", "docx")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--faq",
        action="store_true",
        help="write the publishable questions and answers instead (md, html or docx; no names)",
    )
    p.add_argument(
        "--packet",
        metavar="DIR",
        help="write the public-records packet into the new folder DIR (report, decisions, "
        "agenda, question export, SHA-256 manifest); check it with 'facilitator verify DIR'",
    )


def wanted(args: argparse.Namespace) -> bool:
    return bool(args.faq or args.packet)


def check(args: argparse.Namespace) -> str | None:
    """Why these options do not go together, or None."""
    if args.faq and args.packet:
        return "give --faq or --packet, not both"
    if args.series:
        return "--faq and --packet take a SESSION, not --series"
    if args.faq and args.format not in FAQ_FORMATS:
        return "--faq writes --format md, html or docx"
    if args.faq and args.format == "docx" and args.out == "-":
        return "a DOCX file needs --out FILE.docx"
    if args.packet and (args.out != "-" or args.format != "md"):
        return "--packet writes its own files into DIR: leave out --out and --format"
    return None


def _fail(message: str) -> int:
    print(f"facilitator export: {message}", file=sys.stderr)
    return 1


def run(
    args: argparse.Namespace,
    folder: SessionFolder,
    extra: list[Record],
    root: Path,
    now: datetime,
) -> int:
    if args.faq:
        return _faq(args, folder, extra, now)
    return _packet(args, folder, extra, root, now)


def _faq(
    args: argparse.Namespace, folder: SessionFolder, extra: list[Record], now: datetime
) -> int:
    from console.report.faq import build_faq
    from console.report.render_faq import (
        render_faq_docx,
        render_faq_html,
        render_faq_markdown,
    )
    from console.store import atomic_write_bytes

    faq = build_faq(folder, now=now, extra=extra)
    if args.format == "docx":
        body = render_faq_docx(faq)
    else:
        text = (render_faq_html if args.format == "html" else render_faq_markdown)(faq)
        if args.out == "-":
            sys.stdout.write(text)
            return 0
        body = text.encode("utf-8")
    path = Path(args.out).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, body)
    except OSError as exc:
        return _fail(f"cannot write {args.out}: {exc}")
    print(path)
    return 0


def _packet(
    args: argparse.Namespace,
    folder: SessionFolder,
    extra: list[Record],
    root: Path,
    now: datetime,
) -> int:
    from console.report.build import build_report
    from console.report.packet import PacketError, write_packet
    from console.store import merge
    from console.system.retention import load_retention

    try:
        retention = load_retention(config_dir(getattr(args, "config_dir", None)))
    except ValueError as exc:
        return _fail(str(exc))
    data = build_report(
        folder, now=now, extra=extra, include_dismissed=True, with_names=args.with_names
    )
    for warning in data.warnings:
        print(f"facilitator export: warning: {warning}", file=sys.stderr)
    found, _warnings = folder.read_all()
    records = merge(found.values(), extra) if extra else found
    try:
        manifest, digest = write_packet(
            folder,
            Path(args.packet).expanduser(),
            data=data,
            records=records.values(),
            retention=retention,
            data_root=root,
            now=now,
        )
    except PacketError as exc:
        return _fail(str(exc))
    if not retention.configured:
        print(
            "facilitator export: warning: no retention configured: set retention_category and "
            "retention_years under [records] in config.toml (see docs/report.md)",
            file=sys.stderr,
        )
    print(manifest.parent)
    print(f"manifest SHA-256: {digest}")
    print(
        "File this hash apart from the packet: the manifest inside it shows accidental "
        "change, not tampering."
    )
    return 0
