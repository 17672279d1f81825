"""Board build and incremental update costs with 10,000 questions.

Run: ``uv run python bench/board_build.py [--repeat N]``. Prints medians in milliseconds:
- build: a fresh board takes 10,000 feed questions (start-up replay, no segment);
- build+view: the same, then the first ``questions()`` call (every view built and sorted);
- add 10: a poll that adds 10 questions during a segment (arrival records written);
- add 10+view: that poll plus the ``questions()`` the UI would then ask for;
- unchanged: a poll whose list is identical (must not bump ``version``);
- questions(): listing again with nothing changed (cached views, sort only).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from console.board.model import Board
from console.feeds.model import FeedQuestion

T0 = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)
N = 10_000


def feed(n: int) -> list[FeedQuestion]:
    return [
        FeedQuestion(
            source_id=str(i),
            text=f"Question number {i} about drills, access and radios?",
            asker=f"Teacher {i}" if i % 3 else None,
            submitted_at=T0 + timedelta(seconds=i),
            votes=i % 7,
        )
        for i in range(n)
    ]


def now() -> datetime:
    return datetime.now(UTC)


def timed(setup: Callable[[], Board], run: Callable[[Board], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        board = setup()
        start = time.perf_counter()
        run(board)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    repeat = parser.parse_args().repeat
    base = feed(N)
    grown = base + feed(N + 10)[N:]
    same = list(base)

    def empty() -> Board:
        return Board("fac", now)

    def built() -> Board:
        board = Board("fac", now)
        board.update_feed("form", base, None)
        board.questions()
        return board

    def counted() -> Board:
        board = built()
        board.counts()
        return board

    def add10(b: Board) -> None:
        records = b.update_feed("form", grown, "s1")
        assert len(records) == 10

    def unchanged(b: Board) -> None:
        before = b.version
        b.update_feed("form", same, "s1")
        assert b.version == before

    rows = [
        ("build 10,000", timed(empty, lambda b: b.update_feed("form", base, None), repeat)),
        (
            "build 10,000 + questions()",
            timed(empty, lambda b: (b.update_feed("form", base, None), b.questions()), repeat),
        ),
        ("add 10 to 10,000", timed(built, add10, repeat)),
        ("add 10 + questions()", timed(built, lambda b: (add10(b), b.questions()), repeat)),
        ("unchanged update", timed(built, unchanged, repeat)),
        ("questions() again, unchanged", timed(built, lambda b: b.questions(), repeat)),
        (
            "counts() + new_count(), first",
            timed(built, lambda b: (b.counts(), b.new_count()), repeat),
        ),
        (
            "add 10, then the counts",
            timed(counted, lambda b: (add10(b), b.counts(), b.new_count()), repeat),
        ),
    ]
    print(f"board_build: {N:,} questions, median of {repeat} runs (ms)")
    for name, ms in rows:
        print(f"  {name:<32} {ms:8.2f}")


if __name__ == "__main__":
    main()
