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

FORMATS: tuple[str, ...] = ("md", "html", "csv", "json")
EXTENSIONS = {"md": ".md", "html": ".html", "csv": ".csv", "json": ".json"}


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
    atomic_write_bytes(out, render(data, fmt).encode("utf-8"))
    return [out]


def default_name(data: ReportData, fmt: str) -> str:
    """File name for an export from the console: ``<session id>-report.<ext>`` (CSV: a stem)."""
    return f"{data.session_id}-report{EXTENSIONS[fmt]}"
