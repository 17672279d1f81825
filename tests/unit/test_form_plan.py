"""The question form's link for a session: chosen once, saved in session.json, reused on
resume, and a taken port said loudly instead of moved. Real files, real sockets, the real CLI
(``FacilitatorApp.run`` swapped for a look at what the console would show)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from console.app import FacilitatorApp
from console.cli import main
from console.session.form_host import intake_target, make_server, prepare_form
from console.session.form_link import LinkError, make_link
from console.session.form_plan import FormPlan, choose_plan, saved_plan
from console.session.live import LiveSession
from console.session.setup import prepare
from console.session.source_choice import SourceChoice
from console.store import SessionFolder, list_sessions

NOW = datetime(2025, 12, 17, 20, 30, tzinfo=UTC)
AGENDA = "school-safety-office-hours"


def open_session(root: Path, *, new: bool = True, role: str = "facilitator") -> LiveSession:
    launch = prepare(
        root=root,
        agenda_ref=AGENDA,
        session_ref=None if role == "facilitator" else "latest",
        new=new,
        role=role,
        author="Dana" if role == "facilitator" else "Sam",
        read_only=False,
        rehearsal=False,
        now=lambda: NOW,
    )
    live = LiveSession(launch, now=lambda: NOW)
    live.open()
    return live


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def held_port() -> Iterator[int]:
    """A port something else listens on (not this session's form)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    yield int(sock.getsockname()[1])
    sock.close()


def session_json(live: LiveSession) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((live.folder.path / "session.json").read_text())
    return data


def test_the_port_is_chosen_once_saved_and_reused_on_resume(tmp_path: Path) -> None:
    live = open_session(tmp_path)
    try:
        plan = choose_plan(live.folder, live.agenda, tmp_path)
        assert plan.chosen == "first free" and plan.port is not None
        assert 8765 <= plan.port < 8785
        assert plan.link == f"http://127.0.0.1:{plan.port}/" and plan.host == "127.0.0.1"
        saved = session_json(live)
        assert (saved["form_port"], saved["form_link"]) == (plan.port, plan.link)
        assert "form_public_url" not in saved  # only what is set is written
    finally:
        live.close()
    again = SessionFolder.open(live.folder.path)
    assert saved_plan(again.info) == FormPlan(plan.link, plan.port, "127.0.0.1", None, "saved")
    resumed = open_session(tmp_path, new=False)
    try:
        assert resumed.folder.info.id == live.folder.info.id
        assert choose_plan(resumed.folder, resumed.agenda, tmp_path).port == plan.port
    finally:
        resumed.close()


def test_a_link_made_by_form_link_is_the_one_used(tmp_path: Path) -> None:
    live = open_session(tmp_path)
    try:
        port = free_port()
        make_link(live.agenda, tmp_path, port=port, host="192.0.2.7")
        plan = choose_plan(live.folder, live.agenda, tmp_path)
        assert (plan.chosen, plan.port, plan.link) == ("planned", port, f"http://192.0.2.7:{port}/")
        assert plan.host == "0.0.0.0"  # a link for the room's network: every interface
        # asked for another port later: the LAN address stays, and the move is said
        other = free_port()
        moved = choose_plan(live.folder, live.agenda, tmp_path, port=other)
        assert moved.link == f"http://192.0.2.7:{other}/" and moved.host == "0.0.0.0"
        assert f"from http://192.0.2.7:{port}/ to http://192.0.2.7:{other}/" in moved.notice()
        assert choose_plan(live.folder, live.agenda, tmp_path).port == other  # saved
    finally:
        live.close()


def test_a_hosted_link_means_no_local_form_and_the_board_follows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FACILITATOR_FORM_TOKEN", raising=False)
    live = open_session(tmp_path)
    try:
        prep = prepare_form(
            live, SourceChoice(public_url="https://forms.example.org/ask"), tmp_path
        )
        assert prep.plan is not None and prep.plan.hosted
        assert prep.plan.link == "https://forms.example.org/ask/"
        assert prep.choice.url == "https://forms.example.org/ask/"
        assert (prep.choice.preset, prep.choice.token_env) == ("intake", "FACILITATOR_FORM_TOKEN")
        assert any("FACILITATOR_FORM_TOKEN is not set" in n for n in prep.notices)
        from console.session.form_host import wants_builtin_form
        from console.session.source_choice import configured_source

        assert not wants_builtin_form(live, prep.choice)
        source = configured_source(live.agenda, prep.choice)
        assert source is not None and source.preset == "intake"
        # resumed without options: still the hosted form
        again = prepare_form(live, SourceChoice(), tmp_path)
        assert again.plan is not None and again.plan.hosted and again.choice.preset == "intake"
    finally:
        live.close()


def test_public_url_with_port_is_the_local_form_behind_a_proxy(tmp_path: Path) -> None:
    live = open_session(tmp_path)
    try:
        port = free_port()
        plan = choose_plan(
            live.folder, live.agenda, tmp_path, port=port, public_url="https://ask.example.org"
        )
        assert not plan.hosted and plan.port == port
        assert plan.link == "https://ask.example.org/" and plan.api_url.endswith(f":{port}/")
        assert plan.extra_hosts == ("127.0.0.1", "localhost")
    finally:
        live.close()


def test_a_taken_port_on_resume_is_reported_not_moved(tmp_path: Path, held_port: int) -> None:
    live = open_session(tmp_path)
    try:
        live.folder.update_info(
            form_port=held_port, form_host="127.0.0.1", form_link=f"http://127.0.0.1:{held_port}/"
        )
        prep = prepare_form(live, SourceChoice(), tmp_path)
        assert prep.port_taken and prep.plan is not None and prep.plan.port == held_port
        (notice,) = prep.notices
        assert f"port {held_port} is taken" in notice
        assert f"Participants hold the link http://127.0.0.1:{held_port}/" in notice
        assert "--port ANOTHER" in notice and "stop what holds" in notice
        assert session_json(live)["form_port"] == held_port  # not moved
    finally:
        live.close()


def test_bad_options_are_plain_errors(tmp_path: Path) -> None:
    live = open_session(tmp_path)
    try:
        with pytest.raises(LinkError, match="--port must be between"):
            choose_plan(live.folder, live.agenda, tmp_path, port=70000)
        with pytest.raises(LinkError, match="--public-url must look like"):
            choose_plan(live.folder, live.agenda, tmp_path, public_url="forms.example.org")
    finally:
        live.close()


def test_another_source_or_a_note_taker_gets_no_form_link(tmp_path: Path) -> None:
    live = open_session(tmp_path)
    try:
        prep = prepare_form(live, SourceChoice(url="https://x.example/a.csv", port=9000), tmp_path)
        assert prep.plan is None and "ignored" in prep.notices[0]
        assert "form_port" not in session_json(live)
    finally:
        live.close()
    notes = open_session(tmp_path, new=False, role="notes")
    try:
        assert prepare_form(notes, SourceChoice(), tmp_path).plan is None
    finally:
        notes.close()


async def test_the_in_process_form_serves_on_the_saved_port(tmp_path: Path) -> None:
    live = open_session(tmp_path)
    try:
        port = free_port()
        choose_plan(live.folder, live.agenda, tmp_path, port=port)
        server = make_server(live)
        await server.start()
        try:
            assert server.port == port and server.url == f"http://127.0.0.1:{port}/"
            target = intake_target(server, live)
            assert (target.url, target.token) == (server.url, server.token)
        finally:
            await server.stop()
    finally:
        live.close()


# -- the CLI -----------------------------------------------------------------------------------
@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    found: dict[str, Any] = {}

    def look(self: FacilitatorApp, **_: Any) -> None:
        found["toast"] = self.startup_message
        found["source"] = self.source

    monkeypatch.setattr(FacilitatorApp, "run", look)
    return found


def run(root: Path, *extra: str) -> int:
    return main(["--data-dir", str(root), "run", "--agenda", AGENDA, "--author", "Dana", *extra])


def test_run_port_is_kept_and_a_taken_port_refuses_to_start(
    tmp_path: Path, shown: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    assert run(tmp_path, "--port", str(port)) == 0
    (info,) = list_sessions(tmp_path)
    assert (info.form_port, info.form_link) == (port, f"http://127.0.0.1:{port}/")
    assert shown["source"].port == port
    capsys.readouterr()
    shown.clear()
    with socket.socket() as squatter:  # something else took the port while the console was away
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        assert run(tmp_path) == 1  # refused before the console opens: no form, no console
        err = capsys.readouterr().err
        assert f"facilitator: PROBLEM: the question form cannot start: port {port} is taken" in err
        assert f"Participants hold the link http://127.0.0.1:{port}/" in err
        assert "--port ANOTHER" in err  # what to do
        assert shown == {}
        (again,) = list_sessions(tmp_path)
        assert again.form_port == port  # never moved by itself
        moved = free_port()
        assert run(tmp_path, "--port", str(moved)) == 0  # moving it is asked, and said
    assert shown["source"].port == moved
    assert f"changed from http://127.0.0.1:{port}/ to http://127.0.0.1:{moved}/" in shown["toast"]
    (last,) = list_sessions(tmp_path)
    assert last.form_port == moved


def test_run_public_url_follows_the_hosted_form(
    tmp_path: Path, shown: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FACILITATOR_FORM_TOKEN", "x" * 32)
    assert run(tmp_path, "--public-url", "https://forms.example.org/") == 0
    assert shown["source"].url == "https://forms.example.org/"
    assert shown["source"].preset == "intake"
    (info,) = list_sessions(tmp_path)
    assert info.form_public_url == "https://forms.example.org/" and info.form_port is None


def test_run_refuses_a_bad_port(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path, "--port", "0") == 1
    assert "--port must be between 1 and 65535" in capsys.readouterr().err
