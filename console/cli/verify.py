"""``facilitator verify DIR``: check a public-records packet against its manifest."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "verify",
        help="check a public-records packet (export --packet) against its SHA-256 manifest",
        description="Check every file of a packet against manifest.json: a changed byte, a "
        "missing file or an added one fails (exit 1). Prints the manifest's own SHA-256: the "
        "manifest sits in the same folder, so it catches accidental change, not tampering; "
        "compare that hash with the one filed when the packet was made.",
    )
    p.add_argument("folder", metavar="DIR", help="the packet's folder")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from console.report.packet import MANIFEST, verify_packet

    folder = Path(args.folder).expanduser()
    if not folder.is_dir():
        print(f"facilitator verify: {folder} is not a folder", file=sys.stderr)
        return 2
    result = verify_packet(folder)
    if result.manifest_sha256:
        print(f"{MANIFEST} SHA-256: {result.manifest_sha256}")
    for problem in result.problems:
        print(f"facilitator verify: {problem}", file=sys.stderr)
    if result.ok:
        print(f"OK: {result.files} files match the manifest.")
        print(
            "The manifest is inside the packet: this shows accidental change, not "
            "tampering; compare the hash above with the one filed elsewhere."
        )
        return 0
    print(f"FAILED: {len(result.problems)} problem(s); {result.files} files match.")
    return 1
