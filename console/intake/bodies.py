"""Reading a posted body without trusting it.

A body that cannot be read (multipart without a boundary or cut short, a broken part header,
bytes that are not UTF-8, a charset Python does not know) is the client's mistake: it becomes
``HTTPBadRequest``, which the server's error middleware renders as the form's own page
(``message.html``, in the participant's language; JSON under ``/api/``, where ``api_routes``
answers ``{"error": "body must be JSON (UTF-8)"}``), never a ``500`` with a traceback in the
log. A body that does not arrive in time is ``HTTPRequestTimeout`` (``408``). A client gone
mid-body gets the same ``400``, unread. Every POST handler reads its body through here:
``POST /`` and ``POST /vote`` (``read_form_fields``), ``POST /api/session``,
``/api/decisions`` and ``/api/questions`` (``read_json``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

log = logging.getLogger(__name__)

_UNREADABLE = (ValueError, LookupError, HttpProcessingError, ConnectionResetError)
"""What aiohttp raises for a body it cannot parse or decode, or for a client gone mid-body:
``UnicodeDecodeError``, a JSON error, "boundary missed" and "Reading after EOF" are
``ValueError``s; an unknown charset is a ``LookupError``; a broken multipart part header an
``HttpProcessingError``."""


async def read_form_fields(request: web.Request, within: float) -> dict[str, str]:
    """The posted form's text fields (file parts are dropped), read within ``within`` seconds.

    Raises ``HTTPBadRequest`` or ``HTTPRequestTimeout``; ``HTTPRequestEntityTooLarge`` passes
    through.
    """
    async with _reading(request, within):
        posted = await request.post()
    return {key: value for key, value in posted.items() if isinstance(value, str)}


async def read_json(request: web.Request, within: float) -> Any:
    """The posted JSON value; ``HTTPBadRequest`` when the body is not JSON in a known charset."""
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
    except _UNREADABLE as exc:
        log.debug(
            "intake: unreadable body on %s %s (%s)",
            request.method,
            request.path,
            exc.__class__.__name__,
        )
        raise web.HTTPBadRequest() from None
