"""The report as Markdown that renders the same on GitHub, GitLab and common editors.

Every piece of user text goes through ``md_text`` / ``md_cell``: Markdown's punctuation is
backslash-escaped (no links, images, headings, lists, emphasis, raw HTML, math), and URLs,
``www.`` and ``@`` get a zero-width space so hosts do not turn them into links or mentions.
``limit`` keeps long lists short for the console preview (Textual's Markdown widget mounts a
widget per block), pointing at the exported file for the rest.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TypeVar

from console.report.model import NoteRow, QuestionRow, ReportData
from console.report.words import (
    COUNT_WORDS,
    PURGED_WORDS,
    answer_words,
    hhmm,
    language_word,
    minutes,
    note_words,
    over_under,
    planned_words,
    plural,
    status_word,
    times_words,
)

T = TypeVar("T")
ZWSP = "\u200b"
_LIST_NUMBER = re.compile(r"^(\d+)([.)])", re.MULTILINE)
_LINKISH = re.compile(r"(?i)(?<![a-z0-9])([a-z])((?:ttps?|tp|ailto|ile|ata|avascript):|ww\.)")


MD_SPECIAL = '\\`*_{}[]()<>#+-!|~&$=^"'
"""Characters that get a backslash; the backslash itself first, so no escape is doubled."""


def _escape(text: str) -> str:
    # 23 scans in C, most finding nothing, cost less than ``str.translate`` with a table of
    # two-character strings, which looks every character of the text up in a dict.
    for char in MD_SPECIAL:
        if char in text:
            text = text.replace(char, "\\" + char)
    return text


@lru_cache(maxsize=4096)
def md_text(text: str) -> str:
    """User text made inert for Markdown; newlines become hard breaks inside a block."""
    if ":" in text or "ww." in text.lower():
        text = _LINKISH.sub(lambda m: m.group(1) + ZWSP + m.group(2), text)
    text = _escape(text.replace("@", "@" + ZWSP))
    if "\n" not in text:
        text = text.strip()
        return _LIST_NUMBER.sub(r"\1\\\2", text) if text[:1].isdigit() else text
    lines = [line.strip() for line in text.split("\n")]
    lines = [
        _LIST_NUMBER.sub(r"\1\\\2", line) if line[:1].isdigit() else line for line in lines if line
    ]
    return "\\\n  ".join(lines)


def md_cell(text: str | None) -> str:
    """User text for a table cell: one line, pipes escaped."""
    if not text:
        return "–"
    return md_text(" ".join(text.split()))


def _table(headers: Sequence[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def _limited(items: Sequence[T], limit: int | None) -> tuple[Sequence[T], int]:
    if limit is None or len(items) <= limit:
        return items, 0
    return items[:limit], len(items) - limit


def _more(hidden: int) -> list[str]:
    return [f"*… and {hidden:,} more in the exported file.*", ""] if hidden else []


def _question_line(q: QuestionRow, notes: Sequence[NoteRow] = ()) -> str:
    """One question with what the session kept about it: its times, its internal answer
    note, its answers for the participants and the notes taken on it (a nested list)."""
    bits = [f"{plural(q.votes, 'vote')}"]
    if q.themes:
        bits.append(", ".join(md_text(t) for t in q.themes))
    if q.asker:
        bits.append("asked by " + md_text(q.asker))
    if q.carried_over:
        bits.append("carried over")
    if q.language:
        bits.append("asked in " + md_text(language_word(q.language)))
    line = f"- **Q{q.number}** {md_text(q.text)}  \n  *{'; '.join(bits)}*"
    times = times_words(q.live_windows, q.answered_at)
    if times:
        line += f"  \n  Times: {times}"
    if q.answer_note:
        line += f"  \n  Answer: {md_text(q.answer_note)}"
    if q.spoken is not None:
        line += f"  \n  {md_text(q.spoken.label)}: {md_text(q.spoken.text)}"
    line += _participant_answers(q)
    for n in notes:
        words = note_words(n.kind, n.author, n.owner, n.due, n.done)
        line += f"\n  - Note: {md_text(n.text)} *({md_text(words)})*"
    return line


def _participant_answers(q: QuestionRow) -> str:
    return "".join(
        f"  \n  {md_text(answer_words(a.public, a.author, a.answered_at))}: {md_text(a.text)}"
        for a in q.participant_answers
    )


def _note_line(n: NoteRow) -> str:
    extra = [md_text(n.author)]
    if n.segment:
        extra.append(md_text(n.segment))
    if n.carried_over:
        extra.append("carried over")
    return f"- {md_text(n.text)} *({'; '.join(extra)})*"


def _section(
    title: str, items: Sequence[T], line: Callable[[T], str], limit: int | None, empty: str
) -> list[str]:
    out = [f"## {title}", ""]
    if not items:
        return [*out, empty, ""]
    shown, hidden = _limited(items, limit)
    return [*out, *(line(i) for i in shown), "", *_more(hidden)]


def _duplicate_of(q: QuestionRow, numbers: dict[str, int]) -> str:
    if q.merged_into is None:
        return ""
    target = numbers.get(q.merged_into)
    return f" (duplicate of Q{target})" if target else " (duplicate)"


def render_markdown(data: ReportData, *, limit: int | None = None) -> str:
    """The whole report as Markdown (``limit``: show at most that many items per list)."""
    out: list[str] = [f"# {md_text(data.title)}: follow-up report", ""]
    head = [f"- **Date:** {data.date}"]
    if data.planned_for:
        head.append(
            f"- **Planned for:** {planned_words(data.planned_for)} (held on another day; "
            "the planned times follow the actual start)"
        )
    if data.host:
        head.append(f"- **Host:** {md_text(data.host)}")
    if data.facilitator:
        head.append(f"- **Facilitator:** {md_text(data.facilitator)}")
    if data.series:
        head.append(f"- **Series:** {md_text(data.series)}")
    head.append(f"- **Session:** {md_text(data.session_id)}")
    if data.follow_up_of:
        head.append(f"- **Follows up on:** {md_text(data.follow_up_of)}")
    if data.rehearsal:
        head.append("- **Rehearsal** (not a real session)")
    if data.purged_at:
        head.append(f"- **Purged:** {PURGED_WORDS} on {md_text(data.purged_at)}")
    head.append(f"- **Times:** {md_text(data.timezone)}")
    out += [*head, ""]

    out += ["## At a glance", ""]
    out += [f"- {word}: {data.counts.get(key, 0):,}" for key, word in COUNT_WORDS]
    out.append("")

    out += ["## Agenda: planned and actual", ""]
    if data.segments:
        out += _table(
            ["Segment", "Planned start", "Planned", "Actual start", "Actual", "Over or under"],
            [
                [
                    md_cell(s.title),
                    hhmm(s.planned_start),
                    minutes(s.planned_minutes),
                    hhmm(s.actual_start),
                    minutes(s.actual_minutes),
                    over_under(s.over_under_minutes) if s.state != "skipped" else "skipped",
                ]
                for s in data.segments
            ],
        )
    else:
        out.append("The agenda could not be found: no planned times.")
    out.append("")

    notes_on = data.notes_by_question()

    def question(q: QuestionRow) -> str:
        return _question_line(q, notes_on.get(q.key, ()))

    out += _section("Questions answered", data.answered, question, limit, "None.")
    follow = data.follow_up
    deferred = [q for q in follow if q.status == "deferred"]
    reached = [q for q in follow if q.status != "deferred"]
    out += ["## Questions to follow up", ""]
    for title, items in (("Deferred", deferred), ("Never reached", reached)):
        out += [f"### {title}", ""]
        if not items:
            out += ["None.", ""]
            continue
        shown, hidden = _limited(items, limit)
        out += [*(question(q) for q in shown), "", *_more(hidden)]
    if data.include_dismissed:
        out += _section("Dismissed questions", data.dismissed, question, limit, "None.")

    out += ["## Concerns by theme", ""]
    if not data.themes:
        out += ["No concerns were noted.", ""]
    for group in data.themes:
        out += [
            f"### {md_text(group.label)} ({plural(len(group.concerns), 'concern')}, "
            f"{plural(group.questions, 'question')})",
            "",
        ]
        concerns, more = _limited(group.concerns, limit)
        if not concerns:
            out += ["No concerns noted; see the questions.", ""]
        out += [*(_note_line(n) for n in concerns), *([""] if concerns else []), *_more(more)]

    out += ["## Action items", ""]
    actions = data.actions
    if actions:
        shown_a, hidden_a = _limited(actions, limit)
        out += _table(
            ["Action", "Owner", "Due", "Segment", "Status"],
            [
                [
                    md_cell(n.text) + (" (carried over)" if n.carried_over else ""),
                    md_cell(n.owner),
                    n.due or "–",
                    md_cell(n.segment),
                    "done" if n.done else "open",
                ]
                for n in shown_a
            ],
        )
        out += ["", *_more(hidden_a)]
    else:
        out += ["None.", ""]

    out += _section("Resource requests", data.notes_of("resource"), _note_line, limit, "None.")
    out += _section("Other notes", data.notes_of("note"), _note_line, limit, "None.")

    out += ["## Notes by segment", ""]
    if not data.notepads:
        out += ["No segment notes.", ""]
    shown_pads, hidden_pads = _limited(data.notepads, limit)
    for pad in shown_pads:
        out += [f"### {md_text(pad.segment)}, by {md_text(pad.author)}", "", md_text(pad.text), ""]
    out += _more(hidden_pads)

    out += ["## Appendix: every question in order of arrival", ""]
    if data.questions:
        shown_q, hidden_q = _limited(data.questions, limit)
        numbers = {q.key: q.number for q in data.questions}
        out += _table(
            ["#", "Arrived", "Question", "Votes", "Status", "Themes"],
            [
                [
                    str(q.number),
                    hhmm(q.submitted_at),
                    md_cell(q.text) + _duplicate_of(q, numbers),
                    str(q.votes),
                    status_word(q.status),
                    md_cell(", ".join(q.themes)),
                ]
                for q in shown_q
            ],
        )
        out += ["", *_more(hidden_q)]
    else:
        out += ["No questions.", ""]
    if data.warnings:
        out += ["## Read with warnings", ""]
        out += [f"- {md_text(w)}" for w in data.warnings]
        out.append("")
    out.append(f"*Generated {md_text(data.generated_at)}.*")
    return "\n".join(out) + "\n"
