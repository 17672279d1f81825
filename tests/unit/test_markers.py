"""Quick markers: #theme, @owner and due:DATE in a typed line."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.notes.markers import (
    complete_theme,
    marker_owner,
    parse_due,
    parse_markers,
    render_markers,
)

THEMES = ("drills", "building-access", "mental-health", "funding")
TODAY = date(2025, 12, 17)


def parse(line: str):  # type: ignore[no-untyped-def]
    return parse_markers(line, THEMES, TODAY)


def test_all_markers_are_taken_out() -> None:
    p = parse('Drill reports are late #drills @"Ana Ruiz" due:2026-01-15')
    assert p.text == "Drill reports are late"
    assert p.themes == ("drills",)
    assert p.owner == "Ana Ruiz"
    assert p.due == date(2026, 1, 15)
    assert p.unknown_themes == () and p.problems == ()


def test_theme_is_case_insensitive_and_canonical() -> None:
    assert parse("x #Mental-Health #DRILLS #drills").themes == ("mental-health", "drills")


def test_unknown_theme_is_reported_and_kept_in_text() -> None:
    p = parse("about #parking lots")
    assert p.unknown_themes == ("parking",)
    assert p.text == "about #parking lots"
    assert p.themes == ()


def test_hash_inside_words_and_numbers_are_not_themes() -> None:
    p = parse("we teach C# and see issue #12 #drills")
    assert p.text == "we teach C# and see issue #12"
    assert p.unknown_themes == ()
    assert p.themes == ("drills",)


def test_email_is_not_an_owner() -> None:
    p = parse("write to ana@school.org @bo")
    assert p.owner == "bo"
    assert p.text == "write to ana@school.org"


def test_trailing_punctuation_stays_with_the_sentence() -> None:
    p = parse("Worried about #drills, and @sam. too")
    assert p.text == "Worried about, and. too"
    assert p.owner == "sam" and p.themes == ("drills",)
    assert parse("#drills: plan").text == ": plan"


def test_relative_due_dates() -> None:
    assert parse("x due:today").due == TODAY
    assert parse("x due:tomorrow").due == date(2025, 12, 18)
    assert parse("x due:+3d").due == date(2025, 12, 20)
    assert parse("x Due:+2w").due == date(2025, 12, 31)


@pytest.mark.parametrize("value", ["2026-02-30", "friday", "", "+3x", "2026-1-5"])
def test_bad_due_date_is_a_problem_and_stays_in_text(value: str) -> None:
    p = parse(f"send it due:{value}")
    assert p.due is None
    assert p.text == f"send it due:{value}"
    assert len(p.problems) == 1 and "not understood" in p.problems[0]


def test_several_owners_use_the_last_and_say_so() -> None:
    p = parse("call @ana @bo")
    assert p.owner == "bo"
    assert p.problems == ("several owners given; using @bo",)


def test_multiline_text_is_kept_where_no_marker_was() -> None:
    p = parse("first   line\n  indented  #drills\nlast")
    assert p.text == "first   line\nindented\nlast"


def test_parse_due_outside_lines() -> None:
    assert parse_due("2026-01-15", TODAY) == date(2026, 1, 15)
    assert parse_due("+9999w", date(9999, 1, 1)) is None


def test_complete_theme() -> None:
    assert complete_theme("#b", THEMES) == ["building-access"]
    assert complete_theme("M", THEMES) == ["mental-health"]
    assert complete_theme("", THEMES) == sorted(THEMES)
    assert complete_theme("zzz", THEMES) == []


def test_marker_owner_drops_what_a_marker_cannot_carry() -> None:
    assert marker_owner(' Ana  "A" Ruiz ') == "Ana A Ruiz"


def test_quoted_owner_is_tidied_and_blank_is_not_one() -> None:
    assert parse('x @"  Ana   Ruiz ",').owner == "Ana Ruiz"
    assert parse('x @"   "').owner is None


def test_after_an_unclosed_quote_later_quoted_owners_are_text() -> None:
    line = '@"oops @"Ana" x"'
    p = parse(line)
    assert p.owner is None and p.text == line


def test_render_quotes_owners_with_spaces() -> None:
    line = render_markers("Call back", ["drills"], "Ana Ruiz", date(2026, 1, 2))
    assert line == '@"Ana Ruiz" Call back #drills due:2026-01-02'


# ------------------------------------------------------------------ properties
_chars = st.characters(blacklist_categories=("Cs",))
_word = st.one_of(
    st.text(_chars, max_size=12),
    st.sampled_from(
        [
            "#drills",
            "#Funding,",
            "#nope",
            "@ana",
            '@"Ana Ruiz"',
            "due:+3d",
            "due:bad",
            "a@b.org",
            "C#",
            "@",
            "#",
            '@"',
            "due:",
            "\n",
            "  ",
            "#drills.",
            "@o'neil!",
            '@"a',
            'b"',
            '@"x y",',
            '"',
        ]
    ),
)
lines = st.lists(_word, max_size=12).map(" ".join)
owners = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20).filter(
        lambda s: marker_owner(s) != ""
    ),
)


@settings(deadline=None)
@given(lines)
def test_parser_never_raises_and_leaves_no_recognised_marker(line: str) -> None:
    p = parse(line)
    again = parse(p.text)
    assert again.themes == () and again.owner is None and again.due is None


@settings(deadline=None)
@given(
    lines,
    st.lists(st.sampled_from(THEMES), unique=True, max_size=3),
    owners,
    st.one_of(st.none(), st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))),
)
def test_render_then_parse_gives_back_the_fields(
    line: str, themes: list[str], owner: str | None, due: date | None
) -> None:
    text = parse(line).text
    p = parse(render_markers(text, themes, owner, due))
    assert p.themes == tuple(themes)
    assert p.owner == (marker_owner(owner) if owner else None)
    assert p.due == due
    # the words survive; only the whitespace of the line the markers joined is tidied
    assert p.text.split() == text.split()
