"""The form's SQLite store: WAL mode, one vote per participant, emails apart, the old
intake.json copied in once, and nothing confirmed lost when `form serve` is SIGKILLed."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import urllib.error
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


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # the 303 itself is the answer looked at


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect()
    )


def _post_303(opener: urllib.request.OpenerDirector, url: str, data: dict[str, str]) -> str:
    """POST and return the 303's Location (the participant is told it was saved)."""
    origin = url.split("/", 3)
    request = urllib.request.Request(
        url, data=urlencode(data).encode(), headers={"Origin": "/".join(origin[:3])}
    )
    try:
        opener.open(request, timeout=30)
    except urllib.error.HTTPError as answer:
        assert answer.code == 303, answer.code
        return str(answer.headers["Location"])
    raise AssertionError("no 303")


def _csrf(opener: urllib.request.OpenerDirector, url: str) -> str:
    with opener.open(url, timeout=30) as resp:
        match = re.search(r'name="csrf" value="([^"]+)"', resp.read().decode())
    assert match
    return match.group(1)


def test_confirmed_questions_and_votes_survive_sigkill(tmp_path: Path) -> None:
    """The form answers a question or a vote with its 303 once committed, without waiting for
    the disk (``synchronous=NORMAL``): a SIGKILL right after the last 303 loses none of them,
    as the WAL written before each answer is the kernel's to keep."""
    proc, url = _start(tmp_path)
    try:
        asker = _opener()
        for n in range(5):
            where = _post_303(asker, url, {"csrf": _csrf(asker, url), "question": f"Question {n}"})
            assert where.startswith("thanks?r=")
        listing = url + "questions"
        voters = [_opener() for _ in range(4)]
        tokens = [_csrf(v, listing) for v in voters]  # each gets its participant cookie
        with voters[0].open(listing, timeout=30) as resp:
            ids = re.findall(r'name="question" value="([0-9a-f]+)"', resp.read().decode())
        assert len(ids) == 5
        for voter, csrf in zip(voters, tokens, strict=True):
            for qid in ids:
                where = _post_303(voter, url + "vote", {"csrf": csrf, "question": qid})
                assert where.startswith("questions?voted=1")
        last = _post_303(asker, url, {"csrf": _csrf(asker, url), "question": "Sent last"})
        assert last.startswith("thanks?r=")
        proc.send_signal(signal.SIGKILL)  # right after the last confirmed answer
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
    with contextlib.closing(sqlite3.connect(tmp_path / "data" / "intake" / DB_FILE)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 6
        assert conn.execute("SELECT COUNT(*) FROM votes").fetchone()[0] == 20
        assert conn.execute("SELECT SUM(votes) FROM questions").fetchone()[0] == 20
    proc, url = _start(tmp_path)
    try:
        token = (tmp_path / "data" / "intake" / "read-token").read_text().strip()
        request = urllib.request.Request(
            url + "api/questions", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as resp:
            data = json.loads(resp.read())
        texts = sorted(q["text"] for q in data["questions"])
        assert texts == [f"Question {n}" for n in range(5)] + ["Sent last"]
        assert sorted(q["votes"] for q in data["questions"]) == [0, 4, 4, 4, 4, 4]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


async def test_a_write_that_fails_is_undone_alone_and_the_others_are_saved(
    tmp_path: Path,
) -> None:
    """Each write is its own transaction: one that fails (a duplicate id) keeps nothing of
    itself and costs the writes around it nothing."""
    db = FormDB(tmp_path)
    await db.start()
    await db.add(**fields("q", "Vote for me"))
    votes = [db.vote(f"p{n}", "q", WHEN) for n in range(40)]
    twice = db.add(**fields("q", "the same id again", email="kept@example.org"))
    results = await asyncio.gather(*votes[:20], twice, *votes[20:], return_exceptions=True)
    assert results[:20] + results[21:] == [True] * 40
    assert isinstance(results[20], StoreWriteError)
    stored = await db.get("q")
    assert stored is not None and stored.votes == 40 and stored.text == "Vote for me"
    counts = await db.counts()
    assert counts["votes"] == 40 and counts["questions"] == 1 and counts["emails"] == 0
    assert await db.voted_by("p3") == frozenset({"q"})
    db.close()
    again = FormDB(tmp_path)  # read back from disk, not from memory
    await again.start()
    assert await again.voted_by("p3") == frozenset({"q"})
    assert await again.voted_by("nobody") == frozenset()
    again.close()


async def test_writes_reach_the_database_file_within_the_checkpoint_interval(
    tmp_path: Path,
) -> None:
    """A commit does not wait for the disk: the checkpoint thread syncs the WAL and copies it
    into the database file soon after (the window a power cut could lose), never the loop."""
    db = FormDB(tmp_path)
    await db.start()
    assert db._write_conn is not None
    assert db._write_conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db._write_conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert db._write_conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    marker = "a question only the WAL holds at first " + os.urandom(6).hex()
    await db.add(**fields("w", marker))
    deadline = asyncio.get_running_loop().time() + 10
    main = tmp_path / DB_FILE
    while marker.encode() not in main.read_bytes():
        assert asyncio.get_running_loop().time() < deadline, "never checkpointed"
        await asyncio.sleep(0.05)
    assert db._checkpointer.checkpoints >= 1
    db.close()
    assert not (tmp_path / (DB_FILE + "-wal")).exists()  # closed cleanly: copied in, removed


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
