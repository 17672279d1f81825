"""The report as one self-contained HTML file: readable on screen and on paper.

The page is ``templates/report.html``, an autoescaping Jinja2 template built like the
participants' pages (``console.text.templates``): every value is escaped unless it is
markup made here. There are no scripts, no external resources, and the
Content-Security-Policy allows only the one inline stylesheet, by its hash, so even a
mistake in escaping could not load or run anything. A notepad's Markdown is shown as
formatting through ``console.report.notes_markdown``. ``page`` and ``table`` build the
series summary's page the same way by hand.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping, Sequence
from functools import cache, lru_cache
from html import escape
from pathlib import Path

import jinja2
from markupsafe import Markup
from markupsafe import escape as escape_markup

from console.report.model import NoteRow, QuestionRow, ReportData, SegmentRow
from console.report.notes_markdown import notes_html
from console.report.words import (
    COUNT_WORDS,
    PURGED_WORDS,
    answer_words,
    hhmm,
    language_word,
    meta_rows,
    minutes,
    note_words,
    over_under,
    plural,
    status_word,
    times_words,
)
from console.text import templates

TEMPLATES = Path(__file__).parent / "templates"

STYLE = """
:root { color-scheme: light; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1a1a1a; background: #fff; margin: 0 auto; max-width: 60rem; padding: 1.5rem; }
h1 { font-size: 1.8rem; margin-bottom: .25rem; }
h2 { font-size: 1.35rem; border-bottom: 2px solid #2b4c7e; padding-bottom: .2rem;
  margin-top: 2rem; }
h3 { font-size: 1.1rem; margin-bottom: .3rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border: 1px solid #8a8a8a; padding: .3rem .5rem; text-align: left;
  vertical-align: top; overflow-wrap: anywhere; }
th { background: #e8eef7; white-space: nowrap; overflow-wrap: normal; }
td.num { text-align: right; white-space: nowrap; }
ul.items { padding-left: 1.2rem; }
ul.items li { margin-bottom: .6rem; }
ul.notes { padding-left: 1.2rem; margin: .2rem 0 0; }
ul.notes li { margin-bottom: .1rem; }
.muted { color: #4a4a4a; }
.tag { display: inline-block; border: 1px solid #2b4c7e; color: #1d3557; border-radius: .3rem;
  padding: 0 .3rem; font-size: .85rem; margin-right: .2rem; }
.answer { border-left: 3px solid #2b6e3f; padding-left: .5rem; margin: .2rem 0 0; }
.over { color: #8b1a1a; }
.under { color: #1e5631; }
.pad { border: 1px solid #c8c8c8; padding: 0 .75rem; margin: 0; overflow-wrap: anywhere; }
.pad pre { white-space: pre-wrap; }
ul.glance { columns: 2; padding-left: 1.2rem; }
article.qa { border-top: 1px solid #c8c8c8; padding: .25rem 0 .5rem; }
article.qa h3 { overflow-wrap: anywhere; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; }
  tr, li { break-inside: avoid; }
  th { background: none; }
  a { color: inherit; text-decoration: none; }
}
"""


def _csp(style: str) -> str:
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode()
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )


def h(text: object) -> str:
    """Escape anything for HTML text and attribute values."""
    if text is None:
        return ""
    return escape(text if type(text) is str else str(text), quote=True)


def page(title: str, body: list[str], lang: str = "en") -> str:
    """A complete HTML document around ``body`` (shared with the series summary)."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{h(lang)}">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{h(_csp(STYLE))}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="referrer" content="no-referrer">',
            f"<title>{h(title)}</title>",
            f"<style>{STYLE}</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


def table(caption: str, headers: Sequence[str], rows: list[list[str]], num: set[int]) -> list[str]:
    """A table with a caption and column headers; rows hold one already escaped cell per
    header (``num``: the columns to right-align)."""
    out = ["<table>", f"<caption>{h(caption)}</caption>", "<thead><tr>"]
    out += [f'<th scope="col">{h(x)}</th>' for x in headers]
    out.append("</tr></thead><tbody>")
    cells = ('<td class="num">{}</td>' if i in num else "<td>{}</td>" for i in range(len(headers)))
    row_html = "<tr>" + "".join(cells) + "</tr>"
    out += [row_html.format(*row) for row in rows]
    out.append("</tbody></table>")
    return out


@lru_cache(maxsize=256)
def _tags(themes: tuple[str, ...]) -> Markup:
    """Theme badges; rows share a handful of theme sets, so each is built once."""
    return Markup("").join(Markup('<span class="tag">{}</span>').format(t) for t in themes)


def _lines(text: str) -> Markup:
    """Text with its line breaks kept as ``<br>``, everything else escaped."""
    if "\n" not in text:
        return escape_markup(text)
    return Markup("<br>").join(escape_markup(line) for line in text.split("\n"))


def _paragraphs(text: str) -> list[str]:
    """Text split where a blank line is (an answer written in paragraphs)."""
    return [p.strip("\n") for p in re.split(r"\n\s*\n", text) if p.strip()]


def _question_bits(q: QuestionRow) -> str:
    bits = [plural(q.votes, "vote")]
    if q.asker:
        bits.append(f"asked by {q.asker}" + (f" ({q.email})" if q.email else ""))
    if q.carried_over:
        bits.append("carried over")
    if q.language:
        bits.append("asked in " + language_word(q.language))
    return "; ".join(bits)


def _participant_answers(q: QuestionRow) -> str:
    return "".join(
        f'<p class="answer">{h(answer_words(a.public, a.author, a.answered_at))}: '
        f"{_text(a.text)}</p>"
        for a in q.participant_answers
    )


def _note_bits(n: NoteRow) -> str:
    extra = [n.author, *([n.segment] if n.segment else [])]
    if n.carried_over:
        extra.append("carried over")
    return "; ".join(extra)


def _over_under_cell(s: SegmentRow) -> Markup:
    if s.state == "skipped":
        return Markup("skipped")
    value = s.over_under_minutes
    text = escape_markup(over_under(value))
    if value is None or abs(value) < 0.5:
        return text
    return Markup('<span class="{}">{}</span>').format("over" if value > 0 else "under", text)


def _text(text: str) -> str:
    """Escaped text, line breaks kept (the string form of ``_lines`` for the row builders)."""
    if "\n" not in text:
        return escape(text, quote=True)
    return "<br>".join(escape(line, quote=True) for line in text.split("\n"))


# The two lists that grow with the session are written here rather than in a template loop,
# which took twice as long for 10,000 questions; every value still goes through ``escape``.
def _question_items(
    rows: Sequence[QuestionRow], notes_on: Mapping[str, Sequence[NoteRow]]
) -> Markup:
    """The ``<li>`` of each question with what the session kept about it: text, votes, asker
    (with names only), themes, its times, its internal answer note, its answers for the
    participants and the notes taken on it."""
    out = []
    for q in rows:
        item = (
            f"<li><strong>Q{q.number}</strong> {_text(q.text)}<br>"
            f'<span class="muted">{h(_question_bits(q))}</span> {_tags(q.themes)}'
        )
        times = times_words(q.live_windows, q.answered_at)
        if times:
            item += f'<br><span class="muted">Times: {h(times)}</span>'
        if q.answer_note:
            item += f'<p class="answer">Answer: {_text(q.answer_note)}</p>'
        if q.spoken is not None:
            item += f'<p class="answer">{h(q.spoken.label)}: {_text(q.spoken.text)}</p>'
        item += _participant_answers(q)
        if notes := notes_on.get(q.key, ()):
            item += (
                '<ul class="notes">'
                + "".join(
                    f'<li>Note: {_text(n.text)} <span class="muted">'
                    f"({h(note_words(n.kind, n.author, n.owner, n.due, n.done))})</span></li>"
                    for n in notes
                )
                + "</ul>"
            )
        out.append(item + "</li>\n")
    return Markup("".join(out))  # noqa: S704 - built from escaped parts


def _appendix_rows(rows: Sequence[QuestionRow]) -> Markup:
    """One ``<tr>`` per question, in order of arrival, duplicates pointing at their original."""
    numbers = {q.key: q.number for q in rows}
    out = []
    for q in rows:
        duplicate = ""
        if q.merged_into is not None:
            target = numbers.get(q.merged_into)
            duplicate = (
                f' <span class="muted">(duplicate of {f"Q{target}" if target else "another"})'
                "</span>"
            )
        out.append(
            f'<tr><td class="num">{q.number}</td><td class="num">{h(hhmm(q.submitted_at))}</td>'
            f'<td>{_text(q.text)}{duplicate}</td><td class="num">{q.votes}</td>'
            f"<td>{h(status_word(q.status))}</td><td>{h(', '.join(q.themes) or '–')}</td></tr>\n"
        )
    return Markup("".join(out))  # noqa: S704 - built from escaped parts


@cache
def environment() -> jinja2.Environment:
    """The report's templates, with the filters and helpers they use."""
    env = templates.environment(TEMPLATES)
    # Filters, not global functions: a template calls a filter directly, where a global goes
    # through the context's call machinery (a third of the time of a 10,000-question page).
    env.filters.update(
        lines=_lines,
        paragraphs=_paragraphs,
        notes=notes_html,
        tags=_tags,
        question_items=_question_items,
        appendix_rows=_appendix_rows,
        note_bits=_note_bits,
        over_under_cell=_over_under_cell,
        hhmm=hhmm,
        minutes=minutes,
    )
    env.globals.update(
        plural=plural,
        count_words=COUNT_WORDS,
        purged_words=PURGED_WORDS,
        style=Markup(STYLE),  # noqa: S704 - our own constant stylesheet
        csp=_csp(STYLE),
        lang="en",
    )
    return env


def render_html(data: ReportData) -> str:
    """The whole report as a standalone HTML page (``templates/report.html``)."""
    follow = data.follow_up
    return (
        environment()
        .get_template("report.html")
        .render(
            data=data,
            notes_on=data.notes_by_question(),
            page_title=f"{data.title}: follow-up report",
            meta=meta_rows(data),
            deferred=[q for q in follow if q.status == "deferred"],
            unreached=[q for q in follow if q.status != "deferred"],
        )
        + "\n"
    )
