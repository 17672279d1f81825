"""Clients of a built-in form on 127.0.0.1, for the tests that speak to it over real HTTP.

``Participant`` is one browser (its own cookie jar); ``Console`` holds the token and stands
in for the facilitator's console. The ``start`` fixture that makes both is in
``tests/unit/conftest.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import aiohttp

from console.intake import FormInfo, IntakeServer

INFO = FormInfo(
    title="School Safety Office Hours",
    when="Wednesday, December 17, 2025, 3:30 PM EST",
    themes=[("drills", "Drills & exercises")],
    host="Department of Emergency Services",
)


class Participant:
    """One browser: its own cookie jar."""

    def __init__(self, server: IntakeServer) -> None:
        self.server = server
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    @property
    def url(self) -> str:
        return self.server.url

    async def page(self, path: str = "", **headers: str) -> tuple[int, str]:
        async with self.http.get(self.url + path, headers=headers) as resp:
            return resp.status, await resp.text()

    async def csrf(self, path: str = "") -> str:
        _, body = await self.page(path)
        match = re.search(r'name="csrf" value="([^"]+)"', body)
        assert match, body
        return match.group(1)

    async def ask(self, text: str, **extra: str) -> str:
        """Send a question; returns the thank-you page."""
        data = {"csrf": await self.csrf(), "question": text, **extra}
        async with self.http.post(
            self.url, data=data, headers={"Origin": self.url.rstrip("/")}
        ) as resp:
            assert resp.status == 200, await resp.text()
            return await resp.text()

    async def vote(self, qid: str, csrf: str | None = None) -> int:
        data = {"csrf": csrf or await self.csrf(), "question": qid}
        async with self.http.post(
            self.url + "vote",
            data=data,
            headers={"Origin": self.url.rstrip("/")},
            allow_redirects=False,
        ) as resp:
            return resp.status


class Console:
    """Stands in for the facilitator's console: the token-holding API client."""

    def __init__(self, server: IntakeServer, http: aiohttp.ClientSession) -> None:
        self.server, self.http = server, http

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.server.token}"}

    async def questions(self, **params: str) -> dict[str, Any]:
        async with self.http.get(
            self.server.url + "api/questions", params=params, headers=self.auth()
        ) as resp:
            assert resp.status == 200
            data: dict[str, Any] = await resp.json()
            return data

    async def decide(self, body: object, status: int = 200) -> dict[str, Any]:
        async with self.http.post(
            self.server.url + "api/decisions", json=body, headers=self.auth()
        ) as resp:
            assert resp.status == status, await resp.text()
            data: dict[str, Any] = await resp.json()
            return data

    async def by_text(self, text: str) -> dict[str, Any]:
        for q in (await self.questions(origin="all"))["questions"]:
            if q["text"] == text:
                return q
        raise AssertionError(f"no question {text!r}")


Start = Callable[..., Any]
"""``start(info=INFO, **config)`` -> ``(server, console, new_participant)``."""
