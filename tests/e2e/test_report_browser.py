"""The HTML report in a real headless Chromium: no console errors, no network requests,
hostile text shown as text, zero WCAG 2.1 AA violations (axe-core), and a screenshot kept in
tests/artifacts/ for a human to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from console.report.build import build_report
from console.report.render_html import render_html
from console.store import SessionFolder
from tests.conftest import require_browser
from tests.data.report.fixture_session import NOW, make_fixture

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-gpu",
]

pytestmark = pytest.mark.browser


async def test_html_report_in_chromium(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_browser()
    playwright_api = pytest.importorskip("playwright.async_api")
    from axe_playwright_python.async_playwright import Axe

    folder = make_fixture(tmp_path / "data")
    monkeypatch.chdir(tmp_path / "data")
    data = build_report(SessionFolder.open(folder), now=NOW, include_dismissed=True)
    report = tmp_path / "report.html"
    report.write_text(render_html(data), encoding="utf-8")

    errors: list[str] = []
    requests: list[str] = []
    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1100, "height": 900})

            def on_console(msg: Any) -> None:
                if msg.type == "error":
                    errors.append(msg.text)

            page.on("console", on_console)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("request", lambda req: requests.append(req.url))
            await page.goto(report.as_uri())
            assert await page.evaluate("() => document.querySelectorAll('script').length") == 0
            assert await page.evaluate("() => document.querySelectorAll('a, img').length") == 0
            body = await page.inner_text("body")
            assert "<script>alert(1)</script>" in body  # shown as text, not run
            assert await page.evaluate("() => getComputedStyle(document.body).maxWidth") != "none"
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
            await page.emulate_media(media="print")
            await page.screenshot(path=str(ARTIFACTS / "report_print.png"), full_page=True)
            await page.emulate_media(media="screen")
            results = await Axe().run(
                page,
                options={
                    "runOnly": {"type": "tag", "values": AXE_TAGS},
                    "resultTypes": ["violations"],
                },
            )
            assert results.violations_count == 0, results.generate_report()
        finally:
            await browser.close()
    assert errors == []
    assert [u for u in requests if not u.startswith("file:")] == []
