"""The agenda's optional staff list: read, written back, and every problem at file:line:col."""

from __future__ import annotations

import pytest

from console.agenda.errors import AgendaError
from console.agenda.load import parse_agenda
from console.agenda.write import agenda_to_dict

HEAD = """[session]
title = "T"
date = 2025-12-17
start = 15:30:00
timezone = "America/New_York"
"""
SEGMENT = '\n[[segments]]\nid = "a"\ntitle = "A"\nminutes = 10\n'


def test_staff_defaults_to_none_and_is_read_cleaned() -> None:
    assert parse_agenda(HEAD + SEGMENT).staff == ()
    agenda = parse_agenda(HEAD + 'staff = ["Dana Whitfield", "  Omar\\tReyes "]\n' + SEGMENT)
    assert agenda.staff == ("Dana Whitfield", "Omar Reyes")


def test_staff_is_written_back() -> None:
    import tomli_w

    agenda = parse_agenda(HEAD + 'staff = ["Dana Whitfield"]\n' + SEGMENT)
    assert agenda_to_dict(agenda)["session"]["staff"] == ["Dana Whitfield"]
    assert parse_agenda(tomli_w.dumps(agenda_to_dict(agenda))).staff == ("Dana Whitfield",)


@pytest.mark.parametrize(
    ("line", "expected", "col"),
    [
        ('staff = "Dana"', '"staff" must be an array, not a string', 1),
        ('staff = ["Dana", 3]', '"staff" items must be strings, not an integer', 18),
        ('staff = ["Dana", ""]', '"staff" items must not be empty', 18),
        ('staff = ["' + "x" * 81 + '"]', "at most 80 characters", 10),
        ('staff = ["Dana", "dana"]', '"staff" lists "dana" twice', 18),
    ],
)
def test_staff_problems_name_their_place(line: str, expected: str, col: int) -> None:
    with pytest.raises(AgendaError) as error:
        parse_agenda(HEAD + line + "\n" + SEGMENT, "t.toml")
    (problem,) = error.value.problems
    assert expected in problem.message
    assert (problem.line, problem.col) == (6, col)
    assert str(error.value).startswith(f"t.toml:6:{col}: ")
