"""Median cost of the clock calls the UI makes every second, on a long agenda.

Run: uv run python bench/bench_clock.py
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta

from console.clock.run_of_show import PlannedSegment, RunOfShow

SEGMENTS = [PlannedSegment(f"s{i}", f"Segment {i}", 5, auto_advance=i % 2 == 0) for i in range(60)]


def median_us(fn: object, repeat: int = 2000) -> float:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1e6


def main() -> None:
    moment = [datetime(2025, 12, 17, 20, 30, tzinfo=UTC)]
    clock = RunOfShow(SEGMENTS, moment[0], lambda: moment[0])
    clock.start()
    for _ in range(30):  # a played session: moves, pauses, nudges
        moment[0] += timedelta(minutes=1)
        clock.tick()
        clock.toggle_pause()
        moment[0] += timedelta(seconds=10)
        clock.toggle_pause()
        clock.extend(60)
        clock.next()
    data = clock.to_dict()
    print(f"segments: {len(SEGMENTS)}, events: {len(clock.events)}")
    print(f"tick():          {median_us(clock.tick):8.1f} us")
    print(f"remaining():     {median_us(clock.remaining):8.1f} us")
    print(f"projected_end(): {median_us(clock.projected_end):8.1f} us")
    print(f"schedule():      {median_us(clock.schedule, 500):8.1f} us")
    print(f"to_dict():       {median_us(clock.to_dict, 500):8.1f} us")
    restore = lambda: RunOfShow.from_dict(data, SEGMENTS, moment[0], lambda: moment[0])  # noqa: E731
    print(f"from_dict():     {median_us(restore, 500):8.1f} us")


if __name__ == "__main__":
    main()
