"""The publishable questions and answers (FAQ) of a session: what staff put on the agency's
site afterwards.

Only what was meant for everyone goes in: questions answered at the session or followed up
after it (a public participant answer), each with its public answers, grouped by theme. No
name at all: not the askers' (left out of the model, and any known asker's name or email
written inside a question or an answer is replaced), not the staff's (no authors, no
facilitator), and an email address typed into a question is removed too. The facilitator's
internal answer note and private answers (for the asker only) never appear. Dismissed
questions and merged duplicates are left out; a duplicate's public answers go to its original.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from console.board.answers import ANSWER_KIND, from_record
from console.report.model import QuestionRow, ReportData
from console.store import Record, SessionFolder, merge
from console.text.clean import clean_text

OTHER_THEME = "Other questions"
NAME_GONE = "[name removed]"
EMAIL_GONE = "[email removed]"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NAME_PART = 3
"""Parts of a name this long or longer are removed on their own too ("Zebulon here")."""


SPOKEN_WORDS = "As said at the session:"
"""Before an answer as spoken (from the captions, kept in review) in the FAQ."""


@dataclass(frozen=True, slots=True)
class FaqEntry:
    """One published question, with its public answers (oldest first)."""

    question: str
    answers: tuple[str, ...]
    followed_up: bool
    """True when it was not answered at the session but has an answer written after."""


@dataclass(frozen=True, slots=True)
class FaqTheme:
    label: str
    entries: tuple[FaqEntry, ...]


@dataclass(frozen=True, slots=True)
class FaqData:
    """Everything on the answers page; there is no field that could hold a name."""

    title: str
    date: str
    host: str | None
    series: str | None
    generated_at: str
    themes: tuple[FaqTheme, ...]

    @property
    def count(self) -> int:
        return sum(len(t.entries) for t in self.themes)


class Scrubber:
    """Removes the given askers' names and emails from text, and (in questions) any email."""

    def __init__(self, names: Iterable[str], emails: Iterable[str]) -> None:
        whole = sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)
        parts = sorted(
            {p for n in whole for p in re.split(r"[\s,]+", n) if len(p) >= _NAME_PART},
            key=len,
            reverse=True,
        )
        self._whole = _words(whole, re.IGNORECASE)
        self._parts = _words(parts, 0)  # a part alone only as written ("Will", not "will")
        known = sorted({e.strip() for e in emails if e and e.strip()}, key=len, reverse=True)
        self._emails = re.compile("|".join(map(re.escape, known)), re.IGNORECASE) if known else None

    def __call__(self, text: str, *, any_email: bool) -> str:
        if self._emails is not None:
            text = self._emails.sub(EMAIL_GONE, text)
        if any_email:
            text = _EMAIL.sub(EMAIL_GONE, text)
        for pattern in (self._whole, self._parts):
            if pattern is not None:
                text = pattern.sub(NAME_GONE, text)
        return text


def _words(words: Sequence[str], flags: int) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)", flags)


def public_answers(records: Iterable[Record]) -> dict[str, list[str]]:
    """Question key -> the text of its public participant answers, oldest first."""
    found = [a for a in map(from_record, records) if a is not None and a.public]
    found.sort(key=lambda a: (a.answered_at.timestamp() if a.answered_at else 0.0, a.id))
    out: dict[str, list[str]] = {}
    for answer in found:
        out.setdefault(answer.question_key, []).append(clean_text(answer.text))
    return out


def faq_from(
    report: ReportData,
    answers: Mapping[str, Sequence[str]],
    scrub: Scrubber,
) -> FaqData:
    """The FAQ of a report built ``with_names`` (the names feed ``scrub``, then go)."""
    own: dict[str, list[str]] = {q.key: list(answers.get(q.key, ())) for q in report.questions}
    for q in report.questions:  # a duplicate's answers belong to its original
        if q.merged_into is not None and q.merged_into in own:
            own[q.merged_into].extend(answers.get(q.key, ()))
    groups: dict[str, list[FaqEntry]] = {}
    for q in report.questions:
        entry = _entry(q, own.get(q.key, []), scrub)
        if entry is not None:
            groups.setdefault(q.themes[0] if q.themes else OTHER_THEME, []).append(entry)
    order = [g.label for g in report.themes if g.label in groups]
    order += [label for label in groups if label not in order and label != OTHER_THEME]
    if OTHER_THEME in groups:
        order.append(OTHER_THEME)
    return FaqData(
        title=report.title,
        date=report.date,
        host=report.host,
        series=report.series,
        generated_at=report.generated_at,
        themes=tuple(FaqTheme(label, tuple(groups[label])) for label in order),
    )


def _entry(q: QuestionRow, answers: list[str], scrub: Scrubber) -> FaqEntry | None:
    if q.merged_into is not None or q.status == "dismissed":
        return None
    if q.status != "answered" and not answers:
        return None
    if q.spoken is not None and q.spoken.kept:  # an answer as spoken only once staff kept it
        said = " ".join(text for _who, text in q.spoken.turns)  # never who said it
        answers = [f"{SPOKEN_WORDS} {said}", *answers]
    return FaqEntry(
        question=scrub(q.text, any_email=True),
        answers=tuple(scrub(a, any_email=False) for a in answers),
        followed_up=q.status != "answered",
    )


def build_faq(folder: SessionFolder, *, now: datetime, extra: Iterable[Record] = ()) -> FaqData:
    """Read ``folder`` (plus copied records) into the publishable FAQ."""
    from console.report.build import build_report

    copied = list(extra)
    report = build_report(folder, now=now, extra=copied, with_names=True)
    found, _warnings = folder.read_all()
    records = merge(found.values(), copied) if copied else found
    values = [r for r in records.values() if r.kind == ANSWER_KIND]
    asked = [q for q in report.questions if q.asker or q.email]
    scrub = Scrubber([q.asker or "" for q in asked], [q.email or "" for q in asked])
    return faq_from(report, public_answers(values), scrub)
