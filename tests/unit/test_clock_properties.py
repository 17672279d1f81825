"""Property tests: invariants of the run-of-show clock under random operations and time."""

from __future__ import annotations

import contextlib
import json
import math
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from console.clock.run_of_show import (
    REBASE_AFTER,
    ClockError,
    EventKind,
    Phase,
    PlannedSegment,
    RowState,
    RunOfShow,
)

SCHEDULED = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)
ZERO = timedelta()


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.t = start

    def __call__(self) -> datetime:
        return self.t


segments_strategy = st.lists(
    st.tuples(st.sampled_from([0, 0.5, 1, 2, 5, 10]), st.sampled_from([0, 1, 2]), st.booleans()),
    min_size=1,
    max_size=5,
)

operations = st.lists(
    st.one_of(
        st.tuples(st.just("advance"), st.integers(0, 900), st.integers(0, 999_999)),
        st.tuples(st.just("back"), st.integers(1, 120)),  # the wall clock steps backwards
        st.sampled_from(
            [
                ("start",),
                ("pause",),
                ("resume",),
                ("toggle_pause",),
                ("next",),
                ("previous",),
                ("tick",),
                ("finish",),
                ("reload",),
            ]
        ),
        st.tuples(st.just("jump"), st.integers(0, 4)),
        st.tuples(st.just("extend"), st.sampled_from([-600, -60, -1.5, 30, 60, 300])),
    ),
    max_size=40,
)


DAY = 86_400
REBASE = int(REBASE_AFTER.total_seconds())
far_offsets = st.one_of(
    st.integers(REBASE + 1, 400 * DAY),
    st.integers(-400 * DAY, -REBASE - 1),
)
"""Seconds from the scheduled start to a start that rebases the plan (another day)."""
near_threshold = st.integers(-REBASE - 120, REBASE + 120).filter(lambda s: abs(s) >= REBASE - 120)


def build(specs: list[tuple[float, float, bool]]) -> list[PlannedSegment]:
    return [
        PlannedSegment(f"s{i}", f"Segment {i}", minutes, wrapup, auto)
        for i, (minutes, wrapup, auto) in enumerate(specs)
    ]


def observable(ros: RunOfShow) -> tuple[Any, ...]:
    n = len(ros.segments)
    return (
        ros.phase,
        ros.current_index,
        ros.started_at,
        ros.finished_at,
        ros.events,
        ros.schedule(),
        ros.projected_end(),
        [ros.status(i) for i in range(n)],
        [ros.remaining(i) for i in range(n)],
        [ros.segment_log(i) for i in range(n)],
    )


def wall_covered(ros: RunOfShow, now: datetime) -> tuple[timedelta, timedelta, timedelta]:
    """(sum of run lengths, sum of active time, sum of pauses) over the whole log."""
    runs = [r for i in range(len(ros.segments)) for r in ros.segment_log(i).runs]
    lengths = sum(((r.end or now) - r.start for r in runs), ZERO)
    active = sum((r.active(now) for r in runs), ZERO)
    paused = sum((r.paused(now) for r in runs), ZERO)
    return lengths, active, paused


def check_invariants(ros: RunOfShow, now: datetime) -> None:
    n = len(ros.segments)
    live = ros.phase in (Phase.RUNNING, Phase.PAUSED)
    for i in range(n):
        elapsed = ros.elapsed(i)
        assert elapsed >= 0
        assert ros.allotted(i) >= 0
        assert math.isclose(ros.remaining(i), ros.allotted(i) - elapsed, abs_tol=1e-6)
    states = [ros.row_state(i) for i in range(n)]
    assert states.count(RowState.CURRENT) == (1 if live else 0)
    assert (ros.current_index is not None) == live
    open_runs = [r for i in range(n) for r in ros.segment_log(i).runs if r.end is None]
    assert len(open_runs) == (1 if live else 0)
    if live:
        assert ros.projected_end() >= now
    if ros.started_at is not None:
        end = ros.finished_at or now
        lengths, active, paused = wall_covered(ros, now)
        assert lengths == end - ros.started_at
        assert active + paused == end - ros.started_at
    moments = [e.at for e in ros.events]
    assert moments == sorted(moments)


@settings(deadline=None, max_examples=300)
@example(  # found in CI: a reload while the wall clock is behind the floor the clock had read
    specs=[(0, 0, False)],
    ops=[("advance", 0, 1), ("back", 1), ("reload",)],
    lateness=0,
    start_at=0,
)
@given(
    specs=segments_strategy,
    ops=operations,
    lateness=st.one_of(st.integers(-600, 600), far_offsets),  # far: a rebased session
    start_at=st.integers(0, 4),
)
def test_invariants_hold_under_random_sessions(
    specs: list[tuple[float, float, bool]],
    ops: list[tuple[Any, ...]],
    lateness: int,
    start_at: int,
) -> None:
    ops = [*ops[:start_at], ("start",), *ops[start_at:]]  # most sessions do get started
    segments = build(specs)
    fake = FakeClock(SCHEDULED + timedelta(seconds=lateness))
    ros = RunOfShow(segments, SCHEDULED, fake)
    latest: datetime | None = None  # the latest time the clock has read (its floor)
    for op in ops:
        name = op[0]
        if name == "advance":
            before = [ros.elapsed(i) for i in range(len(segments))]
            fake.t += timedelta(seconds=op[1], microseconds=op[2])
            if ros.phase is not Phase.RUNNING:  # paused, idle, finished: no time counts
                assert [ros.elapsed(i) for i in range(len(segments))] == before
            else:
                assert all(
                    a >= b
                    for a, b in zip(
                        (ros.elapsed(i) for i in range(len(segments))), before, strict=True
                    )
                )
        elif name == "back":
            fake.t -= timedelta(seconds=op[1])
        elif name == "reload":
            data = json.loads(json.dumps(ros.to_dict()))
            back = RunOfShow.from_dict(data, segments, SCHEDULED, fake)
            assert back.to_dict() == ros.to_dict()
            # The guard against a wall clock stepping back lives in memory only (saving it
            # would rewrite the file on every read); with the clock at or past anything seen,
            # the restored clock is indistinguishable.
            if latest is None or fake.t >= latest:
                assert observable(back) == observable(ros)
            else:
                # Behind the floor, the restored clock only knows the floor it saved (its
                # last logged change), not the later moments the old object had read.
                floor = back._high  # the test models the clock's floor
                latest = max(fake.t, floor) if floor is not None else fake.t
            ros = back
        else:
            args = op[1:]
            with contextlib.suppress(ClockError, IndexError):  # refused ops change nothing
                getattr(ros, name)(*args)
        latest = fake.t if latest is None else max(latest, fake.t)
        check_invariants(ros, latest)  # reads the clock, so its floor is now ``latest`` too


@settings(deadline=None, max_examples=100)
@given(specs=segments_strategy, gaps=st.lists(st.integers(0, 1200), min_size=1, max_size=10))
def test_finished_session_accounts_for_every_second(
    specs: list[tuple[float, float, bool]], gaps: list[int]
) -> None:
    segments = build(specs)
    fake = FakeClock(SCHEDULED)
    ros = RunOfShow(segments, SCHEDULED, fake)
    ros.start()
    for step, gap in enumerate(gaps):
        fake.t += timedelta(seconds=gap)
        ros.tick()
        if step % 3 == 1:
            ros.toggle_pause()
        elif ros.current_index is not None and ros.current_index < len(segments) - 1:
            ros.next()
    ros.finish()
    assert ros.started_at is not None and ros.finished_at is not None
    lengths, active, paused = wall_covered(ros, fake.t)
    assert lengths == ros.finished_at - ros.started_at
    assert active + paused == ros.finished_at - ros.started_at
    total_actual = sum(r.actual_seconds or 0 for r in ros.schedule())
    assert math.isclose(total_actual, active.total_seconds(), abs_tol=1e-6)


def _play(ros: RunOfShow, fake: FakeClock, ops: list[tuple[Any, ...]]) -> None:
    """Apply operations after the start (no reloads, no time stepping back)."""
    for op in ops:
        name = op[0]
        if name == "advance":
            fake.t += timedelta(seconds=op[1], microseconds=op[2])
        elif name not in ("back", "reload", "start"):
            with contextlib.suppress(ClockError, IndexError):
                getattr(ros, name)(*op[1:])


@settings(deadline=None, max_examples=200)
@given(specs=segments_strategy, ops=operations, offset=far_offsets)
def test_a_rebased_session_is_one_planned_for_its_actual_start(
    specs: list[tuple[float, float, bool]], ops: list[tuple[Any, ...]], offset: int
) -> None:
    """Rebasing is exactly "as if the agenda had said the real start": same schedule, same
    projections and logs, no late start; only the REBASED line (with both dates) is added."""
    segments = build(specs)
    start = SCHEDULED + timedelta(seconds=offset)
    fake, twin_fake = FakeClock(start), FakeClock(start)
    ros = RunOfShow(segments, SCHEDULED, fake)
    twin = RunOfShow(segments, start, twin_fake)
    ros.start()
    twin.start()
    _play(ros, fake, ops)
    _play(twin, twin_fake, ops)
    assert ros.start_delay_seconds == twin.start_delay_seconds == 0
    assert ros.rebased_from == SCHEDULED and twin.rebased_from is None
    mine, theirs = observable(ros), observable(twin)
    assert mine[:4] + mine[5:] == theirs[:4] + theirs[5:]  # all but the events, below
    rebased, *rest = ros.events
    assert (rebased.kind, rebased.at, rebased.planned_at) == (EventKind.REBASED, start, SCHEDULED)
    assert tuple(rest) == twin.events
    back = RunOfShow.from_dict(json.loads(json.dumps(ros.to_dict())), segments, SCHEDULED, fake)
    assert observable(back) == observable(ros)


@settings(deadline=None, max_examples=200)
@given(offset=st.one_of(near_threshold, far_offsets, st.integers(-600, 600)))
def test_only_a_start_beyond_the_threshold_rebases(offset: int) -> None:
    start = SCHEDULED + timedelta(seconds=offset)
    ros = RunOfShow(build([(10, 2, False), (5, 1, False)]), SCHEDULED, FakeClock(start))
    assert ros.would_rebase() == (abs(offset) > REBASE)
    ros.start()
    far = abs(offset) > REBASE
    assert (ros.rebased_from is not None) == far
    assert ros.start_delay_seconds == (0 if far else offset)
    assert ros.schedule()[0].planned_start == (start if far else SCHEDULED)
    started = [e for e in ros.events if e.kind is EventKind.STARTED]
    assert [e.seconds for e in started] == [0 if far else offset]
