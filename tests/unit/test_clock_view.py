"""What the countdown says before the start: near, late, another day (agenda's time zone)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from console.clock.run_of_show import PlannedSegment, RunOfShow
from console.clock.view import countdown, day_and_time, rebase_notice, span_text, timeline

EASTERN = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 29, 10, 0, tzinfo=EASTERN)  # a Sunday morning
SEGMENTS = [
    PlannedSegment("intro", "Introduction", 15),
    PlannedSegment("discussion", "Discussion", 45),
]


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.t = start

    def __call__(self) -> datetime:
        return self.t


def clock_at(now: datetime, planned: datetime) -> RunOfShow:
    return RunOfShow(SEGMENTS, planned, FakeClock(now))


@pytest.mark.parametrize(
    ("seconds", "up", "text"),
    [
        (45, True, "45 s"),
        (44.2, True, "45 s"),
        (44.8, False, "44 s"),
        (59.5, True, "1 min"),
        (299, True, "5 min"),
        (779, False, "12 min"),
        (3599.5, True, "1 h 00 min"),
        (7500, True, "2 h 05 min"),
        (7500, False, "2 h 05 min"),
        (7559, False, "2 h 05 min"),
    ],
)
def test_span_text(seconds: float, up: bool, text: str) -> None:
    assert span_text(seconds, up=up) == text


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2026, 11, 29, 19, 0, tzinfo=EASTERN), "today 19:00"),
        (datetime(2026, 11, 30, 8, 0, tzinfo=EASTERN), "tomorrow 08:00"),
        (datetime(2026, 11, 28, 23, 0, tzinfo=EASTERN), "yesterday 23:00"),
        (datetime(2026, 12, 2, 19, 0, tzinfo=EASTERN), "Wed 2 Dec 19:00"),
        (datetime(2025, 12, 17, 19, 0, tzinfo=EASTERN), "Wed 17 Dec 2025 19:00"),
    ],
)
def test_day_and_time(moment: datetime, text: str) -> None:
    assert day_and_time(moment, NOW, EASTERN) == text


def test_days_are_counted_in_the_agendas_zone_not_utc() -> None:
    evening = datetime(2026, 11, 29, 22, 0, tzinfo=EASTERN)  # already the 30th in UTC
    assert evening.astimezone(ZoneInfo("UTC")).day == 30
    assert day_and_time(evening, NOW, EASTERN) == "today 22:00"


def _view(now: datetime, planned: datetime) -> tuple[str, str]:
    view = countdown(clock_at(now, planned), EASTERN)
    assert view.state == "waiting"
    return view.time_text, view.caption


@pytest.mark.parametrize(
    ("now", "planned", "digits", "caption"),
    [
        (
            NOW,
            datetime(2025, 12, 17, 19, 0, tzinfo=EASTERN),
            "1:00:00",
            "planned for Wed 17 Dec 2025 19:00 (347 days ago)\n"
            "1 h 00 min, timed from when it starts",
        ),
        (
            NOW,
            datetime(2026, 11, 30, 19, 0, tzinfo=EASTERN),
            "1:00:00",
            "planned for tomorrow 19:00\n1 h 00 min, timed from when it starts",
        ),
        (
            NOW,
            datetime(2026, 12, 2, 19, 0, tzinfo=EASTERN),
            "1:00:00",
            "planned for Wed 2 Dec 19:00 (in 3 days)\n1 h 00 min, timed from when it starts",
        ),
        (
            datetime(2026, 11, 29, 23, 0, tzinfo=EASTERN),
            datetime(2026, 11, 29, 0, 30, tzinfo=EASTERN),
            "1:00:00",
            "planned for today 00:30 (22 h 30 min ago)\n1 h 00 min, timed from when it starts",
        ),
        (NOW, NOW + timedelta(hours=2, minutes=5), "2:05:00", "starts in 2 h 05 min"),
        (NOW, NOW + timedelta(minutes=4, seconds=59), "04:59", "starts in 5 min"),
        (NOW, NOW, "00:00", "due to start now"),
        (NOW + timedelta(minutes=12, seconds=40), NOW, "-12:40", "today 10:00, 12 min late"),
        (
            datetime(2026, 11, 29, 22, 0, tzinfo=EASTERN),
            datetime(2026, 11, 30, 8, 0, tzinfo=EASTERN),
            "10:00:00",
            "starts in 10 h 00 min, tomorrow 08:00",
        ),
        (
            datetime(2026, 11, 30, 1, 0, tzinfo=EASTERN),
            datetime(2026, 11, 29, 23, 0, tzinfo=EASTERN),
            "-2:00:00",
            "yesterday 23:00, 2 h 00 min late",
        ),
    ],
)
def test_countdown_before_the_start(
    now: datetime, planned: datetime, digits: str, caption: str
) -> None:
    assert _view(now, planned) == (digits, caption)


def test_near_captions_name_no_key() -> None:
    """A note-taker reads the same words; the footer shows the key."""
    for planned in (
        NOW + timedelta(minutes=5),
        NOW - timedelta(minutes=5),
        NOW - timedelta(days=9),
    ):
        _digits, caption = _view(NOW, planned)
        assert "s to start" not in caption


def test_timeline_far_from_the_plan_shows_the_times_of_a_start_now() -> None:
    planned = datetime(2025, 12, 17, 15, 30, tzinfo=EASTERN)
    lines = timeline(clock_at(NOW, planned), EASTERN)
    assert [line.when for line in lines] == ["10:00", "10:15"]
    near = timeline(clock_at(NOW, NOW + timedelta(hours=1)), EASTERN)
    assert [line.when for line in near] == ["11:00", "11:15"]


def test_rebase_notice_names_both_days() -> None:
    planned = datetime(2025, 12, 17, 15, 30, tzinfo=EASTERN)
    ros = clock_at(NOW, planned)
    assert rebase_notice(ros, EASTERN) is None
    ros.start()
    notice = rebase_notice(ros, EASTERN)
    assert notice is not None
    assert "Wed 17 Dec 2025 15:30" in notice
    assert "10:00" in notice
    measured = clock_at(NOW, NOW - timedelta(minutes=20))
    measured.start()
    assert rebase_notice(measured, EASTERN) is None


def test_running_caption_is_unchanged_by_a_rebase() -> None:
    ros = clock_at(NOW, datetime(2025, 12, 17, 15, 30, tzinfo=EASTERN))
    ros.start()
    view = countdown(ros, EASTERN)
    assert (view.time_text, view.state, view.caption) == ("15:00", "on time", "of 15m")


def test_timeline_minutes_are_always_planned_and_the_difference_has_its_own_column() -> None:
    """``planned`` never changes meaning by row; ``delta`` is actual minus planned."""
    clock = FakeClock(NOW)
    ros = RunOfShow(SEGMENTS, NOW, clock)
    idle = timeline(ros, EASTERN)
    assert [(line.planned, line.delta) for line in idle] == [("15", ""), ("45", "")]
    ros.start()
    clock.t += timedelta(minutes=17)
    ros.next()  # the introduction ran 17 minutes of 15
    clock.t += timedelta(minutes=40)  # the discussion, within its 45: nothing to say yet
    lines = timeline(ros, EASTERN)
    assert [(line.state, line.planned, line.delta) for line in lines] == [
        ("done", "15", "+2m"),
        ("current", "45", ""),
    ]
    ros.extend(120)  # a nudge changes what is left, not the plan
    clock.t += timedelta(minutes=10)  # now 5 minutes past its planned 45
    assert timeline(ros, EASTERN)[1].planned == "45"
    assert timeline(ros, EASTERN)[1].delta == "+5m"
