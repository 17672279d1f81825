"""The FAQ answers page in a real headless Chromium: hostile text shown as text, only links
within the page, no request leaves the file, zero WCAG 2.1 AA violations (axe-core), and a
screenshot kept in tests/artifacts/ for a human to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from console.report.faq import build_faq
from console.report.render_faq import render_faq_html
from console.store import SessionFolder
from tests.data.report.fixture_session import NOW, PLANTED_NAMES, make_fixture
from tests.e2e.test_report_browser import ARTIFACTS, AXE_TAGS
from tests.unit.test_report_documents import _with_answers

pytestmark = pytest.mark.browser


async def test_faq_page_in_chromium(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, browser: Any
) -> None:
    from axe_playwright_python.async_playwright import Axe

    folder = make_fixture(tmp_path / "data")
    monkeypatch.chdir(tmp_path / "data")
    faq = build_faq(_with_answers(SessionFolder.open(folder)), now=NOW)
    page_file = tmp_path / "answers.html"
    page_file.write_text(render_faq_html(faq), encoding="utf-8")

    errors: list[str] = []
    requests: list[str] = []
    page = await browser.new_page(viewport={"width": 1000, "height": 900})

    def on_console(msg: Any) -> None:
        if msg.type == "error":
            errors.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda req: requests.append(req.url))
    await page.goto(page_file.as_uri())
    assert await page.evaluate("() => document.querySelectorAll('script, img').length") == 0
    hrefs = await page.evaluate(
        "() => [...document.querySelectorAll('a')].map(a => a.getAttribute('href'))"
    )
    assert hrefs and all(h.startswith("#topic-") for h in hrefs)
    body = await page.inner_text("body")
    assert "<script>alert(1)</script>" in body  # shown as text, not run
    assert not any(name in body for name in PLANTED_NAMES)
    headings = await page.evaluate(
        "() => [...document.querySelectorAll('h2')].map(h => h.textContent)"
    )
    assert headings[:2] == ["Topics", "Drills and exercises"]
    await page.click("a[href='#topic-2']")
    await page.wait_for_function("() => location.hash === '#topic-2'")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "faq.png"), full_page=True)
    results = await Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": AXE_TAGS},
            "resultTypes": ["violations"],
        },
    )
    assert results.violations_count == 0, results.generate_report()
    assert errors == []
    assert [u for u in requests if not u.startswith("file:")] == []
