"""The report as versioned JSON (``schema_version``), described by ``report.schema.json``."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from console.report.model import ReportData

SCHEMA_FILE = "report.schema.json"


def render_json(data: ReportData) -> str:
    return json.dumps(data.to_json(), ensure_ascii=False, indent=2) + "\n"


def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) shipped inside the package."""
    text = resources.files("console.report").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
