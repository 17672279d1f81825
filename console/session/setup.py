"""Deciding which session a console opens, before any UI exists.

The facilitator's console owns a session: it resumes the latest unfinished one of the same
agenda when it began within the last 12 hours (a crash or a quit mid-session must not start a
fresh record), otherwise it creates one. A note-taker's console only ever joins, and so does
a presenter's (``--role presenter``), which is read-only besides: it takes no lock and writes
nothing.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from console.agenda.load import load_agenda, resolve_agenda
from console.agenda.model import Agenda
from console.store import (
    SessionFolder,
    SessionInfo,
    StoreError,
    find_session,
    list_sessions,
    resumable_session,
)

RESUME_WITHIN = timedelta(hours=12)


class SetupError(Exception):
    """A plain-words reason the console cannot open (exit status 1)."""


@dataclass(frozen=True, slots=True)
class Launch:
    agenda: Agenda
    folder: SessionFolder
    author: str
    role: str
    read_only: bool
    created: bool
    message: str


def default_author() -> str:
    """The login name, so notes are attributed without any setup."""
    try:
        return getpass.getuser() or "facilitator"
    except (KeyError, OSError):
        return "facilitator"


def describe_sessions(root: Path) -> str:
    rows = list_sessions(root)
    if not rows:
        return "There are no sessions yet."
    lines = ["Sessions:"]
    lines += [f"  {info.id}  {info.title}  ({_state(info)})" for info in rows[:15]]
    return "\n".join(lines)


def _state(info: SessionInfo) -> str:
    if info.finished_at:
        return "finished"
    return "running" if info.started_at else "not started"


def prepare(
    *,
    root: Path,
    agenda_ref: str | None,
    session_ref: str | None,
    new: bool,
    role: str,
    author: str | None,
    read_only: bool,
    rehearsal: bool,
    follow_up_of: str | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Launch:
    """Resolve agenda and session for ``facilitator run``; raises SetupError in plain words.

    The author is ``author`` (``--author``). Without one, the facilitator's console takes the
    name a session it opens already has as its facilitator, or, for a new session, the
    agenda's ``[session] facilitator``; the login name serves when neither says. A new
    session keeps that name as its facilitator (the report names them).
    """
    if role == "notes":
        return _join(
            root, session_ref, agenda_ref, author or default_author(), "notes", read_only=read_only
        )
    if role == "presenter":
        if new or follow_up_of or rehearsal:
            raise SetupError(
                "A presenter's console joins a running session and never creates one: "
                "--new, --follow-up and --rehearsal are for the facilitator's console."
            )
        return _join(root, session_ref, agenda_ref, author or default_author(), "presenter")
    agenda = load_agenda(resolve_agenda(agenda_ref))
    if session_ref:
        folder = _find(root, session_ref)
        who = author or folder.info.facilitator or default_author()
        return Launch(
            dated_for(agenda_for(folder, agenda_ref) or agenda, folder.info),
            folder,
            who,
            role,
            read_only,
            False,
            f"Opened session {folder.info.id}.",
        )
    if read_only:
        raise SetupError("--read-only needs --session ID: a read-only console never creates one.")
    if follow_up_of:
        # Resolved before the new session exists: "latest" is the latest earlier session, and
        # an unknown one stops here instead of leaving an empty folder behind.
        follow_up_of = _find(root, follow_up_of).info.id
    if not new and not follow_up_of:
        info = resumable_session(root, agenda.name, now(), RESUME_WITHIN)
        if info is not None:
            folder = SessionFolder.open(info.path)
            who = author or info.facilitator or default_author()
            when = (info.started_at or info.created_at).astimezone(agenda.tz).strftime("%H:%M")
            return Launch(
                dated_for(agenda, folder.info),
                folder,
                who,
                role,
                read_only,
                False,
                f"Resumed session {info.id} (begun {when}).",
            )
    created = now()
    who = author or agenda.facilitator or default_author()
    folder = SessionFolder.create(
        root,
        agenda=agenda.name,
        title=agenda.title,
        facilitator=who,
        rehearsal=rehearsal,
        follow_up_of=follow_up_of,
        now=created,
        timezone=agenda.timezone,
        planned_start=None if agenda.date else agenda.planned_start(created),
    )
    kind = "rehearsal" if rehearsal else "session"
    said = f"Started new {kind} {folder.info.id}"
    said += f", a follow-up of {follow_up_of}." if follow_up_of else "."
    return Launch(dated_for(agenda, folder.info), folder, who, role, read_only, True, said)


def dated_for(agenda: Agenda, info: SessionInfo) -> Agenda:
    """The agenda as this session was planned: an undated agenda takes the start saved with
    the session, or, for a session saved before it had one, the start it would have got on
    the day it was created (the old bundled default was dated the day it was used)."""
    if agenda.date is not None:
        return agenda
    return agenda.planned_for(info.planned_start or agenda.planned_start(info.created_at))


def agenda_for(folder: SessionFolder, agenda_ref: str | None) -> Agenda | None:
    """The agenda a session was created with, when it can still be found."""
    if agenda_ref:
        return None
    try:
        return load_agenda(resolve_agenda(folder.info.agenda))
    except Exception:  # the agenda file moved or changed: the caller's default serves
        return None


def _find(root: Path, ref: str) -> SessionFolder:
    try:
        return find_session(root, ref)
    except StoreError as exc:
        raise SetupError(str(exc)) from exc


_JOINERS = {"notes": "A note-taker", "presenter": "A presenter's console"}
_JOINED_AS = {"notes": "a note-taker", "presenter": "the presenter (read-only)"}


def _join(
    root: Path,
    session_ref: str | None,
    agenda_ref: str | None,
    who: str,
    role: str,
    *,
    read_only: bool = True,
) -> Launch:
    """Join the named session, else the newest unfinished one (never create one)."""
    if session_ref:
        folder = _find(root, session_ref)
    else:
        running = [i for i in list_sessions(root) if not i.finished_at]
        if not running:
            raise SetupError(
                f"{_JOINERS[role]} joins a running session, and none is running here.\n"
                "Start the facilitator's console first, or name one with --session ID "
                "(a shared folder works too: --data-dir).\n" + describe_sessions(root)
            )
        folder = SessionFolder.open(running[0].path)
    agenda = agenda_for(folder, agenda_ref) or load_agenda(resolve_agenda(agenda_ref))
    return Launch(
        dated_for(agenda, folder.info),
        folder,
        who,
        role,
        read_only,
        False,
        f"Joined session {folder.info.id} as {_JOINED_AS[role]}.",
    )
