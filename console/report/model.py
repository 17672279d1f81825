"""The follow-up report as plain data: what every renderer (md, html, csv, json) shows.

Built once from a session folder (see ``console.report.build``) so the four formats cannot
disagree. Everything here is already cleaned, redacted and ordered; renderers only escape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from console.report.captions_review import SpokenRow

SCHEMA_VERSION = 2
"""2: each question carries its times, decisions, notes and participant answers."""

FOLLOW_UP_STATUSES = ("deferred", "new", "queued", "live")
"""Statuses that still need an answer once the session is over (live = cut off mid-answer)."""


@dataclass(frozen=True, slots=True)
class SegmentRow:
    """Planned against actual for one agenda segment (minutes; ``None`` before it ran)."""

    id: str
    title: str
    planned_start: str | None
    planned_minutes: float
    actual_start: str | None
    actual_minutes: float | None
    over_under_minutes: float | None
    state: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "planned_start": self.planned_start,
            "planned_minutes": self.planned_minutes,
            "actual_start": self.actual_start,
            "actual_minutes": self.actual_minutes,
            "over_under_minutes": self.over_under_minutes,
            "state": self.state,
        }


@dataclass(frozen=True, slots=True)
class DecisionRow:
    """One entry of a question's decision log (console/board/decisions.py), for the report."""

    event: str
    at: str
    by: str
    role: str
    status_from: str | None
    status_to: str | None
    merged_into: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "at": self.at,
            "by": self.by,
            "role": self.role,
            "from": self.status_from,
            "to": self.status_to,
            "merged_into": self.merged_into,
        }


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """A participant answer (the board's ``w`` key): public under the question on the list,
    or for the asker only; never the internal answer note. The author is staff (kept, like
    note authors)."""

    text: str
    public: bool
    """False: for the asker only (shown in the report only with names)."""
    author: str
    answered_at: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "public": self.public,
            "author": self.author,
            "answered_at": self.answered_at,
        }


@dataclass(frozen=True, slots=True)
class QuestionRow:
    """One question as the report shows it; ``asker``/``email`` are None unless with names."""

    number: int
    """Order of arrival, from 1."""
    key: str
    text: str
    asker: str | None
    email: str | None
    status: str
    votes: int
    themes: tuple[str, ...]
    """Theme labels (not ids), so a reader needs no agenda."""
    theme_ids: tuple[str, ...]
    answer_note: str
    origin: str
    submitted_at: str | None
    arrived_segment: str | None
    answered_segment: str | None
    merged_into: str | None
    duplicates: int
    carried_over: bool
    starred: bool
    spoken: SpokenRow | None = None
    """The answer as spoken (from captions, or kept in review); None without one."""
    voters: tuple[str, ...] = ()
    """The form's voter tokens behind ``votes``. Never rendered: a carry-over takes them to
    the next session's form (``console.session.carry_over``)."""
    language: str | None = None
    """The language the question was asked in (``en``, ``es``), when the form said."""
    """Answers written for the participants, oldest first (never the ``answer_note``)."""
    live_windows: tuple[tuple[str, str | None], ...] = ()
    """When it was live (from, until; until None: still live when the log ends)."""
    answered_at: str | None = None
    """When it was last marked answered (from the decision log)."""
    decisions: tuple[DecisionRow, ...] = ()
    note_ids: tuple[str, ...] = ()
    """The notes taken on it (``NoteRow.id``), in the order they were taken."""
    participant_answers: tuple[AnswerRow, ...] = ()
    """Answers written for the participants, oldest first (never the ``answer_note``)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "key": self.key,
            "text": self.text,
            "asker": self.asker,
            "email": self.email,
            "status": self.status,
            "votes": self.votes,
            "themes": list(self.themes),
            "theme_ids": list(self.theme_ids),
            "answer_note": self.answer_note,
            "origin": self.origin,
            "submitted_at": self.submitted_at,
            "arrived_segment": self.arrived_segment,
            "answered_segment": self.answered_segment,
            "merged_into": self.merged_into,
            "duplicates": self.duplicates,
            "carried_over": self.carried_over,
            "starred": self.starred,
            **({"spoken": self.spoken.to_json()} if self.spoken is not None else {}),
            "language": self.language,
            "live_windows": [{"from": start, "until": end} for start, end in self.live_windows],
            "answered_at": self.answered_at,
            "decisions": [d.to_json() for d in self.decisions],
            "note_ids": list(self.note_ids),
            "participant_answers": [a.to_json() for a in self.participant_answers],
        }


@dataclass(frozen=True, slots=True)
class NoteRow:
    """One note-taker's entry (concern, action, resource, note); authors are staff: kept."""

    id: str
    kind: str
    text: str
    themes: tuple[str, ...]
    theme_ids: tuple[str, ...]
    owner: str | None
    due: str | None
    done: bool
    segment: str | None
    question_key: str | None
    author: str
    created_at: str
    carried_over: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "text": self.text,
            "themes": list(self.themes),
            "theme_ids": list(self.theme_ids),
            "owner": self.owner,
            "due": self.due,
            "done": self.done,
            "segment": self.segment,
            "question_key": self.question_key,
            "author": self.author,
            "created_at": self.created_at,
            "carried_over": self.carried_over,
        }


@dataclass(frozen=True, slots=True)
class NotepadRow:
    """One author's free-form notepad for one segment."""

    segment: str
    author: str
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"segment": self.segment, "author": self.author, "text": self.text}


@dataclass(frozen=True, slots=True)
class ThemeGroup:
    """Concerns filed under one theme (label), with how many questions carry it too."""

    label: str
    concerns: tuple[NoteRow, ...]
    questions: int

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "concern_count": len(self.concerns),
            "question_count": self.questions,
            "concern_ids": [n.id for n in self.concerns],
        }


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything in one follow-up report."""

    session_id: str
    title: str
    date: str
    host: str | None
    series: str | None
    facilitator: str
    rehearsal: bool
    follow_up_of: str | None
    generated_at: str
    started_at: str | None
    finished_at: str | None
    timezone: str
    segments: tuple[SegmentRow, ...]
    questions: tuple[QuestionRow, ...]
    """Every question in order of arrival (dismissed ones only when asked for)."""
    notes: tuple[NoteRow, ...]
    notepads: tuple[NotepadRow, ...]
    themes: tuple[ThemeGroup, ...]
    counts: dict[str, int]
    include_dismissed: bool
    with_names: bool
    warnings: tuple[str, ...] = field(default=())
    planned_for: str | None = None
    """The agenda's date and time when the session was held on another day (the clock was
    rebased on its real start); None when it ran on the day it was planned for."""
    purged_at: str | None = None
    """When ``facilitator purge`` removed the askers' names and emails (None: never)."""

    # -- the sections, derived so they can never drift from the appendix ---------------------
    def _main(self) -> list[QuestionRow]:
        return [q for q in self.questions if q.merged_into is None]

    @property
    def answered(self) -> list[QuestionRow]:
        return [q for q in self._main() if q.status == "answered"]

    @property
    def follow_up(self) -> list[QuestionRow]:
        """Deferred first ("we will follow up"), then those never reached, by arrival."""
        rows = [q for q in self._main() if q.status in FOLLOW_UP_STATUSES]
        return sorted(rows, key=lambda q: (q.status != "deferred", q.number))

    @property
    def dismissed(self) -> list[QuestionRow]:
        return [q for q in self._main() if q.status == "dismissed"]

    def notes_by_question(self) -> dict[str, list[NoteRow]]:
        """Per question key: the notes taken on it and on the duplicates merged into it, in
        the order they were taken (one pass: the question blocks look each one up)."""
        by_id = {n.id: n for n in self.notes}
        out: dict[str, list[NoteRow]] = {}
        for q in self.questions:
            if q.note_ids:
                mine = out.setdefault(q.merged_into or q.key, [])
                mine += [by_id[i] for i in q.note_ids if i in by_id]
        for mine in out.values():
            mine.sort(key=lambda n: (n.created_at, n.id))
        return out

    def notes_of(self, kind: str) -> list[NoteRow]:
        return [n for n in self.notes if n.kind == kind]

    @property
    def actions(self) -> list[NoteRow]:
        return self.notes_of("action")

    @property
    def open_actions(self) -> list[NoteRow]:
        return [n for n in self.actions if not n.done]

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "session": {
                "id": self.session_id,
                "title": self.title,
                "date": self.date,
                "host": self.host,
                "series": self.series,
                "facilitator": self.facilitator,
                "rehearsal": self.rehearsal,
                "follow_up_of": self.follow_up_of,
                "planned_for": self.planned_for,
                **({"purged_at": self.purged_at} if self.purged_at else {}),
                "started_at": self.started_at,
                "finished_at": self.finished_at,
                "timezone": self.timezone,
            },
            "generated_at": self.generated_at,
            "options": {
                "include_dismissed": self.include_dismissed,
                "with_names": self.with_names,
            },
            "counts": dict(self.counts),
            "agenda": [s.to_json() for s in self.segments],
            "questions": [q.to_json() for q in self.questions],
            "follow_up": [q.key for q in self.follow_up],
            "notes": [n.to_json() for n in self.notes],
            "notepads": [p.to_json() for p in self.notepads],
            "themes": [t.to_json() for t in self.themes],
            "warnings": list(self.warnings),
        }
