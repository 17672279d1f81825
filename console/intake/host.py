"""What the route handlers need from the form server, as a Protocol.

The participant and API handlers (``participant_routes``, ``api_routes``) are built by
``IntakeServer`` and call back into it. Typed against this Protocol rather than the class, they
never import ``server.py``, which imports them: the two would otherwise form an import circle
(hidden under ``TYPE_CHECKING``, but a circle all the same). ``IntakeServer`` satisfies it as it
is; mypy checks that where the server builds its handlers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from aiohttp import web

from console.intake.config import FormInfo, IntakeConfig
from console.intake.formdb import FormDB
from console.intake.security import RateLimiter, SiteIdentity


class RouteHost(Protocol):
    """The form server as its handlers see it (read-only: they never assign to it)."""

    @property
    def config(self) -> IntakeConfig: ...
    @property
    def info(self) -> FormInfo: ...
    @property
    def now(self) -> Callable[[], datetime]: ...
    @property
    def url(self) -> str: ...
    @property
    def open(self) -> bool: ...
    @property
    def closed_reason(self) -> str | None: ...
    @property
    def store(self) -> FormDB | None: ...
    @property
    def held(self) -> re.Pattern[str] | None: ...
    @property
    def limiter(self) -> RateLimiter: ...
    @property
    def _secret(self) -> bytes: ...
    @property
    def _identity(self) -> SiteIdentity: ...
    @property
    def _stopping(self) -> bool: ...

    async def set_open(self, open: bool, reason: str = ...) -> None: ...
    def _authorized(self, request: web.Request) -> bool: ...
    def _unauthorized(self) -> web.Response: ...
    def _error(
        self,
        request: web.Request,
        status: int,
        heading: str,
        message: str,
        headers: dict[str, str] | None = None,
    ) -> web.Response: ...
