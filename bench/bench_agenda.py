"""Median time to load and validate agendas: the default one, and a stress agenda of 300 segments.

Run: uv run python bench/bench_agenda.py
"""

from __future__ import annotations

import datetime as dt
import statistics
import time

import tomli_w

from console.agenda.load import load_agenda, parse_agenda, resolve_agenda
from console.agenda.write import starter_agenda


def median_ms(action: object, runs: int) -> float:
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        action()  # type: ignore[operator]
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples)


def main() -> None:
    default = resolve_agenda(None)
    print(f"load default agenda: {median_ms(lambda: load_agenda(default), 200):.2f} ms median")
    doc = starter_agenda("Stress", on=dt.date(2026, 1, 1))
    doc["segments"] = [
        {"id": f"s{i}", "title": f"Segment {i}", "minutes": 3, "talking_points": ["a", "b"]}
        for i in range(300)
    ]
    text = tomli_w.dumps(doc)
    print(
        f"parse 300-segment agenda ({len(text) // 1024} KiB): "
        f"{median_ms(lambda: parse_agenda(text), 30):.2f} ms median"
    )


if __name__ == "__main__":
    main()
