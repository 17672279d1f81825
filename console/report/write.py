"""Write a rendered report where the user asked: a file, a folder (CSV), or stdout.

Files are written atomically (temp file, fsync, rename), so an export interrupted half way
never leaves a half report where a good one was.
"""

from __future__ import annotations

from pathlib import Path

from console.report.model import ReportData
from console.report.quiet_gc import collector_paused
from console.report.render_csv import TABLES, render_csv
from console.report.render_html import render_html
from console.report.render_json import render_json
from console.report.render_markdown import render_markdown
from console.store import atomic_write_bytes

FORMATS: tuple[str, ...] = ("md", "html", "csv", "json", "docx")
EXTENSIONS = {"md": ".md", "html": ".html", "csv": ".csv", "json": ".json", "docx": ".docx"}
BINARY_FORMATS = ("docx",)
"""Formats that are files, not text: written to a file only, never to the terminal."""


@collector_paused()
def render(data: ReportData, fmt: str) -> str:
    """One text for md, html and json (CSV has three tables: use ``render_csv``)."""
    if fmt == "md":
        return render_markdown(data)
    if fmt == "html":
        return render_html(data)
    if fmt == "json":
        return render_json(data)
    raise ValueError(f"format must be one of md, html, json here, not {fmt!r}")


@collector_paused()
def render_bytes(data: ReportData, fmt: str) -> bytes:
    """The file's bytes for any format but CSV (DOCX is a zip; the others UTF-8 text)."""
    if fmt == "docx":
        from console.report.render_docx import render_docx

        return render_docx(data)
    return render(data, fmt).encode("utf-8")


def csv_paths(out: Path) -> dict[str, Path]:
    """Where the CSV tables go: ``DIR/questions.csv``..., or ``<stem>-questions.csv`` beside
    a file name ending in ``.csv``."""
    if out.suffix.lower() == ".csv":
        return {t: out.with_name(f"{out.stem}-{t}.csv") for t in TABLES}
    return {t: out / f"{t}.csv" for t in TABLES}


@collector_paused()
def write_report(data: ReportData, fmt: str, out: Path) -> list[Path]:
    """Render and write; returns the files written (three for CSV)."""
    if fmt == "csv":
        targets = csv_paths(out)
        tables = render_csv(data)
        for name, path in targets.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(path, tables[name].encode("utf-8"))
        return list(targets.values())
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(out, render_bytes(data, fmt))
    return [out]


def default_name(data: ReportData, fmt: str) -> str:
    """File name for an export from the console: ``<session id>-report.<ext>`` (CSV: a stem)."""
    return f"{data.session_id}-report{EXTENSIONS[fmt]}"
