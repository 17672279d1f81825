"""What the question form should hold, built from the board: the pusher's batch (pure).

The board in, JSON-ready dicts out: no form, no event loop, no network. It is apart from the
pusher (console/session/form_sync.py: requests, deadlines, retries, coalescing) so that what
reaches the participants can be read and tested on a board alone. The pusher calls these on
the board as it is at each attempt (the latest state wins) and sends only what differs from
what the form last acknowledged.

What the form should hold:

- every question of the target's sources (the ``intake`` preset's labels): published, hidden
  (also for a question holding one of the agenda's held words that is not published, so an
  ``open`` form without the word list still keeps it off the list), the participants' state
  (``Board.participant_state``: a merged duplicate shows its primary's), ``duplicate_of``
  (when the primary is on the form too) and the participant answers, public and private (a
  duplicate whose primary is not on the form carries copies of the primary's public ones):
  ``decisions``;
- questions the facilitator typed in and published (or took live): ``typed_in_to_create``
  gives the body that creates one on the form under the console's own record id; once
  created, it is decided like the others;
- at most ``MAX_BATCH`` decisions and about ``PUSH_BYTES`` per push: ``chunks`` (the form takes
  8 MiB from the console, and a push that size would hold its event loop too long).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from typing import Any

from console.board.answers import ParticipantAnswer
from console.board.model import Board
from console.board.question import MANUAL

MAX_BATCH = 1000
"""The form takes at most 1,000 decisions per push (``console.intake.visibility.MAX_BATCH``)."""

PUSH_BYTES = 1024 * 1024
"""About the most one push carries (as JSON); one question larger than this goes alone."""

Payload = dict[str, Any]


def form_id(key: str, target_labels: Collection[str], typed_in: Collection[str]) -> str | None:
    """The form's id of a board question, or None when the question is not on that form.

    A question of one of the target's sources has the form's id after its label; a typed-in
    question has its record id, once created there (``typed_in``).
    """
    label, sep, source_id = key.partition(":")
    if not sep:
        return None
    if label in target_labels:
        return source_id
    if label == MANUAL and source_id in typed_in:
        return source_id
    return None


def typed_in_to_create(board: Board, created: Collection[str]) -> list[tuple[str, Payload]]:
    """The typed-in questions to create on the form: published (or taken live), not hidden,
    not there yet. ``(record id, body of POST /api/questions)``; the asker's name goes only
    when it was given for display."""
    out: list[tuple[str, Payload]] = []
    for key in board.keys():
        label, _, rid = key.partition(":")
        if label != MANUAL or rid in created:
            continue
        q = board.get(key)
        if not q.published or q.hidden:
            continue
        body: Payload = {"id": rid, "text": q.text, "published": True}
        if q.asker and q.display_name:
            body |= {"name": q.asker, "display_name": True}
        out.append((rid, body))
    return out


def decisions(
    board: Board, target_labels: Collection[str], typed_in: Collection[str] = ()
) -> dict[str, Payload]:
    """Every decision the form should hold now, by the form's question id."""
    out: dict[str, Payload] = {}
    for key in board.keys():
        fid = form_id(key, target_labels, typed_in)
        if fid is None:
            continue
        q = board.get(key)
        primary = q.merged_into if q.merged_into and board_has(board, q.merged_into) else None
        primary_fid = form_id(primary, target_labels, typed_in) if primary else None
        answers = [_answer(a) for a in q.participant_answers]
        if primary is not None and primary_fid is None:
            # The primary is not on the form: its public answers travel with the duplicate.
            answers += [
                _answer(a, f"{a.id}@{fid}")
                for a in board.get(primary).participant_answers
                if a.public
            ]
        out[fid] = {
            "id": fid,
            "published": q.published,
            "hidden": q.hidden or (q.held and not q.published),
            "state": board.participant_state(key),
            "duplicate_of": primary_fid,
            "answers": answers,
        }
    return out


def board_has(board: Board, key: str) -> bool:
    try:
        board.get(key)
    except KeyError:
        return False
    return True


def _answer(a: ParticipantAnswer, aid: str | None = None) -> Payload:
    return {
        "id": aid or a.id,
        "text": a.text,
        "public": a.public,
        "author": a.author,
        "answered_at": a.answered_at.isoformat() if a.answered_at else None,
    }


def chunks(
    items: list[Payload], size: int = MAX_BATCH, max_bytes: int = PUSH_BYTES
) -> Iterable[list[Payload]]:
    """The items in pushes of at most ``size`` items and about ``max_bytes`` of JSON each."""
    batch: list[Payload] = []
    used = 0
    for item in items:
        cost = len(json.dumps(item)) + 2  # ASCII-escaped: at least what is sent
        if batch and (len(batch) == size or used + cost > max_bytes):
            yield batch
            batch, used = [], 0
        batch.append(item)
        used += cost
    if batch:
        yield batch
