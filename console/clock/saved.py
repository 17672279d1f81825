"""Saving and restoring the run-of-show clock as JSON-safe data.

Segments are keyed by id, so a restored clock finds its logs again after the agenda was
reordered. Saved state is checked before it is used: a file written by hand or by a newer
console gets a ValueError naming the field, never a half-built clock that fails later.

Schema 2 adds ``rebased_from`` (the agenda's start a rebased clock left behind, see
``REBASE_AFTER``) and the REBASED event. A clock that was not rebased is still written as
schema 1, which it is, so a console from before schema 2 keeps reading it; one that was
rebased is written as schema 2, which such a console refuses by name instead of misreading
the session as months late.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from console.clock.model import (
    ClockEvent,
    EventKind,
    Phase,
    PlannedSegment,
    Run,
    SegmentLog,
    StaleClockState,
    iso,
    parse_iso,
)

SCHEMA = 2
"""The newest schema, read and written; ``READABLE`` lists every schema this console reads."""
READABLE = (1, 2)


def _iso_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else iso(moment)


def dump_state(
    *,
    phase: Phase,
    scheduled_start: datetime,
    current_id: str,
    started_at: datetime | None,
    finished_at: datetime | None,
    last_change: datetime | None,
    armed: bool,
    logs: Sequence[SegmentLog],
    events: Sequence[ClockEvent],
    rebased_from: datetime | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema": 1 if rebased_from is None else SCHEMA,
        "phase": phase.value,
        "scheduled_start": iso(scheduled_start),
        "current": current_id,
        "started_at": _iso_or_none(started_at),
        "finished_at": _iso_or_none(finished_at),
        "last_change": _iso_or_none(last_change),
        "auto_advance_armed": armed,
        "segments": {
            log.segment_id: {
                "extra_seconds": log.extra_seconds,
                "runs": [run.to_dict() for run in log.runs],
            }
            for log in logs
        },
        "events": [event.to_dict() for event in events],
    }
    if rebased_from is not None:
        data["rebased_from"] = iso(rebased_from)
    return data


@dataclass(slots=True)
class SavedClock:
    """Saved state checked and mapped onto the current agenda's indices."""

    phase: Phase
    current: int
    started_at: datetime | None
    finished_at: datetime | None
    last_change: datetime | None
    armed: bool
    runs: list[list[Run]]
    extra: list[float]
    events: list[ClockEvent]
    warnings: list[str]
    rebased_from: datetime | None = None


def _get(data: Mapping[str, Any], key: str, kinds: type, what: str) -> Any:
    value = data.get(key)
    if not isinstance(value, kinds):
        raise ValueError(f"clock state: {what}.{key} has the wrong type: {value!r}")
    return value


def _moment(data: Mapping[str, Any], key: str, what: str) -> datetime | None:
    value = data.get(key)
    return None if value is None else parse_iso(value, f"{what}.{key}")


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"clock state: {what} must be a finite number, got {value!r}")
    return float(value)


def _load_run(raw: Any, what: str) -> Run:
    if not isinstance(raw, Mapping):
        raise ValueError(f"clock state: {what} must be an object")
    start = parse_iso(raw.get("start"), f"{what}.start")
    end = _moment(raw, "end", what)
    pauses: list[tuple[datetime, datetime | None]] = []
    for n, pair in enumerate(_get(raw, "pauses", list, what)):
        if not isinstance(pair, list) or len(pair) != 2:
            raise ValueError(f"clock state: {what}.pauses[{n}] must be [start, end]")
        ps = parse_iso(pair[0], f"{what}.pauses[{n}][0]")
        pe = None if pair[1] is None else parse_iso(pair[1], f"{what}.pauses[{n}][1]")
        pauses.append((ps, pe))
    _check_run_order(start, end, pauses, what)
    return Run(start, end, tuple(pauses))


def _check_run_order(
    start: datetime,
    end: datetime | None,
    pauses: list[tuple[datetime, datetime | None]],
    what: str,
) -> None:
    cursor = start
    for n, (ps, pe) in enumerate(pauses):
        last = n == len(pauses) - 1
        if ps < cursor or (pe is not None and pe < ps) or (pe is None and not last):
            raise ValueError(f"clock state: {what}.pauses[{n}] is out of order")
        cursor = pe or ps
    if end is not None and (end < cursor or (pauses and pauses[-1][1] is None)):
        raise ValueError(f"clock state: {what} ends before it starts or inside a pause")


def _load_event(raw: Any, what: str) -> ClockEvent:
    if not isinstance(raw, Mapping):
        raise ValueError(f"clock state: {what} must be an object")
    try:
        kind = EventKind(str(raw.get("kind")))
    except ValueError:
        raise ValueError(f"clock state: {what}.kind is unknown: {raw.get('kind')!r}") from None
    ids = []
    for key in ("segment_id", "from_segment_id"):
        value = raw.get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"clock state: {what}.{key} must be a string or null")
        ids.append(value)
    seconds = raw.get("seconds")
    return ClockEvent(
        kind=kind,
        at=parse_iso(raw.get("at"), f"{what}.at"),
        segment_id=ids[0],
        from_segment_id=ids[1],
        seconds=None if seconds is None else _number(seconds, f"{what}.seconds"),
        planned_at=_moment(raw, "planned_at", what),
    )


def load_state(data: Mapping[str, Any], segments: Sequence[PlannedSegment]) -> SavedClock:
    """Check saved state and map it onto ``segments`` (see ``RunOfShow.from_dict``)."""
    if not isinstance(data, Mapping):
        raise ValueError("clock state must be a JSON object")
    schema = data.get("schema")
    if isinstance(schema, bool) or schema not in READABLE:
        raise ValueError(
            f"clock state: schema {schema!r} is not supported (this console reads schema "
            f"{' and '.join(map(str, READABLE))})"
        )
    try:
        phase = Phase(str(data.get("phase")))
    except ValueError:
        raise ValueError(f"clock state: unknown phase {data.get('phase')!r}") from None
    index_of = {segment.id: i for i, segment in enumerate(segments)}
    warnings: list[str] = []
    current_id = data.get("current")
    live = phase in (Phase.RUNNING, Phase.PAUSED)
    if current_id in index_of:
        current = index_of[current_id]
    elif live:
        raise StaleClockState(
            f"the segment in play when the clock was saved ({current_id!r}) is no longer in "
            "the agenda; start the clock afresh or restore the agenda"
        )
    else:
        current = 0

    runs: list[list[Run]] = [[] for _ in segments]
    extra = [0.0 for _ in segments]
    for seg_id, raw in _get(data, "segments", Mapping, "state").items():
        what = f"segments[{seg_id!r}]"
        if not isinstance(raw, Mapping):
            raise ValueError(f"clock state: {what} must be an object")
        loaded = [
            _load_run(r, f"{what}.runs[{n}]") for n, r in enumerate(_get(raw, "runs", list, what))
        ]
        granted = _number(raw.get("extra_seconds", 0.0), f"{what}.extra_seconds")
        if seg_id not in index_of:
            warnings.append(f"dropped the log of segment {seg_id!r}: it is no longer in the agenda")
            continue
        i = index_of[seg_id]
        floor = -segments[i].planned_seconds
        if granted < floor:
            warnings.append(
                f"segment {seg_id!r} is shorter now: time taken away capped at its length"
            )
            granted = floor
        runs[i], extra[i] = loaded, granted

    started_at = _moment(data, "started_at", "state")
    finished_at = _moment(data, "finished_at", "state")
    last_change = _moment(data, "last_change", "state")
    _check_phase(phase, current, runs, started_at, finished_at, last_change)
    rebased_from = _moment(data, "rebased_from", "state")
    if rebased_from is not None and (schema == 1 or started_at is None):
        raise ValueError("clock state: rebased_from needs schema 2 and a started clock")
    events = [
        _load_event(raw, f"events[{n}]")
        for n, raw in enumerate(_get(data, "events", list, "state"))
    ]
    armed = _get(data, "auto_advance_armed", bool, "state")
    return SavedClock(
        phase,
        current,
        started_at,
        finished_at,
        last_change,
        armed,
        runs,
        extra,
        events,
        warnings,
        rebased_from,
    )


def _check_phase(
    phase: Phase,
    current: int,
    runs: list[list[Run]],
    started_at: datetime | None,
    finished_at: datetime | None,
    last_change: datetime | None,
) -> None:
    """The timestamps and open runs must match the phase, or later queries would misbehave."""
    open_runs = [(i, r) for i, rs in enumerate(runs) for r in rs if r.end is None]
    if phase is Phase.IDLE:
        if any(runs) or started_at is not None:
            raise ValueError("clock state: an idle clock has no runs and no start time")
        return
    if started_at is None or last_change is None:
        raise ValueError(f"clock state: a {phase.value} clock needs started_at and last_change")
    if (phase is Phase.FINISHED) != (finished_at is not None):
        raise ValueError("clock state: finished_at is set exactly when the phase is finished")
    latest = max((m for rs in runs for r in rs for m in _moments(r)), default=started_at)
    if latest > last_change:
        raise ValueError("clock state: last_change is earlier than the log it follows")
    if phase is Phase.FINISHED:
        if open_runs:
            raise ValueError("clock state: a finished clock has a segment still open")
        return
    if len(open_runs) != 1 or open_runs[0][0] != current or runs[current][-1].end is not None:
        raise ValueError("clock state: the segment in play must be the only one left open")
    run = open_runs[0][1]
    paused_open = bool(run.pauses) and run.pauses[-1][1] is None
    if paused_open != (phase is Phase.PAUSED):
        raise ValueError("clock state: an open pause exists exactly when the clock is paused")


def _moments(run: Run) -> list[datetime]:
    found = [run.start]
    if run.end is not None:
        found.append(run.end)
    for ps, pe in run.pauses:
        found.append(ps)
        if pe is not None:
            found.append(pe)
    return found
