"""Semantic validation: every problem of a file at once, each at the line it is about."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from console.agenda.errors import AgendaError
from console.agenda.load import load_agenda, parse_agenda

DATA = Path(__file__).parent.parent / "data" / "agendas"

HEAD = """
[session]
title = "T"
date = 2025-12-17
start = 15:30:00
timezone = "America/New_York"
"""
SEGMENT = '\n[[segments]]\nid = "a"\ntitle = "A"\nminutes = 10\n'


def problems_of(text: str) -> list[tuple[int, str]]:
    with pytest.raises(AgendaError) as error:
        parse_agenda(text, "t.toml")
    return [(p.line, p.message) for p in error.value.problems]


def test_fixture_reports_every_marked_line_and_nothing_else() -> None:
    path = DATA / "many-problems.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    marked = {n for n, line in enumerate(lines, 1) if re.search(r"#\s*<-", line)}
    with pytest.raises(AgendaError) as error:
        load_agenda(path)
    problems = error.value.problems
    assert {p.line for p in problems} == marked
    assert all(p.path == str(path) for p in problems)
    assert [(p.line, p.col) for p in problems] == sorted((p.line, p.col) for p in problems)
    text = str(error.value)
    for expected in (
        'unknown key "hots" in [session] (did you mean "host"?)',
        'unknown time zone "America/NewYork" (did you mean "America/New_York"?)',
        'unknown segment kind "opener" (did you mean "opening"?)',
        '"wrapup_minutes" (5) must be less than "minutes" (5)',
        'duplicate segment id "welcome" (first used on line 16)',
        '"minutes" must be more than 0',
        'missing required key "title"',
        'unknown key "minuts"',
        "write it without quotes",
        "never put a secret in an agenda",
        'unknown key "txet" in [questions] map (did you mean "text"?)',
    ):
        assert expected in text


def test_key_inside_inline_table_is_located_by_column() -> None:
    with pytest.raises(AgendaError) as error:
        load_agenda(DATA / "many-problems.toml")
    txet = next(p for p in error.value.problems if '"txet"' in p.message)
    line = (DATA / "many-problems.toml").read_text(encoding="utf-8").splitlines()[txet.line - 1]
    assert line[txet.col - 1 :].startswith("txet")


def test_missing_session_and_segments() -> None:
    found = problems_of('title = "loose"\n')
    messages = " | ".join(m for _, m in found)
    assert "missing required table [session]" in messages
    assert "missing segments" in messages
    assert 'unknown key "title" in the top level' in messages


def test_wrong_types_are_named() -> None:
    text = HEAD.replace('title = "T"', "title = 5") + SEGMENT.replace("10", '"ten"')
    found = problems_of(text + "auto_advance = 1\ntalking_points = [1]\n")
    messages = [m for _, m in found]
    assert '"title" must be a string, not an integer' in messages
    assert '"minutes" must be a number, not a string' in messages
    assert '"auto_advance" must be true or false, not an integer' in messages
    assert '"talking_points" items must be strings, not an integer' in messages


def test_segments_that_overrun_an_explicit_end() -> None:
    text = HEAD + "end = 15:45:00\n" + SEGMENT + SEGMENT.replace('"a"', '"b"')
    ((line, message),) = problems_of(text)
    assert line == text.splitlines().index("end = 15:45:00") + 1
    assert message == 'segments add up to 20 min and run to 15:50, past "end" (15:45) by 5 min'


def test_end_before_start() -> None:
    ((_, message),) = problems_of(HEAD + "end = 15:00:00\n" + SEGMENT)
    assert message == '"end" (15:00) must be after "start" (15:30)'


def test_end_that_fits_is_fine() -> None:
    agenda = parse_agenda(HEAD + "end = 15:40:00\n" + SEGMENT)
    assert agenda.end is not None and agenda.end.minute == 40


@pytest.mark.parametrize("minutes", ["-1", "0", "nan", "inf", "1e9", "10000000000000000000000000"])
def test_minutes_must_be_a_sane_positive_number(minutes: str) -> None:
    found = problems_of(HEAD + SEGMENT.replace("minutes = 10", f"minutes = {minutes}"))
    assert len(found) == 1
    assert '"minutes"' in found[0][1]


def test_zero_wrapup_is_allowed_and_means_no_warning() -> None:
    agenda = parse_agenda(HEAD + SEGMENT + "wrapup_minutes = 0\n")
    assert agenda.segments[0].wrapup_minutes == 0


def test_time_zone_case_is_forgiven_only_as_a_hint() -> None:
    ((_, message),) = problems_of(HEAD.replace("America/New_York", "america/new york") + SEGMENT)
    assert 'did you mean "America/New_York"' in message


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("UTC\\u0000", "U+0000"),  # a NUL: was read as "UTC"
        ("UTC\\u001b", "U+001B"),
        ("America/New_York\\t", "U+0009"),
        ("UTC\\u200e", "U+200E"),  # an invisible left-to-right mark
    ],
)
def test_a_time_zone_with_a_hidden_character_is_refused_where_it_is(
    written: str, code: str
) -> None:
    text = HEAD.replace('timezone = "America/New_York"', f'timezone = "{written}"') + SEGMENT
    with pytest.raises(AgendaError) as error:
        parse_agenda(text, "t.toml")
    (problem,) = error.value.problems
    assert (problem.line, problem.col) == (6, 1)
    assert str(problem).startswith("t.toml:6:1: ")
    assert problem.message == (
        f'"timezone" holds an invisible or control character ({code}); '
        'write only the name, like "America/New_York"'
    )


def test_date_time_where_a_date_belongs() -> None:
    text = HEAD.replace("date = 2025-12-17", "date = 2025-12-17T15:30:00") + SEGMENT
    ((_, message),) = problems_of(text)
    assert message == '"date" must be a date like 2025-12-17, not a date-time'


def test_themes_table() -> None:
    agenda = parse_agenda(HEAD + '[themes]\nparking = "Parking and traffic"\n' + SEGMENT)
    assert [(t.id, t.label) for t in agenda.themes] == [("parking", "Parking and traffic")]
    assert agenda.theme_label("parking") == "Parking and traffic"
    empty = parse_agenda(HEAD + "[themes]\n" + SEGMENT)
    assert empty.themes == ()
    found = problems_of(HEAD + '[[themes]]\nid = "x"\n' + SEGMENT)
    assert "must be a table" in found[0][1]


def test_questions_source_is_read() -> None:
    text = (
        HEAD
        + SEGMENT
        + '[questions]\nsource = "https://api.typeform.com/forms/abc/responses"\n'
        + 'preset = "typeform"\ntoken_env = "TYPEFORM_TOKEN"\nform_id = "abc"\n'
        + 'interval_seconds = 30\nmap = { text = "What would you like to ask?" }\n'
    )
    source = parse_agenda(text).questions
    assert source.url == "https://api.typeform.com/forms/abc/responses"
    assert source.preset == "typeform"
    assert source.token_env == "TYPEFORM_TOKEN"
    assert source.form_id == "abc"
    assert source.interval_seconds == 30.0
    assert source.mapping == {"text": "What would you like to ask?"}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('token_env = "sk-live 123"', "NAME of an environment variable"),
        ('source = "https://user:pw@example.org/x.csv"', "must not carry a user name"),
        ('preset = "typefrom"', 'did you mean "typeform"'),
        ('source = "javascript:alert(1)"', "http:// or https:// address or a local file"),
        ("interval_seconds = 99999", "at most 3600"),
        ('bearer = "abc"', "never put a secret"),
    ],
)
def test_questions_problems(line: str, expected: str) -> None:
    found = problems_of(HEAD + SEGMENT + "[questions]\n" + line + "\n")
    assert len(found) == 1
    assert expected in found[0][1]


def test_participant_list_and_held_words_default_to_screened_and_none() -> None:
    source = parse_agenda(HEAD + SEGMENT).questions
    assert source.participant_list == "screened"
    assert source.held_words == ()


def test_participant_list_and_held_words_are_read() -> None:
    text = (
        HEAD
        + SEGMENT
        + '[questions]\nparticipant_list = "open"\n'
        + 'held_words = ["Smith Elementary", "rumor", "RUMOR", "  rumor  "]\n'
    )
    source = parse_agenda(text).questions
    assert source.participant_list == "open"
    assert source.held_words == ("Smith Elementary", "rumor")  # cleaned, repeats once


@pytest.mark.parametrize(
    ("line", "expected", "col"),
    [
        ('participant_list = "opne"', 'unknown participant_list "opne" (did you mean "open"?)', 1),
        ("participant_list = true", '"participant_list" must be a string, not a boolean', 1),
        ('held_words = "rumor"', '"held_words" must be an array, not a string', 1),
        ('held_words = ["ok", 3]', '"held_words" items must be strings, not an integer', 21),
        ('held_words = ["ok", ""]', '"held_words" items must not be empty', 21),
        ('held_words = ["' + "x" * 81 + '"]', "at most 80 characters", 1),
    ],
)
def test_participant_list_and_held_words_problems(line: str, expected: str, col: int) -> None:
    with pytest.raises(AgendaError) as error:
        parse_agenda(HEAD + SEGMENT + "[questions]\n" + line + "\n", "t.toml")
    (problem,) = error.value.problems
    assert expected in problem.message
    assert problem.line == len((HEAD + SEGMENT).splitlines()) + 2
    assert problem.col == col
    assert str(error.value).startswith(f"t.toml:{problem.line}:{col}: ")


def test_local_file_source_is_accepted() -> None:
    text = (
        HEAD
        + SEGMENT
        + '[questions]\nsource = "exports/responses.csv"\npreset = "microsoft-forms"\n'
    )
    assert parse_agenda(text).questions.url == "exports/responses.csv"


def test_presets_and_map_fields_match_the_feeds() -> None:
    presets = pytest.importorskip("console.feeds.presets")
    config = pytest.importorskip("console.feeds.config")
    from console.agenda.validate import MAP_FIELDS, QUESTION_PRESETS

    assert set(QUESTION_PRESETS) == set(presets.PRESETS)
    assert set(MAP_FIELDS) == set(config.MAPPABLE_FIELDS)


def test_control_characters_are_cleaned_from_text() -> None:
    text = HEAD.replace('title = "T"', 'title = "Safe\\u001b[31m title"') + SEGMENT
    assert parse_agenda(text).title == "Safe title"


def test_ids_must_be_slugs() -> None:
    ((_, message),) = problems_of(HEAD + SEGMENT.replace('id = "a"', 'id = "Open Q&A"'))
    assert 'like "open-q-a"' in message


REPO = Path(__file__).resolve().parents[2]
DOCS_WITH_AGENDAS = [REPO / "agendas" / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def agenda_snippets() -> list[tuple[str, str]]:
    """Every ```toml block of the docs that shows an agenda's [questions] table."""
    found = []
    for path in DOCS_WITH_AGENDAS:
        blocks = re.findall(r"```toml\n(.*?)```", path.read_text(encoding="utf-8"), re.S)
        found += [(f"{path.name}#{i}", b) for i, b in enumerate(blocks) if "[questions]" in b]
    return found


@pytest.mark.parametrize(
    ("where", "snippet"), agenda_snippets(), ids=[w for w, _ in agenda_snippets()]
)
def test_the_questions_tables_the_docs_show_are_valid(where: str, snippet: str) -> None:
    text = snippet if "[session]" in snippet else HEAD + SEGMENT + snippet
    agenda = parse_agenda(text, where)  # AgendaError names the key a reader would copy wrong
    assert agenda.questions is not None


def test_the_docs_show_the_questions_tables_of_intake_and_agendas() -> None:
    assert {w.split("#")[0] for w, _ in agenda_snippets()} >= {"README.md", "intake.md"}
