"""The presenter's console without a UI: joining read-only, and the facilitator's message
(one record, the newest revision wins, cleaned at both ends)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from console import actions
from console.session.live import LiveSession
from console.session.presenter_message import (
    MESSAGE_ID,
    MESSAGE_KIND,
    MESSAGE_LIMIT,
    PRESETS,
    from_record,
    newest,
)
from console.session.setup import SetupError, prepare
from console.store import Record
from tests.unit.test_cli import run_cli

NOW = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)


def open_session(
    root: Path,
    role: str = "facilitator",
    *,
    session: str | None = None,
    author: str = "Dana",
    read_only: bool = False,
) -> LiveSession:
    launch = prepare(
        root=root,
        agenda_ref=None,
        session_ref=session,
        new=session is None and role == "facilitator",
        role=role,
        author=author,
        read_only=read_only,
        rehearsal=False,
        now=lambda: NOW,
    )
    live = LiveSession(launch, now=lambda: NOW)
    live.open()
    return live


def test_each_send_is_the_next_revision_and_survives_a_restart(tmp_path: Path) -> None:
    fac = open_session(tmp_path)
    assert fac.presenter_message.text == "" and fac.presenter_message.rev == 0
    first = fac.send_presenter_message("Wrap up")
    second = fac.send_presenter_message("  Next:\tquestions \n")
    assert (first.kind, first.id, first.rev) == (MESSAGE_KIND, MESSAGE_ID, 1)
    assert second.rev == 2 and second.data["text"] == "Next: questions"
    assert fac.presenter_message.text == "Next: questions"
    assert fac.presenter_message.sent_at == NOW
    assert fac.file is not None
    fac.file.put_many([first, second])
    session_id = fac.folder.info.id
    fac.close()
    again = open_session(tmp_path, session=session_id)
    assert again.presenter_message.text == "Next: questions"
    cleared = again.send_presenter_message("")
    assert cleared.rev == 3 and cleared.data["text"] == "" and not cleared.deleted
    assert not again.presenter_message.showing
    again.close()


def test_outside_text_is_cleaned_and_capped_when_read() -> None:
    hostile = Record(
        MESSAGE_KIND,
        MESSAGE_ID,
        "Dana",
        rev=4,
        data={"text": "Wrap \x1b]52;c;QQ==\x07up\u202e" + "!" * 500, "sent_at": NOW.isoformat()},
    )
    message = from_record(hostile)
    assert message.text.startswith("Wrap up!") and "\x1b" not in message.text
    assert "\u202e" not in message.text and len(message.text) <= MESSAGE_LIMIT
    assert message.sent_at == NOW and message.rev == 4
    assert from_record(Record(MESSAGE_KIND, MESSAGE_ID, "Dana", data={"text": 7})).text == ""


def test_the_newest_revision_wins() -> None:
    records = [
        Record(MESSAGE_KIND, MESSAGE_ID, "Dana", rev=2, data={"text": "Two minutes"}),
        Record(MESSAGE_KIND, MESSAGE_ID, "Dana", rev=3, data={"text": "Wrap up"}),
        Record("note", MESSAGE_ID, "Dana", rev=9, data={"text": "not a message"}),
    ]
    found = newest(records)
    assert found is not None and found.data["text"] == "Wrap up"
    assert newest(records[2:]) is None


def test_a_presenter_joins_read_only_and_follows_the_message(tmp_path: Path) -> None:
    fac = open_session(tmp_path)
    presenter = open_session(tmp_path, "presenter", author="Dana")  # even the same name
    assert presenter.role == "presenter" and presenter.read_only and presenter.file is None
    assert not presenter.runs_clock
    record = fac.send_presenter_message("Wrap up")
    assert presenter.apply_folder({record.key: record})
    assert presenter.presenter_message.text == "Wrap up"
    assert not presenter.apply_folder({record.key: record})  # nothing new: nothing moved
    older = Record(MESSAGE_KIND, MESSAGE_ID, "Dana", rev=1, data={"text": "stale"})
    assert not presenter.apply_folder({older.key: older})
    with pytest.raises(PermissionError):
        presenter.send_presenter_message("from the stage")
    presenter.close()
    fac.close()


def test_only_the_console_that_runs_the_session_sends(tmp_path: Path) -> None:
    fac = open_session(tmp_path)
    notes = open_session(tmp_path, "notes", author="Sam")
    look = open_session(tmp_path, session=fac.folder.info.id, author="Lee", read_only=True)
    for console in (notes, look):
        with pytest.raises(PermissionError, match="facilitator"):
            console.send_presenter_message("Wrap up")
        console.close()
    fac.close()


def test_a_presenter_never_creates_a_session(tmp_path: Path) -> None:
    with pytest.raises(SetupError, match="presenter's console joins a running session"):
        open_session(tmp_path, "presenter")
    assert not (tmp_path / "sessions").exists() or not any((tmp_path / "sessions").iterdir())
    fac = open_session(tmp_path)

    def join(
        *, new: bool = False, follow_up_of: str | None = None, rehearsal: bool = False
    ) -> None:
        prepare(
            root=tmp_path,
            agenda_ref=None,
            session_ref=None,
            new=new,
            role="presenter",
            author=None,
            read_only=False,
            rehearsal=rehearsal,
            follow_up_of=follow_up_of,
            now=lambda: NOW,
        )

    join()  # joins the running one
    for refused in ({"new": True}, {"follow_up_of": "latest"}, {"rehearsal": True}):
        with pytest.raises(SetupError, match="never creates one"):
            join(**refused)
    fac.close()


def test_the_cli_refuses_what_a_presenter_cannot_do(tmp_path: Path) -> None:
    out = run_cli("--data-dir", str(tmp_path), "run", "--role", "presenter")
    assert out.returncode == 1 and "none is running" in out.stderr
    out = run_cli("--data-dir", str(tmp_path), "run", "--role", "presenter", "--set-aside-damaged")
    assert out.returncode == 2 and "writes nothing" in out.stderr
    assert "Traceback" not in out.stderr


def test_the_palette_offers_each_preset() -> None:
    sent = [a.arguments[0] for a in actions.TO_PRESENTER if a.method == "send_presenter_message"]
    assert sent == [*PRESETS, ""]
