"""The report as versioned JSON (``schema_version``), described by ``report.schema.json``."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from console.report.model import ReportData

SCHEMA_FILE = "report.schema.json"


def render_json(data: ReportData) -> str:
    """Readable and fast: one line per top-level field and per list item.

    ``json.dumps(indent=...)`` falls back to the pure-Python encoder, which took most of the
    export time for 10,000 questions; each item here goes through the C encoder instead.
    """
    doc = data.to_json()
    lines = ["{"]
    fields = list(doc.items())
    for n, (key, value) in enumerate(fields):
        comma = "," if n < len(fields) - 1 else ""
        name = _dump(key)
        if isinstance(value, list) and value:
            items = ",\n".join(f"    {_dump(item)}" for item in value)
            lines.append(f"  {name}: [\n{items}\n  ]{comma}")
        else:
            lines.append(f"  {name}: {_dump(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))
"""Made once: ``json.dumps`` with options builds a new encoder for every item."""


def _dump(value: object) -> str:
    return _ENCODER.encode(value)


def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) shipped inside the package."""
    text = resources.files("console.report").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
