"""Saving and restoring the run-of-show clock (to_dict / from_dict)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from console.clock.run_of_show import (
    ClockError,
    EventKind,
    Phase,
    PlannedSegment,
    RunOfShow,
    StaleClockState,
)

SCHEDULED = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.t = start

    def __call__(self) -> datetime:
        return self.t

    def advance(self, seconds: float = 0, *, minutes: float = 0) -> None:
        self.t += timedelta(seconds=seconds, minutes=minutes)


SEGMENTS = [
    PlannedSegment("intro", "Introduction", 10),
    PlannedSegment("standards", "The standards", 20, auto_advance=True),
    PlannedSegment("discussion", "Discussion", 30),
]


def played(fake: FakeClock) -> RunOfShow:
    """A session with a late start, a pause, a nudge and a move, now in segment 1."""
    ros = RunOfShow(SEGMENTS, SCHEDULED, fake)
    fake.advance(minutes=2)
    ros.start()
    fake.advance(minutes=3)
    ros.pause()
    fake.advance(minutes=1)
    ros.resume()
    ros.extend(60)
    fake.advance(minutes=8)
    ros.next()
    fake.advance(minutes=4)
    return ros


def restore(
    data: dict[str, Any], fake: FakeClock, segments: list[PlannedSegment] | None = None
) -> RunOfShow:
    return RunOfShow.from_dict(data, segments or SEGMENTS, SCHEDULED, fake)


def observable(ros: RunOfShow) -> tuple[object, ...]:
    return (
        ros.phase,
        ros.current_index,
        ros.started_at,
        ros.finished_at,
        ros.events,
        ros.schedule(),
        ros.projected_end(),
        [ros.segment_log(i) for i in range(len(ros.segments))],
    )


def test_round_trip_is_json_safe_and_identical() -> None:
    fake = FakeClock(SCHEDULED)
    ros = played(fake)
    data = ros.to_dict()
    assert data["schema"] == 1
    text = json.dumps(data)
    back = restore(json.loads(text), fake)
    assert observable(back) == observable(ros)
    assert back.to_dict() == data
    assert back.restore_warnings == ()


def test_idle_round_trip() -> None:
    fake = FakeClock(SCHEDULED)
    ros = RunOfShow(SEGMENTS, SCHEDULED, fake)
    back = restore(json.loads(json.dumps(ros.to_dict())), fake)
    assert back.phase is Phase.IDLE
    back.start()
    assert back.current_index == 0


def test_a_running_clock_kept_running_while_the_console_was_closed() -> None:
    fake = FakeClock(SCHEDULED)
    data = played(fake).to_dict()
    before = restore(data, fake).elapsed(1)
    fake.advance(minutes=7)  # the laptop was down for seven minutes
    back = restore(data, fake)
    assert back.phase is Phase.RUNNING
    assert back.elapsed(1) == before + 7 * 60


def test_a_restored_clock_auto_advances_at_the_true_moment() -> None:
    fake = FakeClock(SCHEDULED)
    ros = played(fake)
    entered = ros.segment_log(1).runs[0].start
    data = ros.to_dict()
    fake.advance(minutes=40)
    back = restore(data, fake)
    (event,) = back.tick()
    assert event.kind is EventKind.AUTO_ADVANCED
    assert event.at == entered + timedelta(minutes=20)
    assert back.current_index == 2


def test_a_paused_clock_stays_paused() -> None:
    fake = FakeClock(SCHEDULED)
    ros = played(fake)
    ros.pause()
    data = ros.to_dict()
    frozen = ros.elapsed(1)
    fake.advance(minutes=30)
    back = restore(data, fake)
    assert back.phase is Phase.PAUSED
    assert back.elapsed(1) == frozen
    assert back.tick() == []
    back.resume()
    fake.advance(minutes=1)
    assert back.elapsed(1) == frozen + 60


def test_a_finished_clock_stays_finished() -> None:
    fake = FakeClock(SCHEDULED)
    ros = played(fake)
    ros.finish()
    fake.advance(minutes=30)
    back = restore(ros.to_dict(), fake)
    assert back.phase is Phase.FINISHED
    assert back.projected_end() == ros.finished_at
    with pytest.raises(ClockError):
        back.resume()


def test_restore_never_moves_time_backwards() -> None:
    fake = FakeClock(SCHEDULED)
    ros = played(fake)
    data = ros.to_dict()
    fake.advance(minutes=-60)  # the machine's clock is now behind the saved log
    back = restore(data, fake)
    assert back.elapsed(1) >= 0
    assert back.projected_end() >= ros.segment_log(1).runs[0].start


def test_reordered_agenda_keeps_logs_by_id() -> None:
    fake = FakeClock(SCHEDULED)
    ros = played(fake)
    reordered = [SEGMENTS[2], SEGMENTS[0], SEGMENTS[1]]
    back = restore(ros.to_dict(), fake, reordered)
    assert back.current_index == 2
    assert back.segment_log(1) == ros.segment_log(0)


def test_missing_current_segment_is_a_clear_error() -> None:
    fake = FakeClock(SCHEDULED)
    data = played(fake).to_dict()
    without_current = [SEGMENTS[0], SEGMENTS[2]]
    with pytest.raises(StaleClockState, match=r"'standards'.*no longer in the agenda"):
        restore(data, fake, without_current)
    with pytest.raises(ValueError):  # StaleClockState is a ValueError for simple callers
        restore(data, fake, without_current)


def test_other_removed_segments_are_dropped_with_a_warning() -> None:
    fake = FakeClock(SCHEDULED)
    data = played(fake).to_dict()
    back = restore(data, fake, [SEGMENTS[1], SEGMENTS[2]])
    assert back.current_index == 0
    assert any("'intro'" in w for w in back.restore_warnings)
    assert back.events[0].segment_id == "intro"  # history keeps its ids
    back.next()
    assert back.current_index == 1


def test_shortened_segment_clamps_time_taken_away() -> None:
    fake = FakeClock(SCHEDULED)
    ros = played(fake)
    ros.shorten(600)  # standards: 20 min + 0 → 10 min
    data = ros.to_dict()
    shorter = [SEGMENTS[0], PlannedSegment("standards", "The standards", 5), SEGMENTS[2]]
    back = restore(data, fake, shorter)
    assert back.allotted(1) == 0
    assert back.segment_log(1).extra_seconds == -300
    assert any("shorter" in w for w in back.restore_warnings)


def test_finished_session_without_its_last_segment_still_loads() -> None:
    fake = FakeClock(SCHEDULED)
    ros = played(fake)
    ros.finish()
    back = restore(ros.to_dict(), fake, [SEGMENTS[0], SEGMENTS[2]])
    assert back.phase is Phase.FINISHED
    assert back.restore_warnings


def _corrupt(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    broken = copy.deepcopy(data)
    target: Any = broken
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return broken


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("schema",), 3, "schema 3"),
        (("schema",), True, "schema True"),
        (("schema",), KeyError, "schema None"),
        (("phase",), "sleeping", "phase"),
        (("started_at",), "yesterday", "started_at"),
        (("started_at",), "2025-12-17T20:30:00", "time zone"),
        (("started_at",), None, "started_at"),
        (("last_change",), 12, "last_change"),
        (("segments",), [], "segments"),
        (("segments", "intro", "runs"), "x", "runs"),
        (("segments", "intro", "runs", 0, "pauses"), [["2025-12-17T20:40:00+00:00"]], "pauses"),
        (("segments", "intro", "runs", 0, "end"), None, "only one left open"),
        (("segments", "intro", "runs", 0, "end"), "2025-12-17T20:00:00+00:00", "before it starts"),
        (("segments", "intro", "extra_seconds"), "lots", "finite number"),
        (("segments", "intro", "extra_seconds"), True, "finite number"),
        (("events",), {}, "events"),
        (("events", 0, "kind"), "exploded", "kind"),
        (("events", 0, "seconds"), float("inf"), "finite"),
        (("events", 0, "segment_id"), 3, "segment_id"),
        (("auto_advance_armed",), "yes", "auto_advance_armed"),
        (("finished_at",), "2025-12-17T21:00:00+00:00", "finished_at"),
    ],
)
def test_malformed_state_is_a_value_error(path: tuple[Any, ...], value: Any, message: str) -> None:
    fake = FakeClock(SCHEDULED)
    data = played(fake).to_dict()
    with pytest.raises(ValueError, match=message):
        restore(_corrupt(data, path, value), fake)


def test_not_a_mapping_is_a_value_error() -> None:
    fake = FakeClock(SCHEDULED)
    with pytest.raises(ValueError, match="JSON object"):
        RunOfShow.from_dict([], SEGMENTS, SCHEDULED, fake)  # type: ignore[arg-type]


def test_paused_flag_must_match_the_open_pause() -> None:
    fake = FakeClock(SCHEDULED)
    data = played(fake).to_dict()
    with pytest.raises(ValueError, match="open pause"):
        restore(_corrupt(data, ("phase",), "paused"), fake)
