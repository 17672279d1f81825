"""The report's faster paths give what the plain ones gave, for any input.

Each shortcut taken for the 10,000-question export (names cleaned once per build, ``hhmm``
without ``strftime``, Markdown escaping without ``str.translate``, one row template per HTML
table, the CSV cell check) is compared here with the straightforward code it replaced.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape as escape_markup

from console.agenda.load import load_agenda
from console.agenda.model import Agenda
from console.report.names import Names
from console.report.render_csv import safe_cell
from console.report.render_html import _lines, _tags, h, table
from console.report.render_json import _dump
from console.report.render_markdown import _LINKISH, _LIST_NUMBER, MD_SPECIAL, ZWSP, md_text
from console.report.words import hhmm
from console.text.clean import clean_text
from tests.data.report.fixture_session import AGENDA

# Text with the characters every shortcut cares about: Markdown punctuation, whitespace of
# all kinds, control and bidi characters, escapes, HTML specials and braces.
TRICKY = st.text(
    alphabet=st.sampled_from(
        [
            *MD_SPECIAL,
            *(" ", "\n", "\t", "\r", "\x1b", "\x9b", "\u202e", "\u200b", "\xa0"),
            *("a", "Z", "1", "@", ":", "w", ".", "'", "{", "}", "é", "€"),
        ]
    ),
    max_size=40,
)
_TRANSLATE = str.maketrans({c: "\\" + c for c in MD_SPECIAL})


def _agenda() -> Agenda:
    return load_agenda(AGENDA)


class Shout(str):
    def __str__(self) -> str:
        return self.upper()


# -- names cleaned once per build ----------------------------------------------------------


@given(TRICKY)
def test_names_clean_unknown_ids_like_clean_text(raw: str) -> None:
    names = Names(_agenda())
    expected = clean_text(raw, single_line=True)
    assert names.line(raw) == expected
    assert names.line(raw) == expected  # the remembered answer is the same
    assert names.segment(raw) == expected
    assert names.label(raw) == expected


def test_names_use_the_agenda_and_keep_order() -> None:
    names = Names(_agenda())
    assert names.segment("standards") == "The standards"
    assert names.segment(None) is None
    assert names.label("drills") == "Drills and exercises"
    assert names.themes(("drills", "x\x1b[31my\n")) == (
        ("Drills and exercises", "xy"),
        ("drills", "xy"),
    )
    assert names.themes(()) == ((), ())
    assert names.theme_ids == ["drills", "building-access", "funding"]


def test_names_without_an_agenda() -> None:
    names = Names(None)
    assert names.theme_ids == []
    assert names.segment("  a\tb ") == "a b"
    assert names.label("drills") == "drills"


def test_each_build_starts_afresh() -> None:
    first, second = Names(_agenda()), Names(None)
    assert first.label("drills") == "Drills and exercises"
    assert second.label("drills") == "drills"  # nothing carried over from another build


# -- hh:mm without strftime ----------------------------------------------------------------


@given(
    st.datetimes(
        min_value=datetime(1, 1, 1), timezones=st.sampled_from([UTC, timezone(-timedelta(hours=5))])
    ),
    st.sampled_from(["seconds", "minutes", "microseconds", "auto"]),
)
def test_hhmm_matches_strftime(moment: datetime, spec: str) -> None:
    iso = moment.isoformat(timespec=spec)
    assert hhmm(iso) == datetime.fromisoformat(iso).strftime("%H:%M")


def test_hhmm_of_odd_values() -> None:
    assert hhmm("2025-12-17") == "00:00"
    assert hhmm("2025-12-17 09:05") == "09:05"
    for bad in (None, "", "soon", "2025-02-30T10:00:00"):
        assert hhmm(bad) == "–"


# -- Markdown escaping ---------------------------------------------------------------------


def _md_text_before(text: str) -> str:
    """``md_text`` as it was, with ``str.translate``: the reference for the faster one."""
    if ":" in text or "ww." in text.lower():
        text = _LINKISH.sub(lambda m: m.group(1) + ZWSP + m.group(2), text)
    text = text.replace("@", "@" + ZWSP).translate(_TRANSLATE)
    if "\n" not in text:
        text = text.strip()
        return _LIST_NUMBER.sub(r"\1\\\2", text) if text[:1].isdigit() else text
    lines = [line.strip() for line in text.split("\n")]
    lines = [
        _LIST_NUMBER.sub(r"\1\\\2", line) if line[:1].isdigit() else line for line in lines if line
    ]
    return "\\\n  ".join(lines)


@given(TRICKY)
def test_md_text_escapes_like_the_translate_table(raw: str) -> None:
    assert md_text(raw) == _md_text_before(raw)


def test_md_text_backslashes_every_special_character_once() -> None:
    assert md_text(MD_SPECIAL) == "".join("\\" + c for c in MD_SPECIAL)
    assert md_text("a\\*b") == "a\\\\\\*b"


# -- HTML ----------------------------------------------------------------------------------


def test_table_rows_keep_braces_and_align_numbers() -> None:
    out = table("Cap", ["#", "Text", "Votes"], [["1", h("{0} {} {x}"), "3"]], {0, 2})
    assert out[-2] == ('<tr><td class="num">1</td><td>{0} {} {x}</td><td class="num">3</td></tr>')
    assert out[0] == "<table>" and out[-1] == "</tbody></table>"
    assert '<th scope="col">Votes</th>' in out


@given(TRICKY)
def test_lines_escape_each_line(raw: str) -> None:
    assert _lines(raw) == "<br>".join(escape_markup(line) for line in raw.split("\n"))


def test_tags_escape_and_differ_per_theme_set() -> None:
    assert _tags(("A&B",)) == '<span class="tag">A&amp;B</span>'
    assert _tags(("A&B", "<c>")) == (
        '<span class="tag">A&amp;B</span><span class="tag">&lt;c&gt;</span>'
    )
    assert _tags(()) == ""


def test_h_takes_anything() -> None:
    assert h(None) == ""
    assert h(3) == "3"
    assert h(Shout("a&b")) == "A&amp;B"  # a str subclass is read through its str()
    assert h("'\"<>&") == "&#x27;&quot;&lt;&gt;&amp;"


# -- CSV and JSON --------------------------------------------------------------------------


@given(TRICKY)
def test_safe_cell_on_plain_text(raw: str) -> None:
    expected = "'" + raw if raw.startswith(("=", "+", "-", "@", "\t", "\r")) else raw
    assert safe_cell(raw) == expected


def test_safe_cell_on_other_values() -> None:
    assert safe_cell(Shout("=a")) == "'=A"  # a str subclass still goes through str()
    assert safe_cell(None) == ""
    assert safe_cell(True) == "yes" and safe_cell(False) == "no"
    assert safe_cell(7) == 7 and safe_cell(2.5) == 2.5


@given(
    st.dictionaries(
        st.text(max_size=5),
        st.one_of(st.none(), st.booleans(), st.integers(), TRICKY, st.lists(TRICKY, max_size=3)),
        max_size=5,
    )
)
def test_dump_matches_json_dumps(value: dict[str, object]) -> None:
    assert _dump(value) == json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
