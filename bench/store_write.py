"""Store write latency with 5,000 records already in the author file (fsync included).

Run: ``uv run python bench/store_write.py [--records 5000] [--puts 1000] [--dir PATH]``.
The folder defaults to a temporary one under the current directory, so the figures reflect
the disk the data will live on (a tmpfs ``/tmp`` would make fsync free and the figures lie).

It reports, in one session: ``put()`` and ``StoreWriter.put()`` in journal mode (one fsync'd
line; the compactions the thresholds trigger are included in the samples), the cost of a
compaction on its own, and as a baseline the previous design's put (rewrite the whole TinyDB
file atomically for one changed record), with the ratio between the two.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from console.store import AtomicJSONStorage, AuthorFile, StoreWriter, atomic_write_bytes
from console.store.records import Record, new_id


def filesystem_of(path: Path) -> str:
    """Filesystem type holding ``path`` (from /proc/mounts; "unknown" elsewhere)."""
    best, kind = "", "unknown"
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return kind
    resolved = str(path.resolve())
    for line in mounts:
        parts = line.split()
        if len(parts) > 2 and resolved.startswith(parts[1]) and len(parts[1]) > len(best):
            best, kind = parts[1], parts[2]
    return kind


def note(i: int) -> Record:
    text = f"Note {i}: the speaker promised to publish the slides and the recording. " * 2
    return Record("note", new_id(), "bench", data={"text": text, "segment": "q-and-a"})


def summary(label: str, samples_s: list[float]) -> float:
    """Print median, p95 and max; return the median in ms."""
    ms = sorted(s * 1000 for s in samples_s)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    median = statistics.median(ms)
    print(
        f"{label:<46} median {median:7.2f} ms   p95 {p95:7.2f} ms   "
        f"max {ms[-1]:7.2f} ms   (n={len(ms)})"
    )
    return median


async def async_puts(file: AuthorFile, count: int) -> list[float]:
    writer = StoreWriter(file)
    samples = []
    for i in range(count):
        start = time.perf_counter()
        await writer.put(note(100_000 + i))
        samples.append(time.perf_counter() - start)
    await writer.close()
    return samples


def journal_puts(file: AuthorFile, count: int) -> tuple[list[float], list[float]]:
    """``count`` new records and ``count`` revisions of existing ones, timed one by one."""
    new_samples, rev_samples = [], []
    existing = file.records("note")
    for i in range(count):
        start = time.perf_counter()
        file.put(note(len(existing) + i))
        new_samples.append(time.perf_counter() - start)
        old = existing[i % len(existing)]
        revised = old.revised("bench", {**old.data, "text": f"edited {i}"})
        start = time.perf_counter()
        file.put(revised)
        rev_samples.append(time.perf_counter() - start)
    return new_samples, rev_samples


def compaction_costs(file: AuthorFile, journal_entries: int, rounds: int) -> list[float]:
    """Time compactions of a journal holding ``journal_entries`` puts (the default threshold)."""
    saved = file.compact_records
    file.compact_records = journal_entries + 1
    samples = []
    try:
        for _ in range(rounds):
            for i in range(journal_entries):
                file.put(note(200_000 + i))
            start = time.perf_counter()
            file.compact()
            samples.append(time.perf_counter() - start)
    finally:
        file.compact_records = saved
    return samples


def full_rewrite_puts(source: Path, target: Path, count: int) -> list[float]:
    """The previous design's put: change one document, rewrite the whole file atomically."""
    storage = AtomicJSONStorage(source)
    data = storage.read() or {}
    storage = AtomicJSONStorage(target)
    storage.write(data)
    notes = data["note"]
    next_id = max(int(d) for d in notes) + 1
    samples = []
    for i in range(count):
        doc_id = str(next_id + i)
        notes[doc_id] = note(i).to_json()
        start = time.perf_counter()
        storage.write_docs(data, [("note", doc_id)])
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--puts", type=int, default=1000)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="store-bench-", dir=args.dir or Path.cwd()) as tmp:
        folder = Path(tmp)
        print(f"python {sys.version.split()[0]} on {platform.platform()}")
        print(f"cpus {os.cpu_count()}, folder {folder} ({filesystem_of(folder)})")
        path = folder / "bench.json"
        file = AuthorFile(path, "bench")
        file.open()
        print(f"thresholds: compact at {file.compact_records} entries or {file.compact_bytes} B")
        start = time.perf_counter()
        file.put_many(note(i) for i in range(args.records))
        fill = time.perf_counter() - start
        print(
            f"prefill {args.records} records in one put_many: {fill * 1000:.1f} ms, "
            f"file {path.stat().st_size / 1e6:.2f} MB"
        )

        # The previous design at exactly --records records, before the journal runs grow it.
        baseline = full_rewrite_puts(path, folder / "baseline.json", max(50, args.puts // 5))

        payload = path.read_bytes()
        floor = []
        for _ in range(max(5, args.puts // 20)):
            start = time.perf_counter()
            atomic_write_bytes(folder / "floor.json", payload)
            floor.append(time.perf_counter() - start)
        summary("disk floor: atomic write of same bytes", floor)

        before = file.compactions
        new_samples, rev_samples = journal_puts(file, args.puts)
        print(f"(the {2 * args.puts} puts below include {file.compactions - before} compactions)")
        journal_median = summary(f"put() new record ({args.records}+ in file)", new_samples)
        summary(f"put() revised record ({args.records}+ in file)", rev_samples)

        batch_samples = []
        for _ in range(max(1, args.puts // 20)):
            batch = [note(i) for i in range(20)]
            start = time.perf_counter()
            file.put_many(batch)
            batch_samples.append(time.perf_counter() - start)
        summary("put_many(20 records)", batch_samples)

        summary(
            f"compaction of {file.compact_records} puts ({len(file.records())}+ in file)",
            compaction_costs(file, file.compact_records, max(3, args.puts // 200)),
        )
        for i in range(file.compact_records // 2):
            file.put(note(300_000 + i))  # leave a journal behind for open() to fold in
        file.compact_records = 10**9
        file.close()  # closing compacts, so reopen a file with a journal left as a crash would
        with AuthorFile(path, "bench", compact_records=10**9) as file:
            for i in range(250):
                file.put(note(400_000 + i))
            journal = file.journal_path.read_bytes()
        file.journal_path.write_bytes(journal)

        start = time.perf_counter()
        file = AuthorFile(path, "bench")
        file.open()
        opened_ms = (time.perf_counter() - start) * 1000
        print(
            f"open() with {len(file.records())} records and a 250-line journal: {opened_ms:.1f} ms"
        )
        writer_median = summary(
            "StoreWriter.put() awaited", asyncio.run(async_puts(file, args.puts))
        )

        old_median = summary(f"baseline: old put, full rewrite ({args.records} in file)", baseline)
        print(
            f"old full rewrite / journal put (median): {old_median / journal_median:.1f}x; "
            f"/ StoreWriter.put: {old_median / writer_median:.1f}x"
        )


if __name__ == "__main__":
    main()
