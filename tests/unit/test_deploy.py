"""The hosting files in deploy/: the Containerfile and the systemd unit say what the docs say,
their command lines are ones ``facilitator form serve`` accepts, the unit passes
``systemd-analyze verify`` where that tool exists, and the image builds where a container tool
and the base image are present locally (and the build is allowed to fetch packages)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from console.cli import build_parser
from console.cli.form import _check_args

ROOT = Path(__file__).resolve().parents[2]
CONTAINERFILE = ROOT / "deploy" / "Containerfile"
UNIT = ROOT / "deploy" / "facilitator-form.service"
BUILD_OPT_IN = "FACILITATOR_CONTAINER_BUILD"


def instructions(path: Path) -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` of a Containerfile, continuation lines joined."""
    out: list[tuple[str, str]] = []
    pending = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        whole = pending + stripped
        pending = ""
        word, _, rest = whole.partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def unit_sections(path: Path) -> dict[str, list[tuple[str, str]]]:
    """A systemd unit as ``{section: [(key, value), ...]}`` (keys may repeat)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", ";")):
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            current = sections.setdefault(stripped[1:-1], [])
            continue
        key, sep, value = stripped.partition("=")
        assert current is not None and sep, f"{path.name}:{number}: not key=value: {line!r}"
        current.append((key.strip(), value.strip()))
    return sections


def serve_args(argv: list[str]) -> object:
    """Parse ``form serve`` arguments with the real parser and check them as the command does."""
    args = build_parser().parse_args(["form", "serve", *argv])
    assert args.handler.__name__ == "run_form_serve"
    assert _check_args(args) is None
    return args


def test_the_containerfile_runs_form_serve_as_documented() -> None:
    steps = instructions(CONTAINERFILE)
    first = dict(steps)
    entry = json.loads(first["ENTRYPOINT"])
    cmd = json.loads(first["CMD"])
    assert entry == ["facilitator", "form", "serve"]
    args = serve_args(cmd)
    assert args.host == "0.0.0.0" and args.trust_proxy  # type: ignore[attr-defined]
    assert args.public_url.startswith("https://")  # type: ignore[attr-defined]
    port = args.port  # type: ignore[attr-defined]
    assert first["EXPOSE"] == str(port)
    assert f"127.0.0.1:{port}/healthz" in first["HEALTHCHECK"]
    assert re.search(r"BASE_IMAGE=python:3\.11-slim", first["ARG"])
    assert first["FROM"] == "${BASE_IMAGE}"
    user = first["USER"].split(":")[0]
    assert user not in {"root", "0"}
    assert [s for s in steps if s[0] == "USER"][-1] == ("USER", first["USER"])
    volume = json.loads(first["VOLUME"])
    env = " ".join(value for word, value in steps if word == "ENV")
    assert f"FACILITATOR_DATA_DIR={volume[0]}" in env
    assert any("uv sync --locked --no-dev" in value for word, value in steps if word == "RUN")
    # The example in the file's head is a command line form serve accepts too.
    text = CONTAINERFILE.read_text(encoding="utf-8")
    example = re.search(r"facilitator-form (--host .*?)\n# See", text, re.S)
    assert example
    serve_args(shlex.split(example.group(1).replace("\\\n#", " ")))


def test_the_unit_is_hardened_restarts_and_keeps_its_state() -> None:
    sections = unit_sections(UNIT)
    service = sections["Service"]
    keys = dict(service)
    assert keys.get("DynamicUser") == "yes" or keys.get("User")
    assert keys["NoNewPrivileges"] == "yes"
    assert keys["ProtectSystem"] == "strict"
    assert keys["Restart"] == "on-failure"
    assert keys["KillSignal"] == "SIGTERM"
    state = keys["StateDirectory"]
    environment = [v for k, v in service if k == "Environment"]
    assert f"FACILITATOR_DATA_DIR=/var/lib/{state}" in environment
    assert keys["EnvironmentFile"].lstrip("-").startswith("/etc/")
    assert "multi-user.target" in dict(sections["Install"])["WantedBy"]
    executable, *argv = shlex.split(keys["ExecStart"])
    assert executable.endswith("/facilitator") and executable.startswith("/")
    assert argv[:2] == ["form", "serve"]
    args = serve_args(argv[2:])
    assert args.host == "127.0.0.1" and args.trust_proxy  # type: ignore[attr-defined]


def test_systemd_analyze_verify_accepts_the_unit(tmp_path: Path) -> None:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed (the key check above still ran)")
    # verify insists that ExecStart's program exists: point it at this Python instead.
    text = UNIT.read_text(encoding="utf-8").replace(
        "/opt/facilitator/bin/facilitator", sys.executable
    )
    unit = tmp_path / UNIT.name
    unit.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [tool, "verify", str(unit)], capture_output=True, text=True, timeout=120, check=False
    )
    about_ours = [line for line in (done.stdout + done.stderr).splitlines() if UNIT.name in line]
    assert done.returncode == 0, done.stdout + done.stderr
    assert about_ours == [], "\n".join(about_ours)


def _container_tool() -> tuple[str, str]:
    """The container tool to build with and the base image, or skip saying why not."""
    for name in ("podman", "docker"):
        tool = shutil.which(name)
        if tool is None:
            continue
        image = "python:3.11-slim"
        try:
            probe = subprocess.run(
                [tool, "image", "inspect", image], capture_output=True, timeout=60, check=False
            )
        except subprocess.TimeoutExpired:
            pytest.skip(f"{name} did not answer within a minute")
        if probe.returncode != 0:
            why = probe.stderr.decode(errors="replace").strip().splitlines()
            pytest.skip(
                f"{name} is installed but the base image {image} is not present locally "
                f"(or its daemon is not reachable: {why[-1] if why else 'no detail'})"
            )
        if not os.environ.get(BUILD_OPT_IN):
            pytest.skip(
                f"{name} and {image} are here, but the build fetches the project's packages: "
                f"set {BUILD_OPT_IN}=1 to allow it"
            )
        return tool, image
    pytest.skip("no container tool (podman or docker) is installed")
    raise AssertionError("unreachable")


@pytest.mark.slow
def test_the_image_builds_and_its_entry_point_answers() -> None:
    tool, image = _container_tool()
    tag = "facilitator-form-test:latest"
    build = [tool, "build", "-f", str(CONTAINERFILE), "--build-arg", f"BASE_IMAGE={image}"]
    if tool.endswith("podman"):
        build += ["--format", "docker"]
    subprocess.run([*build, "-t", tag, str(ROOT)], check=True, timeout=1800)
    try:
        shown = subprocess.run(
            [tool, "run", "--rm", "--network", "none", tag, "--help"],
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        assert "--public-url" in shown.stdout
    finally:
        subprocess.run([tool, "rmi", "-f", tag], capture_output=True, check=False, timeout=300)
