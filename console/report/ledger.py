"""The ledger of a series' open commitments, and its themes session by session.

A commitment is a question a session left open (deferred, or never reached) or an action
item it left undone. ``facilitator run --follow-up`` carries it into the next session as a
new record whose ``carried_from`` names the earlier session and the item's key there
(``console.session.carry_over``); following those links back gives every item one identity,
``<session that raised it>/<kind>/<its key there>``, however many sessions it crossed. So
each item is listed once, under the session that raised it, with its age and its history:

- it is closed when a later session answers, dismisses or merges the question, or marks the
  action done, or when staff close it from the series screen: a participant answer whose
  ``closes`` names the item (``console.session.series_changes``);
- it is re-opened when it shows up open again after that (carried back, or the closing
  answer taken back).

The theme table counts, per session, the questions it raised (carried ones count where they
were raised) and the concerns noted under each theme, with a trend: the newest session
against the mean of the ones before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from console.board.answers import ANSWER_KIND
from console.board.question import MANUAL, question_key
from console.report.model import FOLLOW_UP_STATUSES, NoteRow, QuestionRow, ReportData
from console.store import Record
from console.text.clean import clean_text

QUESTION, ACTION = "question", "action"
CLOSED_WITH_NOTE = "closed with a note"
ItemRow = QuestionRow | NoteRow
LEDGER_KEY = "ledger:"
"""The ``question_key`` of a closing answer whose item is not a question on that session's
board (an action item, or a question not carried there): no participant page shows it."""


def item_id(session: str, kind: str, local: str) -> str:
    """An item's identity: the session that raised it, its kind, its key there."""
    return f"{session}/{kind}/{local}"


def day_words(iso_day: str) -> str:
    """``2025-12-17`` as ``17 Dec 2025`` (left as it is when it is not a date)."""
    try:
        day = date.fromisoformat(iso_day[:10])
    except ValueError:
        return iso_day
    return f"{day.day} {day:%b %Y}"


# -- what the records say beyond the report: the carry-over links and the closes ---------------
@dataclass(frozen=True, slots=True)
class Close:
    """A participant answer that closes a ledger item (written from the series screen)."""

    answer_id: str
    item: str
    local: str | None
    """The item's key in the session holding the answer, when it is there."""
    text: str
    author: str


@dataclass(frozen=True, slots=True)
class Links:
    """One session's carry-over links and closing answers, read from its records."""

    carried: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    """(kind, key here) -> (earlier session, key there)."""
    closes: tuple[Close, ...] = ()


def _text(value: Any, limit: int = 200) -> str:
    return clean_text(value, limit, single_line=True) if isinstance(value, str) else ""


def read_links(records: Iterable[Record]) -> Links:
    """The links and closes of one session (records from another machine: read defensively)."""
    carried: dict[tuple[str, str], tuple[str, str]] = {}
    closes: list[Close] = []
    for r in records:
        if r.deleted:
            continue
        origin = r.data.get("carried_from")
        if isinstance(origin, dict) and r.kind in ("question", "note"):
            session = _text(origin.get("session"))
            earlier = _text(origin.get("key" if r.kind == "question" else "note"))
            if session and earlier:
                here = question_key(MANUAL, r.id) if r.kind == "question" else r.id
                carried[(QUESTION if r.kind == "question" else ACTION, here)] = (session, earlier)
        closes_ = r.data.get("closes")
        if r.kind == ANSWER_KIND and isinstance(closes_, dict) and _text(closes_.get("item")):
            name = r.data.get("author_name")
            closes.append(
                Close(
                    answer_id=r.id,
                    item=_text(closes_.get("item"), 400),
                    local=_text(closes_.get("local"), 400) or None,
                    text=clean_text(r.data.get("text")),
                    author=_text(name) if isinstance(name, str) and name else r.author,
                )
            )
    return Links(carried, tuple(closes))


# -- the ledger ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SessionRef:
    id: str
    date: str
    title: str


@dataclass(frozen=True, slots=True)
class Step:
    """One thing that happened to an item in one session."""

    session: str
    date: str
    what: str
    """``raised``, ``carried``, ``closed`` or ``re-opened``."""
    how: str = ""
    """For ``closed``: answered, done, dismissed, merged, or closed with a note."""
    note: str = ""
    author: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "session": self.session,
            "date": self.date,
            "what": self.what,
            "how": self.how,
            "note": self.note,
            "author": self.author,
        }


@dataclass(frozen=True, slots=True)
class LedgerItem:
    id: str
    kind: str
    text: str
    themes: tuple[str, ...]
    owner: str | None
    due: str | None
    raised_in: str
    raised_on: str
    open: bool
    sessions: int
    """Sessions of the series from the one that raised it to the newest (open) or to the
    one that closed it."""
    steps: tuple[Step, ...]
    keys: tuple[tuple[str, str], ...]
    """(session, the item's key there) for every session it appears in, oldest first."""
    row: ItemRow
    """Its row in the last session it appears in (for carrying it again)."""
    close: tuple[str, Close] | None = None
    """The closing answer that holds it closed, and the session holding that answer."""

    @property
    def last(self) -> Step:
        return self.steps[-1]

    @property
    def reopened(self) -> int:
        return sum(1 for s in self.steps if s.what == "re-opened")

    def key_in(self, session: str) -> str | None:
        return dict(self.keys).get(session)

    def age(self) -> str:
        """``open since 17 Dec 2025, 3 sessions`` or ``closed 21 Jan 2026 (answered), ...``."""
        span = f"{self.sessions} session{'s' if self.sessions != 1 else ''}"
        again = f", re-opened {day_words(self.last_reopen)}" if self.reopened else ""
        if self.open:
            return f"open since {day_words(self.raised_on)}{again}, {span}"
        return f"closed {day_words(self.last.date)} ({self.last.how}), open {span}"

    @property
    def last_reopen(self) -> str:
        return next(s.date for s in reversed(self.steps) if s.what == "re-opened")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "text": self.text,
            "themes": list(self.themes),
            "owner": self.owner,
            "due": self.due,
            "raised_in": self.raised_in,
            "raised_on": self.raised_on,
            "state": "open" if self.open else "closed",
            "age": self.age(),
            "sessions": self.sessions,
            "reopened": self.reopened,
            "steps": [s.to_json() for s in self.steps],
        }


TREND_WORDS = {"rising": "↑ rising", "falling": "↓ falling", "steady": "→ steady", "": "–"}


@dataclass(frozen=True, slots=True)
class ThemeRow:
    label: str
    counts: tuple[int, ...]
    """One per session of the ledger, oldest first."""
    trend: str
    """``rising``, ``falling``, ``steady``, or "" with fewer than two sessions."""

    def to_json(self) -> dict[str, Any]:
        return {"theme": self.label, "counts": list(self.counts), "trend": self.trend}


@dataclass(frozen=True, slots=True)
class Ledger:
    sessions: tuple[SessionRef, ...]
    items: tuple[LedgerItem, ...]
    """Grouped by the session that raised them (oldest first), in order of arrival."""
    themes: tuple[ThemeRow, ...]

    @property
    def open_items(self) -> list[LedgerItem]:
        return [i for i in self.items if i.open]

    def raised_in(self, session: str) -> list[LedgerItem]:
        return [i for i in self.items if i.raised_in == session]

    def item(self, ident: str) -> LedgerItem:
        for i in self.items:
            if i.id == ident:
                return i
        raise KeyError(f"no item {ident!r} in the ledger")

    def to_json(self) -> dict[str, Any]:
        return {
            "open": len(self.open_items),
            "closed": len(self.items) - len(self.open_items),
            "items": [i.to_json() for i in self.items],
            "themes_by_session": {
                "sessions": [s.id for s in self.sessions],
                "rows": [t.to_json() for t in self.themes],
            },
        }


class _Item:
    """An item while the sessions are read, oldest first."""

    def __init__(self, ident: str, kind: str, index: int, ref: SessionRef, row: ItemRow) -> None:
        self.ident, self.kind, self.row = ident, kind, row
        self.raised, self.raised_index = ref, index
        self.open: bool | None = None
        self.steps: list[Step] = []
        self.keys: list[tuple[str, str]] = []
        self.close: tuple[str, Close] | None = None
        self.last_index = index

    def move(
        self, index: int, ref: SessionRef, is_open: bool, how: str, close: Close | None
    ) -> None:
        """What the session at ``index`` left the item as."""
        if self.open is None:
            self.steps.append(Step(ref.id, ref.date, "raised"))
            what = "" if is_open else "closed"
        elif is_open:
            what = "carried" if self.open else "re-opened"
        else:
            what = "closed" if self.open else ""
            if not what:
                return  # still closed
        if what:
            note, author = (close.text, close.author) if close else ("", "")
            self.steps.append(Step(ref.id, ref.date, what, "" if is_open else how, note, author))
        self.close = (ref.id, close) if close else None
        self.open, self.last_index = is_open, index

    def freeze(self, newest: int) -> LedgerItem:
        row = self.row
        end = newest if self.open else self.last_index
        return LedgerItem(
            id=self.ident,
            kind=self.kind,
            text=row.text,
            themes=row.themes,
            owner=row.owner if isinstance(row, NoteRow) else None,
            due=row.due if isinstance(row, NoteRow) else None,
            raised_in=self.raised.id,
            raised_on=self.raised.date,
            open=bool(self.open),
            sessions=end - self.raised_index + 1,
            steps=tuple(self.steps),
            keys=tuple(self.keys),
            row=row,
            close=self.close,
        )


def _state(row: ItemRow) -> tuple[bool, str]:
    """Open or not at the end of a session, and how it was closed."""
    if isinstance(row, NoteRow):
        return (not row.done, "done")
    if row.merged_into is not None:
        return (False, "merged into another question")
    if row.status in FOLLOW_UP_STATUSES:
        return (True, "")
    return (False, row.status)


def build_ledger(sessions: Sequence[tuple[ReportData, Links]]) -> Ledger:
    """The ledger of ``sessions`` (oldest first, each with its links)."""
    refs = [SessionRef(r.session_id, r.date, r.title) for r, _ in sessions]
    items: dict[str, _Item] = {}
    where: dict[tuple[str, str, str], str] = {}
    for index, ((report, links), ref) in enumerate(zip(sessions, refs, strict=True)):
        rows: list[tuple[str, str, ItemRow]] = [(QUESTION, q.key, q) for q in report.questions]
        rows += [(ACTION, n.id, n) for n in report.actions]
        closes = {c.item: c for c in links.closes}
        touched: set[str] = set()
        for kind, local, row in rows:
            earlier = links.carried.get((kind, local))
            ident = where.get((earlier[0], kind, earlier[1])) if earlier else None
            is_open, how = _state(row)
            if ident is None:
                if not is_open and earlier is None:
                    continue  # answered or done where it was raised: never a commitment
                ident = item_id(ref.id, kind, local)
                items.setdefault(ident, _Item(ident, kind, index, ref, row))
            item = items[ident]
            where[(ref.id, kind, local)] = ident
            item.keys.append((ref.id, local))
            item.row = row
            close = closes.pop(ident, None)
            if close is not None:
                is_open, how = False, CLOSED_WITH_NOTE
            item.move(index, ref, is_open, how, close)
            touched.add(ident)
        for ident, close in closes.items():  # closed here, though the item is not carried here
            if ident in items and ident not in touched:
                items[ident].move(index, ref, False, CLOSED_WITH_NOTE, close)
    newest = len(refs) - 1
    order = {ref.id: n for n, ref in enumerate(refs)}
    built = sorted(
        (i.freeze(newest) for i in items.values()), key=lambda i: order[i.raised_in]
    )  # stable: arrival order within a session
    return Ledger(tuple(refs), tuple(built), theme_table([r for r, _ in sessions]))


# -- themes by session ------------------------------------------------------------------------
def raised_themes(r: ReportData) -> dict[str, int]:
    """Questions first raised in ``r`` (not carried, not dismissed) plus concerns, per theme."""
    counts: dict[str, int] = {}
    for q in r.questions:
        if q.merged_into is None and not q.carried_over and q.status != "dismissed":
            for label in q.themes:
                counts[label] = counts.get(label, 0) + 1
    for n in r.notes_of("concern"):
        for label in n.themes:
            counts[label] = counts.get(label, 0) + 1
    return counts


def trend(counts: Sequence[int]) -> str:
    """The newest count against the mean of the earlier ones ("" with fewer than two)."""
    if len(counts) < 2:
        return ""
    *before, newest = counts
    mean = sum(before) / len(before)
    if newest > mean:
        return "rising"
    return "falling" if newest < mean else "steady"


def theme_table(reports: Sequence[ReportData]) -> tuple[ThemeRow, ...]:
    per = [raised_themes(r) for r in reports]
    labels = list(dict.fromkeys(label for counts in per for label in counts))
    rows = []
    for label in labels:
        counts = tuple(c.get(label, 0) for c in per)
        rows.append(ThemeRow(label, counts, trend(counts)))
    return tuple(rows)
