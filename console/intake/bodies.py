"""Reading a posted body under a deadline.

A body that does not arrive in time is ``HTTPRequestTimeout`` (``408``), which the server's
error middleware renders as the form's own page (JSON under ``/api/``): a client that sends its
headers and then trickles (or never sends) its body cannot hold the connection.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)


async def read_form_fields(request: web.Request, within: float) -> dict[str, str]:
    """The posted form's text fields (file parts are dropped), read within ``within`` seconds.

    Raises ``HTTPRequestTimeout``; ``HTTPRequestEntityTooLarge`` passes through.
    """
    async with _reading(request, within):
        posted = await request.post()
    return {key: value for key, value in posted.items() if isinstance(value, str)}


async def read_json(request: web.Request, within: float) -> Any:
    """The posted JSON value, read within ``within`` seconds."""
    async with _reading(request, within):
        return await request.json()


@asynccontextmanager
async def _reading(request: web.Request, within: float) -> AsyncIterator[None]:
    try:
        async with asyncio.timeout(within):
            yield
    except TimeoutError:
        log.debug("intake: the body of %s %s was not sent in time", request.method, request.path)
        raise web.HTTPRequestTimeout() from None
