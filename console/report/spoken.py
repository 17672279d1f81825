"""Answers as spoken in a report: captions read, laid over the session, reviews applied.

``build_report`` calls ``attach_spoken`` with what a caption file gave (``read_transcript``),
or with nothing, when the reviews kept in the session are all there is. The CLI
(``export --transcript``) and the report screen use ``read_transcript`` the same way, so
both say the same offset and show the same text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path

from console.report.captions_align import OffsetSuggestion, Spoken, align, suggest_offset
from console.report.captions_parse import Cue, read_captions
from console.report.captions_review import (
    DROPPED,
    KEPT,
    REVIEW,
    NameRule,
    Review,
    Turn,
    edited_turns,
    reviews_of,
    spoken_rows,
    turns_of,
)
from console.report.captions_windows import SessionTimes, session_times
from console.report.model import ReportData
from console.store import Record, SessionFolder


@dataclass(frozen=True, slots=True)
class Transcript:
    """A caption file laid over one session."""

    path: Path
    cues: tuple[Cue, ...]
    suggestion: OffsetSuggestion
    recording_start: datetime | None
    """The offset used: the one given, else the suggestion (None: nothing to go by)."""
    found: dict[str, Spoken]
    times: SessionTimes

    def describe(self, zone: tzinfo) -> str:
        """One line on the offset, for the facilitator to confirm or set."""
        if self.recording_start is None:
            return "no question was found read aloud and the clock never started: give --offset"
        at = self.recording_start.astimezone(zone)
        when = f"{at:%H:%M:%S}"
        s = self.suggestion
        if s.recording_start is not None and abs(s.recording_start - self.recording_start) < (
            timedelta(seconds=1)
        ):
            if s.source == "questions":
                why = f"{len(s.matched)} of {s.tried} questions found read aloud"
            else:
                why = "no question found read aloud; the clock's start"
            return f"the recording started at {when} ({why}); confirm with --offset {when}"
        return f"the recording started at {when} (as given)"


def read_transcript(
    folder: SessionFolder,
    path: Path,
    *,
    now: datetime,
    offset: datetime | timedelta | None = None,
) -> Transcript:
    """Read ``path`` and align it; ``offset`` is the recording's start, or a shift from the
    clock's start. Raises ``CaptionError`` (file:line) before anything is aligned."""
    cues = tuple(read_captions(path))
    times = session_times(folder, now)
    suggestion = suggest_offset(cues, times.windows, times.texts, times.clock_start)
    start: datetime | None
    if isinstance(offset, timedelta):
        base = times.clock_start or suggestion.recording_start
        start = None if base is None else base + offset
    else:
        start = offset or suggestion.recording_start
    found = {} if start is None else align(cues, times.windows, start)
    return Transcript(path, cues, suggestion, start, found, times)


def attach_spoken(
    data: ReportData,
    records: Iterable[Record],
    *,
    staff: Iterable[str],
    askers: Iterable[str],
    zone: tzinfo,
    found: Mapping[str, Spoken] | None = None,
) -> ReportData:
    """``data`` with each answered question's answer as spoken (found or kept in review)."""
    reviews = reviews_of(records)
    if not reviews and not found:
        return data
    answered = [q.key for q in data.questions if q.status == "answered"]
    rule = NameRule(staff, askers, data.with_names)
    rows = spoken_rows(found or {}, reviews, answered, rule, zone)
    if not rows:
        return data
    questions = tuple(
        replace(q, spoken=rows[q.key]) if q.key in rows else q for q in data.questions
    )
    return replace(data, questions=questions)


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One answered question's answer as spoken, as the reviewer sees it (names in: staff)."""

    key: str
    question: str
    turns: tuple[Turn, ...]
    start: datetime
    end: datetime
    state: str
    """``review``, ``kept``, ``edited`` or ``dropped``."""


def review_items(
    times: SessionTimes, reviews: Mapping[str, Review], transcript: Transcript | None
) -> list[ReviewItem]:
    """Every answered question with an answer as spoken (found now or reviewed before), in
    the order it was said. A review stands until the reviewer changes it."""
    found = transcript.found if transcript is not None else {}
    out: list[ReviewItem] = []
    for key, status in times.statuses.items():
        if status != "answered":
            continue
        question = times.texts.get(key, key)
        review = reviews.get(key)
        if review is not None:
            state = "edited" if review.edited and review.state == KEPT else review.state
            turns = review.turns
            if review.state == DROPPED and key in found:
                turns = turns_of(found[key])  # what would come back if kept again
            out.append(ReviewItem(key, question, turns, review.start, review.end, state))
        elif key in found and turns_of(found[key]):
            spoken = found[key]
            out.append(
                ReviewItem(key, question, turns_of(spoken), spoken.start, spoken.end, REVIEW)
            )
    return sorted(out, key=lambda item: (item.start, item.key))


def decide(item: ReviewItem, state: str, edited: str | None = None) -> Review:
    """The review to store: ``kept`` or ``dropped``; an edit keeps the edited text."""
    if edited is not None:
        turns = edited_turns(edited, [who for who, _ in item.turns])
        return Review(item.key, KEPT, turns, item.start, item.end, edited=True)
    return Review(item.key, state, item.turns, item.start, item.end, item.state == "edited")


_SHIFT = re.compile(r"([+-])(?:(\d+):)?(\d+(?:\.\d+)?)\Z")


def parse_offset(text: str, zone: tzinfo, day: date) -> datetime | timedelta:
    """``--offset``: a moment (time of day on ``day`` in ``zone``, or ISO with its zone), or
    a signed shift from the clock's start (``+30``, ``-1:30``). ValueError when neither."""
    text = text.strip()
    shift = _SHIFT.match(text)
    if shift:
        sign, minutes, seconds = shift.groups()
        delta = timedelta(minutes=int(minutes or 0), seconds=float(seconds))
        return -delta if sign == "-" else delta
    try:
        return datetime.combine(day, time.fromisoformat(text), tzinfo=zone)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"--offset {text!r}: give a time of day (15:29:30), an ISO date and time, or "
            "seconds from the clock's start (+30, -1:30)"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
