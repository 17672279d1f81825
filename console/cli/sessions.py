"""``facilitator sessions``: list the sessions kept in the data folder."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from console.system.paths import data_dir

if TYPE_CHECKING:
    from console.store import SessionInfo


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "sessions",
        help="list sessions (newest first)",
        description="List the sessions in the data folder, newest first, with their state and "
        "when each began (started, or created if never started) in its agenda's time zone.",
    )
    p.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    p.set_defaults(handler=run)


def _state(started: object, finished: object) -> str:
    if finished:
        return "finished"
    return "running" if started else "not started"


class _Zones:
    """The time zone each session is shown in, as the console showed it: the one saved with
    the session, else its agenda's (looked up once per agenda), else this machine's."""

    def __init__(self) -> None:
        self._by_agenda: dict[str, tzinfo | None] = {}

    def of(self, info: SessionInfo) -> tzinfo:
        if info.timezone:
            try:
                return ZoneInfo(info.timezone)
            except (ZoneInfoNotFoundError, ValueError):
                pass
        if info.agenda not in self._by_agenda:
            self._by_agenda[info.agenda] = _agenda_zone(info.agenda)
        zone = self._by_agenda[info.agenda]
        return zone if zone is not None else _machine_zone()


def _agenda_zone(name: str) -> tzinfo | None:
    from console.agenda.errors import AgendaError
    from console.agenda.load import load_agenda, resolve_agenda

    if not name:
        return None
    try:
        return load_agenda(resolve_agenda(name)).tz
    except AgendaError:
        return None


def _machine_zone() -> tzinfo:
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None  # astimezone() always gives an aware datetime
    return zone


def _zone_name(zone: tzinfo) -> str:
    return zone.key if isinstance(zone, ZoneInfo) else str(zone)


def _json_row(info: SessionInfo, zone: tzinfo) -> dict[str, object]:
    row: dict[str, object] = {
        **info.to_json(),
        "path": str(info.path),
        "state": _state(info.started_at, info.finished_at),
        "timezone": _zone_name(zone),
    }
    for key in ("created_at", "started_at", "finished_at", "planned_start"):
        moment = getattr(info, key)
        row[key] = None if moment is None else moment.astimezone(zone).isoformat()
    return row


def run(args: argparse.Namespace) -> int:
    from console.store import list_sessions

    root = data_dir(getattr(args, "data_dir", None))
    rows = list_sessions(root)
    zones = _Zones()
    if getattr(args, "json", False):
        json.dump([_json_row(info, zones.of(info)) for info in rows], sys.stdout, indent=2)
        print()
        return 0
    if not rows:
        print(f"No sessions yet in {root}. Start one with: facilitator run")
        return 0
    for info in rows:
        flags = " (rehearsal)" if info.rehearsal else ""
        began = (info.started_at or info.created_at).astimezone(zones.of(info))
        when = began.strftime("%Y-%m-%d %H:%M %Z")
        print(
            f"{info.id:<32} {when:<21} {_state(info.started_at, info.finished_at):<11} "
            f"{info.title}{flags}"
        )
    return 0
