"""A session's decision log read from its folder: who decided what about each question, when,
and the windows in which each question was live.

Plain functions over a folder (or its path), for everything that reads the session after the
fact: the report (console/report/build.py), caption alignment and the records packet. The log
itself, and how it is written, is console/board/decisions.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from console.board.decisions import DECISION_KIND, Decision, DecisionLog
from console.board.decisions import answered_at as _answered_at
from console.board.decisions import live_windows as _windows
from console.store import Record, SessionFolder


def log_of(records: Iterable[Record]) -> DecisionLog:
    """The log held by some records (merged or not; other kinds are passed over)."""
    log = DecisionLog()
    for record in records:
        if record.kind == DECISION_KIND:
            log.take(record)
    return log


def _records(folder: SessionFolder | Path, extra: Iterable[Record]) -> list[Record]:
    opened = folder if isinstance(folder, SessionFolder) else SessionFolder.open(Path(folder))
    found, _warnings = opened.read_all()
    return [*found.values(), *extra]


def decision_log(folder: SessionFolder | Path, extra: Iterable[Record] = ()) -> list[Decision]:
    """Every entry of the session's log, oldest first (``extra``: records copied in, as
    ``--merge`` gives them). Raises ``StoreError`` when the folder is no session."""
    return log_of(_records(folder, extra)).all()


def live_windows(
    folder: SessionFolder | Path, extra: Iterable[Record] = ()
) -> dict[str, list[tuple[datetime, datetime | None]]]:
    """Per question key: when it was live, as (from, until) in UTC, oldest first.

    A question can go live more than once (one window each); one still live when the log
    ends has ``None`` as its end (clamp it to the session's finish if you need one). Keys
    never taken live are absent. Raises ``StoreError`` when the folder is no session.
    """
    log = log_of(_records(folder, extra))
    out = {key: _windows(log.of(key)) for key in log.keys()}
    return {key: windows for key, windows in out.items() if windows}


def answered_times(
    folder: SessionFolder | Path, extra: Iterable[Record] = ()
) -> dict[str, datetime]:
    """Per question key: when it was last marked answered (keys never answered are absent)."""
    log = log_of(_records(folder, extra))
    out = {key: _answered_at(log.of(key)) for key in log.keys()}
    return {key: moment for key, moment in out.items() if moment is not None}
