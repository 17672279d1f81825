"""A start far from the planned start rebases the run of show on the actual start."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from console.clock.run_of_show import (
    REBASE_AFTER,
    EventKind,
    Phase,
    PlannedSegment,
    RunOfShow,
)

SCHEDULED = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)  # the default agenda, 3:30 p.m. Eastern
A_YEAR_LATER = datetime(2026, 11, 29, 15, 0, tzinfo=UTC)  # 347 days on, 10 a.m. Eastern
SEGMENTS = [
    PlannedSegment("intro", "Introduction", 10),
    PlannedSegment("standards", "The standards", 20, auto_advance=True),
    PlannedSegment("discussion", "Discussion", 30),
]
TOTAL = timedelta(minutes=sum(s.minutes for s in SEGMENTS))


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.t = start

    def __call__(self) -> datetime:
        return self.t

    def advance(self, *, minutes: float) -> None:
        self.t += timedelta(minutes=minutes)


def started_at(moment: datetime) -> tuple[RunOfShow, FakeClock]:
    fake = FakeClock(moment)
    ros = RunOfShow(SEGMENTS, SCHEDULED, fake)
    ros.start()
    return ros, fake


def cumulative(start: datetime) -> list[datetime]:
    out, at = [], start
    for segment in SEGMENTS:
        out.append(at)
        at += timedelta(minutes=segment.minutes)
    return out


# ------------------------------------------------------------------ the threshold


@pytest.mark.parametrize("offset", [REBASE_AFTER, -REBASE_AFTER, timedelta(hours=3)])
def test_a_start_within_the_threshold_is_measured(offset: timedelta) -> None:
    ros, _ = started_at(SCHEDULED + offset)
    (event,) = ros.events
    assert event.kind is EventKind.STARTED
    assert event.seconds == offset.total_seconds()
    assert ros.start_delay_seconds == offset.total_seconds()
    assert ros.rebased_from is None
    assert ros.planned_start == SCHEDULED
    assert [r.planned_start for r in ros.schedule()] == cumulative(SCHEDULED)


@pytest.mark.parametrize(
    "offset",
    [
        REBASE_AFTER + timedelta(seconds=1),
        -REBASE_AFTER - timedelta(seconds=1),
        timedelta(days=3),
        A_YEAR_LATER - SCHEDULED,
    ],
)
def test_a_start_beyond_the_threshold_rebases_the_plan(offset: timedelta) -> None:
    start = SCHEDULED + offset
    ros, _ = started_at(start)
    rebased, began = ros.events
    assert (rebased.kind, rebased.at, rebased.planned_at) == (EventKind.REBASED, start, SCHEDULED)
    assert (began.kind, began.at, began.seconds) == (EventKind.STARTED, start, 0.0)
    assert ros.start_delay_seconds == 0.0
    assert ros.rebased_from == SCHEDULED
    assert ros.scheduled_start == SCHEDULED  # the agenda's plan is still known
    assert ros.planned_start == start
    rows = ros.schedule()
    assert [r.planned_start for r in rows] == cumulative(start)
    assert [r.projected_start for r in rows] == cumulative(start)
    assert ros.projected_end() == start + TOTAL


def test_a_rebased_session_measures_what_follows_as_usual() -> None:
    ros, fake = started_at(A_YEAR_LATER)
    fake.advance(minutes=13)  # the introduction runs three minutes over
    ros.next()
    fake.advance(minutes=5)
    rows = ros.schedule()
    assert rows[0].over_under_seconds == 180
    assert rows[1].planned_start == A_YEAR_LATER + timedelta(minutes=10)
    assert rows[1].actual_start == A_YEAR_LATER + timedelta(minutes=13)
    assert ros.projected_end() == A_YEAR_LATER + TOTAL + timedelta(minutes=3)


# ------------------------------------------------------------------ before the start


def test_idle_far_from_the_plan_projects_a_start_now() -> None:
    for moment in (A_YEAR_LATER, SCHEDULED - timedelta(days=3)):
        fake = FakeClock(moment)
        ros = RunOfShow(SEGMENTS, SCHEDULED, fake)
        assert ros.would_rebase()
        assert ros.projected_end() == moment + TOTAL
        assert [r.projected_start for r in ros.schedule()] == cumulative(moment)
        assert [r.planned_start for r in ros.schedule()] == cumulative(SCHEDULED)


def test_idle_near_the_plan_keeps_counting_down() -> None:
    early = SCHEDULED - REBASE_AFTER
    fake = FakeClock(early)
    ros = RunOfShow(SEGMENTS, SCHEDULED, fake)
    assert not ros.would_rebase()
    assert ros.would_rebase(early - timedelta(seconds=1))
    assert ros.projected_end() == SCHEDULED + TOTAL
    ros.start()
    assert not ros.would_rebase()  # only an idle clock can be rebased


# ------------------------------------------------------------------ saving and restoring


def test_a_rebased_clock_is_saved_as_schema_2_and_restored() -> None:
    ros, fake = started_at(A_YEAR_LATER)
    fake.advance(minutes=4)
    data = json.loads(json.dumps(ros.to_dict()))
    assert data["schema"] == 2
    assert data["rebased_from"] == "2025-12-17T20:30:00.000000+00:00"
    assert data["events"][0]["planned_at"] == data["rebased_from"]
    back = RunOfShow.from_dict(data, SEGMENTS, SCHEDULED, fake)
    assert back.to_dict() == ros.to_dict()
    assert back.rebased_from == SCHEDULED
    assert back.start_delay_seconds == 0.0
    assert back.schedule() == ros.schedule()


def test_a_restored_rebased_clock_ignores_a_later_agenda_date() -> None:
    """The agenda's date fixed after the session: the log still follows the real start."""
    ros, fake = started_at(A_YEAR_LATER)
    fixed = A_YEAR_LATER + timedelta(hours=2)
    back = RunOfShow.from_dict(ros.to_dict(), SEGMENTS, fixed, fake)
    assert back.scheduled_start == fixed
    assert back.planned_start == A_YEAR_LATER
    assert [r.planned_start for r in back.schedule()] == cumulative(A_YEAR_LATER)


def test_a_clock_that_was_not_rebased_keeps_the_schema_1_shape() -> None:
    ros, _ = started_at(SCHEDULED + timedelta(minutes=3))
    data = ros.to_dict()
    assert data["schema"] == 1
    assert "rebased_from" not in data
    assert all("planned_at" not in event for event in data["events"])


def _broken(data: dict[str, Any], **changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    out.update(changes)
    return out


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"schema": 1}, "rebased_from needs schema 2"),
        ({"rebased_from": "2025-12-17T15:30:00"}, "time zone"),
        ({"rebased_from": 17}, "rebased_from"),
    ],
)
def test_a_malformed_rebase_is_a_value_error(changes: dict[str, Any], message: str) -> None:
    ros, fake = started_at(A_YEAR_LATER)
    with pytest.raises(ValueError, match=message):
        RunOfShow.from_dict(_broken(ros.to_dict(), **changes), SEGMENTS, SCHEDULED, fake)


def test_an_idle_clock_cannot_claim_a_rebase() -> None:
    fake = FakeClock(A_YEAR_LATER)
    data = RunOfShow(SEGMENTS, SCHEDULED, fake).to_dict()
    broken = _broken(data, schema=2, rebased_from="2025-12-17T20:30:00+00:00")
    with pytest.raises(ValueError, match="a started clock"):
        RunOfShow.from_dict(broken, SEGMENTS, SCHEDULED, fake)
    back = RunOfShow.from_dict(_broken(data, schema=2), SEGMENTS, SCHEDULED, fake)
    assert back.phase is Phase.IDLE  # schema 2 without a rebase is an ordinary clock
