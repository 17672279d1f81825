"""The local form's process, by pid: alive, still a form, gone (``form_process`` uses them).

A pid in a state file may belong to a form that died long ago and to another program now, so
nothing is signalled before ``is_form`` says the pid still runs ``form serve``; waiting for a
process the console did not start uses a pidfd (Linux) rather than polling.
"""

from __future__ import annotations

import os
import select
import subprocess
import time
from pathlib import Path


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie does not count; another user's does)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, another user's: not ours to signal, but not free either
    return not is_zombie(pid)


def is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] == "Z"


def is_form(pid: int) -> bool:
    """Whether ``pid`` runs ``form serve`` (guards against a recycled pid); True when the
    system does not say (no /proc)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except FileNotFoundError:
        return not Path("/proc/self").exists()
    except OSError:
        return False
    return b"form" in cmdline and b"serve" in cmdline


def wait_gone(pid: int, timeout: float, child: subprocess.Popen[bytes] | None) -> bool:
    """Wait until ``pid`` has exited (``child``: our own, reaped); False after ``timeout``."""
    if child is not None:
        try:
            child.wait(timeout)
        except subprocess.TimeoutExpired:
            return False
        return True
    try:  # a process we did not start: wait on a pidfd (Linux), no polling
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    if pidfd is not None:
        try:
            readable, _, _ = select.select([pidfd], [], [], timeout)
        finally:
            os.close(pidfd)
        return bool(readable) or not alive(pid)
    end = time.monotonic() + timeout
    while alive(pid):
        if time.monotonic() > end:
            return False
        time.sleep(0.05)
    return True
