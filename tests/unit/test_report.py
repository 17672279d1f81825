"""The follow-up report from a fixture session: golden files, schema, CSV, redaction, escaping.

Golden files live in tests/data/report/golden/. After an intended change to the report,
regenerate them with ``REPORT_GOLDEN_UPDATE=1 uv run pytest tests/unit/test_report.py`` and
review the diff.
"""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

import jsonschema
import pytest

from console.report.build import build_report
from console.report.model import SCHEMA_VERSION, ReportData
from console.report.render_csv import BOM, render_csv, safe_cell
from console.report.render_html import render_html
from console.report.render_json import render_json, report_schema
from console.report.render_markdown import md_text, render_markdown
from console.report.write import csv_paths, write_report
from console.store import SessionFolder
from tests.data.report.fixture_session import (
    FORMULA,
    NOW,
    PLANTED_EMAILS,
    PLANTED_NAMES,
    make_fixture,
)

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "report" / "golden"
UPDATE = os.environ.get("REPORT_GOLDEN_UPDATE") == "1"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SessionFolder:
    path = make_fixture(tmp_path)
    monkeypatch.chdir(tmp_path)
    return SessionFolder.open(path)


def _report(folder: SessionFolder, **options: bool) -> ReportData:
    return build_report(folder, now=NOW, **options)


def _all_outputs(data: ReportData) -> dict[str, str]:
    out = {"md": render_markdown(data), "html": render_html(data), "json": render_json(data)}
    out.update({f"csv-{k}": v for k, v in render_csv(data).items()})
    return out


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8", newline="")
    assert path.exists(), f"{path} missing: run with REPORT_GOLDEN_UPDATE=1"
    assert text == path.read_bytes().decode("utf-8")


def test_golden_files(folder: SessionFolder) -> None:
    for name, text in _all_outputs(_report(folder)).items():
        ext = "csv" if name.startswith("csv") else name
        _check_golden(
            f"report.{name.removeprefix('csv-')}.{ext}" if ext == "csv" else f"report.{ext}", text
        )


def test_content_sections(folder: SessionFolder) -> None:
    data = _report(folder)
    assert [q.status for q in data.answered] == ["answered", "answered"]
    assert [q.status for q in data.follow_up] == ["deferred", "queued", "new", "new"]
    assert data.dismissed == []  # not asked for: left out everywhere
    assert all(q.status != "dismissed" for q in data.questions)
    assert data.counts["questions_dismissed"] == 1
    assert {g.label: (len(g.concerns), g.questions) for g in data.themes} == {
        "Drills and exercises": (1, 1),
        "Physical security and building access": (1, 1),
        "Funding and resources": (0, 1),
        "No theme": (1, 0),
    }
    seg = {s.id: s for s in data.segments}
    assert seg["welcome"].over_under_minutes == 1.0
    assert seg["standards"].over_under_minutes == -2.0
    assert [n.owner for n in data.open_actions] == ["Ana Ruiz", "Fran Facilitator"]
    assert data.notepads[0].segment == "The standards"
    duplicate = next(q for q in data.questions if q.merged_into)
    assert duplicate.merged_into == "form:1"
    assert next(q for q in data.questions if q.key == "form:1").votes == 6  # 5 + its duplicate


def test_dismissed_on_request(folder: SessionFolder) -> None:
    data = _report(folder, include_dismissed=True)
    assert [q.key for q in data.dismissed] == ["form:3"]
    assert "Dismissed questions" in render_markdown(data)


def test_json_validates_against_schema(folder: SessionFolder) -> None:
    for options in ({}, {"include_dismissed": True, "with_names": True}):
        doc = json.loads(render_json(_report(folder, **options)))
        jsonschema.validate(doc, report_schema(), cls=jsonschema.Draft202012Validator)
        assert doc["schema_version"] == SCHEMA_VERSION == 2


def test_schema_rejects_a_broken_report(folder: SessionFolder) -> None:
    doc = json.loads(render_json(_report(folder)))
    doc["questions"][0]["status"] = "maybe"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, report_schema(), cls=jsonschema.Draft202012Validator)


def test_csv_reads_back_with_formulas_neutralised(folder: SessionFolder, tmp_path: Path) -> None:
    data = _report(folder, include_dismissed=True)
    written = write_report(data, "csv", tmp_path / "out" / "fixture.csv")
    assert [p.name for p in written] == [
        "fixture-questions.csv",
        "fixture-notes.csv",
        "fixture-action_items.csv",
    ]
    raw = written[0].read_bytes()
    assert raw.startswith(BOM.encode("utf-8"))
    with written[0].open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(data.questions)
    texts = [r["text"] for r in rows]
    assert "'" + FORMULA in texts
    assert "'-2+3 @SUM(A1) is our budget line" in texts
    for path in written:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    with written[2].open(encoding="utf-8-sig", newline="") as fh:
        actions = list(csv.DictReader(fh))
    assert [a["status"] for a in actions] == ["open", "done", "open"]


def test_csv_to_a_folder(folder: SessionFolder, tmp_path: Path) -> None:
    assert sorted(p.name for p in csv_paths(tmp_path / "dir").values()) == [
        "action_items.csv",
        "notes.csv",
        "questions.csv",
    ]


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_safe_cell_neutralises(value: str) -> None:
    assert safe_cell(value) == "'" + value


def test_no_asker_names_unless_asked(folder: SessionFolder) -> None:
    planted = (*PLANTED_NAMES, *PLANTED_EMAILS)
    for text in _all_outputs(_report(folder, include_dismissed=True)).values():
        for secret in planted:
            assert secret not in text
    named = _all_outputs(_report(folder, with_names=True))
    for fmt in ("md", "html", "json", "csv-questions"):
        assert PLANTED_NAMES[0] in named[fmt], fmt
    assert PLANTED_EMAILS[0] in named["json"]
    # staff stay: note authors and action owners
    assert "Nia Notes" in _all_outputs(_report(folder))["md"]


def test_markdown_escapes_hostile_text(folder: SessionFolder) -> None:
    md = render_markdown(_report(folder))
    body = md.split("\n", 1)[1]
    assert "<script>" not in md and "<b>" not in md
    assert "](http" not in md and "![" not in md
    assert not re.search(r"(?<![\\\u200b])https?://", body)
    assert not re.search(r"^#(?!#* )", md, re.MULTILINE)
    assert "\\# Heading" in md
    for table in re.findall(r"(?:^\|.*\n)+", md, re.MULTILINE):
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in table.splitlines()}
        assert len(widths) == 1, table  # no user pipe adds a column


def test_md_text_is_inert() -> None:
    text = md_text("**x** [a](b) <i>y</i> # z\n2. list\nhttp://a.b www.c.d e@f.g")
    assert "**" not in text.replace("\\*", "")
    assert "\\[a\\]\\(b\\)" in text and "\\<i\\>" in text
    assert "2\\. list" in text
    assert "http://" not in text and "www." not in text and "e@f" not in text


def test_html_escapes_everything(folder: SessionFolder) -> None:
    page = render_html(_report(folder, include_dismissed=True))
    assert "<script" not in page and "<b>" not in page
    assert "&lt;script&gt;" in page
    assert 'http-equiv="Content-Security-Policy"' in page
    assert "default-src &#39;none&#39;" in page  # markupsafe's escape of ' (autoescaped)
    assert not re.search(r"""(src|href)=["']?https?:""", page)
    assert '<html lang="en">' in page


def test_missing_agenda_gives_a_report_without_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_fixture(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "agenda.toml").unlink()
    data = build_report(SessionFolder.open(path), now=NOW)
    assert data.segments == ()
    assert any("agenda" in w for w in data.warnings)
    assert "no planned times" in render_markdown(data)
    assert len(data.questions) == 7  # eight asked, one dismissed


def test_participant_answers_and_languages_show_with_their_question(folder: SessionFolder) -> None:
    data = _report(folder)
    first = next(q for q in data.questions if q.key == "form:1")
    assert first.language == "es"
    assert [(a.public, a.author, a.answered_at) for a in first.participant_answers] == [
        (True, "Fran Facilitator", "2025-12-17T16:00:30-05:00"),
        (True, "Fran Facilitator", "2025-12-17T16:01:00-05:00"),
    ]  # the one taken back (a tombstone) is not there, nor the one for the asker alone
    deferred = next(q for q in data.questions if q.key == "form:2")
    assert [(a.public, a.author) for a in deferred.participant_answers] == [
        (True, "Fran Facilitator")
    ]  # a note-taker's for the asker only shows with names, as the asker does
    named = next(q for q in _report(folder, with_names=True).questions if q.key == "form:2")
    assert [(a.public, a.author) for a in named.participant_answers] == [
        (True, "Fran Facilitator"),
        (False, "Nia Notes"),
    ]
    out = _all_outputs(data)
    assert "asked in Spanish" in out["md"] and "asked in Spanish" in out["html"]
    q1 = out["md"][out["md"].index("**Q1**") : out["md"].index("**Q7**")]
    assert "Answer for the participants, public, by Fran Facilitator at 16:01" in q1
    assert "Taken back" not in out["md"] + out["html"] + out["json"]
    assert "Nia Notes at 16:11" not in out["md"] + out["html"] + out["json"]
    out_named = _all_outputs(_report(folder, with_names=True))
    assert (
        "Answer for the participants, for the asker only, by Nia Notes at 16:11"
        in out_named["html"]
    )
    doc = json.loads(out_named["json"])
    by_key = {q["key"]: q for q in doc["questions"]}
    assert by_key["form:1"]["language"] == "es"
    assert by_key["form:2"]["participant_answers"][1] == {
        "text": FORMULA + "\nWe will write to you.",
        "public": False,
        "author": "Nia Notes",
        "answered_at": "2025-12-17T16:11:00-05:00",
    }
    rows = list(csv.DictReader(out_named["csv-questions"].removeprefix(BOM).splitlines(True)))
    by_csv = {r["key"]: r for r in rows}
    assert by_csv["form:1"]["language"] == "es"
    assert (
        by_csv["form:2"]["participant_answers"]
        .splitlines()[1]
        .startswith("for the asker only · Nia Notes · 2025-12-17T16:11:00-05:00: =HYPERLINK")
    )
    assert by_csv["form:4"]["language"] == "'=1+1"  # a formula, neutralised


def test_hostile_answers_and_languages_stay_text_in_every_format(folder: SessionFolder) -> None:
    out = _all_outputs(_report(folder))
    md, page = out["md"], out["html"]
    answers_md = [line for line in md.splitlines() if "Answer for the participants" in line]
    assert len(answers_md) == 3
    for line in answers_md:
        assert "<script>" not in line and "<b>" not in line and "](h" not in line
        assert not re.search(r"(?<![\\\u200b])https?://", line)
    assert "asked in \\<b\\>es\\</b\\>" in md
    assert "asked in &lt;b&gt;es&lt;/b&gt;" in page and "<b>es</b>" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 2  # the question and answer
    assert "<script" not in page
    for cell in csv.reader(out["csv-questions"].removeprefix(BOM).splitlines(True)):
        for value in cell:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
