"""Carry an earlier session's open items into the next session of the series.

``facilitator run --follow-up SESSION`` creates a session whose board starts with the earlier
session's deferred and never-reached questions and whose notes start with its open action
items, each marked carried over. Record ids are derived from the earlier session and item,
so running the carry-over twice (two consoles, a restart) merges into the same records
instead of duplicating them.

A carried question keeps its votes and, when the built-in form named them, its voters (the
form's voter tokens, ``carried_from.voters``): the next session's form is sent them, so a
participant who voted before counts once across the series and cannot vote for it again.
For that form to know the same participant, the follow-up's own form starts with the
earlier session's form secret (``intake/server-secret``): the participant cookie it signed
stays valid, and the participant keeps their id.
An item staff closed in the earlier session from the series screen (a closing participant
answer, ``console.report.ledger``) stays behind.

When the agenda names a segment for the carried items (``carried_item_minutes``), the console
proposes its length: the items carried times those minutes (``carried_length``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from console.agenda.model import Agenda
from console.board.question import MANUAL, question_key
from console.report.build import build_report
from console.report.ledger import read_links
from console.report.model import NoteRow, QuestionRow
from console.report.words import plural
from console.store import Record, SessionFolder, SessionInfo, find_session

CARRIED_ORIGIN = "carried"
FORM_FOLDER = "intake"
"""A session's own form folder (``console.session.form_host.INTAKE_FOLDER``; that module
opens sessions, so it is not imported from here)."""


def _carried_id(session_id: str, kind: str, item: str) -> str:
    digest = hashlib.blake2b(f"{session_id}\0{kind}\0{item}".encode(), digest_size=12)
    return "carried-" + digest.hexdigest()


def carry_over_records(
    folder: SessionFolder, earlier_ref: str, author: str, now: Callable[[], datetime]
) -> list[Record]:
    """Records for ``folder``'s new session: open questions and action items of the earlier one.

    ``earlier_ref`` is an id, an id prefix, ``latest`` or a folder (``find_session``); it is
    looked up in the same data directory as ``folder``. Raises ``StoreError`` when it is not
    found.
    """
    root = folder.path.parent.parent
    earlier = find_session(root, earlier_ref)
    moment = now()
    report = build_report(earlier, now=moment, with_names=True)
    records, _warnings = earlier.read_all()  # the report's build names any problem
    closed = {c.local for c in read_links(records.values()).closes if c.local}
    stamp = moment.astimezone(UTC).isoformat(timespec="microseconds")
    out: list[Record] = []
    for q in report.follow_up:
        if q.key not in closed:
            out += question_records(earlier.info.id, q, author, stamp)
    for note in report.open_actions:
        if note.id not in closed:
            out.append(action_record(earlier_of(earlier.info), note, author, stamp))
    share_form_secret(earlier, folder)
    return out


def share_form_secret(earlier: SessionFolder, folder: SessionFolder) -> bool:
    """Give ``folder``'s own question form the earlier session's secret, unless it has one.

    The secret signs the participant cookie and keys the voter tokens, so with it the same
    browser is the same participant in both sessions. True when it was copied.
    """
    from console.intake.tokens import copy_server_secret

    return copy_server_secret(earlier.path / FORM_FOLDER, folder.path / FORM_FOLDER)


@dataclass(frozen=True, slots=True)
class Earlier:
    """The session an item is carried from, as a carried action item names it."""

    id: str
    title: str
    started_at: datetime


def earlier_of(info: SessionInfo) -> Earlier:
    return Earlier(info.id, info.title, info.started_at or info.created_at)


@dataclass(frozen=True, slots=True)
class CarriedLength:
    """The length the console proposes for the segment that takes the carried items."""

    index: int
    segment_id: str
    title: str
    planned_minutes: float
    items: int
    per_item: float

    @property
    def minutes(self) -> float:
        return self.items * self.per_item

    def question(self) -> str:
        """The proposal in the facilitator's words."""
        return (
            f"{plural(self.items, 'item')} carried over × {self.per_item:g} min = "
            f"{self.minutes:g} min for “{self.title}”; the agenda plans {self.planned_minutes:g} "
            "min. Use the proposed length for this session?"
        )


def carried_length(agenda: Agenda, records: list[Record]) -> CarriedLength | None:
    """The proposal for ``records`` carried over: None when the agenda names no segment for
    them (``carried_item_minutes``), nothing was carried, or the plan already fits."""
    items = sum(1 for r in records if r.kind in ("question", "note"))
    for index, segment in enumerate(agenda.segments):
        per_item = segment.carried_item_minutes
        if per_item is None or not items:
            continue
        found = CarriedLength(index, segment.id, segment.title, segment.minutes, items, per_item)
        return None if found.minutes == segment.minutes else found
    return None


def describe_carried(records: list[Record], earlier: str) -> str:
    """``"4 questions and 2 action items carried over from <id>."`` (or that none were)."""
    questions = sum(1 for r in records if r.kind == "question")
    actions = sum(1 for r in records if r.kind == "note")
    if not questions and not actions:
        return f"Nothing carried over: {earlier} has no open questions or action items."
    return (
        f"{plural(questions, 'question')} and {plural(actions, 'action item')} "
        f"carried over from {earlier}."
    )


def question_records(session_id: str, q: QuestionRow, author: str, stamp: str) -> list[Record]:
    """A question carried from ``session_id`` (and its flag and themes, when it has them)."""
    rid = _carried_id(session_id, "question", q.key)
    origin: dict[str, object] = {
        "session": session_id,
        "key": q.key,
        "status": q.status,
        "votes": q.votes,
    }
    if q.voters:
        origin["voters"] = list(q.voters)
    data = {
        "text": q.text,
        "asker": q.asker,
        "origin": CARRIED_ORIGIN,
        "segment_id": None,
        "created_at": q.submitted_at or stamp,
        "display_name": False,
        "carried_over": True,
        "carried_from": origin,
    }
    records = [Record("question", rid, author, 1, stamp, False, data)]
    if q.themes or q.starred:
        # The decision record carries the flag and themes so the board shows both at once.
        mod = {
            "status": "new",
            "themes": list(q.theme_ids),
            "carried_over": True,
            "starred": q.starred,
        }
        key = question_key(MANUAL, rid)
        records.append(Record("moderation", key, author, 1, stamp, False, mod))
    return records


def action_record(earlier: Earlier, note: NoteRow, author: str, stamp: str) -> Record:
    """The carried item names the earlier session by title and start too, so the note panes
    can say where it came from without opening another session's folder."""
    started = earlier.started_at
    data = {
        "kind": "action",
        "text": note.text,
        "themes": list(note.theme_ids),
        "owner": note.owner,
        "due": note.due,
        "done": False,
        "segment_id": None,
        "question_key": None,
        "created_at": stamp,
        "carried_over": True,
        "carried_from": {
            "session": earlier.id,
            "title": earlier.title,
            "started_at": started.astimezone(UTC).isoformat(),
            "note": note.id,
            "author": note.author,
        },
    }
    return Record("note", _carried_id(earlier.id, "note", note.id), author, 1, stamp, False, data)
