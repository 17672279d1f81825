"""The report as one self-contained HTML file: readable on screen and on paper.

All text is escaped with ``html.escape``; there are no scripts, no external resources, and
the Content-Security-Policy allows only the one inline stylesheet, by its hash, so even a
mistake in escaping could not load or run anything.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from functools import lru_cache
from html import escape

from console.report.model import NoteRow, QuestionRow, ReportData
from console.report.words import (
    COUNT_WORDS,
    PURGED_WORDS,
    answer_words,
    hhmm,
    language_word,
    minutes,
    over_under,
    planned_words,
    plural,
    status_word,
)

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
.muted { color: #4a4a4a; }
.tag { display: inline-block; border: 1px solid #2b4c7e; color: #1d3557; border-radius: .3rem;
  padding: 0 .3rem; font-size: .85rem; margin-right: .2rem; }
.answer { border-left: 3px solid #2b6e3f; padding-left: .5rem; margin: .2rem 0 0; }
.over { color: #8b1a1a; }
.under { color: #1e5631; }
.pad { white-space: pre-wrap; border: 1px solid #c8c8c8; padding: .5rem; margin: 0; }
ul.glance { columns: 2; padding-left: 1.2rem; }
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


def _multiline(text: str) -> str:
    if "\n" not in text:
        return escape(text, quote=True)
    return "<br>".join(escape(line, quote=True) for line in text.split("\n"))


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
def _tags(themes: tuple[str, ...]) -> str:
    """Theme badges; rows share a handful of theme sets, so each is built once."""
    return "".join(f'<span class="tag">{h(t)}</span>' for t in themes)


def _question_item(q: QuestionRow) -> str:
    bits = [plural(q.votes, "vote")]
    if q.asker:
        bits.append(f"asked by {q.asker}" + (f" ({q.email})" if q.email else ""))
    if q.carried_over:
        bits.append("carried over")
    if q.language:
        bits.append("asked in " + language_word(q.language))
    out = (
        f"<li><strong>Q{q.number}</strong> {_multiline(q.text)}<br>"
        f'<span class="muted">{h("; ".join(bits))}</span> {_tags(q.themes)}'
    )
    if q.answer_note:
        out += f'<p class="answer">Answer: {_multiline(q.answer_note)}</p>'
    if q.spoken is not None:
        out += f'<p class="answer">{h(q.spoken.label)}: {_multiline(q.spoken.text)}</p>'
    return out + _participant_answers(q) + "</li>"


def _participant_answers(q: QuestionRow) -> str:
    return "".join(
        f'<p class="answer">{h(answer_words(a.public, a.author, a.answered_at))}: '
        f"{_multiline(a.text)}</p>"
        for a in q.participant_answers
    )


def _note_item(n: NoteRow) -> str:
    extra = [n.author, *([n.segment] if n.segment else [])]
    if n.carried_over:
        extra.append("carried over")
    return (
        f'<li>{_multiline(n.text)} <span class="muted">({h("; ".join(extra))})</span> '
        f"{_tags(n.themes)}</li>"
    )


def _list(items: Sequence[str], empty: str = "None.") -> list[str]:
    if not items:
        return [f"<p>{h(empty)}</p>"]
    return ['<ul class="items">', *items, "</ul>"]


def _over_under_cell(value: float | None, state: str) -> str:
    if state == "skipped":
        return "skipped"
    text = h(over_under(value))
    if value is None or abs(value) < 0.5:
        return text
    return f'<span class="{"over" if value > 0 else "under"}">{text}</span>'


def _duplicate_of(q: QuestionRow, numbers: dict[str, int]) -> str:
    if q.merged_into is None:
        return ""
    target = numbers.get(q.merged_into)
    return f' <span class="muted">(duplicate of {f"Q{target}" if target else "another"})</span>'


def render_html(data: ReportData) -> str:
    """The whole report as a standalone HTML page."""
    body = ["<header>", f"<h1>{h(data.title)}: follow-up report</h1>", '<dl class="meta">']
    meta = [
        ("Date", data.date),
        (
            "Planned for",
            f"{planned_words(data.planned_for)} (held on another day; the planned times "
            "follow the actual start)"
            if data.planned_for
            else None,
        ),
        ("Host", data.host),
        ("Facilitator", data.facilitator),
        ("Series", data.series),
        ("Session", data.session_id),
        ("Follows up on", data.follow_up_of),
        ("Times", data.timezone),
    ]
    body += [f"<dt>{h(k)}</dt><dd>{h(v)}</dd>" for k, v in meta if v]
    if data.rehearsal:
        body.append("<dt>Rehearsal</dt><dd>not a real session</dd>")
    if data.purged_at:
        body.append(f"<dt>Purged</dt><dd>{h(PURGED_WORDS)} on {h(data.purged_at)}</dd>")
    body += ["</dl>", "</header>", "<main>"]

    body += [
        '<section aria-labelledby="glance">',
        '<h2 id="glance">At a glance</h2>',
        '<ul class="glance">',
    ]
    body += [
        f"<li>{h(word)}: <strong>{data.counts.get(key, 0):,}</strong></li>"
        for key, word in COUNT_WORDS
    ]
    body += ["</ul>", "</section>"]

    body += [
        '<section aria-labelledby="agenda">',
        '<h2 id="agenda">Agenda: planned and actual</h2>',
    ]
    if data.segments:
        body += table(
            "Each segment's planned and actual time",
            ["Segment", "Planned start", "Planned", "Actual start", "Actual", "Over or under"],
            [
                [
                    h(s.title),
                    h(hhmm(s.planned_start)),
                    h(minutes(s.planned_minutes)),
                    h(hhmm(s.actual_start)),
                    h(minutes(s.actual_minutes)),
                    _over_under_cell(s.over_under_minutes, s.state),
                ]
                for s in data.segments
            ],
            {1, 2, 3, 4},
        )
    else:
        body.append("<p>The agenda could not be found: no planned times.</p>")
    body.append("</section>")

    body += ['<section aria-labelledby="answered">', '<h2 id="answered">Questions answered</h2>']
    body += _list([_question_item(q) for q in data.answered])
    body.append("</section>")

    follow = data.follow_up
    body += [
        '<section aria-labelledby="follow">',
        '<h2 id="follow">Questions to follow up</h2>',
        "<h3>Deferred</h3>",
    ]
    body += _list([_question_item(q) for q in follow if q.status == "deferred"])
    body.append("<h3>Never reached</h3>")
    body += _list([_question_item(q) for q in follow if q.status != "deferred"])
    body.append("</section>")
    if data.include_dismissed:
        body += [
            '<section aria-labelledby="dismissed">',
            '<h2 id="dismissed">Dismissed questions</h2>',
        ]
        body += _list([_question_item(q) for q in data.dismissed])
        body.append("</section>")

    body += ['<section aria-labelledby="concerns">', '<h2 id="concerns">Concerns by theme</h2>']
    if not data.themes:
        body.append("<p>No concerns were noted.</p>")
    for group in data.themes:
        body.append(
            f'<h3>{h(group.label)} <span class="muted">'
            f"({h(plural(len(group.concerns), 'concern'))}, "
            f"{h(plural(group.questions, 'question'))})</span></h3>"
        )
        body += _list([_note_item(n) for n in group.concerns], "No concerns noted; see questions.")
    body.append("</section>")

    body += ['<section aria-labelledby="actions">', '<h2 id="actions">Action items</h2>']
    if data.actions:
        body += table(
            "Action items with owner, due date and status",
            ["Action", "Owner", "Due", "Segment", "Status"],
            [
                [
                    _multiline(n.text) + (" <em>(carried over)</em>" if n.carried_over else ""),
                    h(n.owner or "–"),
                    h(n.due or "–"),
                    h(n.segment or "–"),
                    "done" if n.done else "<strong>open</strong>",
                ]
                for n in data.actions
            ],
            set(),
        )
    else:
        body.append("<p>None.</p>")
    body.append("</section>")

    for sid, title, kind in (
        ("resources", "Resource requests", "resource"),
        ("other", "Other notes", "note"),
    ):
        body += [f'<section aria-labelledby="{sid}">', f'<h2 id="{sid}">{title}</h2>']
        body += _list([_note_item(n) for n in data.notes_of(kind)])
        body.append("</section>")

    body += ['<section aria-labelledby="pads">', '<h2 id="pads">Notes by segment</h2>']
    if not data.notepads:
        body.append("<p>No segment notes.</p>")
    for pad in data.notepads:
        body += [
            f"<h3>{h(pad.segment)}, by {h(pad.author)}</h3>",
            f'<p class="pad">{h(pad.text)}</p>',
        ]
    body.append("</section>")

    body += [
        '<section aria-labelledby="appendix">',
        '<h2 id="appendix">Appendix: every question in order of arrival</h2>',
    ]
    numbers = {q.key: q.number for q in data.questions}
    if data.questions:
        body += table(
            "Every question with its votes and moderation state",
            ["#", "Arrived", "Question", "Votes", "Status", "Themes"],
            [
                [
                    str(q.number),
                    h(hhmm(q.submitted_at)),
                    _multiline(q.text) + _duplicate_of(q, numbers),
                    str(q.votes),
                    h(status_word(q.status)),
                    h(", ".join(q.themes) or "–"),
                ]
                for q in data.questions
            ],
            {0, 1, 3},
        )
    else:
        body.append("<p>No questions.</p>")
    body.append("</section>")
    if data.warnings:
        body += [
            '<section aria-labelledby="warnings">',
            '<h2 id="warnings">Read with warnings</h2>',
        ]
        body += _list([f"<li>{h(w)}</li>" for w in data.warnings])
        body.append("</section>")
    body += ["</main>", f'<footer><p class="muted">Generated {h(data.generated_at)}.</p></footer>']
    return page(f"{data.title}: follow-up report", body)
