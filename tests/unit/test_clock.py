"""Unit tests for the run-of-show clock, driven by a fake clock (no real time anywhere)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from console.clock.run_of_show import (
    ClockError,
    EventKind,
    Phase,
    PlannedSegment,
    RowState,
    RunOfShow,
    Status,
    format_signed,
)

SCHEDULED = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)  # 3:30 p.m. US Eastern


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.t = start

    def __call__(self) -> datetime:
        return self.t

    def advance(self, seconds: float = 0, *, minutes: float = 0) -> None:
        self.t += timedelta(seconds=seconds, minutes=minutes)


def agenda(*, auto: tuple[bool, bool, bool] = (False, False, False)) -> list[PlannedSegment]:
    return [
        PlannedSegment("intro", "Introduction", 10, wrapup_minutes=2, auto_advance=auto[0]),
        PlannedSegment("standards", "The standards", 20, wrapup_minutes=3, auto_advance=auto[1]),
        PlannedSegment("discussion", "Discussion", 30, auto_advance=auto[2]),
    ]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(SCHEDULED - timedelta(minutes=5))


def make(fake: FakeClock, **kw: tuple[bool, bool, bool]) -> RunOfShow:
    return RunOfShow(agenda(**kw), SCHEDULED, fake)


def started(fake: FakeClock, **kw: tuple[bool, bool, bool]) -> RunOfShow:
    fake.t = SCHEDULED
    ros = make(fake, **kw)
    ros.start()
    return ros


# ------------------------------------------------------------------ construction


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"id": "", "title": "x", "minutes": 1}, "id"),
        ({"id": "a", "title": "x", "minutes": -1}, "minutes"),
        ({"id": "a", "title": "x", "minutes": float("nan")}, "minutes"),
        ({"id": "a", "title": "x", "minutes": 1, "wrapup_minutes": -2}, "wrapup"),
    ],
)
def test_planned_segment_rejects_bad_values(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PlannedSegment(**kwargs)  # type: ignore[arg-type]


def test_constructor_rejects_empty_duplicate_and_naive(clock: FakeClock) -> None:
    with pytest.raises(ValueError, match="at least one"):
        RunOfShow([], SCHEDULED, clock)
    twice = [PlannedSegment("a", "A", 1), PlannedSegment("a", "B", 2)]
    with pytest.raises(ValueError, match="duplicate segment ids: a"):
        RunOfShow(twice, SCHEDULED, clock)
    with pytest.raises(ValueError, match="aware"):
        RunOfShow(agenda(), datetime(2025, 12, 17, 15, 30), clock)


def test_naive_now_is_refused() -> None:
    ros = RunOfShow(agenda(), SCHEDULED, lambda: datetime(2025, 12, 17, 15, 30))
    with pytest.raises(ValueError, match="now"):
        ros.countdown_seconds()


def test_other_time_zones_are_kept_as_utc(clock: FakeClock) -> None:
    eastern = timezone(timedelta(hours=-5))
    ros = RunOfShow(agenda(), datetime(2025, 12, 17, 15, 30, tzinfo=eastern), clock)
    assert ros.scheduled_start == SCHEDULED
    assert ros.scheduled_start.utcoffset() == timedelta(0)


# ------------------------------------------------------------------ before the start


def test_idle_countdown_goes_negative_when_late(clock: FakeClock) -> None:
    ros = make(clock)
    assert ros.phase is Phase.IDLE
    assert ros.countdown_seconds() == 300
    clock.advance(minutes=7)
    assert ros.countdown_seconds() == -120
    assert ros.current_index is None
    assert ros.status(0) is Status.WAITING


def test_idle_projection_starts_at_schedule_or_now_when_late(clock: FakeClock) -> None:
    ros = make(clock)
    assert ros.projected_end() == SCHEDULED + timedelta(minutes=60)
    assert [r.projected_start for r in ros.schedule()] == [r.planned_start for r in ros.schedule()]
    clock.advance(minutes=9)  # four minutes late and still idle
    rows = ros.schedule()
    assert ros.projected_end() == SCHEDULED + timedelta(minutes=64)
    assert [r.planned_start - SCHEDULED for r in rows] == [
        timedelta(minutes=m) for m in (0, 10, 30)
    ]
    assert [r.projected_start for r in rows] == [
        clock.t + timedelta(minutes=m) for m in (0, 10, 30)
    ]
    assert {r.state for r in rows} == {RowState.UPCOMING}


@pytest.mark.parametrize("op", ["pause", "resume", "next", "previous", "finish", "toggle_pause"])
def test_operations_before_start_are_refused(clock: FakeClock, op: str) -> None:
    ros = make(clock)
    with pytest.raises(ClockError, match="idle"):
        getattr(ros, op)()
    with pytest.raises(ClockError):
        ros.extend(60)
    assert ros.phase is Phase.IDLE
    assert ros.events == ()


# ------------------------------------------------------------------ start


def test_late_start_is_logged_and_shifts_projection(clock: FakeClock) -> None:
    ros = make(clock)
    clock.advance(minutes=8)  # three minutes late
    (event,) = ros.start()
    assert event.kind is EventKind.STARTED
    assert event.seconds == 180
    assert event.segment_id == "intro"
    assert ros.start_delay_seconds == 180
    assert ros.phase is Phase.RUNNING
    assert ros.current_index == 0
    rows = ros.schedule()
    assert rows[0].actual_start == clock.t
    assert rows[1].planned_start == SCHEDULED + timedelta(minutes=10)
    assert rows[1].projected_start == SCHEDULED + timedelta(minutes=13)
    assert ros.projected_end() == SCHEDULED + timedelta(minutes=63)
    with pytest.raises(ClockError):
        ros.start()


def test_early_start_has_negative_delay(clock: FakeClock) -> None:
    ros = make(clock)
    (event,) = ros.start()
    assert event.seconds == -300
    assert ros.start_delay_seconds == -300


# ------------------------------------------------------------------ progress and status


def test_elapsed_remaining_and_status_through_a_segment(clock: FakeClock) -> None:
    ros = started(clock)
    assert (ros.elapsed(), ros.remaining(), ros.status()) == (0, 600, Status.ON_TIME)
    clock.advance(minutes=7, seconds=59)
    assert ros.status() is Status.ON_TIME
    clock.advance(1)  # exactly the 2-minute wrap-up left
    assert ros.remaining() == 120
    assert ros.status() is Status.WRAP_UP
    clock.advance(minutes=2)
    assert ros.remaining() == 0
    assert ros.status() is Status.WRAP_UP
    clock.advance(65)
    assert ros.remaining() == -65
    assert ros.status() is Status.OVERTIME
    assert ros.elapsed() == 665
    assert format_signed(ros.remaining()) == "-01:05"
    assert ros.status(1) is Status.WAITING


def test_non_auto_segment_stays_in_overtime(clock: FakeClock) -> None:
    ros = started(clock)
    clock.advance(minutes=15)
    assert ros.tick() == []
    assert ros.current_index == 0
    assert ros.remaining() == -300


def test_time_stepping_backwards_never_shrinks_elapsed(clock: FakeClock) -> None:
    ros = started(clock)
    clock.advance(minutes=3)
    assert ros.elapsed() == 180
    clock.advance(minutes=-2)
    assert ros.elapsed() == 180
    clock.advance(minutes=3)
    assert ros.elapsed() == 240


# ------------------------------------------------------------------ pause


def test_paused_time_does_not_count(clock: FakeClock) -> None:
    ros = started(clock)
    clock.advance(minutes=2)
    (event,) = ros.pause()
    assert event.kind is EventKind.PAUSED
    assert ros.phase is Phase.PAUSED
    clock.advance(minutes=30)
    assert ros.elapsed() == 120
    assert ros.projected_end() == clock.t + timedelta(minutes=58)
    (event,) = ros.resume()
    assert event.kind is EventKind.RESUMED
    clock.advance(minutes=1)
    assert ros.elapsed() == 180
    (run,) = ros.segment_log(0).runs
    assert run.pauses == ((SCHEDULED + timedelta(minutes=2), SCHEDULED + timedelta(minutes=32)),)


def test_toggle_pause_and_wrong_phase_errors(clock: FakeClock) -> None:
    ros = started(clock)
    with pytest.raises(ClockError, match="resume"):
        ros.resume()
    assert ros.toggle_pause()[0].kind is EventKind.PAUSED
    with pytest.raises(ClockError, match="pause"):
        ros.pause()
    assert ros.toggle_pause()[0].kind is EventKind.RESUMED
    assert ros.phase is Phase.RUNNING


# ------------------------------------------------------------------ moving


def test_next_closes_and_opens_at_the_same_instant(clock: FakeClock) -> None:
    ros = started(clock)
    clock.advance(minutes=12)
    (event,) = ros.next()
    assert (event.kind, event.from_segment_id, event.segment_id) == (
        EventKind.NEXT,
        "intro",
        "standards",
    )
    assert ros.current_index == 1
    assert ros.segment_log(0).runs[0].end == ros.segment_log(1).runs[0].start == clock.t
    rows = ros.schedule()
    assert rows[0].state is RowState.DONE
    assert rows[0].actual_seconds == 720
    assert rows[0].over_under_seconds == 120
    assert rows[1].state is RowState.CURRENT
    assert rows[2].projected_start == clock.t + timedelta(minutes=20)


def test_next_on_last_and_previous_on_first_are_refused(clock: FakeClock) -> None:
    ros = started(clock)
    with pytest.raises(ClockError, match="first"):
        ros.previous()
    ros.jump(2)
    with pytest.raises(ClockError, match="end the session instead"):
        ros.next()
    assert ros.current_index == 2
    with pytest.raises(ClockError, match="already in play"):
        ros.jump(2)
    with pytest.raises(IndexError):
        ros.jump(3)


def test_previous_reopens_with_a_new_run_and_keeps_its_time(clock: FakeClock) -> None:
    ros = started(clock)
    clock.advance(minutes=4)
    ros.next()
    clock.advance(minutes=1)
    (event,) = ros.previous()
    assert event.kind is EventKind.PREVIOUS
    assert ros.current_index == 0
    assert len(ros.segment_log(0).runs) == 2
    assert ros.elapsed(0) == 240
    clock.advance(minutes=1)
    assert ros.elapsed(0) == 300
    assert ros.remaining(0) == 300
    assert ros.row_state(1) is RowState.UPCOMING
    assert ros.elapsed(1) == 60
    # Segment 1 still needs 19 minutes, segment 2 its full 30.
    assert ros.projected_end() == clock.t + timedelta(minutes=5 + 19 + 30)


def test_jump_forward_skips_and_back_reopens(clock: FakeClock) -> None:
    ros = started(clock)
    clock.advance(minutes=1)
    (event,) = ros.jump(2)
    assert event.kind is EventKind.JUMPED
    assert ros.row_state(1) is RowState.SKIPPED
    assert ros.status(1) is Status.DONE
    assert ros.schedule()[1].projected_start is None
    assert ros.schedule()[1].actual_seconds is None
    ros.jump(1)
    assert ros.row_state(1) is RowState.CURRENT
    assert ros.row_state(2) is RowState.UPCOMING


def test_moving_while_paused_enters_the_next_segment_paused(clock: FakeClock) -> None:
    ros = started(clock)
    clock.advance(minutes=3)
    ros.pause()
    clock.advance(minutes=2)
    ros.next()
    assert ros.phase is Phase.PAUSED
    clock.advance(minutes=5)
    assert ros.elapsed(1) == 0
    assert ros.elapsed(0) == 180
    ros.resume()
    clock.advance(minutes=1)
    assert ros.elapsed(1) == 60
    assert ros.segment_log(0).runs[0].pauses[0][1] == ros.segment_log(1).runs[0].start


# ------------------------------------------------------------------ nudges


def test_extend_and_shorten_change_the_allotment(clock: FakeClock) -> None:
    ros = started(clock)
    (event,) = ros.extend(60)
    assert (event.kind, event.seconds) == (EventKind.EXTENDED, 60)
    assert ros.allotted() == 660
    assert ros.remaining() == 660
    (event,) = ros.shorten(120)
    assert (event.kind, event.seconds) == (EventKind.SHORTENED, -120)
    assert ros.allotted() == 540
    assert ros.segment_log(0).extra_seconds == -60
    assert ros.schedule()[0].extra_seconds == -60
    assert ros.projected_end() == SCHEDULED + timedelta(minutes=59)


def test_shorten_stops_at_zero_and_logs_what_applied(clock: FakeClock) -> None:
    ros = started(clock)
    clock.advance(minutes=3)
    (event,) = ros.shorten(3600)
    assert event.seconds == -600
    assert ros.allotted() == 0
    assert ros.remaining() == -180
    assert ros.status() is Status.OVERTIME
    assert ros.shorten(60) == []  # nothing left to take: no event
    assert ros.events[-1] is event
    with pytest.raises(ValueError, match="finite"):
        ros.extend(float("inf"))


# ------------------------------------------------------------------ auto-advance


def test_tick_auto_advances_when_time_runs_out(clock: FakeClock) -> None:
    ros = started(clock, auto=(True, False, False))
    clock.advance(minutes=9, seconds=59)
    assert ros.tick() == []
    clock.advance(1)
    (event,) = ros.tick()
    assert (event.kind, event.at, event.segment_id) == (
        EventKind.AUTO_ADVANCED,
        clock.t,
        "standards",
    )
    assert ros.current_index == 1
    assert ros.tick() == []


def test_late_tick_dates_the_advance_when_time_ran_out(clock: FakeClock) -> None:
    ros = started(clock, auto=(True, True, False))
    clock.advance(minutes=45)  # nobody ticked: both auto segments have run out
    events = ros.tick()
    assert [(e.kind, e.at) for e in events] == [
        (EventKind.AUTO_ADVANCED, SCHEDULED + timedelta(minutes=10)),
        (EventKind.AUTO_ADVANCED, SCHEDULED + timedelta(minutes=30)),
    ]
    assert ros.current_index == 2
    assert ros.elapsed(2) == 15 * 60
    assert ros.elapsed(0) == 600
    assert ros.elapsed(1) == 1200


def test_last_auto_segment_runs_into_overtime(clock: FakeClock) -> None:
    ros = started(clock, auto=(False, False, True))
    ros.jump(2)
    clock.advance(minutes=31)
    assert ros.tick() == []
    assert ros.status() is Status.OVERTIME
    assert ros.phase is Phase.RUNNING


def test_no_auto_advance_while_paused(clock: FakeClock) -> None:
    ros = started(clock, auto=(True, False, False))
    clock.advance(minutes=5)
    ros.pause()
    clock.advance(minutes=30)
    assert ros.tick() == []
    assert ros.current_index == 0


def test_operation_after_a_missed_run_out_applies_to_the_next_segment(clock: FakeClock) -> None:
    ros = started(clock, auto=(True, False, False))
    clock.advance(minutes=12)
    events = ros.pause()
    assert [e.kind for e in events] == [EventKind.AUTO_ADVANCED, EventKind.PAUSED]
    assert events[1].segment_id == "standards"
    assert ros.elapsed(1) == 120


def test_going_back_to_an_exhausted_auto_segment_does_not_bounce(clock: FakeClock) -> None:
    ros = started(clock, auto=(True, False, False))
    clock.advance(minutes=10)
    ros.tick()
    clock.advance(minutes=1)
    ros.previous()
    clock.advance(minutes=1)
    assert ros.tick() == []
    assert ros.current_index == 0
    ros.extend(30)  # still none left: stays put
    clock.advance(1)
    assert ros.tick() == []
    ros.extend(120)  # 660 s + 1 s played of 750 s: 89 s left, re-armed
    assert ros.remaining() == 89
    clock.advance(89)
    (event,) = ros.tick()
    assert event.at == clock.t
    assert ros.current_index == 1


def test_shortening_an_auto_segment_past_its_end_advances_from_that_moment(
    clock: FakeClock,
) -> None:
    ros = started(clock, auto=(True, False, False))
    clock.advance(minutes=6)
    ros.shorten(300)
    cut = clock.t
    clock.advance(minutes=2)
    (event,) = ros.tick()
    assert event.at == cut
    assert ros.elapsed(1) == 120


# ------------------------------------------------------------------ finish


def test_finish_fixes_the_end_and_closes_everything(clock: FakeClock) -> None:
    ros = started(clock)
    clock.advance(minutes=10)
    ros.next()
    clock.advance(minutes=5)
    ros.pause()
    clock.advance(minutes=1)
    (event,) = ros.finish()
    assert event.kind is EventKind.FINISHED
    assert ros.phase is Phase.FINISHED
    assert ros.current_index is None
    assert ros.finished_at == clock.t
    clock.advance(minutes=10)
    assert ros.projected_end() == SCHEDULED + timedelta(minutes=16)
    assert ros.elapsed(1) == 300
    assert [r.state for r in ros.schedule()] == [RowState.DONE, RowState.DONE, RowState.SKIPPED]
    assert ros.segment_log(1).runs[0].pauses[-1][1] == ros.finished_at
    for op in ("pause", "resume", "next", "finish", "start"):
        with pytest.raises(ClockError, match="finished"):
            getattr(ros, op)()
    assert ros.tick() == []


def test_projected_end_follows_actual_progress(clock: FakeClock) -> None:
    ros = started(clock)
    clock.advance(minutes=4)
    assert ros.projected_end() == SCHEDULED + timedelta(minutes=60)
    clock.advance(minutes=10)  # four minutes over on the intro
    assert ros.projected_end() == clock.t + timedelta(minutes=50)


# ------------------------------------------------------------------ formatting


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (720, "12:00"),
        (0, "00:00"),
        (59.2, "01:00"),
        (-0.5, "00:00"),
        (-1, "-00:01"),
        (-65, "-01:05"),
        (3600, "1:00:00"),
        (3723, "1:02:03"),
        (-3723, "-1:02:03"),
        (36000, "10:00:00"),
    ],
)
def test_format_signed(seconds: float, text: str) -> None:
    assert format_signed(seconds) == text


def test_format_signed_rejects_nan() -> None:
    with pytest.raises(ValueError):
        format_signed(float("nan"))
