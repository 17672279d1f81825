"""``facilitator purge``: no asker's name or email left in any byte of a purged session.

Real sessions built the way consoles write them (the report fixture, the store's AuthorFile,
a damaged file set aside by the real code, a migrated old file), a session's form folder
written by a real ``form serve`` process, a standalone form folder written by the real
server, then the real CLI (``console.cli.main``). Afterwards every file of every purged folder
is read byte by byte for every planted name and email.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import jsonschema
import pytest

from console.cli import main
from console.intake import FormInfo, IntakeConfig, IntakeServer
from console.intake.formdb import FormDB
from console.report.render_json import report_schema
from console.session.carry_over import carry_over_records
from console.store import AuthorFile, Record, SessionFolder, set_aside_damaged
from console.store.journal import encode_entry, journal_path_for
from tests.data.report.fixture_session import (
    FACILITATOR,
    NOTE_TAKER,
    PLANTED_EMAILS,
    PLANTED_NAMES,
    SESSION_ID,
    T0,
    make_fixture,
    write_session_json,
)
from tests.unit.test_intake_command import RUNNER, _read_until

JOURNAL_NAME = "Tobias Journalonly"
FORM_NAME, FORM_EMAIL = "Wilhelmina Formasker", "wilhelmina.form@planted-example.org"
FORM_NAME_2 = "Vasco Formfield"
OLD_NAME, OLD_EMAIL = "Ursula Oldstore", "ursula.old@planted-example.org"
DAMAGED_NAME, DAMAGED_JOURNAL_NAME = "Sigrid Setaside", "Sven Setasidejournal"
BACKUP_NAME = "Rupert Backupname"
TEMP_NAME = "Tamsin Tempfile"
GARBAGE_NAME, GARBAGE_EMAIL = "Quentin Garbagename", "quentin.garbage@planted-example.org"
HOSTED_OLD_NAME, HOSTED_OLD_EMAIL = "Petra Hostedold", "petra.old@planted-example.org"
HOSTED_NEW_NAME, HOSTED_NEW_EMAIL = "Olga Hostednew", "olga.new@planted-example.org"
LATER_NAME = "Nadia Latersession"

PURGED = (
    *PLANTED_NAMES,
    *PLANTED_EMAILS,
    JOURNAL_NAME,
    FORM_NAME,
    FORM_EMAIL,
    FORM_NAME_2,
    OLD_NAME,
    OLD_EMAIL,
    DAMAGED_NAME,
    DAMAGED_JOURNAL_NAME,
    BACKUP_NAME,
    TEMP_NAME,
    GARBAGE_NAME,
    GARBAGE_EMAIL,
    HOSTED_OLD_NAME,
    HOSTED_OLD_EMAIL,
)
KEPT = (HOSTED_NEW_NAME, HOSTED_NEW_EMAIL, LATER_NAME)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class DataDir:
    root: Path
    first: Path
    second: Path
    follow_up: Path
    later: Path
    form: Path

    @property
    def purged_folders(self) -> list[Path]:
        return [self.first, self.second, self.follow_up, self.form]


def _forms(value: str) -> list[bytes]:
    """Every way a value can sit in a file: raw UTF-8 and as a JSON string (escaped or not)."""
    return sorted(
        {
            value.encode(),
            json.dumps(value).encode()[1:-1],
            json.dumps(value, ensure_ascii=False).encode()[1:-1],
        }
    )


def _leaks(folder: Path, values: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            raw = path.read_bytes()
            found += [f"{path}: {v}" for v in values if any(f in raw for f in _forms(v))]
    return found


def _snapshot(root: Path) -> dict[str, bytes]:
    """Every file's bytes (lock files aside: taking a lock writes who holds it)."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


def _question(rid: str, asker: str, author: str, text: str) -> Record:
    data = {
        "text": text,
        "asker": asker,
        "origin": "chat",
        "segment_id": None,
        "created_at": T0.isoformat(),
        "display_name": False,
    }
    return Record("question", rid, author, 1, T0.isoformat(), False, data)


# -- building the data folder ----------------------------------------------------------------


def _form_serve(data_dir: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", RUNNER, "--data-dir", str(data_dir), "form", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out = _read_until(proc, "Ctrl-C")
    found = re.search(r"is at (http://\S+)", out)
    assert found, out
    return proc, found.group(1)


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)


async def _ask(url: str, questions: list[dict[str, str]]) -> None:
    async with aiohttp.ClientSession() as http:
        for fields in questions:
            async with http.get(url) as resp:
                csrf = CSRF.search(await resp.text())
            assert csrf
            async with http.post(
                url,
                data={"csrf": csrf.group(1), **fields},
                headers={"Origin": url.rstrip("/")},
                allow_redirects=False,
            ) as resp:
                assert resp.status == 303, await resp.text()


def _session_form(folder: Path) -> None:
    """The session's own form folder: an old intake.json moved in, two questions by HTTP."""
    intake = folder / "intake"
    intake.mkdir()
    old = {
        "_meta": {"1": {"schema": 1, "epoch": "3f9a1c2e"}},
        "questions": {
            "1": {"seq": 1, "id": "old1", "text": "From the old store", "name": OLD_NAME,
                  "display_name": True, "email": OLD_EMAIL, "topic": None, "theme_id": None,
                  "submitted_at": T0.isoformat()},
        },
    }  # fmt: skip
    (intake / "intake.json").write_text(json.dumps(old))
    asked = [
        {"question": "Who checks the doors?", "name": FORM_NAME, "show_name": "yes",
         "email": FORM_EMAIL},
        {"question": "Are drills required?", "name": FORM_NAME_2, "show_name": "no"},
    ]  # fmt: skip
    proc, url = _form_serve(folder)
    try:
        asyncio.run(_ask(url, asked))
    finally:
        _stop(proc)
    assert (intake / "intake.pre-sqlite.json").exists()


def _set_aside(folder: Path) -> None:
    """A note-taker's file that was damaged and set aside by the real code."""
    author = "Dana Damaged"
    path = folder / "dana-damaged.json"
    with AuthorFile(path, author) as file:
        file.put(_question("dana-q1", DAMAGED_NAME, author, "Set aside question"))
    line = encode_entry([_question("dana-q2", DAMAGED_JOURNAL_NAME, author, "In the journal")])
    journal_path_for(path).write_bytes(line + b"deadbeef {torn")
    raw = path.read_bytes()
    path.write_bytes(raw[: raw.rindex(b"}")])  # cut short: the file no longer parses
    recovery = set_aside_damaged(path, author)
    assert recovery is not None and len(recovery.moved) == 2


def _backup(folder: Path) -> None:
    """An author file of the pre-versioning layout: opening it keeps a .schema-0.bak copy."""
    author = "Olde Console"
    path = folder / "olde-console.json"
    record = _question("olde-q1", BACKUP_NAME, author, "Asked long ago")
    path.write_text(json.dumps({"question": {"1": record.to_json()}}))
    with AuthorFile(path, author) as file:
        assert file.migrated_from == 0
    assert (folder / "olde-console.json.schema-0.bak").exists()


def _first_session(root: Path) -> Path:
    folder = make_fixture(root)
    nia = folder / "nia-notes.json"
    line = encode_entry([_question("q-journal-1", JOURNAL_NAME, NOTE_TAKER, "Only journalled")])
    with journal_path_for(nia).open("ab") as journal:
        journal.write(line)
    _session_form(folder)
    _set_aside(folder)
    _backup(folder)
    (folder / ".feed-cache.json.tmp-x1y2z3").write_text(json.dumps({"asker": TEMP_NAME}))
    return folder


def _second_session(root: Path) -> Path:
    """A session whose form found an intake.json it could not read (kept aside)."""
    folder = SessionFolder.create(
        root, agenda="agenda.toml", title="Second", facilitator=FACILITATOR, now=T0
    ).path
    write_session_json(folder, finished_at=(T0 + timedelta(days=1)).isoformat())
    intake = folder / "intake"
    intake.mkdir()
    (intake / "intake.json").write_text(
        f'{{"questions": {{"1": {{"name": "{GARBAGE_NAME}", "email": "{GARBAGE_EMAIL}", '
    )

    async def start() -> None:
        db = FormDB(intake)
        await db.start()
        assert db.recovered_from is not None
        db.close()

    asyncio.run(start())
    return folder


def _follow_up(root: Path, first: Path) -> Path:
    """A follow-up session: its carried questions hold the first session's askers."""
    folder = SessionFolder.create(
        root,
        agenda="agenda.toml",
        title="Follow-up",
        facilitator=FACILITATOR,
        follow_up_of=first.name,
        now=T0 + timedelta(days=7),
    )
    records = carry_over_records(folder, first.name, FACILITATOR, lambda: T0 + timedelta(days=7))
    assert any(r.data.get("asker") for r in records)
    with AuthorFile(folder.facilitator_path(), FACILITATOR) as file:
        file.put_many(records)
    folder.update_info(finished_at=T0 + timedelta(days=7, hours=1))
    return folder.path


def _later_session(root: Path, now: datetime) -> Path:
    folder = SessionFolder.create(
        root, agenda="agenda.toml", title="Later", facilitator=FACILITATOR, now=now
    )
    with AuthorFile(folder.facilitator_path(), FACILITATOR) as file:
        file.put(_question("later-q", LATER_NAME, FACILITATOR, "Asked after the date"))
    folder.update_info(finished_at=now)
    return folder.path


def _standalone_form(root: Path, now: datetime) -> Path:
    """A standalone form's folder: questions sent long ago, and one sent today."""
    folder = root / "intake"

    async def serve(moment: datetime, fields: dict[str, str]) -> None:
        server = IntakeServer(
            IntakeConfig(data_dir=folder, port=0, token="t" * 32),
            FormInfo("Standalone"),
            now=lambda: moment,
        )
        await server.start()
        try:
            await _ask(server.url, [fields])
        finally:
            await server.stop()

    old = {"question": "Long ago", "name": HOSTED_OLD_NAME, "email": HOSTED_OLD_EMAIL}
    new = {"question": "Today", "name": HOSTED_NEW_NAME, "email": HOSTED_NEW_EMAIL}
    asyncio.run(serve(T0, old))
    asyncio.run(serve(now, new))
    return folder


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[DataDir]:
    monkeypatch.chdir(tmp_path)  # the sessions name their agenda "agenda.toml", kept here
    now = datetime.now(UTC)
    first = _first_session(tmp_path)
    yield DataDir(
        tmp_path,
        first,
        _second_session(tmp_path),
        _follow_up(tmp_path, first),
        _later_session(tmp_path, now),
        _standalone_form(tmp_path, now),
    )


def _today() -> str:
    return datetime.now().astimezone().date().isoformat()


def _purge(root: Path, *extra: str) -> int:
    return main(["--data-dir", str(root), "purge", "--before", _today(), *extra])


def _export(root: Path, session: str, *extra: str) -> str:
    out = root / f"export-{len(list(root.glob('export-*')))}.out"
    code = main(["--data-dir", str(root), "export", session, "--out", str(out), *extra])
    assert code == 0
    return out.read_text(encoding="utf-8")


def _comparable(report: str) -> dict[str, object]:
    doc = json.loads(report)
    doc.pop("generated_at")
    doc["session"].pop("purged_at", None)
    return dict(doc)


# -- the tests -------------------------------------------------------------------------------


def test_every_planted_value_is_where_the_test_expects_it(data: DataDir) -> None:
    """Guard against a vacuous test: before the purge, every value is somewhere on disk."""
    everywhere = [v for folder in data.purged_folders for v in PURGED if _leaks(folder, (v,))]
    assert sorted(set(everywhere)) == sorted(PURGED)
    assert _leaks(data.later, (LATER_NAME,)) and _leaks(data.form, (HOSTED_NEW_NAME,))
    kinds = {p.name for p in data.first.rglob("*") if p.is_file()}
    for name in (
        "feed-cache.json",
        "nia-notes.json.journal",
        "olde-console.json.schema-0.bak",
        "form.sqlite3",
        "intake.pre-sqlite.json",
    ):
        assert name in kinds
    assert any(".damaged-" in k and k.endswith(".journal") for k in kinds)
    assert list(data.second.glob("intake/intake.unreadable-*.json"))


def test_purge_leaves_no_name_or_email_and_the_report_still_builds(
    data: DataDir, capsys: pytest.CaptureFixture[str]
) -> None:
    before_report = _export(data.root, SESSION_ID, "--format", "json")
    before_follow_up = _export(data.root, data.follow_up.name, "--format", "json")

    assert _purge(data.root) == 0
    out = capsys.readouterr().out

    for folder in data.purged_folders:
        assert _leaks(folder, PURGED) == [], folder
    assert _leaks(data.later, (LATER_NAME,)), "a session after the date is left alone"
    assert _leaks(data.form / "form.sqlite3", ()) == []
    assert _leaks(data.form, (HOSTED_NEW_NAME,)) and _leaks(data.form, (HOSTED_NEW_EMAIL,))
    assert not list(data.first.glob(".*.tmp-*")), "a killed writer's temp file is deleted"

    # What it says and logs: counts and files, never the values themselves.
    assert f"session {SESSION_ID}" in out and "feed-cache.json (feed cache)" in out
    assert "intake/form.sqlite3 (form database)" in out and "set-aside copy" in out
    assert "Left alone: 1 session(s)" in out
    log = data.root / "purge-log.jsonl"
    assert f"Logged in {log}" in out
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(entries) == 1 and entries[0]["names"] > 0 and entries[0]["emails"] > 0
    logged = {f["id"] for f in entries[0]["folders"]}
    assert logged == {SESSION_ID, data.second.name, data.follow_up.name, "intake"}
    assert not [v for v in PURGED + KEPT if v in log.read_text() or v in out]

    # The record is kept: the same report, without names, but for the purge line.
    after_report = _export(data.root, SESSION_ID, "--format", "json")
    assert _comparable(after_report) == _comparable(before_report)
    assert json.loads(after_report)["session"]["purged_at"]
    jsonschema.validate(
        json.loads(after_report), report_schema(), cls=jsonschema.Draft202012Validator
    )
    assert _comparable(_export(data.root, data.follow_up.name, "--format", "json")) == (
        _comparable(before_follow_up)
    )
    markdown = _export(data.root, SESSION_ID, "--format", "md", "--with-names")
    assert "**Purged:** askers' names and emails removed" in markdown
    html = _export(data.root, SESSION_ID, "--format", "html", "--with-names")
    assert "<dt>Purged</dt>" in html
    assert not [v for v in PURGED if v in markdown or v in html]

    # Every author file still opens for writing (no console is refused by a purged file).
    for path in data.first.glob("*.json"):
        if path.name not in {"session.json", "feed-cache.json"}:
            owner = json.loads(path.read_text())["_meta"]["1"]["author"]
            with AuthorFile(path, owner) as file:
                assert not [r for r in file.records("question") if r.data.get("asker")]

    # Purging again finds nothing more and changes no record.
    snapshot = {k: v for k, v in _snapshot(data.first).items() if k != "session.json"}
    assert _purge(data.root) == 0
    assert "removed 0 names, 0 emails" in capsys.readouterr().out
    assert {k: v for k, v in _snapshot(data.first).items() if k != "session.json"} == snapshot


def test_dry_run_counts_and_changes_nothing(
    data: DataDir, capsys: pytest.CaptureFixture[str]
) -> None:
    snapshot = _snapshot(data.root)
    assert _purge(data.root, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "would remove" in out and "Dry run: nothing was changed." in out
    assert _snapshot(data.root) == snapshot
    assert not (data.root / "purge-log.jsonl").exists()


HOLD = """
import sys
from pathlib import Path
from console.store import AuthorFile
f = AuthorFile(Path(sys.argv[1]), sys.argv[2])
f.open()
print("ready", flush=True)
sys.stdin.read()
f.close()
"""


def test_a_session_or_form_in_use_is_refused_and_nothing_changes(
    data: DataDir, capsys: pytest.CaptureFixture[str]
) -> None:
    snapshot = _snapshot(data.root)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(data.first / "fran-facilitator.json"), FACILITATOR],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        assert _purge(data.root) == 1
        err = capsys.readouterr().err
        assert "nothing was changed" in err
        assert f"fran-facilitator.json.lock is held by {FACILITATOR} (pid {holder.pid}" in err
        assert _snapshot(data.root) == snapshot
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    assert not (data.root / "purge-log.jsonl").exists()

    sessions = _snapshot(data.root / "sessions")
    form, _ = _form_serve(data.root)  # the standalone form, running again
    try:
        assert _purge(data.root) == 1
        err = capsys.readouterr().err
        assert f"intake/intake.lock is held by question form (pid {form.pid}" in err
        assert _snapshot(data.root / "sessions") == sessions
    finally:
        _stop(form)
    assert _purge(data.root) == 0
    assert all(_leaks(folder, PURGED) == [] for folder in data.purged_folders)


def test_dates_in_the_future_or_not_dates_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tomorrow = (datetime.now().astimezone() + timedelta(days=2)).date().isoformat()
    assert main(["--data-dir", str(tmp_path), "purge", "--before", tomorrow]) == 2
    assert "in the future" in capsys.readouterr().err
    assert main(["--data-dir", str(tmp_path), "purge", "--before", "last week"]) == 2
    assert "is not a date" in capsys.readouterr().err
    assert main(["--data-dir", str(tmp_path), "purge", "--before", "2025-01-01"]) == 0
    assert "no session ended before that date" in capsys.readouterr().out


def test_a_session_never_finished_counts_as_ended_when_last_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    old = make_fixture(tmp_path)  # a console that crashed in 2025 and never came back
    write_session_json(old, finished_at=None)
    stamp = T0.timestamp()
    for path in old.rglob("*"):
        os.utime(path, (stamp, stamp))
    recent = make_fixture(tmp_path, "2025-12-18-1530-fixt02")  # files written just now
    write_session_json(recent, finished_at=None)
    assert _purge(tmp_path) == 0
    out = capsys.readouterr().out
    assert f"session {old.name}" in out and "never finished; last written 2025-12-17" in out
    assert "Left alone: 1 session(s)" in out
    assert _leaks(old, PURGED) == []
    assert _leaks(recent, PLANTED_NAMES)


def test_an_answer_as_spoken_loses_its_speakers_names_and_keeps_what_was_said(
    data: DataDir,
) -> None:
    from console.report.captions_review import KEPT, Review

    speaker = "Walter Visitorsson"
    said = ((speaker, "My kid asks too."), ("Fran Facilitator", "Yes, parents can join."))
    start = T0 + timedelta(minutes=30)
    review = Review("form:1", KEPT, said, start, start + timedelta(minutes=1))
    record = review.to_record("Ana Ruiz", None, start.isoformat())
    with AuthorFile(data.first / "ana-ruiz.json", "Ana Ruiz") as file:
        file.put_many([record])
    assert _leaks(data.first, (speaker,))

    assert _purge(data.root) == 0
    assert _leaks(data.first, (speaker,)) == []
    with AuthorFile(data.first / "ana-ruiz.json", "Ana Ruiz") as file:
        (kept,) = file.records("spoken")
    assert kept.data["turns"] == [[None, "My kid asks too."], [None, "Yes, parents can join."]]
