"""The DOCX report, notepad Markdown in HTML and DOCX, and the publishable FAQ, read back.

Every DOCX here is opened again with python-docx (and converted by LibreOffice where
``soffice`` is installed), and every output is searched for the fixture's hostile text and
planted names.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from io import BytesIO
from pathlib import Path

import docx
import pytest

from console.board.answers import ANSWER_KIND, answer_data
from console.report.build import build_report
from console.report.faq import NAME_GONE, build_faq
from console.report.notes_markdown import notes_docx, notes_html
from console.report.render_docx import render_docx
from console.report.render_faq import render_faq_docx, render_faq_html, render_faq_markdown
from console.report.render_markdown import md_text
from console.store import Record, SessionFolder
from tests.data.report.fixture_session import (
    FACILITATOR,
    FORMULA,
    HOSTILE_MD,
    NOW,
    PLANTED_EMAILS,
    PLANTED_NAMES,
    T0,
    make_fixture,
    write_records,
)

HOSTILE_PAD = (
    "## Agreed\n- first **bold** item\n- <script>alert(1)</script> <b>raw</b>\n"
    "1. [the guide](https://example.org/guide) and [bad](javascript:alert(1))\n"
    "2. ![pixel](http://evil.example/x.png) [`ct.gov`](http://evil.example/phish)\n\n"
    '> quoted\n\n=HYPERLINK("http://evil.example")\n'
)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SessionFolder:
    path = make_fixture(tmp_path)
    monkeypatch.chdir(tmp_path)
    return SessionFolder.open(path)


def _answer(rid: str, key: str, text: str, public: bool, minutes: int) -> Record:
    stamp = (T0.replace(minute=30 + minutes)).isoformat()
    data = answer_data(key, text, public, "Ana Ruiz", "Ana Ruiz", stamp)
    return Record(ANSWER_KIND, rid, "Ana Ruiz", 1, stamp, False, data)


def _with_answers(folder: SessionFolder) -> SessionFolder:
    """Public answers (one naming the asker), a private one, one on a duplicate."""
    write_records(
        folder.path,
        "Ana Ruiz",
        [
            _answer(
                "a1",
                "form:1",
                f"Twice a year.\n\nThanks {PLANTED_NAMES[0]}, we wrote to {PLANTED_EMAILS[0]}; "
                "Zebulon can ask again.",
                True,
                1,
            ),
            _answer("a2", "form:1", "PRIVATE only for the asker", False, 2),
            _answer("a3", "form:2", "Side doors: " + HOSTILE_MD, True, 3),
            _answer("a4", "form:6", "Answered with its original " + FORMULA, True, 4),
        ],
    )
    return SessionFolder.open(folder.path)


def _docx(data: bytes) -> docx.document.Document:
    return docx.Document(BytesIO(data))


def _all_text(document: docx.document.Document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _document_xml(data: bytes) -> str:
    with zipfile.ZipFile(BytesIO(data)) as zf:
        return zf.read("word/document.xml").decode("utf-8")


def test_docx_report_reads_back_with_headings_tables_and_hostile_text(
    folder: SessionFolder,
) -> None:
    data = build_report(folder, now=NOW, include_dismissed=True)
    raw = render_docx(data)
    document = _docx(raw)
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    assert headings[0] == ("Heading 1", "Report Fixture Office Hours: follow-up report")
    assert ("Heading 2", "Questions answered") in headings
    assert ("Heading 3", "Deferred") in headings
    assert ("Heading 2", "Appendix: every question in order of arrival") in headings
    assert [len(t.rows) for t in document.tables] == [5, 4, 9]  # agenda, actions, appendix
    appendix = document.tables[2]
    assert [c.text for c in appendix.rows[0].cells] == [
        "#",
        "Arrived",
        "Question",
        "Votes",
        "Status",
        "Themes",
    ]
    cells = [row.cells[2].text for row in appendix.rows[1:]]
    assert HOSTILE_MD in cells  # shown exactly as typed, as text
    assert "'" + FORMULA in cells  # a formula in a table cell is neutralised
    assert "'-2+3 @SUM(A1) is our budget line" in cells
    assert document.tables[1].rows[1].cells[0].text == "'" + FORMULA + " follow up with districts"
    text = _all_text(document)
    assert HOSTILE_MD in text
    xml = _document_xml(raw)
    for element in ("w:fldSimple", "w:instrText", "w:fldChar", "w:hyperlink", "<script"):
        assert element not in xml
    assert "&lt;script&gt;" in xml
    assert document.core_properties.author == FACILITATOR
    assert "python-docx" not in (document.core_properties.comments or "")


def test_docx_redacts_askers_unless_with_names(folder: SessionFolder) -> None:
    hidden = _all_text(_docx(render_docx(build_report(folder, now=NOW))))
    assert not any(name in hidden for name in (*PLANTED_NAMES, *PLANTED_EMAILS))
    shown = _all_text(_docx(render_docx(build_report(folder, now=NOW, with_names=True))))
    assert PLANTED_NAMES[0] in shown and PLANTED_EMAILS[0] in shown


def test_notepad_markdown_in_html_is_formatting_and_safe() -> None:
    html = str(notes_html(HOSTILE_PAD))
    assert "<h5>Agreed</h5>" in html  # ## becomes a heading below the report's own
    assert "<strong>bold</strong>" in html and "<ul>" in html and "<ol>" in html
    assert "<blockquote>" in html
    assert "<script" not in html and "<b>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "javascript:" not in html.replace("(javascript:alert(1))", "")
    assert re.search(
        r'<a href="https://example.org/guide" rel="nofollow noopener noreferrer">', html
    )
    # a link whose text pretends to be elsewhere shows where it really goes
    assert "</a> (http://evil.example/phish)" in html
    assert '<a href="javascript' not in html


def test_notepad_markdown_in_docx_uses_word_styles() -> None:
    raw = render_docx_pad(HOSTILE_PAD)
    document = _docx(raw)
    styled = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Heading 5", "Agreed") in styled
    assert ("List Bullet", "first bold item") in styled
    assert ("List Bullet", "<script>alert(1)</script> <b>raw</b>") in styled
    assert ("Quote", "quoted") in styled
    assert any(
        s == "List" and t.startswith("1. the guide (https://example.org/guide)") for s, t in styled
    )
    xml = _document_xml(raw)
    assert "w:hyperlink" not in xml and "w:drawing" not in xml and "w:fldSimple" not in xml
    bold = [r.text for p in document.paragraphs for r in p.runs if r.bold]
    assert "bold" in bold


def render_docx_pad(text: str) -> bytes:
    from console.report.docx_xml import document

    return document([notes_docx(text)], title="t", subject="s", author="", when=NOW)


def test_report_html_renders_the_notepad(folder: SessionFolder) -> None:
    from console.report.render_html import render_html

    page = render_html(build_report(folder, now=NOW))
    pad = page.split('<div class="pad">', 1)[1].split("</div>", 1)[0]
    assert "<li>annex to the local EOP" in pad and "<blockquote>" in pad


def test_docx_converts_with_libreoffice(folder: SessionFolder, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: the DOCX was not converted")
    source = tmp_path / "report.docx"
    source.write_bytes(render_docx(build_report(folder, now=NOW)))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "txt:Text",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = (tmp_path / "report.txt").read_text(encoding="utf-8-sig")
    assert "Questions answered" in text and HOSTILE_MD in text


# -- the FAQ ---------------------------------------------------------------------------------


def test_faq_holds_answered_and_followed_up_questions_by_theme(folder: SessionFolder) -> None:
    faq = build_faq(_with_answers(folder), now=NOW)
    by_theme = {t.label: [e.question for e in t.entries] for t in faq.themes}
    assert by_theme == {
        "Drills and exercises": ["How often must we run lockdown drills?"],
        "Physical security and building access": [HOSTILE_MD],
        "Other questions": ["Can parents join the safety committee?"],
    }
    drills = faq.themes[0].entries[0]
    assert drills.answers[0].startswith("Twice a year.")
    assert any(a.startswith("Twice a year: see") for a in drills.answers)  # the fixture's own
    assert drills.answers[-1] == "Answered with its original " + FORMULA  # from its duplicate
    assert not drills.followed_up and faq.themes[1].entries[0].followed_up
    assert faq.themes[2].entries[0].answers == ()  # answered live, nothing written


def test_faq_holds_no_name_in_any_format(folder: SessionFolder) -> None:
    faq = build_faq(_with_answers(folder), now=NOW)
    outputs = {
        "md": render_faq_markdown(faq),
        "html": render_faq_html(faq),
        "docx": _all_text(_docx(render_faq_docx(faq))),
        "docx-xml": _document_xml(render_faq_docx(faq)),
    }
    staff = (FACILITATOR, "Nia Notes", "Ana Ruiz")
    for name, text in outputs.items():
        for value in (*PLANTED_NAMES, *PLANTED_EMAILS, *staff, "Zebulon", "PRIVATE"):
            assert value not in text, (name, value)
        assert "Twice a year at least" not in text, name  # the internal answer note
    assert md_text(NAME_GONE) in outputs["md"] and "[email removed]" in outputs["html"]
    props = _docx(render_faq_docx(faq)).core_properties
    assert props.author == "" and props.last_modified_by == ""


def test_faq_escapes_hostile_text_in_every_format(folder: SessionFolder) -> None:
    faq = build_faq(_with_answers(folder), now=NOW)
    html = render_faq_html(faq)
    assert "<script" not in html and "<b>" not in html and "&lt;script&gt;" in html
    assert not re.search(r"""(src|href)=["']?(https?|javascript):""", html)
    assert all(h.startswith("#topic-") for h in re.findall(r'href="([^"]*)"', html))
    md = render_faq_markdown(faq)
    assert "<script>" not in md and "](http" not in md and "\\<script\\>" in md
    raw = render_faq_docx(faq)
    document = _docx(raw)
    assert HOSTILE_MD in [p.text for p in document.paragraphs if p.style.name == "Heading 3"]
    assert "w:fldSimple" not in _document_xml(raw) and "w:instrText" not in _document_xml(raw)


def test_faq_says_when_no_written_answer_was_published(folder: SessionFolder) -> None:
    faq = build_faq(folder, now=NOW)
    assert faq.count == 3  # two answered live, one followed up with a public answer
    assert render_faq_markdown(faq).count("no written answer was published") == 1


def test_faq_prints_an_answer_as_spoken_only_once_kept_and_never_who_said_it(
    folder: SessionFolder,
) -> None:
    from datetime import timedelta

    from console.report.captions_review import DROPPED, KEPT, Review
    from tests.data.report.fixture_session import T0

    start, end = T0 + timedelta(minutes=29.5), T0 + timedelta(minutes=30)
    said = (("Fran Facilitator", "Twice a year, said aloud."), ("Zebulon", "Thank you."))
    have = None
    for minute, (state, present) in enumerate(((DROPPED, False), (KEPT, True)), 70):
        stamp = (T0 + timedelta(minutes=minute)).isoformat()
        have = Review("form:1", state, said, start, end).to_record("Ana Ruiz", have, stamp)
        write_records(folder.path, "Ana Ruiz", [have])
        faq = build_faq(SessionFolder.open(folder.path), now=NOW)
        text = render_faq_markdown(faq) + render_faq_html(faq)
        assert ("Twice a year, said aloud." in text) is present, state
        assert "Zebulon" not in text and "Fran Facilitator" not in text
