"""Who said "me too", as the console may know it: voter tokens, carried voters, merged counts.

A **voter token** is an HMAC of a participant's id under the form's own secret, cut to 16 hex
digits. The console gets tokens, never ids: its files (the feed cache, a carried question's
record) then hold nothing a participant's cookie could be matched to without the form's
secret, and tokens made by two forms with different secrets never match. The form
recognises its own tokens, so a question carried into the next session of a series keeps
its voters: the console sends them back (``POST /api/voters``) and a participant among them
cannot vote for it again (``carried_voters`` table). A series keeps one secret: a hosted
form keeps its folder, and a follow-up session's own form starts with the earlier
session's secret (``console.session.carry_over``).

**Merged questions count each voter once.** The console pushes ``duplicate_of``; a primary
and its duplicates form a group, and every question of the group shows the number of
distinct voters over the group (their votes and carried voters), the figure the board
computes from the same tokens. Only groups with a duplicate or carried voters are counted
here; any other question shows its own count.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import sqlite3
from collections.abc import Callable, Iterable, Mapping

from console.intake.formdb_schema import Decision

TOKEN_LENGTH = 16
VOTER_TOKEN = re.compile(r"[0-9a-f]{16}\Z")
MAX_VOTERS_PER_POST = 1000
"""Carried voters per ``POST /api/voters`` (a post stays well under the form's body cap)."""
CACHED_TOKENS = 100_000


def voter_token(key: bytes, participant: str) -> str:
    """The token the console knows this participant's votes by (the same for the same key)."""
    mac = hmac.new(key, f"voter:{participant}".encode(), hashlib.sha256)
    return mac.hexdigest()[:TOKEN_LENGTH]


class TokenMaker:
    """``voter_token`` under one key, remembered per participant (many reads ask again)."""

    def __init__(self, key: bytes) -> None:
        self.key = key
        self._known: dict[str, str] = {}

    def __call__(self, participant: str) -> str:
        token = self._known.get(participant)
        if token is None:
            if len(self._known) >= CACHED_TOKENS:
                self._known.clear()
            token = self._known[participant] = voter_token(self.key, participant)
        return token


def parse_voters(value: object) -> list[str]:
    """A posted list of voter tokens; ``ValueError`` in plain words when it is not one."""
    if not isinstance(value, list) or len(value) > MAX_VOTERS_PER_POST:
        raise ValueError(f"voters must be a list of at most {MAX_VOTERS_PER_POST} voter tokens")
    if not all(isinstance(v, str) and VOTER_TOKEN.match(v) for v in value):
        raise ValueError(f"each voter must be a token of {TOKEN_LENGTH} hex digits")
    return list(dict.fromkeys(value))


# -- queries (inside a transaction the store opened) --------------------------------------
def _chunks(ids: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def voters_of(
    conn: sqlite3.Connection, ids: Iterable[str], token: Callable[[str], str]
) -> dict[str, frozenset[str]]:
    """Each question's own voters as tokens: its votes and its carried voters."""
    wanted = list(dict.fromkeys(ids))
    out: dict[str, set[str]] = {qid: set() for qid in wanted}
    for chunk in _chunks(wanted):
        marks = ",".join("?" * len(chunk))
        for qid, who in conn.execute(
            f"SELECT question_id, participant FROM votes WHERE question_id IN ({marks})",  # noqa: S608
            chunk,
        ):
            out[qid].add(token(who))
        for qid, voter in conn.execute(
            f"SELECT question_id, voter FROM carried_voters WHERE question_id IN ({marks})",  # noqa: S608
            chunk,
        ):
            out[qid].add(voter)
    return {qid: frozenset(found) for qid, found in out.items()}


def add_carried(conn: sqlite3.Connection, qid: str, voters: list[str]) -> int:
    """Keep ``voters`` as having voted for ``qid`` in an earlier session; how many were new."""
    before = conn.total_changes
    conn.executemany(
        "INSERT OR IGNORE INTO carried_voters VALUES (?, ?)", [(qid, v) for v in voters]
    )
    return conn.total_changes - before


def is_carried_voter(conn: sqlite3.Connection, qid: str, voter: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM carried_voters WHERE question_id = ? AND voter = ?", (qid, voter)
    ).fetchone()
    return row is not None


def carried_for(conn: sqlite3.Connection, voter: str) -> frozenset[str]:
    """The questions this voter is carried for (they voted for them in an earlier session)."""
    rows = conn.execute("SELECT question_id FROM carried_voters WHERE voter = ?", (voter,))
    return frozenset(r[0] for r in rows)


def group_counts(
    conn: sqlite3.Connection,
    question_ids: Iterable[str],
    decisions: Mapping[str, Decision],
    token: Callable[[str], str],
) -> dict[str, int]:
    """The distinct voters of each merged group (and of each question with carried voters),
    for every question of such a group; questions not listed show their own count."""
    known = set(question_ids)
    groups: dict[str, set[str]] = {}
    for qid, d in decisions.items():
        if d.duplicate_of and d.duplicate_of in known and qid in known:
            groups.setdefault(d.duplicate_of, {d.duplicate_of}).add(qid)
    primary_of = {member: p for p, members in groups.items() for member in members}
    for (qid,) in conn.execute("SELECT DISTINCT question_id FROM carried_voters"):
        if qid in known and qid not in primary_of:
            groups[qid] = {qid}
            primary_of[qid] = qid
    if not groups:
        return {}
    voters = voters_of(conn, primary_of, token)
    out: dict[str, int] = {}
    for members in groups.values():
        union: set[str] = set()
        for member in members:
            union |= voters[member]
        out.update(dict.fromkeys(members, len(union)))
    return out
