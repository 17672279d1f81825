"""Properties: no input makes the loader crash, and valid agendas survive a TOML round trip."""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.agenda.errors import AgendaError
from console.agenda.load import parse_agenda
from console.agenda.model import SEGMENT_KINDS, Agenda, QuestionSource, Segment, Theme
from console.agenda.write import agenda_to_dict, starter_agenda

SETTINGS = settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])

words = st.text(string.ascii_letters + string.digits + " .,:;!?'\"-()&/é", min_size=1, max_size=30)
clean_line = words.map(lambda s: " ".join(s.split())).filter(bool)
slug = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,12}", fullmatch=True)
minutes = st.one_of(st.integers(1, 120).map(float), st.sampled_from([0.5, 1.5, 2.25, 7.5]))


@st.composite
def segments(draw: st.DrawFn) -> tuple[Segment, ...]:
    ids = draw(st.lists(slug, min_size=1, max_size=6, unique=True))
    out = []
    for seg_id in ids:
        length = draw(minutes)
        wrapup = draw(st.sampled_from([0.0, length / 2, min(2.0, length / 4)]))
        out.append(
            Segment(
                id=seg_id,
                title=draw(clean_line),
                kind=draw(st.sampled_from(SEGMENT_KINDS)),
                minutes=length,
                wrapup_minutes=wrapup,
                talking_points=tuple(draw(st.lists(clean_line, max_size=3))),
                prompts=tuple(draw(st.lists(clean_line, max_size=2))),
                auto_advance=draw(st.booleans()),
            )
        )
    return tuple(out)


@st.composite
def agendas(draw: st.DrawFn) -> Agenda:
    segs = draw(segments())
    start = draw(
        st.times(min_value=dt.time(6), max_value=dt.time(12)).map(
            lambda t: t.replace(microsecond=0)
        )
    )
    planned = sum(s.minutes for s in segs)
    end = None
    if draw(st.booleans()) and planned < 11 * 60:
        end_at = dt.datetime.combine(dt.date(2026, 1, 1), start) + dt.timedelta(minutes=planned)
        end = (
            (end_at + dt.timedelta(minutes=draw(st.integers(0, 30))))
            .time()
            .replace(microsecond=0, second=59)
        )
    theme_ids = draw(st.lists(slug, max_size=4, unique=True))
    return Agenda(
        title=draw(clean_line),
        series=draw(st.none() | clean_line),
        host=draw(st.none() | clean_line),
        facilitator=draw(st.none() | clean_line.filter(lambda name: len(name) <= 80)),
        date=draw(
            st.none() | st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1))
        ),
        start=start,
        timezone=draw(st.sampled_from(["America/New_York", "UTC", "Europe/Lisbon"])),
        end=end,
        segments=segs,
        themes=tuple(Theme(t, draw(clean_line)) for t in theme_ids),
        questions=QuestionSource(
            url=draw(st.none() | st.just("https://example.org/answers.csv")),
            preset=draw(st.none() | st.sampled_from(["csv", "json", "tally", "google-forms"])),
            mapping=draw(st.dictionaries(st.sampled_from(["text", "asker", "votes"]), clean_line)),
            interval_seconds=draw(st.sampled_from([1.0, 5.0, 15.0, 60.5])),
            token_env=draw(st.none() | st.just("FORM_TOKEN")),
            form_id=draw(st.none() | slug),
        ),
        description=draw(st.none() | clean_line),
    )


@SETTINGS
@given(agendas())
def test_valid_agendas_round_trip_through_toml(agenda: Agenda) -> None:
    text = tomli_w.dumps(agenda_to_dict(agenda))
    assert parse_agenda(text) == agenda


@SETTINGS
@given(st.text(max_size=400))
def test_arbitrary_text_only_ever_raises_agenda_error(text: str) -> None:
    try:
        parse_agenda(text, "fuzz.toml")
    except AgendaError as error:
        assert error.problems
        assert all(p.path == "fuzz.toml" and p.line >= 1 for p in error.problems)


toml_values = st.recursive(
    st.none().map(lambda _: "x")
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=True)
    | st.booleans()
    | st.text(max_size=20)
    | st.dates()
    | st.times()
    | st.datetimes(),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@SETTINGS
@given(st.data())
def test_structurally_broken_agendas_only_raise_agenda_error(data: st.DataObject) -> None:
    """Replace one spot of a valid agenda with any TOML value: a clean verdict, never a crash."""
    doc: dict[str, Any] = starter_agenda("Fuzz", on=dt.date(2026, 1, 1))
    section = data.draw(st.sampled_from(["session", "themes", "segments", "questions", "top"]))
    value = data.draw(toml_values)
    if section == "top":
        doc[data.draw(st.sampled_from(["session", "segments", "themes", "questions", "x"]))] = value
    elif section == "segments":
        seg = doc["segments"][data.draw(st.integers(0, len(doc["segments"]) - 1))]
        seg[data.draw(st.sampled_from([*seg, "other"]))] = value
    else:
        table = doc[section]
        table[data.draw(st.sampled_from([*table, "other"]))] = value
    text = tomli_w.dumps(doc)
    try:
        agenda = parse_agenda(text, "mutated.toml")
    except AgendaError as error:
        assert all(1 <= p.line <= text.count("\n") + 1 for p in error.problems)
    else:
        assert parse_agenda(tomli_w.dumps(agenda_to_dict(agenda)), "mutated.toml") == agenda
