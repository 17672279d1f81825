"""`facilitator form serve` as a real process: prints the address and token once, serves,
stops cleanly on SIGINT, and refuses bad input without a traceback."""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from console.cli import form

# Only this command's parser, so the test does not depend on other commands' modules.
RUNNER = """
import argparse, sys
from console.cli import form
parser = argparse.ArgumentParser()
parser.add_argument("--data-dir")
form.register(parser.add_subparsers())
args = parser.parse_args(sys.argv[1:])
sys.exit(args.handler(args))
"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir")
    form.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return int(args.handler(args))


def _start(tmp_path: Path, *extra: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "FACILITATOR_FORM_TOKEN"}
    env["HOME"] = str(tmp_path)
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            RUNNER,
            "--data-dir",
            str(tmp_path / "data"),
            "form",
            "serve",
            "--port",
            "0",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _read_until(proc: subprocess.Popen[str], marker: str) -> str:
    assert proc.stdout is not None
    seen = ""
    deadline = time.monotonic() + 60
    while marker not in seen:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(
                f"process ended early: {seen}{proc.stderr.read() if proc.stderr else ''}"
            )
        seen += line
        if time.monotonic() > deadline:
            raise AssertionError(f"no {marker!r} in {seen}")
    return seen


def test_form_serve_prints_url_and_token_once_then_stops_on_sigint(tmp_path: Path) -> None:
    outputs = []
    for _ in range(2):
        proc = _start(tmp_path, "--title", "Office <hours>")
        try:
            out = _read_until(proc, "Ctrl-C")
            url = re.search(r"is at (http://\S+)", out)
            assert url, out
            assert re.search(r"Open-file limit: [\d,]+", out), out
            with urllib.request.urlopen(url.group(1), timeout=30) as resp:
                assert "Office &lt;hours&gt;" in resp.read().decode()
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=30) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
        outputs.append(out)
    token = (tmp_path / "data" / "intake" / "read-token").read_text().strip()
    assert token in outputs[0]
    assert token not in outputs[1]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["form", "serve", "--public-url", "forms.example.org"], "--public-url"),
        (["form", "serve", "--agenda", "/no/such/agenda.toml"], "no such agenda"),
        (["form", "serve", "--lan", "--host", "127.0.0.1"], "either --lan or --host"),
    ],
)
def test_bad_arguments_are_clear_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["--data-dir", str(tmp_path), *argv]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_form_serve_says_when_the_form_was_left_closed(tmp_path: Path) -> None:
    from console.intake.form_state import CLOSED, FormState, save_form_state

    folder = tmp_path / "data" / "intake"
    folder.mkdir(parents=True)
    save_form_state(folder, FormState(open=False, reason=CLOSED))
    proc = _start(tmp_path)
    try:
        out = _read_until(proc, "Ctrl-C")
        assert "The form is closed, as it was left" in out
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
