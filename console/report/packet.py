"""A session's public-records packet: the files an agency keeps, with a SHA-256 manifest.

``write_packet`` puts in one new folder the redacted report (DOCX and HTML), the decisions,
the agenda as it was planned, the question export (askers' names and emails only when asked
for), a README that says what each file is, and ``manifest.json``: every file's size and
SHA-256, the retention category and disposal date from the configuration, and when a purge
removed names. The folder is written beside its place and renamed in at the end, so an
interrupted export never leaves a packet that looks complete.

``verify_packet`` checks a folder against its manifest: a changed byte, a missing file or an
added one fails. The manifest lives in the same folder, so it catches accidental change, not
tampering (whoever edits a file can rewrite the manifest too): that is why the manifest's own
hash is printed, to be filed somewhere else.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from console.agenda.errors import AgendaError
from console.agenda.load import resolve_agenda
from console.report.decision_log import log_of
from console.report.model import ReportData
from console.report.render_csv import BOM, render_csv, safe_cell
from console.store import Record, SessionFolder, atomic_write_bytes
from console.system.retention import Retention

MANIFEST = "manifest.json"
PACKET_VERSION = 1
PURGE_LOG = "purge-log.jsonl"
"""``console.purge.run.LOG_FILE``: where ``facilitator purge`` logs each run, in the data folder."""
DECISIONS_NOTE = (
    "The session's decision log, oldest first: every decision on a question (live, answered, "
    "deferred, dismissed, merged, published, hidden...), when, and by whom. It is append-only; "
    "a session from before the log was kept has no entries."
)


class PacketError(Exception):
    """The packet cannot be written (or read back); nothing was left half written."""


@dataclass(slots=True)
class Checked:
    """What ``verify_packet`` found; ``ok`` when there is no problem."""

    folder: Path
    manifest_sha256: str | None = None
    files: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.manifest_sha256 is not None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _decisions_csv(records: Iterable[Record]) -> str:
    """The decision log (``console.report.decision_log``), one row per entry."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        ["at", "question_key", "event", "from", "to", "merged_into", "segment", "by", "role"]
    )
    for d in log_of(records).all():
        writer.writerow(
            map(
                safe_cell,
                [
                    d.at.isoformat(timespec="seconds"),
                    d.question_key,
                    d.event,
                    d.status_from,
                    d.status_to,
                    d.merged_into,
                    d.segment_id,
                    d.by,
                    d.role,
                ],
            )
        )
    return BOM + buffer.getvalue()


def _purges(root: Path | None, session_id: str) -> list[dict[str, Any]]:
    """The purge log's runs that touched this session (when, and how many values)."""
    if root is None:
        return []
    try:
        lines = (root / PURGE_LOG).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        for f in entry.get("folders", []) if isinstance(entry, dict) else []:
            if isinstance(f, dict) and f.get("kind") == "session" and f.get("id") == session_id:
                out.append(
                    {"at": entry.get("at"), "names": f.get("names"), "emails": f.get("emails")}
                )
    return out


def _retention(rule: Retention, held_on: str) -> dict[str, Any]:
    if not rule.configured:
        return {
            "category": rule.category,
            "disposal_date": None,
            "note": "not configured: set retention_category and retention_years under "
            "[records] in config.toml",
        }
    disposal = rule.disposal_date(date.fromisoformat(held_on))
    return {
        "category": rule.category,
        "retention_years": rule.years,
        "permanent": rule.permanent,
        "disposal_date": None if disposal is None else disposal.isoformat(),
    }


def _readme(data: ReportData, files: dict[str, str], info: dict[str, Any]) -> str:
    retention = info["retention"]
    lines = [
        f"Public-records packet: {data.title}, {data.date} (session {data.session_id})",
        "",
        "Files:",
        *(f"- {name}: {what}" for name, what in files.items()),
        f"- {MANIFEST}: the size and SHA-256 of every file above, and what is said below",
        "",
        f"Retention category: {retention['category'] or 'not configured'}",
        "Disposal date: "
        + (
            retention["disposal_date"]
            or ("none (kept permanently)" if retention.get("permanent") else "not configured")
        ),
        "",
    ]
    if info["purged_at"]:
        lines.append(
            f"Askers' names and emails were removed by facilitator purge on {info['purged_at']};"
            " no export of this session can hold them any more."
        )
    for run in info["purges"]:
        lines.append(
            f"Purge log: {run['at']}: {run['names']} names and {run['emails']} emails removed."
        )
    lines += [
        "Askers' names and emails are "
        + (
            "in questions.csv (--with-names): keep this packet internal."
            if info["with_names"]
            else "left out of every file."
        ),
        "The report leaves askers out in every case; staff names (note authors, action owners)"
        " are kept.",
        "",
        f"decisions.csv: {DECISIONS_NOTE}",
        "",
        "Check the packet with: facilitator verify <this folder>. The manifest is inside this "
        "folder, so it shows accidental change, not tampering: file the manifest's own SHA-256 "
        "(printed by export and by verify) somewhere else.",
        "",
    ]
    return "\n".join(lines)


def write_packet(
    folder: SessionFolder,
    out: Path,
    *,
    data: ReportData,
    records: Iterable[Record],
    retention: Retention,
    data_root: Path | None,
    now: datetime,
) -> tuple[Path, str]:
    """Write the packet of ``data`` (built ``with_names`` as asked, dismissed included) into
    the new folder ``out``; returns the manifest's path and its SHA-256."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise PacketError(f"{out} already exists and is not an empty folder: choose a new one")
    from console.report.render_docx import render_docx
    from console.report.render_html import render_html

    redacted = replace(
        data,
        with_names=False,
        questions=tuple(replace(q, asker=None, email=None) for q in data.questions),
    )
    what = {
        "report.docx": "the follow-up report (askers left out), as a Word document",
        "report.html": "the same report as one HTML file",
        "questions.csv": "every question (dismissed ones too) with its state and votes",
        "decisions.csv": "the decision log: every decision on a question, when and by whom",
    }
    contents: dict[str, bytes] = {
        "report.docx": render_docx(redacted),
        "report.html": render_html(redacted).encode("utf-8"),
        "questions.csv": render_csv(data)["questions"].encode("utf-8"),
        "decisions.csv": _decisions_csv(records).encode("utf-8"),
    }
    try:
        agenda = resolve_agenda(folder.info.agenda or None)
        contents["agenda.toml"] = agenda.read_bytes()
        what["agenda.toml"] = f"the agenda as planned (a copy of {agenda.name})"
    except (AgendaError, OSError):
        what["(no agenda)"] = f"the agenda {folder.info.agenda!r} could not be found"
    info: dict[str, Any] = {
        "retention": _retention(retention, data.date),
        "purged_at": data.purged_at,
        "purges": _purges(data_root, data.session_id),
        "with_names": data.with_names,
    }
    contents["README.txt"] = _readme(data, what, info).encode("utf-8")
    what["README.txt"] = "what this packet holds, in words"
    manifest = {
        "packet_version": PACKET_VERSION,
        "session": {"id": data.session_id, "title": data.title, "date": data.date},
        "created_at": now.isoformat(timespec="seconds"),
        **info,
        "decisions": DECISIONS_NOTE,
        "files": [
            {"name": name, "bytes": len(body), "sha256": sha256(body), "what": what[name]}
            for name, body in sorted(contents.items())
        ],
    }
    manifest_bytes = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    contents[MANIFEST] = manifest_bytes
    _write_folder(out, contents)
    return out / MANIFEST, sha256(manifest_bytes)


def _write_folder(out: Path, contents: dict[str, bytes]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        for name, body in contents.items():
            atomic_write_bytes(partial / name, body)
        if out.exists():
            out.rmdir()  # empty, checked above
        partial.rename(out)
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise PacketError(f"cannot write {out}: {exc}") from exc


def verify_packet(folder: Path) -> Checked:
    """Every file of the manifest present with its size and SHA-256, and nothing else."""
    result = Checked(folder)
    try:
        manifest_bytes = (folder / MANIFEST).read_bytes()
    except OSError as exc:
        result.problems.append(f"{MANIFEST} cannot be read: {exc.strerror or exc}")
        return result
    try:
        manifest = json.loads(manifest_bytes)
        listed = {f["name"]: f for f in manifest["files"]}
        if not all(
            isinstance(f["sha256"], str) and isinstance(f["bytes"], int) for f in listed.values()
        ):
            raise TypeError("a file entry without its size or hash")
    except (ValueError, KeyError, TypeError) as exc:
        result.problems.append(f"{MANIFEST} is not a packet manifest ({exc})")
        return result
    result.manifest_sha256 = sha256(manifest_bytes)
    for name, entry in sorted(listed.items()):
        path = folder / name
        if not path.is_file():
            result.problems.append(f"{name}: missing")
            continue
        body = path.read_bytes()
        if len(body) != entry["bytes"] or sha256(body) != entry["sha256"]:
            result.problems.append(f"{name}: changed (its SHA-256 is not the manifest's)")
        else:
            result.files += 1
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if name != MANIFEST and name not in listed and not path.is_dir():
            result.problems.append(f"{name}: not in the manifest (added)")
    return result
