"""Each question in the report with what the session kept about it: when it was live and
answered, its decisions, the notes taken on it, its internal answer note and its answers for
the participants, in every format, with hostile text kept inert."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from console.report.build import build_report
from console.report.decision_log import answered_times, decision_log, live_windows
from console.report.model import QuestionRow, ReportData
from console.report.render_html import render_html
from console.report.render_json import render_json, report_schema
from console.report.render_markdown import render_markdown
from console.store import SessionFolder
from tests.data.report.fixture_session import (
    DECISIONS,
    HOSTILE_ANSWER,
    HOSTILE_MD,
    NOW,
    T0,
    make_fixture,
)

PRIVATE_ANSWER = "We wrote to you about your district."


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SessionFolder:
    path = make_fixture(tmp_path)
    monkeypatch.chdir(tmp_path)
    return SessionFolder.open(path)


def _report(folder: SessionFolder, **options: bool) -> ReportData:
    return build_report(folder, now=NOW, **options)


def _row(data: ReportData, key: str) -> QuestionRow:
    return next(q for q in data.questions if q.key == key)


def _md_block(md: str, number: int) -> str:
    """The lines of one question's item in a Markdown list (up to the next item or section)."""
    match = re.search(rf"^- \*\*Q{number}\*\* .*?(?=^- \*\*Q|^#|\Z)", md, re.M | re.S)
    assert match, f"Q{number} is not listed"
    return match.group(0)


def test_the_model_carries_times_decisions_notes_and_answers(folder: SessionFolder) -> None:
    data = _report(folder)
    q1 = _row(data, "form:1")
    # 15:57-15:58 and 15:59:30-16:00 in New York (the agenda's zone), from the decision log
    assert [(s[11:19], e and e[11:19]) for s, e in q1.live_windows] == [
        ("15:57:00", "15:58:00"),
        ("15:59:30", "16:00:00"),
    ]
    assert q1.answered_at == "2025-12-17T16:00:00-05:00"
    assert [d.event for d in q1.decisions] == ["live", "published", "queued", "live", "answered"]
    assert {d.by for d in q1.decisions} == {"Fran Facilitator"}
    assert q1.note_ids == ("note-1",)
    assert q1.participant_answers[0].text == HOSTILE_ANSWER  # public only
    assert all(a.public for a in q1.participant_answers)
    dup = _row(data, "form:6")
    assert dup.note_ids == ("note-6",) and dup.merged_into == "form:1"
    assert [d.event for d in dup.decisions] == ["merged"]
    never = _row(data, "form:5")
    assert (never.live_windows, never.answered_at, never.decisions) == ((), None, ())
    # what the report shows agrees with the plain functions other exports use
    windows = live_windows(folder)
    assert set(windows) == {"form:1", "manual:q-chat-1"}
    assert windows["form:1"] == [
        (T0 + timedelta(minutes=27), T0 + timedelta(minutes=28)),
        (T0 + timedelta(minutes=29.5), T0 + timedelta(minutes=30)),
    ]
    assert answered_times(folder)["form:1"] == T0 + timedelta(minutes=30)
    assert len(decision_log(folder)) == len(DECISIONS)


def test_the_asker_s_own_answer_only_with_names(folder: SessionFolder) -> None:
    plain = _report(folder)
    named = _report(folder, with_names=True)
    assert [a.public for a in _row(named, "form:1").participant_answers] == [True, True, False]
    for fmt in (render_markdown, render_html, render_json):
        assert PRIVATE_ANSWER not in fmt(plain)
        assert PRIVATE_ANSWER in fmt(named)
    assert "for the asker only" in render_markdown(named)


def test_markdown_shows_each_question_with_its_notes(folder: SessionFolder) -> None:
    md = render_markdown(_report(folder))
    q1 = _md_block(md, 1)
    assert "Times: live 15:57–15:58 and 15:59–16:00; answered 16:00" in q1
    assert "Answer: Twice a year at least; see the drill guide." in q1
    # its own note and its merged duplicate's, as a nested list under the item
    assert re.search(r"^  - Note: Drills scare the youngest students \*\(concern, Nia", q1, re.M)
    assert re.search(r"^  - Note: Template for drill after\\-action reports", q1, re.M)
    assert "Answer for the participants, public, by Fran Facilitator at 16:00" in q1
    q2 = _md_block(md, 2)
    assert "Side doors are propped open" in q2 and "Times:" not in q2
    # hostile text in the new lines stays inert
    for block in (q1, q2):
        assert not re.search(r"(?<!\\)<(img|script)", block)
        assert not re.search(r"(?<!\\)\]\(", block) and "**see**" not in block
    assert "\\<img src\\=x onerror\\=alert\\(1\\)\\>" in q1
    assert "\\# Heading? \\<script\\>" in q2


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [name for name, _ in attrs]


def test_html_shows_each_question_with_its_notes_escaped(folder: SessionFolder) -> None:
    page = render_html(_report(folder))
    item = re.search(r"<li><strong>Q1</strong>.*?</ul></li>", page)
    assert item, "Q1 is not listed with its notes"
    q1 = item.group(0)
    assert "Times: live 15:57–15:58 and 15:59–16:00; answered 16:00" in q1
    assert '<ul class="notes"><li>Note: Drills scare the youngest students' in q1
    assert "Template for drill after-action reports" in q1
    assert "&lt;img src=x onerror=alert(1)&gt;" in q1
    parser = _Tags()
    parser.feed(page)
    assert "img" not in parser.tags and "script" not in parser.tags and "a" not in parser.tags
    assert "onerror" not in parser.attrs and "src" not in parser.attrs
    assert "&lt;script&gt;" in page and HOSTILE_MD not in page


def test_json_keeps_the_links_and_follows_its_schema(folder: SessionFolder) -> None:
    for options in ({}, {"with_names": True, "include_dismissed": True}):
        doc = json.loads(render_json(_report(folder, **options)))
        jsonschema.validate(doc, report_schema(), cls=jsonschema.Draft202012Validator)
        notes = {n["id"]: n for n in doc["notes"]}
        linked = [(q["key"], i) for q in doc["questions"] for i in q["note_ids"]]
        assert linked, "no question links to a note"
        for key, note_id in linked:
            assert notes[note_id]["question_key"] == key
        # every note tied to a listed question is linked from it
        keys = {q["key"] for q in doc["questions"]}
        tied = {(n["question_key"], i) for i, n in notes.items() if n["question_key"] in keys}
        assert tied == set(linked)
    q1 = next(q for q in doc["questions"] if q["key"] == "form:1")
    assert q1["live_windows"][0] == {
        "from": "2025-12-17T15:57:00-05:00",
        "until": "2025-12-17T15:58:00-05:00",
    }
    assert q1["decisions"][-1] == {
        "event": "answered",
        "at": "2025-12-17T16:00:00-05:00",
        "by": "Fran Facilitator",
        "role": "facilitator",
        "from": "live",
        "to": "answered",
        "merged_into": None,
    }


def test_the_schema_refuses_a_broken_link_shape(folder: SessionFolder) -> None:
    doc = json.loads(render_json(_report(folder)))
    q1 = next(q for q in doc["questions"] if q["key"] == "form:1")
    q1["live_windows"] = [{"from": "15:57"}]  # no "until"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, report_schema(), cls=jsonschema.Draft202012Validator)


def test_docx_shows_each_question_with_its_times_answers_and_notes(folder: SessionFolder) -> None:
    from io import BytesIO

    import docx

    from console.report.render_docx import render_docx

    document = docx.Document(BytesIO(render_docx(_report(folder))))
    q1 = next(p.text for p in document.paragraphs if p.text.startswith("Q1 "))
    assert "Times: live 15:57–15:58 and 15:59–16:00; answered 16:00" in q1
    assert "Answer: Twice a year at least; see the drill guide." in q1
    assert (
        "Answer for the participants, public, by Fran Facilitator at 16:00: " + HOSTILE_ANSWER in q1
    )
    assert "Note: Drills scare the youngest students (concern, Nia Notes)" in q1
    assert PRIVATE_ANSWER not in "\n".join(p.text for p in document.paragraphs)
