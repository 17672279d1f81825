"""The form's SQLite store: WAL mode, one vote per participant, emails apart, the old
intake.json copied in once, and nothing confirmed lost when `form serve` is SIGKILLed."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest

from console.intake.formdb import BACKUP_FILE, DB_FILE, DecisionBatch, FormDB
from console.intake.submissions import Cursor, StoreWriteError
from tests.unit.test_intake_command import RUNNER, _read_until

WHEN = "2025-12-17T20:41:07.512+00:00"


def fields(qid: str, text: str = "Where is the plan?", **extra: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": qid,
        "text": text,
        "name": None,
        "display_name": False,
        "email": None,
        "topic": None,
        "theme_id": None,
        "submitted_at": WHEN,
    }
    return base | extra


async def test_database_is_in_wal_mode_and_private(tmp_path: Path) -> None:
    db = FormDB(tmp_path)
    await db.start()
    await db.add(**fields("a"))
    db.close()
    path = tmp_path / DB_FILE
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_emails_live_apart_from_question_text(tmp_path: Path) -> None:
    db = FormDB(tmp_path)
    await db.start()
    await db.add(**fields("a", email="dana@example.org", language="es", participant="p1"))
    q = await db.get("a")
    assert q is not None and q.language == "es" and q.participant == "p1"
    assert "dana@example.org" not in repr(q)
    assert await db.emails(["a"]) == {"a": "dana@example.org"}
    db.close()
    with sqlite3.connect(tmp_path / DB_FILE) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(questions)")]
        assert "email" not in columns
        assert conn.execute("SELECT email FROM emails").fetchall() == [("dana@example.org",)]


async def test_one_vote_per_participant_and_question(tmp_path: Path) -> None:
    db = FormDB(tmp_path)
    await db.start()
    await db.add(**fields("a"))
    assert await db.vote("p1", "a", WHEN) is True
    for _ in range(5):
        assert await db.vote("p1", "a", WHEN) is False
    assert await db.vote("p2", "a", WHEN) is True
    assert await db.vote("p1", "nope", WHEN) is None
    q = await db.get("a")
    assert q is not None and q.votes == 2
    assert await db.voted_by("p1") == frozenset({"a"})
    counts = await db.counts()
    assert counts["votes"] == 2 and counts["participants"] == 2
    db.close()
    with sqlite3.connect(tmp_path / DB_FILE) as conn, pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO votes VALUES ('p1', 'a', 'now')")


async def test_a_vote_moves_the_question_past_the_cursor(tmp_path: Path) -> None:
    db = FormDB(tmp_path)
    await db.start()
    await db.add(**fields("a"))
    await db.add(**fields("b"))
    first = await db.after(0)
    assert [q.id for q in first] == ["a", "b"]
    cursor = Cursor(db.epoch, first[-1].changed)
    assert await db.after(db.start_of(cursor)) == []
    await db.vote("p1", "a", WHEN)
    again = await db.after(db.start_of(cursor))
    assert [(q.id, q.votes) for q in again] == [("a", 1)]
    assert db.start_of(Cursor("other", 99)) == 0
    db.close()


async def test_decisions_are_idempotent_and_answers_replace(tmp_path: Path) -> None:
    from console.intake.visibility import parse_decisions

    db = FormDB(tmp_path)
    await db.start()
    await db.add(**fields("a"))
    batch = {
        "mode": "open",
        "decisions": [
            {
                "id": "a",
                "published": True,
                "state": "answered",
                "answers": [{"id": "x1", "text": "Yes.", "public": True, "author": "Host"}],
            },
            {"id": "ghost", "hidden": True},
        ],
    }
    for _ in range(2):
        assert await db.apply_decisions(parse_decisions(batch)) == ["ghost"]
        snap = await db.snapshot()
        d = snap.decision("a")
        assert (d.published, d.state, [a.text for a in d.answers]) == (True, "answered", ["Yes."])
        assert (await db.counts())["answers"] == 1
    assert db.mode_override == "open"
    await db.apply_decisions(parse_decisions([{"id": "a", "answers": []}]))
    snap = await db.snapshot()
    assert snap.decision("a").answers == () and snap.decision("a").state == "answered"
    await db.apply_decisions(DecisionBatch())
    db.close()
    again = FormDB(tmp_path)
    await again.start()
    assert again.mode_override == "open"
    again.close()


async def test_old_intake_json_is_copied_once_and_kept(tmp_path: Path) -> None:
    old = {
        "_meta": {"1": {"schema": 1, "epoch": "3f9a1c2e"}},
        "questions": {
            "1": {"seq": 1, "id": "q1", "text": "First", "name": "Ana", "display_name": True,
                  "email": "ana@example.org", "topic": "Drills", "theme_id": "drills",
                  "submitted_at": WHEN},
            "2": {"seq": 2, "id": "q2", "text": "Second <b>", "name": None,
                  "display_name": False, "email": None, "topic": None, "theme_id": None,
                  "submitted_at": WHEN},
        },
    }  # fmt: skip
    (tmp_path / "intake.json").write_text(json.dumps(old))
    db = FormDB(tmp_path)
    await db.start()
    assert db.migrated == 2 and db.epoch == "3f9a1c2e"
    items = await db.after(0)
    assert [(q.id, q.text, q.name, q.display_name) for q in items] == [
        ("q1", "First", "Ana", True),
        ("q2", "Second <b>", None, False),
    ]
    # The board's old cursor goes on where it was: nothing new after "3f9a1c2e.2".
    assert await db.after(db.start_of(Cursor.parse("3f9a1c2e.2"))) == []
    assert await db.emails(["q1", "q2"]) == {"q1": "ana@example.org"}
    db.close()
    assert not (tmp_path / "intake.json").exists()
    assert json.loads((tmp_path / BACKUP_FILE).read_text()) == old
    again = FormDB(tmp_path)
    await again.start()
    assert again.migrated is None and len(await again.after(0)) == 2
    again.close()


async def test_unreadable_intake_json_is_kept_aside(tmp_path: Path) -> None:
    (tmp_path / "intake.json").write_text("{not json")
    db = FormDB(tmp_path)
    await db.start()
    assert db.recovered_from is not None and db.recovered_from.exists()
    assert await db.after(0) == []
    db.close()


# -- a real process, killed ------------------------------------------------------------------
def _start(tmp_path: Path) -> tuple[subprocess.Popen[str], str]:
    env = {k: v for k, v in os.environ.items() if k != "FACILITATOR_FORM_TOKEN"}
    env["HOME"] = str(tmp_path)
    argv = [sys.executable, "-c", RUNNER, "--data-dir", str(tmp_path / "data")]
    proc = subprocess.Popen(
        [*argv, "form", "serve", "--port", "0", "--mode", "open"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    out = _read_until(proc, "Ctrl-C")
    url = re.search(r"is at (http://\S+)", out)
    assert url, out
    return proc, url.group(1)


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))


def _post(opener: urllib.request.OpenerDirector, url: str, data: dict[str, str]) -> str:
    origin = url.split("/", 3)
    request = urllib.request.Request(
        url, data=urlencode(data).encode(), headers={"Origin": "/".join(origin[:3])}
    )
    with opener.open(request, timeout=30) as resp:
        assert resp.status == 200
        return str(resp.read().decode())


def _csrf(opener: urllib.request.OpenerDirector, url: str) -> str:
    with opener.open(url, timeout=30) as resp:
        match = re.search(r'name="csrf" value="([^"]+)"', resp.read().decode())
    assert match
    return match.group(1)


def test_confirmed_questions_and_votes_survive_sigkill(tmp_path: Path) -> None:
    proc, url = _start(tmp_path)
    try:
        asker, voter = _opener(), _opener()
        for n in range(5):
            page = _post(asker, url, {"csrf": _csrf(asker, url), "question": f"Question {n}"})
            assert "your question was sent" in page  # the redirect to thanks was followed
        listing = url + "questions"
        csrf = _csrf(voter, listing)
        with voter.open(listing, timeout=30) as resp:
            ids = re.findall(r'name="question" value="([0-9a-f]+)"', resp.read().decode())
        assert len(ids) == 5
        for qid in ids:
            _post(voter, url + "vote", {"csrf": csrf, "question": qid})
        proc.send_signal(signal.SIGKILL)  # right after the last confirmed vote
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
    with sqlite3.connect(tmp_path / "data" / "intake" / DB_FILE) as conn:
        assert conn.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 5
        assert conn.execute("SELECT COUNT(*) FROM votes").fetchone()[0] == 5
        assert conn.execute("SELECT SUM(votes) FROM questions").fetchone()[0] == 5
    proc, url = _start(tmp_path)
    try:
        token = (tmp_path / "data" / "intake" / "read-token").read_text().strip()
        request = urllib.request.Request(
            url + "api/questions", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as resp:
            data = json.loads(resp.read())
        assert sorted(q["text"] for q in data["questions"]) == [f"Question {n}" for n in range(5)]
        assert all(q["votes"] == 1 for q in data["questions"])
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


async def test_writes_queued_together_share_a_commit_and_a_failure_is_undone_alone(
    tmp_path: Path,
) -> None:
    """Group commit: the writes queued while a commit waits for the disk go into the next one;
    one that fails (a duplicate id) is undone alone and the others are saved."""
    db = FormDB(tmp_path)
    await db.start()
    await db.add(**fields("q", "Vote for me"))
    commits = db._group.commits
    votes = [db.vote(f"p{n}", "q", WHEN) for n in range(40)]
    twice = db.add(**fields("q", "the same id again"))
    results = await asyncio.gather(*votes, twice, return_exceptions=True)
    assert results[:40] == [True] * 40
    assert isinstance(results[40], StoreWriteError)
    assert db._group.commits - commits < 40  # many votes per commit
    stored = await db.get("q")
    assert stored is not None and stored.votes == 40 and stored.text == "Vote for me"
    assert (await db.counts())["votes"] == 40
    assert await db.voted_by("p3") == frozenset({"q"})
    db.close()
    again = FormDB(tmp_path)  # read back from disk, not from memory
    await again.start()
    assert await again.voted_by("p3") == frozenset({"q"})
    assert await again.voted_by("nobody") == frozenset()
    again.close()


async def test_a_vote_is_refused_in_its_transaction_when_the_check_says_no(
    tmp_path: Path,
) -> None:
    db = FormDB(tmp_path)
    await db.start()
    await db.add(**fields("hidden"))
    await db.apply_decisions(DecisionBatch([("hidden", {"hidden": True})]))
    assert await db.vote("p1", "hidden", WHEN, allowed=lambda q, d: not d.hidden) is None
    assert await db.vote("p1", "hidden", WHEN, allowed=lambda q, d: q.id == "hidden") is True
    assert await db.vote("p1", "missing", WHEN) is None
    assert (await db.counts())["votes"] == 1
    db.close()
