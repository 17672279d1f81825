"""Time to first paint of ``facilitator`` against a minimal Textual app, in a real terminal.

Each program runs under a pseudo-terminal whose output feeds a pyte screen (a terminal
emulator); the time is from spawn until the program's finished first frame shows a marker
text. Runs alternate between the two programs so machine noise hits both alike. Prints the
medians and the ratio (the foundation issue asks for at most 2.0).

    uv run python bench/first_paint.py [--runs 7] [--form]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import pty
import select
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyte

ROOT = Path(__file__).resolve().parent.parent
COLS, ROWS = 120, 40


def time_to_marker(
    argv: list[str], marker: str, env: dict[str, str], timeout: float = 30.0
) -> float:
    screen = pyte.Screen(COLS, ROWS)
    stream = pyte.ByteStream(screen)
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execvpe(argv[0], argv, env)
    try:
        import fcntl
        import struct
        import termios

        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        deadline = start + timeout
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    break
                if not data:
                    break
                stream.feed(data)
                if any(marker in line for line in screen.display):
                    return time.perf_counter() - start
        raise RuntimeError(f"{marker!r} never appeared for {argv}")
    finally:
        os.kill(pid, signal.SIGTERM)
        time.sleep(0.05)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def stop_forms(data: Path, deadline: float = 15.0) -> None:
    """The form is a process of its own that outlives the console (``facilitator run``): stop
    the one this run started, once it is up (the console may have been stopped while it
    started), before its folder goes."""
    sys.path.insert(0, str(ROOT))
    from console.session.form_process import STATE_FILE, stop_form

    end = time.monotonic() + deadline
    for intake in (data / "sessions").glob("*/intake"):
        while (intake / "form.log").exists() and not (intake / STATE_FILE).exists():
            if time.monotonic() > end:
                break
            time.sleep(0.05)
        stop_form(intake)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--form", action="store_true", help="with the built-in form server on")
    args = parser.parse_args()
    env = dict(
        os.environ, TERM="xterm-256color", COLUMNS=str(COLS), LINES=str(ROWS), LANG="C.UTF-8"
    )
    baseline, ours = [], []
    for _ in range(args.runs):
        baseline.append(
            time_to_marker(
                [sys.executable, str(ROOT / "bench" / "minimal_app.py")], "minimal app ready", env
            )
        )
        with tempfile.TemporaryDirectory() as data, tempfile.TemporaryDirectory() as cfg:
            argv = [
                sys.executable,
                "-m",
                "console",
                "--data-dir",
                data,
                "--config-dir",
                cfg,
                "run",
                "--new",
            ]
            if not args.form:
                argv.append("--no-form")
            try:
                ours.append(time_to_marker(argv, "Run of show", env))
            finally:
                if args.form:
                    stop_forms(Path(data))
    b, o = statistics.median(baseline), statistics.median(ours)
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cpus, Python {platform.python_version()}"
    )
    print(f"runs: {args.runs} each, alternating; terminal {COLS}x{ROWS} (pyte over a pty)")
    print(f"minimal Textual app  median {b * 1000:.0f} ms  (min {min(baseline) * 1000:.0f})")
    label = "facilitator (+form)" if args.form else "facilitator"
    print(f"{label:<20} median {o * 1000:.0f} ms  (min {min(ours) * 1000:.0f})")
    print(f"ratio facilitator/minimal: {o / b:.2f} (target <= 2.0)")


if __name__ == "__main__":
    main()
