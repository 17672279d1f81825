"""Loading agendas: the bundled ones, the model's helpers, and every way a file can be wrong."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import tomli_w

from console.agenda.errors import AgendaError, Problem
from console.agenda.load import (
    DEFAULT_AGENDA,
    MAX_AGENDA_BYTES,
    bundled_agendas,
    load_agenda,
    parse_agenda,
    resolve_agenda,
)
from console.agenda.model import DEFAULT_THEMES, SEGMENT_KINDS
from console.agenda.write import agenda_to_dict, starter_agenda, write_starter

MINIMAL = """
[session]
title = "Test hour"
date = 2025-12-17
start = 15:30:00
timezone = "America/New_York"

[[segments]]
id = "one"
title = "One"
minutes = 20

[[segments]]
id = "two"
title = "Two"
kind = "closing"
minutes = 1.5
"""


def test_every_bundled_agenda_loads() -> None:
    paths = bundled_agendas()
    assert {p.stem for p in paths} >= {
        DEFAULT_AGENDA,
        f"{DEFAULT_AGENDA}-2025-12-17",
        "school-safety-follow-up",
        "drop-in-30",
    }
    for path in paths:
        agenda = load_agenda(path)
        assert agenda.name == path.stem
        assert agenda.path == path
        assert agenda.segments
        if agenda.date is None:  # undated: planned for a day when a session is created
            morning = dt.datetime.combine(dt.date(2026, 1, 5), dt.time(6), tzinfo=agenda.tz)
            agenda = agenda.planned_for(agenda.planned_start(morning))
        if agenda.end is not None:
            assert agenda.planned_end.time() <= agenda.end


def test_default_agenda_matches_the_announced_session() -> None:
    """The first session as held; the default is the same without its date."""
    agenda = load_agenda(resolve_agenda(f"{DEFAULT_AGENDA}-2025-12-17"))
    assert agenda.title == "School Safety Office Hours"
    assert agenda.scheduled_start == dt.datetime(2025, 12, 17, 15, 30, tzinfo=agenda.tz)
    assert agenda.scheduled_start.utcoffset() == dt.timedelta(hours=-5)
    assert 50 <= agenda.planned_minutes <= 70
    assert agenda.questions.url is None  # the built-in form
    assert [t.id for t in agenda.themes] == [t.id for t in DEFAULT_THEMES]
    overview = next(s for s in agenda.segments if s.kind == "overview")
    points = " ".join(overview.talking_points)
    for fact in ("10-222m", "10-222n", "NIMS", "annex", "committee", "drill"):
        assert fact in points
    assert any(s.kind == "discussion" and s.prompts for s in agenda.segments)
    assert agenda.segments[-1].kind == "closing"


def test_follow_up_agenda_opens_with_carried_over_questions() -> None:
    agenda = load_agenda(resolve_agenda("school-safety-follow-up"))
    assert agenda.segments[1].kind == "questions"
    assert "carried over" in agenda.segments[1].title.lower()


def test_model_helpers() -> None:
    agenda = parse_agenda(MINIMAL, "hour.toml")
    assert agenda.name == "hour"
    assert agenda.path is None
    assert agenda.planned_minutes == 21.5
    assert agenda.segment("two").kind == "closing"
    assert agenda.segment("one").kind == "discussion"  # the default kind
    assert agenda.segment_index("two") == 1
    with pytest.raises(KeyError):
        agenda.segment("three")
    assert agenda.planned_starts()[1] - agenda.planned_starts()[0] == dt.timedelta(minutes=20)
    assert agenda.themes == DEFAULT_THEMES  # no [themes] table
    assert agenda.theme_label("drills") == "Drills and exercises"
    assert agenda.theme_label("gone") == "gone"


def test_default_wrapup_is_below_minutes() -> None:
    agenda = parse_agenda(MINIMAL)
    assert agenda.segment("one").wrapup_minutes == 2
    assert agenda.segment("two").wrapup_minutes == 1
    for segment in agenda.segments:
        assert 0 <= segment.wrapup_minutes < segment.minutes


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(AgendaError) as missing:
        load_agenda(tmp_path / "nope.toml")
    assert str(missing.value) == f"{tmp_path / 'nope.toml'}: no such agenda file"
    with pytest.raises(AgendaError) as folder:
        load_agenda(tmp_path)
    assert "is a directory" in str(folder.value)


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_text(MINIMAL + "#" * MAX_AGENDA_BYTES, encoding="utf-8")
    with pytest.raises(AgendaError) as error:
        load_agenda(path)
    assert "over 1 MiB" in str(error.value)


def test_non_utf8_points_at_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'[session]\ntitle = "caf\xe9"\n')
    with pytest.raises(AgendaError) as error:
        load_agenda(path)
    assert [(p.line, p.col) for p in error.value.problems] == [(2, 13)]
    assert "UTF-8" in str(error.value)


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert load_agenda(path).title == "Test hour"


@pytest.mark.parametrize(
    ("text", "line", "col"),
    [
        ('[session]\ntitle = "x"\nstart = 15:30\n', 3, 11),
        ("[session]\n[session]\n", 2, 9),
        ("a = ", 1, 5),  # tomllib says "at end of document"
    ],
)
def test_syntax_errors_carry_a_position(text: str, line: int, col: int) -> None:
    with pytest.raises(AgendaError) as error:
        parse_agenda(text, "x.toml")
    (problem,) = error.value.problems
    assert (problem.line, problem.col) == (line, col)
    assert str(problem).startswith(f"x.toml:{line}:{col}: TOML syntax error")
    assert "(at line" not in problem.message


def test_time_without_seconds_gets_a_hint() -> None:
    with pytest.raises(AgendaError, match="need seconds"):
        parse_agenda("[session]\nstart = 15:30\n")


def test_problem_and_error_formatting() -> None:
    first = Problem("a.toml", 3, 7, "bad")
    whole = Problem("a.toml", 0, 0, "missing")
    assert str(first) == "a.toml:3:7: bad"
    assert str(whole) == "a.toml: missing"
    assert str(AgendaError([first, whole])) == "a.toml:3:7: bad\na.toml: missing"


def test_resolve_names_paths_and_typos(tmp_path: Path) -> None:
    assert resolve_agenda(DEFAULT_AGENDA) == resolve_agenda(None)
    own = tmp_path / "mine.toml"
    own.write_text(MINIMAL, encoding="utf-8")
    assert resolve_agenda(str(own)) == own
    with pytest.raises(AgendaError, match="did you mean 'drop-in-30'"):
        resolve_agenda("drop-in-3")
    # Something path-like that does not exist stays a path, so load_agenda names it.
    assert resolve_agenda(str(tmp_path / "later.toml")) == tmp_path / "later.toml"


def test_starter_is_valid_and_round_trips(tmp_path: Path) -> None:
    data = starter_agenda("Spring hours", on=dt.date(2026, 3, 4))
    agenda = parse_agenda(tomli_w.dumps(data))
    assert agenda.title == "Spring hours"
    assert {s.kind for s in agenda.segments} <= set(SEGMENT_KINDS)
    assert parse_agenda(tomli_w.dumps(agenda_to_dict(agenda))) == agenda


def test_participant_list_and_held_words_round_trip() -> None:
    data = starter_agenda("Spring hours", on=dt.date(2026, 3, 4))
    data["questions"] |= {"participant_list": "open", "held_words": ["rumor", "Smith"]}
    agenda = parse_agenda(tomli_w.dumps(data))
    assert (agenda.questions.participant_list, agenda.questions.held_words) == (
        "open",
        ("rumor", "Smith"),
    )
    assert parse_agenda(tomli_w.dumps(agenda_to_dict(agenda))) == agenda


def test_write_starter_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "new.toml"
    write_starter(path, title="Mine")
    assert load_agenda(path).title == "Mine"
    before = path.read_bytes()
    with pytest.raises(AgendaError, match="already exists"):
        write_starter(path, title="Other")
    assert path.read_bytes() == before


def test_write_starter_rejects_a_title_that_cannot_load(tmp_path: Path) -> None:
    path = tmp_path / "new.toml"
    with pytest.raises(AgendaError, match="title"):
        write_starter(path, title="   ")
    assert not path.exists()
