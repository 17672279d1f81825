"""Export time of the follow-up report for a session with 10,000 questions and 5,000 notes.

Each format is built from the session folder and rendered (the whole path of
``facilitator export``); prints the median of a few runs per format, wall clock and the
process's CPU time (on a shared machine the wall clock also counts the time others had the
cores; CPU time compares runs made under different loads). Target: < 1 s each; DOCX and
the public-records packet (``export --packet``: DOCX, HTML, CSV, decisions, agenda, manifest)
at most 3x the Markdown export of the same run. The last row is Markdown with a three-hour
caption file (``export --transcript``): read, offset, aligned.
Run: ``uv run python bench/report_export.py`` (``--quick``: two runs per format)
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from console.board.moderation import STATUSES, Moderation
from console.feeds.cache import save_feed
from console.feeds.model import FeedQuestion
from console.report.build import build_report
from console.report.packet import write_packet
from console.report.spoken import read_transcript
from console.report.write import write_report
from console.store import SessionFolder
from console.store.records import Record
from console.store.session_info import FEED_CACHE_FILE
from console.system.retention import Retention
from tests.data.report.fixture_session import (
    FACILITATOR,
    NOTE_TAKER,
    T0,
    make_fixture,
    write_records,
)

QUESTIONS, NOTES, RUNS = 10_000, 5_000, 5
THEMES = ["drills", "building-access", "funding"]


def make_big(root: Path) -> SessionFolder:
    folder = make_fixture(root, "2025-12-17-1530-bench1")
    feed = [
        FeedQuestion(
            str(i),
            f"Question {i} about drills, doors & <funding> #{i}",
            asker=f"Asker {i}",
            submitted_at=T0 + timedelta(seconds=i),
            votes=i % 7,
        )
        for i in range(QUESTIONS)
    ]
    save_feed(folder / FEED_CACHE_FILE, feed, source_label="form", saved_at=T0)
    stamp = T0.isoformat()
    mods = [
        Record(
            "moderation",
            f"form:{i}",
            FACILITATOR,
            1,
            stamp,
            False,
            Moderation(status=STATUSES[i % len(STATUSES)], themes=(THEMES[i % 3],)).to_data(),
        )
        for i in range(0, QUESTIONS, 2)
    ]
    kinds = ["concern", "action", "resource", "note"]
    notes = [
        Record(
            "note",
            f"bench-{i}",
            NOTE_TAKER,
            1,
            stamp,
            False,
            {
                "kind": kinds[i % 4],
                "text": f"Note {i} =SUM(A{i})",
                "themes": [THEMES[i % 3]],
                "owner": "Ana" if i % 4 == 1 else None,
                "due": None,
                "done": i % 8 == 1,
                "segment_id": "discussion",
                "question_key": None,
                "created_at": stamp,
            },
        )
        for i in range(NOTES)
    ]
    write_records(folder, "Bench Facilitator", mods)
    write_records(folder, "Bench Notes", notes)
    return SessionFolder.open(folder)


def three_hour_captions(path: Path) -> Path:
    """A Zoom-shaped WebVTT of three hours: a numbered cue every 3 s, speakers named."""
    lines = ["WEBVTT", ""]
    for number, second in enumerate(range(0, 3 * 3600, 3), 1):
        start, end = _ts(second), _ts(second + 3.5)
        said = f"Speaker {number % 4}: question {number % 997} about drills and doors {second}"
        lines += [str(number), f"{start} --> {end}", said, ""]
    path.write_text("\r\n".join(lines), encoding="utf-8")
    return path


def _ts(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def captions_run(folder: SessionFolder, captions: Path, now: datetime, out: Path) -> int:
    """One ``export --transcript`` in Markdown; returns the number of cues read."""
    transcript = read_transcript(folder, captions, now=now)
    data = build_report(folder, now=now, spoken=transcript.found)
    write_report(data, "md", out)
    return len(transcript.cues)


def _load() -> str:
    """Other processes' share of the two cores shows in the wall clock, not in CPU time."""
    one, five, fifteen = os.getloadavg()
    return f"load average: {one:.2f} {five:.2f} {fifteen:.2f}"


def export_packet(folder: SessionFolder, out: Path, now: datetime) -> int:
    """What ``facilitator export --packet`` does: one build (dismissed included), the records
    read again for the decisions, every file written and hashed; returns the questions."""
    shutil.rmtree(out, ignore_errors=True)
    data = build_report(folder, now=now, include_dismissed=True)
    records, _warnings = folder.read_all()
    write_packet(
        folder,
        out,
        data=data,
        records=records.values(),
        retention=Retention("Bench records", 3),
        data_root=None,
        now=now,
    )
    return len(data.questions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="two runs per format, not five")
    runs = 2 if parser.parse_args().quick else RUNS
    print(
        f"machine: {platform.machine()} {platform.processor() or ''} "
        f"{os.cpu_count()} cpus, Python {platform.python_version()}, {platform.system()}"
    )
    print(_load())
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.chdir(root)
        folder = make_big(root)
        now = datetime(2025, 12, 17, 23, 0, tzinfo=UTC)
        medians: dict[str, float] = {}
        for fmt in ("md", "html", "csv", "json", "docx", "packet"):
            times, cpu = [], []
            for run in range(runs):
                start, start_cpu = time.perf_counter(), time.process_time()
                if fmt == "packet":
                    count = export_packet(folder, root / "out" / f"packet{run}", now)
                else:
                    data = build_report(folder, now=now)
                    write_report(data, fmt, root / "out" / f"r{run}.{fmt}")
                    count = len(data.questions)
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
            medians[fmt] = statistics.median(cpu)
            print(
                f"{fmt:>6}: median {statistics.median(times):.3f} s over {runs} runs "
                f"(CPU {statistics.median(cpu):.3f} s; {count:,} questions, "
                f"{NOTES:,} notes; budget 2 s)"
            )
        for fmt in ("docx", "packet"):
            ratio = medians[fmt] / medians["md"]
            print(f"{fmt:>6}: {ratio:.1f}x the Markdown export's CPU time (budget 3x)")
        captions = three_hour_captions(root / "three-hours.vtt")
        times, cpu = [], []
        for run in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            cues = captions_run(folder, captions, now, root / "out" / f"t{run}.md")
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        print(
            f"md+captions: median {statistics.median(times):.3f} s over {runs} runs "
            f"(CPU {statistics.median(cpu):.3f} s; {cues:,} cues, three hours)"
        )
        print(_load())


if __name__ == "__main__":
    main()
