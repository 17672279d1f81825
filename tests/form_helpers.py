"""Helpers for tests that drive the question form as participants do, over real HTTP.

A ``Participant`` is one browser (its own cookie jar) speaking plain HTTP to a form: it
fetches the page for a CSRF token, posts a question, says "me too", reads the list and its
private page. ``FormServe`` runs ``facilitator form serve`` as a real process with its own
data folder and port. ``until`` waits for a condition with a generous deadline (never a
timed assertion). In Chromium (a Playwright page), ``ask_in_browser``, ``vote_in_browser``
and ``page_text`` do the same as a participant would, and ``assert_accessible`` runs axe-core.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from console.intake import FormInfo

TOKEN = "form-token-for-tests-0123456789"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

INFO = FormInfo(
    title="School Safety Office Hours",
    when="Wednesday, December 17, 2025, 3:30 PM EST",
    themes=[
        ("drills", "Drills and exercises"),
        ("access", "Building access"),
        ("mental-health", "Mental health and threat assessment"),
    ],
    host="Department of Emergency Services and Public Protection",
)
"""What the form's header says in the tests that serve it without a console."""

RUNNER = """
import argparse, sys
from console.cli import form
parser = argparse.ArgumentParser()
parser.add_argument("--data-dir")
form.register(parser.add_subparsers())
args = parser.parse_args(sys.argv[1:])
sys.exit(args.handler(args))
"""


async def until(
    predicate: Callable[[], bool | Awaitable[bool]], what: str, timeout: float = 30.0
) -> None:
    """Wait until ``predicate()`` is true (it may be async); fail after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = predicate()
        if not isinstance(result, bool):
            result = await result
        if result:
            return
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


class Participant:
    """One browser on the form: its own cookies (participant id), CSRF from the page."""

    def __init__(self, url: str) -> None:
        self.url = url if url.endswith("/") else url + "/"
        self.http = httpx.AsyncClient(timeout=30.0)
        self.thanks = ""

    async def aclose(self) -> None:
        await self.http.aclose()

    async def page(self, path: str = "") -> str:
        response = await self.http.get(self.url + path)
        assert response.status_code == 200, (response.status_code, response.text[:300])
        return response.text

    async def csrf(self, path: str = "") -> str:
        match = re.search(r'name="csrf" value="([^"]+)"', await self.page(path))
        assert match, "no CSRF token on the page"
        return match.group(1)

    async def ask(self, text: str, **extra: str) -> str:
        """Send a question as the form does; returns the thank-you page."""
        data = {"csrf": await self.csrf(), "question": text, **extra}
        response = await self.http.post(
            self.url, data=data, headers={"Origin": self.url.rstrip("/")}, follow_redirects=True
        )
        assert response.status_code == 200, response.text[:500]
        self.thanks = response.text
        return response.text

    def private_link(self) -> str:
        match = re.search(r'href="(mine\?k=[^"]+)"', self.thanks)
        assert match, "no private link on the thank-you page"
        return match.group(1)

    async def vote(self, qid: str) -> int:
        data = {"csrf": await self.csrf(), "question": qid}  # any page's token serves
        response = await self.http.post(
            self.url + "vote", data=data, headers={"Origin": self.url.rstrip("/")}
        )
        return response.status_code


class FormServe:
    """``facilitator form serve`` as a real process, with its own data folder and port."""

    def __init__(self, data_dir: Path, *args: str, port: int = 0) -> None:
        env = {k: v for k, v in os.environ.items() if k != "FACILITATOR_FORM_TOKEN"}
        env["FACILITATOR_FORM_TOKEN"] = TOKEN
        self.log = data_dir.parent / f"{data_dir.name}.serve.log"
        data_dir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                RUNNER,
                "--data-dir",
                str(data_dir),
                "form",
                "serve",
                "--port",
                str(port),
                *args,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.url = self._read_url()
        self.token = TOKEN

    def _read_url(self) -> str:
        assert self.proc.stdout is not None
        seen = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError(f"form serve ended early:\n{seen}")
            seen += line
            match = re.search(r"is at (http://\S+)", line)
            if match:
                return match.group(1)
        raise AssertionError(f"form serve gave no address:\n{seen}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


# -- the same, as a participant in Chromium (a Playwright page) ------------------------------
async def ask_in_browser(page: Any, url: str, text: str) -> str:
    """Fill in and send the form as a participant does; the private page's full address,
    from the link on the thank-you page."""
    await page.goto(url)
    await page.get_by_label("Your question").fill(text)
    await page.get_by_role("button", name="Send question").click()
    await page.wait_for_url("**/thanks?r=*")
    href = await page.locator("#private-link").get_attribute("href")
    assert href and href.startswith("mine?k="), href
    return url + href


async def vote_in_browser(page: Any, url: str, form_id: str) -> None:
    """Open the list and press "Me too" on one question."""
    await page.goto(url + "questions")
    await page.locator(f"#vote-{form_id}").click()
    await page.wait_for_url("**/questions?voted=1*")


async def shows(locator: Any, text: str) -> bool:
    """Whether the element (a Playwright locator) shows ``text`` now; for ``until``."""
    return text in await locator.inner_text()


async def page_text(page: Any) -> str:
    """What the page shows now (not its markup: escaped text reads as typed)."""
    return str(await page.locator("body").inner_text())


async def assert_accessible(page: Any, name: str) -> None:
    """axe-core's WCAG 2.1 AA rules on the page as it is now: no violation."""
    from axe_playwright_python.async_playwright import Axe

    results = await Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    assert results.violations_count == 0, f"{name}:\n{results.generate_report()}"
