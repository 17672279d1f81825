"""``facilitator form link``: the participants' link made before the session and kept for the day.

Real CLI (``console.cli.main``), real files in a temp data folder, real sockets on 127.0.0.1.
"""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest

from console.agenda.load import load_agenda, resolve_agenda
from console.cli import main
from console.session.form_link import (
    LinkError,
    choose_port,
    link_path,
    make_link,
    planned_link,
    port_is_free,
)

AGENDA = "school-safety-office-hours"
SERIES_MATE = "drop-in-30"  # same series as AGENDA


@dataclass(frozen=True)
class Stub:
    name: str
    series: str | None = None


def _link(root: Path, *extra: str) -> int:
    return main(["--data-dir", str(root), "form", "link", "--agenda", AGENDA, *extra])


def _listening() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


def test_a_local_link_is_made_once_shown_with_a_qr_code_and_read_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _link(tmp_path) == 0
    out = capsys.readouterr().out
    saved = json.loads((tmp_path / "links" / f"agenda-{AGENDA}.json").read_text())
    assert saved["scope"] == "agenda" and saved["public_url"] is None
    port = saved["port"]
    assert isinstance(port, int) and 8765 <= port < 8785
    assert saved["url"].endswith(f":{port}/") and saved["url"] in out
    assert "█" in out or "▀" in out  # the QR code, drawn in block characters
    agenda = load_agenda(resolve_agenda(AGENDA))
    planned = planned_link(agenda, tmp_path)
    assert planned is not None
    assert (planned.url, planned.port, planned.hosted) == (saved["url"], port, False)

    # Asked again (another day, the port now busy): the same link, and a warning about the port.
    before = planned.path.read_bytes()
    with socket.socket() as busy:
        busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            busy.bind(("0.0.0.0", port))
            busy.listen()
        except OSError:
            pytest.skip(f"port {port} was taken by someone else meanwhile")
        assert _link(tmp_path, "--no-qr") == 0
        again = capsys.readouterr()
    assert saved["url"] in again.out and "█" not in again.out
    assert f"port {port} is in use right now" in again.err
    assert planned.path.read_bytes() == before


def test_a_different_link_needs_replace_and_then_replaces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _link(tmp_path, "--port", "18765", "--no-qr") == 0
    path = link_path(tmp_path, "agenda", AGENDA)
    before = path.read_bytes()
    assert _link(tmp_path, "--public-url", "https://forms.example.org", "--no-qr") == 1
    err = capsys.readouterr().err
    assert "already made" in err and "--replace" in err and ":18765/" in err
    assert path.read_bytes() == before
    assert _link(tmp_path, "--public-url", "https://forms.example.org", "--replace") == 0
    out = capsys.readouterr().out
    assert "https://forms.example.org/" in out and "no longer applies" in out
    planned = planned_link(load_agenda(resolve_agenda(AGENDA)), tmp_path)
    assert planned is not None and planned.hosted
    assert (planned.url, planned.public_url, planned.port) == (
        "https://forms.example.org/",
        "https://forms.example.org/",
        None,
    )
    # The same request again keeps it (no --replace needed).
    assert _link(tmp_path, "--public-url", "https://forms.example.org/", "--no-qr") == 0


def test_a_series_link_serves_every_agenda_of_the_series_unless_one_has_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hosted = "https://forms.example.org/ask/"
    assert _link(tmp_path, "--series", "--public-url", hosted, "--no-qr") == 0
    first, mate = (load_agenda(resolve_agenda(n)) for n in (AGENDA, SERIES_MATE))
    assert first.series and first.series == mate.series
    for agenda in (first, mate):
        planned = planned_link(agenda, tmp_path)
        assert planned is not None
        assert (planned.scope, planned.url) == ("series", hosted)
    # An agenda's own link wins over its series' link.
    assert (
        main(["--data-dir", str(tmp_path), "form", "link", "--agenda", SERIES_MATE,
              "--port", "18766", "--no-qr"])
        == 0
    )  # fmt: skip
    own = planned_link(mate, tmp_path)
    assert own is not None and (own.scope, own.port) == ("agenda", 18766)
    still = planned_link(first, tmp_path)
    assert still is not None and still.url == hosted
    capsys.readouterr()
    assert (
        main(["--data-dir", str(tmp_path), "form", "link", "--agenda", SERIES_MATE, "--series",
              "--no-qr"])
        == 0
    )  # fmt: skip
    assert "has a link of its own" in capsys.readouterr().err


def test_refusals_are_plain_words_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(LinkError, match="names no series"):
        make_link(Stub("lonely"), tmp_path, series=True)
    with pytest.raises(LinkError, match="must look like"):
        make_link(Stub("x"), tmp_path, public_url="ftp://nowhere")
    with pytest.raises(LinkError, match="between 1 and 65535"):
        make_link(Stub("x"), tmp_path, port=0)
    assert _link(tmp_path, "--public-url", "not a url") == 1
    assert "must look like" in capsys.readouterr().err
    assert not (tmp_path / "links").exists()
    assert main(["--data-dir", str(tmp_path), "form", "link", "--agenda", "no-such-agenda"]) == 1
    assert "no such agenda" in capsys.readouterr().err


def test_an_unreadable_saved_link_is_reported_and_left_as_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = link_path(tmp_path, "agenda", AGENDA)
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"schema": 1, "url": ')
    with pytest.raises(LinkError, match="cannot be read"):
        planned_link(load_agenda(resolve_agenda(AGENDA)), tmp_path)
    assert _link(tmp_path) == 1
    assert "cannot be read" in capsys.readouterr().err
    assert path.read_bytes() == b'{"schema": 1, "url": '
    path.write_text(json.dumps({"schema": 1, "scope": "agenda", "name": AGENDA, "url": 5}))
    with pytest.raises(LinkError, match="wrong type"):
        planned_link(load_agenda(resolve_agenda(AGENDA)), tmp_path)


def test_no_link_means_none_and_the_local_url_names_the_host_given(tmp_path: Path) -> None:
    assert planned_link(Stub("nothing", "no series"), tmp_path) is None
    choice = make_link(Stub("plain"), tmp_path, port=18767, host="192.0.2.10")
    assert choice.status == "new"
    assert choice.link.url == "http://192.0.2.10:18767/"
    again = make_link(Stub("plain"), tmp_path)
    assert again.status == "kept" and again.link.url == choice.link.url


def test_the_port_chosen_skips_a_busy_one() -> None:
    with _listening() as busy:
        taken = busy.getsockname()[1]
        assert not port_is_free(taken)
        chosen = choose_port(start=taken, span=20)
    assert chosen != taken and taken < chosen < taken + 20
