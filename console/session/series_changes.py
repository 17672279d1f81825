"""Closing and re-opening the series' commitments: the records the series screen writes.

Both are written into the newest session of the series (the one the console has open), in
this console's own file, like every other change:

- closing an item is a participant answer (``console.board.answers``) whose ``closes`` names
  the item; its ``question_key`` is the item's question on this board when it was carried
  here (participants read the answer under it), else ``ledger:<item>``, which no page shows;
- re-opening takes that answer back (a tombstone) when this session holds it; an item closed
  in an earlier session is carried here again, as ``run --follow-up`` would have carried it,
  so it is back on the board or in the notes. One closed by what this session did (answered,
  done) is re-opened on the board or in the notes themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from console.board.answers import ANSWER_KIND, answer_data, author_name, check_text
from console.report.ledger import LEDGER_KEY, QUESTION, Ledger, LedgerItem
from console.report.model import NoteRow, ReportData
from console.session.carry_over import Earlier, action_record, question_records
from console.store import Record, new_id


class SeriesChangeError(ValueError):
    """Why an item cannot be closed or re-opened here, in the words staff read."""


def _stamp(now: datetime) -> str:
    return now.astimezone(UTC).isoformat(timespec="microseconds")


def close_record(
    item: LedgerItem,
    newest: str,
    text: str,
    *,
    public: bool,
    author: str,
    now: datetime,
) -> Record:
    """The participant answer closing ``item`` in the session ``newest``, by ``author``.

    ``public`` counts only for a question carried into ``newest`` (the others have no page).
    Raises ``SeriesChangeError`` for a closed item, ``ValueError`` for an empty or long note.
    """
    if not item.open:
        raise SeriesChangeError("This item is closed already.")
    local = item.key_in(newest)
    on_board = item.kind == QUESTION and local is not None
    key = local if on_board and local is not None else LEDGER_KEY + item.id
    stamp = _stamp(now)
    data = answer_data(
        key, check_text(text), public and on_board, author_name(None, author), author, stamp
    )
    data["closes"] = {"item": item.id, "local": local}
    return Record(ANSWER_KIND, new_id(), author, 1, stamp, False, data)


@dataclass(frozen=True, slots=True)
class Reopen:
    """How to re-open an item: take back the closing answer ``take_back``, or save ``carry``."""

    take_back: str | None = None
    carry: tuple[Record, ...] = ()


def reopen(
    item: LedgerItem, ledger: Ledger, reports: tuple[ReportData, ...], author: str, now: datetime
) -> Reopen:
    """What re-opens ``item`` in the newest session of ``ledger``.

    Raises ``SeriesChangeError`` when it is open, or was closed by what the newest session
    itself did (then the board or the notes re-open it).
    """
    if item.open:
        raise SeriesChangeError("This item is open already.")
    newest = ledger.sessions[-1].id
    if item.close is not None and item.close[0] == newest:
        return Reopen(take_back=item.close[1].answer_id)
    last = item.keys[-1][0]
    if last == newest:
        where = "board (defer it)" if item.kind == QUESTION else "notes (mark it not done)"
        raise SeriesChangeError(
            f"It was {item.last.how} in this session: re-open it on the {where}."
        )
    stamp = _stamp(now)
    row = item.row
    if not isinstance(row, NoteRow):
        return Reopen(carry=tuple(question_records(last, row, author, stamp)))
    report = next(r for r in reports if r.session_id == last)
    started = datetime.fromisoformat(report.started_at or f"{report.date}T00:00:00+00:00")
    earlier = Earlier(last, report.title, started)
    return Reopen(carry=(action_record(earlier, row, author, stamp),))
