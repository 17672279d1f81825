"""The report as a Word document (DOCX): what an agency files.

The same sections, in the same order, as the HTML report, from the same ``ReportData``, so
the same redaction holds (askers only ``with_names``). Headings are Word's own heading
styles (the navigation pane and a PDF's outline follow them), tables repeat their header row
on every page, and a notepad's Markdown becomes Word formatting. Text is escaped into runs,
never fields, so nothing in a question can run (see ``console.report.docx_xml``).
"""

from __future__ import annotations

from collections.abc import Sequence

from console.report.docx_xml import (
    bullet,
    document,
    heading,
    para,
    run,
    stamp_of,
    table,
    text_para,
)
from console.report.model import NoteRow, QuestionRow, ReportData
from console.report.notes_markdown import notes_docx
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


def question_para(q: QuestionRow, notes: Sequence[NoteRow] = ()) -> str:
    """One question: number and text, then votes, themes, asker and language, its times, the
    answer note, the answers for the participants and the notes taken on it."""
    bits = [plural(q.votes, "vote")]
    if q.themes:
        bits.append(", ".join(q.themes))
    if q.asker:
        bits.append(f"asked by {q.asker}" + (f" ({q.email})" if q.email else ""))
    if q.carried_over:
        bits.append("carried over")
    if q.language:
        bits.append("asked in " + language_word(q.language))
    runs = run(f"Q{q.number} ", bold=True) + run(q.text) + "<w:r><w:br/></w:r>"
    runs += run("; ".join(bits), italic=True)
    if times := times_words(q.live_windows, q.answered_at):
        runs += "<w:r><w:br/></w:r>" + run(f"Times: {times}", italic=True)
    if q.answer_note:
        runs += "<w:r><w:br/></w:r>" + run("Answer: ", bold=True) + run(q.answer_note)
    if q.spoken is not None:
        runs += "<w:r><w:br/></w:r>" + run(f"{q.spoken.label}: ", bold=True) + run(q.spoken.text)
    for a in q.participant_answers:
        said = answer_words(a.public, a.author, a.answered_at)
        runs += "<w:r><w:br/></w:r>" + run(f"{said}: ", bold=True) + run(a.text)
    for n in notes:
        words = note_words(n.kind, n.author, n.owner, n.due, n.done)
        runs += "<w:r><w:br/></w:r>" + run(f"Note: {n.text} ") + run(f"({words})", italic=True)
    return bullet(runs)


def _note_para(n: NoteRow) -> str:
    extra = [n.author, *([n.segment] if n.segment else [])]
    if n.carried_over:
        extra.append("carried over")
    if n.themes:
        extra.append(", ".join(n.themes))
    return bullet(run(n.text + " ") + run(f"({'; '.join(extra)})", italic=True))


def _items(paragraphs: Sequence[str], empty: str = "None.") -> list[str]:
    return list(paragraphs) if paragraphs else [text_para(empty)]


def _meta(data: ReportData) -> list[str]:
    rows = meta_rows(
        data,
        [
            ("Rehearsal", "not a real session" if data.rehearsal else None),
            ("Purged", f"{PURGED_WORDS} on {data.purged_at}" if data.purged_at else None),
        ],
    )
    return [para(run(f"{k}: ", bold=True) + run(v)) for k, v in rows]


def render_docx(data: ReportData) -> bytes:
    """The whole report as a DOCX file's bytes."""
    body = [heading(f"{data.title}: follow-up report", 1), *_meta(data)]
    body.append(heading("At a glance", 2))
    body += [bullet(run(f"{word}: {data.counts.get(key, 0):,}")) for key, word in COUNT_WORDS]

    body.append(heading("Agenda: planned and actual", 2))
    if data.segments:
        body.append(
            table(
                "Each segment's planned and actual time",
                ["Segment", "Planned start", "Planned", "Actual start", "Actual", "Over or under"],
                [
                    [
                        s.title,
                        hhmm(s.planned_start),
                        minutes(s.planned_minutes),
                        hhmm(s.actual_start),
                        minutes(s.actual_minutes),
                        "skipped" if s.state == "skipped" else over_under(s.over_under_minutes),
                    ]
                    for s in data.segments
                ],
                [4, 2, 2, 2, 2, 3],
            )
        )
    else:
        body.append(text_para("The agenda could not be found: no planned times."))

    body.append(heading("Questions answered", 2))
    notes_on = data.notes_by_question()

    def question(q: QuestionRow) -> str:
        return question_para(q, notes_on.get(q.key, ()))

    body += _items([question(q) for q in data.answered])
    follow = data.follow_up
    body += [heading("Questions to follow up", 2), heading("Deferred", 3)]
    body += _items([question(q) for q in follow if q.status == "deferred"])
    body.append(heading("Never reached", 3))
    body += _items([question(q) for q in follow if q.status != "deferred"])
    if data.include_dismissed:
        body.append(heading("Dismissed questions", 2))
        body += _items([question(q) for q in data.dismissed])

    body.append(heading("Concerns by theme", 2))
    if not data.themes:
        body.append(text_para("No concerns were noted."))
    for group in data.themes:
        body.append(
            heading(
                f"{group.label} ({plural(len(group.concerns), 'concern')}, "
                f"{plural(group.questions, 'question')})",
                3,
            )
        )
        body += _items([_note_para(n) for n in group.concerns], "No concerns noted; see questions.")

    body.append(heading("Action items", 2))
    if data.actions:
        body.append(
            table(
                "Action items with owner, due date and status",
                ["Action", "Owner", "Due", "Segment", "Status"],
                [
                    [
                        n.text + (" (carried over)" if n.carried_over else ""),
                        n.owner or "–",
                        n.due or "–",
                        n.segment or "–",
                        "done" if n.done else "open",
                    ]
                    for n in data.actions
                ],
                [6, 2, 2, 2, 1],
            )
        )
    else:
        body.append(text_para("None."))
    for title, kind in (("Resource requests", "resource"), ("Other notes", "note")):
        body.append(heading(title, 2))
        body += _items([_note_para(n) for n in data.notes_of(kind)])

    body.append(heading("Notes by segment", 2))
    if not data.notepads:
        body.append(text_para("No segment notes."))
    for pad in data.notepads:
        body += [heading(f"{pad.segment}, by {pad.author}", 3), notes_docx(pad.text)]

    body.append(heading("Appendix: every question in order of arrival", 2))
    numbers = {q.key: q.number for q in data.questions}
    if data.questions:
        body.append(
            table(
                "Every question with its votes and moderation state",
                ["#", "Arrived", "Question", "Votes", "Status", "Themes"],
                [
                    [
                        str(q.number),
                        hhmm(q.submitted_at),
                        q.text + _duplicate_of(q, numbers),
                        str(q.votes),
                        status_word(q.status),
                        ", ".join(q.themes) or "–",
                    ]
                    for q in data.questions
                ],
                [1, 2, 9, 1, 3, 3],
            )
        )
    else:
        body.append(text_para("No questions."))
    if data.warnings:
        body.append(heading("Read with warnings", 2))
        body += [bullet(run(w)) for w in data.warnings]
    body.append(para(run(f"Generated {data.generated_at}.", italic=True)))
    return document(
        body,
        title=f"{data.title}: follow-up report",
        subject=f"Follow-up report, session {data.session_id}",
        author=data.facilitator,
        when=stamp_of(data.generated_at),
    )


def _duplicate_of(q: QuestionRow, numbers: dict[str, int]) -> str:
    if q.merged_into is None:
        return ""
    target = numbers.get(q.merged_into)
    return f" (duplicate of Q{target})" if target else " (duplicate)"
