"""Fixtures of the end-to-end tests: a headless Chromium, two participants in it, the form
alone, and a ``facilitator form serve`` of its own.

``browser`` skips when Debian's chromium is missing (and fails when CI demands it, see
``tests/conftest.py``); ``participants`` are two browser contexts (own cookies, so two
participant ids): A and B; ``server`` is the built-in form alone in the test's event loop;
``remote`` is a hosted form in a process of its own, with its own data folder and port, as
on an agency host.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from console.intake import IntakeConfig, IntakeServer
from tests.conftest import CHROMIUM, require_browser
from tests.form_helpers import INFO, FormServe

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-gpu",
]


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    require_browser()
    playwright_api = pytest.importorskip("playwright.async_api")
    async with playwright_api.async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


@pytest.fixture
async def participants(browser: Any) -> AsyncIterator[tuple[Any, Any]]:
    """Two participants, A and B: a page each in its own browser context."""
    ctx_a, ctx_b = await browser.new_context(), await browser.new_context()
    yield await ctx_a.new_page(), await ctx_b.new_page()
    await ctx_a.close()
    await ctx_b.close()


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[IntakeServer]:
    """The built-in form alone (no console) in this event loop, on a free port."""
    config = IntakeConfig(data_dir=tmp_path / "intake", port=0, token="r" * 32)
    srv = IntakeServer(config, replace(INFO))
    await srv.start()
    yield srv
    await srv.stop()


@pytest.fixture
async def remote(tmp_path: Path) -> AsyncIterator[FormServe]:
    """``facilitator form serve`` as a process, its data in a folder no console uses."""
    form = FormServe(tmp_path / "hosted-form-data", "--title", "Office hours")
    yield form
    form.stop()
