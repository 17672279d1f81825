"""Shared test setup: no test touches the real HOME, and slow machines get no deadlines."""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("ci")

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Point HOME and XDG folders at a temp folder so no test reads or writes the user's."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    monkeypatch.delenv("FACILITATOR_DATA_DIR", raising=False)
    monkeypatch.delenv("FACILITATOR_CONFIG_DIR", raising=False)
    monkeypatch.setenv("TZ", "UTC")
    yield
    # A console freezes the heap once its session is loaded (console.system.heap); the test process
    # runs hundreds of consoles, so hand the last one's objects back to the collector.
    gc.unfreeze()


def require_browser() -> None:
    """Skip when Chromium is missing, unless CI demands it (then fail loudly)."""
    if CHROMIUM.exists():
        return
    if os.environ.get("FACILITATOR_REQUIRE_BROWSER"):
        pytest.fail("Debian's chromium is required here but /usr/bin/chromium is missing")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)")


def require_tmux() -> str:
    path = shutil.which("tmux")
    if path:
        return path
    if os.environ.get("FACILITATOR_REQUIRE_BROWSER"):
        pytest.fail("tmux is required here but missing")
    pytest.skip("tmux is not installed")
    raise AssertionError("unreachable")
