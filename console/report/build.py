"""Turn a session folder (records, feed cache, agenda, clock log) into ``ReportData``.

The same models the live console uses (``Board``, ``NoteBook``, ``RunOfShow``) rebuild the
session here, so the report says exactly what the console showed. Records copied from other
machines are folded in with ``console.store.records.merge`` before anything is read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any

from console.agenda.errors import AgendaError
from console.agenda.load import load_agenda, resolve_agenda
from console.agenda.model import Agenda
from console.board.decisions import answered_at, live_windows
from console.board.feeds import unpack
from console.board.model import Board, Question
from console.clock.plan import CLOCK_ID, CLOCK_KIND, planned_segments
from console.clock.run_of_show import RunOfShow
from console.feeds.cache import FeedCache, FeedCacheError
from console.feeds.model import LANGUAGE_LIMIT
from console.notes.notebook import KINDS, Note, NoteBook
from console.report.captions_align import Spoken
from console.report.model import (
    AnswerRow,
    DecisionRow,
    NotepadRow,
    NoteRow,
    QuestionRow,
    ReportData,
    SegmentRow,
    ThemeGroup,
)
from console.report.names import Names
from console.report.quiet_gc import collector_paused
from console.report.redact import asker_fields
from console.report.spoken import attach_spoken
from console.session.setup import dated_for
from console.store import FEED_CACHE_FILE, Record, SessionFolder, merge
from console.text.clean import clean_text

NO_THEME = "No theme"


def find_agenda(ref: str) -> tuple[Agenda | None, str | None]:
    """The session's agenda, or None and why (the report then goes without planned times)."""
    try:
        return load_agenda(resolve_agenda(ref or None)), None
    except AgendaError as exc:
        return None, f"agenda {ref!r} not found ({str(exc).splitlines()[0]}); no planned times"


def _iso(moment: datetime | None, zone: tzinfo) -> str | None:
    # isoformat(timespec="seconds"); positional arguments skip a slow keyword parse in C.
    return None if moment is None else moment.astimezone(zone).isoformat("T", "seconds")


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60.0, 1)


@collector_paused()
def build_report(
    folder: SessionFolder,
    *,
    now: datetime,
    extra: Iterable[Record] = (),
    include_dismissed: bool = False,
    with_names: bool = False,
    agenda: Agenda | None = None,
    spoken: Mapping[str, Spoken] | None = None,
) -> ReportData:
    """Read ``folder`` (plus ``extra`` records, e.g. copied files) into a report; ``spoken``
    is what a caption file says was said while each question was live (``read_transcript``)."""
    found, warnings = folder.read_all()
    copied = list(extra)
    records = merge(found.values(), copied) if copied else found
    notes_warning = None
    if agenda is None:
        agenda, notes_warning = find_agenda(folder.info.agenda)
    if agenda is not None:
        agenda = dated_for(agenda, folder.info)  # an undated agenda: as this session planned it
    all_warnings = list(warnings) + ([notes_warning] if notes_warning else [])
    zone: tzinfo = agenda.tz if agenda is not None else UTC
    info = folder.info
    values = list(records.values())

    names = Names(agenda)
    theme_ids = names.theme_ids

    segments, planned_for = _segment_rows(agenda, values, now, zone, all_warnings)
    notebook = NoteBook("report", lambda: now, theme_ids)
    notebook.load(values)
    taken = notebook.notes()
    notes_on: dict[str, list[str]] = {}
    for note in taken:
        if note.question_key is not None:
            notes_on.setdefault(note.question_key, []).append(note.id)
    questions = _question_rows(
        folder.path,
        values,
        now,
        theme_ids,
        include_dismissed,
        with_names,
        names,
        zone,
        all_warnings,
        notes_on,
    )
    board_counts = questions[1]
    notes = tuple(_note_row(n, records.get(("note", n.id)), names, zone) for n in taken)
    notepads = _notepads(notebook, values, names)
    rows = questions[0]
    counts = _counts(board_counts, rows, notes, include_dismissed)
    start = info.started_at or (agenda.scheduled_start if agenda else None) or info.created_at
    data = ReportData(
        session_id=info.id,
        title=info.title or (agenda.title if agenda else info.id),
        date=start.astimezone(zone).date().isoformat(),
        host=agenda.host if agenda else None,
        series=agenda.series if agenda else None,
        facilitator=info.facilitator,
        rehearsal=info.rehearsal,
        follow_up_of=info.follow_up_of,
        purged_at=_iso(info.purged_at, zone),
        generated_at=now.astimezone(zone).isoformat(timespec="seconds"),
        started_at=_iso(info.started_at, zone),
        finished_at=_iso(info.finished_at, zone),
        timezone=str(zone),
        segments=segments,
        questions=rows,
        notes=notes,
        notepads=notepads,
        themes=_theme_groups(theme_ids, names, notes, rows),
        counts=counts,
        include_dismissed=include_dismissed,
        with_names=with_names,
        warnings=tuple(all_warnings),
        planned_for=planned_for,
    )
    staff = [*(agenda.staff if agenda else ()), info.facilitator, *(r.author for r in values)]
    if agenda is not None and agenda.facilitator:
        staff.append(agenda.facilitator)
    return attach_spoken(
        data, values, staff=set(staff), askers=questions[2], zone=zone, found=spoken
    )


def _segment_rows(
    agenda: Agenda | None,
    records: list[Record],
    now: datetime,
    zone: tzinfo,
    warnings: list[str],
) -> tuple[tuple[SegmentRow, ...], str | None]:
    """The planned-versus-actual rows, and the agenda's start if the clock was rebased."""
    if agenda is None or not agenda.segments:
        return (), None
    planned = planned_segments(agenda)
    saved = [r for r in records if r.kind == CLOCK_KIND and r.id == CLOCK_ID and not r.deleted]
    clock = RunOfShow(planned, agenda.scheduled_start, lambda: now)
    if saved:
        try:
            clock = RunOfShow.from_dict(saved[0].data, planned, agenda.scheduled_start, lambda: now)
        except ValueError as exc:
            warnings.append(f"the clock log could not be read ({exc}); showing the plan only")
    rows = []
    for row in clock.schedule():
        rows.append(
            SegmentRow(
                id=row.segment.id,
                title=row.segment.title,
                planned_start=_iso(row.planned_start, zone),
                planned_minutes=round(row.segment.minutes, 1),
                actual_start=_iso(row.actual_start, zone),
                actual_minutes=_minutes(row.actual_seconds),
                over_under_minutes=_minutes(row.over_under_seconds),
                state=str(row.state.value),
            )
        )
    return tuple(rows), _iso(clock.rebased_from, zone)


def _question_rows(
    path: Path,
    records: list[Record],
    now: datetime,
    theme_ids: list[str],
    include_dismissed: bool,
    with_names: bool,
    names: Names,
    zone: tzinfo,
    warnings: list[str],
    notes_on: dict[str, list[str]],
) -> tuple[tuple[QuestionRow, ...], dict[str, int], frozenset[str]]:
    board = Board("report", lambda: now, role="facilitator", themes=theme_ids or None)
    board.load(records)
    try:
        cached = FeedCache(path / FEED_CACHE_FILE).load()
    except FeedCacheError as exc:
        warnings.append(str(exc))
        cached = None
    if cached is not None:
        # One cache holds every source, ids prefixed with the board label (console.board.feeds),
        # and the questions the sources dropped that have a decision or a note ("kept").
        for source, feed in unpack(cached.every_question).items():
            board.update_feed(source, feed, None)
    # Every question, merged ones too; arrival order is total (keys are unique), so the
    # board's own sorted lists are not needed.
    views = sorted(map(board.get, board.keys()), key=_arrival)
    if not include_dismissed:
        views = [q for q in views if q.status != "dismissed"]
    rows = tuple(
        _question_row(
            number, q, with_names, names, zone, _record(board, q, zone, notes_on, with_names)
        )
        for number, q in enumerate(views, 1)
    )
    askers = frozenset(q.asker for q in views if q.asker)  # kept out of spoken answers
    return rows, board.counts(), askers


@lru_cache(maxsize=256)
def _staff_name(name: str) -> str:
    """A console author's name made safe once (a session has a handful, logged thousands of
    times)."""
    return clean_text(name, single_line=True)


def _record(
    board: Board, q: Question, zone: tzinfo, notes_on: dict[str, list[str]], with_names: bool
) -> dict[str, Any]:
    """What else the session kept about the question, as ``QuestionRow`` fields: when it was
    live and answered, its decisions, the notes taken on it, and its answers for the
    participants (those for the asker alone only with names, as the asker is)."""
    history = board.history(q.key)
    answers = tuple(
        AnswerRow(
            text=clean_text(a.text),
            public=a.public,
            author=_staff_name(a.author),
            answered_at=_iso(a.answered_at, zone),
        )
        for a in q.participant_answers
        if a.public or with_names
    )
    if not (history or answers or q.key in notes_on):
        return {}
    return {
        "live_windows": tuple(
            (_iso(start, zone) or "", _iso(end, zone)) for start, end in live_windows(history)
        ),
        "answered_at": _iso(answered_at(history), zone),
        "decisions": tuple(
            DecisionRow(
                d.event,
                _iso(d.at, zone) or "",
                _staff_name(d.by),
                d.role,
                d.status_from,
                d.status_to,
                d.merged_into,
            )
            for d in history
        ),
        "note_ids": tuple(notes_on.get(q.key, ())),
        "participant_answers": answers,
    }


def _arrival(q: Question) -> tuple[bool, float, str]:
    stamp = q.submitted_at.timestamp() if q.submitted_at is not None else 0.0
    return (q.submitted_at is None, stamp, q.key)


def _question_row(
    number: int,
    q: Question,
    with_names: bool,
    names: Names,
    zone: tzinfo,
    record: dict[str, Any],
) -> QuestionRow:
    asker, email = asker_fields(q, with_names)
    # The facilitator's themes, else the one the participant picked on the form (its topic).
    themes, theme_ids = names.themes(q.themes or names.topic_theme(q.topic))
    return QuestionRow(
        number=number,
        key=clean_text(q.key, single_line=True),
        text=clean_text(q.text),
        asker=asker,
        email=email,
        status=q.status,
        votes=q.votes,
        themes=themes,
        theme_ids=theme_ids,
        answer_note=clean_text(q.answer_note) if q.answer_note else "",
        origin=q.origin,
        submitted_at=_iso(q.submitted_at, zone),
        arrived_segment=names.segment(q.arrived_segment_id),
        answered_segment=names.segment(q.answered_segment_id),
        merged_into=q.merged_into,
        duplicates=len(q.duplicates),
        carried_over=q.carried_over,
        starred=q.starred,
        voters=tuple(sorted(q.voters)),
        language=clean_text(q.language, LANGUAGE_LIMIT, single_line=True) or None,
        **record,
    )


def _note_row(note: Note, record: Record | None, names: Names, zone: tzinfo) -> NoteRow:
    carried = record is not None and record.data.get("carried_over") is True
    themes, theme_ids = names.themes(note.themes)
    return NoteRow(
        id=note.id,
        kind=note.kind,
        text=clean_text(note.text),
        themes=themes,
        theme_ids=theme_ids,
        owner=(names.line(note.owner) or None) if note.owner else None,
        due=note.due.isoformat() if note.due else None,
        done=note.done,
        segment=names.segment(note.segment_id),
        question_key=note.question_key,
        author=names.line(note.author),
        created_at=note.created_at.astimezone(zone).isoformat("T", "seconds"),
        carried_over=carried,
    )


def _notepads(notebook: NoteBook, records: list[Record], names: Names) -> tuple[NotepadRow, ...]:
    segment_ids = list(
        dict.fromkeys(
            str(r.data.get("segment_id"))
            for r in records
            if r.kind == "notepad" and isinstance(r.data.get("segment_id"), str)
        )
    )
    out = []
    for sid in segment_ids:
        for author in notebook.notepad_authors(sid):
            text = clean_text(notebook.notepad(sid, author))
            if text:
                out.append(NotepadRow(names.segment(sid) or sid, names.line(author), text))
    return tuple(out)


def _counts(
    board_counts: dict[str, int],
    rows: tuple[QuestionRow, ...],
    notes: tuple[NoteRow, ...],
    include_dismissed: bool,
) -> dict[str, int]:
    main = [q for q in rows if q.merged_into is None]
    counts = {f"questions_{status}": n for status, n in board_counts.items()}
    counts["questions"] = sum(n for s, n in board_counts.items() if s != "dismissed")
    counts["questions_follow_up"] = sum(
        board_counts.get(s, 0) for s in ("deferred", "new", "queued", "live")
    )
    counts["duplicates_merged"] = sum(1 for q in rows if q.merged_into is not None)
    counts["questions_carried_over"] = sum(1 for q in main if q.carried_over)
    for kind in KINDS:
        counts[f"notes_{kind}"] = sum(1 for n in notes if n.kind == kind)
    counts["actions_open"] = sum(1 for n in notes if n.kind == "action" and not n.done)
    counts["votes"] = sum(q.votes for q in main if include_dismissed or q.status != "dismissed")
    return counts


def _theme_groups(
    theme_ids: list[str], names: Names, notes: tuple[NoteRow, ...], rows: tuple[QuestionRow, ...]
) -> tuple[ThemeGroup, ...]:
    order = [names.label(t) for t in theme_ids]
    concerns = [n for n in notes if n.kind == "concern"]
    for n in concerns:
        order.extend(t for t in n.themes if t not in order)
    main = [q for q in rows if q.merged_into is None]
    groups = []
    for name in order:
        mine = tuple(n for n in concerns if name in n.themes)
        asked = sum(1 for q in main if name in q.themes)
        if mine or asked:
            groups.append(ThemeGroup(name, mine, asked))
    untagged = tuple(n for n in concerns if not n.themes)
    if untagged:
        groups.append(ThemeGroup(NO_THEME, untagged, 0))
    return tuple(groups)
