"""The report as CSV: one table per kind (questions, notes, action items).

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and some read
tab or carriage return the same way) as a formula, so such cells get a leading apostrophe:
a question cannot make a spreadsheet fetch a URL or run a command. Text starts with a byte
order mark so Excel opens it as UTF-8.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from console.report.model import QuestionRow, ReportData

BOM = "\ufeff"
TABLES: tuple[str, ...] = ("questions", "notes", "action_items")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str | int | float:
    """A value fit for a spreadsheet cell; text that looks like a formula is neutralised."""
    if type(value) is str:  # most cells, so tested first (subclasses go through str() below)
        return "'" + value if value.startswith(_FORMULA_STARTS) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(map(safe_cell, row) for row in rows)
    return BOM + buffer.getvalue()


def _spoken_cells(q: QuestionRow) -> list[str | None]:
    said = q.spoken
    return [None] * 4 if said is None else [said.text, said.start, said.end, said.state]


def _answers_cell(q: QuestionRow) -> str:
    """Each participant answer on a line of its own: "public · Dana · <time>: text"."""
    return "\n".join(
        f"{'public' if a.public else 'for the asker only'} · {a.author} · "
        f"{a.answered_at or 'no time'}: {a.text}"
        for a in q.participant_answers
    )


def render_csv(data: ReportData) -> dict[str, str]:
    """Table name -> CSV text (BOM included), in ``TABLES`` order."""
    names = ["asker", "email"] if data.with_names else []
    q_headers = [
        "number",
        "key",
        "submitted_at",
        "text",
        *names,
        "status",
        "votes",
        "themes",
        "answer_note",
        "origin",
        "arrived_segment",
        "answered_segment",
        "merged_into",
        "duplicates",
        "carried_over",
        "starred",
        "language",
        "participant_answers",
    ]
    spoken = any(q.spoken is not None for q in data.questions)
    if spoken:  # only with answers as spoken: the tables keep their shape otherwise
        q_headers += ["answer_as_spoken", "spoken_from", "spoken_to", "spoken_state"]
    questions = _csv(
        q_headers,
        (
            [
                q.number,
                q.key,
                q.submitted_at,
                q.text,
                *([q.asker, q.email] if data.with_names else []),
                q.status,
                q.votes,
                "; ".join(q.themes),
                q.answer_note,
                q.origin,
                q.arrived_segment,
                q.answered_segment,
                q.merged_into,
                q.duplicates,
                q.carried_over,
                q.starred,
                q.language,
                _answers_cell(q),
                *(_spoken_cells(q) if spoken else []),
            ]
            for q in data.questions
        ),
    )
    notes = _csv(
        [
            "id",
            "kind",
            "text",
            "themes",
            "owner",
            "due",
            "done",
            "segment",
            "question_key",
            "author",
            "created_at",
            "carried_over",
        ],
        (
            [
                n.id,
                n.kind,
                n.text,
                "; ".join(n.themes),
                n.owner,
                n.due,
                n.done if n.kind == "action" else None,
                n.segment,
                n.question_key,
                n.author,
                n.created_at,
                n.carried_over,
            ]
            for n in data.notes
        ),
    )
    actions = _csv(
        [
            "action",
            "owner",
            "due",
            "segment",
            "status",
            "themes",
            "author",
            "created_at",
            "carried_over",
            "id",
        ],
        (
            [
                n.text,
                n.owner,
                n.due,
                n.segment,
                "done" if n.done else "open",
                "; ".join(n.themes),
                n.author,
                n.created_at,
                n.carried_over,
                n.id,
            ]
            for n in data.actions
        ),
    )
    return {"questions": questions, "notes": notes, "action_items": actions}
