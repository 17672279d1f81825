"""How the form's server holds connections: the deadlines aiohttp lacks, and the file limit.

aiohttp reads a request's headers with no deadline of its own and keeps an idle connection for
an hour by default, so clients that open connections and never finish their headers each hold a
file descriptor; about 1,020 of them used to exhaust a common 1,024 limit and make the form
unreachable. Three bounds, each in ``IntakeConfig``:

- ``header_timeout`` (10 s): from the connection's opening, or from the first byte of the next
  request on a kept-alive connection, to the end of that request's headers. Bytes that trickle
  in do not extend it. Enforced here, by ``_GuardedHandler``.
- ``keepalive_timeout`` (15 s): idle time between requests (aiohttp's own timer, which also
  closes a connection that sends nothing at all).
- ``body_timeout`` (30 s): reading a posted body, in every POST handler (``bodies``).

Neither connection timer runs while a request is being answered, so a response held on purpose
is never cut. Each long poll has its own cap instead: the console's ``GET /api/questions``
(``api_routes.MAX_WAIT_S``, 30 s) and the participants' live list ``GET /questions.json``
(``participant_routes.LIVE_WAIT_S``, 25 s).
"""

from __future__ import annotations

import asyncio
import logging
import resource
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

log = logging.getLogger(__name__)

FILE_LIMIT_CAP = 65_536
"""The soft open-file limit is raised at most to this (an unlimited hard limit included)."""


class _GuardedHandler(RequestHandler):
    """aiohttp's per-connection protocol, plus a deadline for finishing a request's headers.

    Reads two fields of the pinned aiohttp's ``RequestHandler`` (``_request_count``, bumped as
    each request's headers are parsed, and ``_waiter``, pending while the connection waits for
    its next request); ``tests/unit/test_intake_connections.py`` pins the behaviour.
    """

    __slots__ = ("_counted", "_header_deadline", "_header_timeout")

    def __init__(self, manager: web.Server, *, header_timeout: float, **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self._header_timeout = header_timeout
        self._header_deadline: asyncio.TimerHandle | None = None
        self._counted = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        idle = self._waiter is not None and not self._waiter.done()
        super().data_received(data)
        if self._request_count != self._counted:  # a request's headers are complete
            self._counted = self._request_count
            self._disarm()
        elif idle and data and self._header_deadline is None:
            self._arm()  # the first bytes of the next request on a kept-alive connection

    def connection_lost(self, exc: BaseException | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._header_timeout > 0:
            self._header_deadline = self._loop.call_later(self._header_timeout, self._expired)

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _expired(self) -> None:
        self._header_deadline = None
        if self._request_count == self._counted:
            log.debug("intake: closed a connection whose request headers did not arrive in time")
            self.force_close()


class GuardedSite(web.SockSite):
    """A ``SockSite`` whose connections get ``_GuardedHandler``'s header deadline and the
    given keep-alive bound. Connections are made here, not by the runner's server, so its
    handler options (access log...) are the ones set below."""

    __slots__ = ("_header_timeout", "_keepalive_timeout")

    def __init__(
        self,
        runner: web.BaseRunner,
        sock: socket.socket,
        *,
        header_timeout: float,
        keepalive_timeout: float,
    ) -> None:
        super().__init__(runner, sock)
        self._header_timeout = header_timeout
        self._keepalive_timeout = keepalive_timeout

    async def start(self) -> None:
        await web.BaseSite.start(self)  # registers the site with its runner
        loop = asyncio.get_running_loop()
        server = self._runner.server
        assert server is not None

        def connection() -> _GuardedHandler:
            return _GuardedHandler(
                server,
                loop=loop,
                header_timeout=self._header_timeout,
                keepalive_timeout=self._keepalive_timeout,
                access_log=None,
            )

        self._server = await loop.create_server(connection, sock=self._sock, backlog=self._backlog)


# -- the open-file limit -------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FileLimit:
    """The process's soft open-file limit before and after ``raise_open_file_limit``."""

    before: int
    now: int


def raise_open_file_limit(
    cap: int = FILE_LIMIT_CAP,
    getrlimit: Callable[[int], tuple[int, int]] = resource.getrlimit,
    setrlimit: Callable[[int, tuple[int, int]], None] = resource.setrlimit,
) -> FileLimit:
    """Raise the soft ``RLIMIT_NOFILE`` to the hard limit (at most ``cap``): every connection
    is a file descriptor, and a common default soft limit is 1,024. A refused raise (some
    systems cap below the hard limit) keeps the old limit and says so in the log."""
    soft, hard = getrlimit(resource.RLIMIT_NOFILE)
    wanted = cap if hard == resource.RLIM_INFINITY else min(hard, cap)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError) as exc:
            log.warning("intake: could not raise the open-file limit from %d: %s", soft, exc)
            return FileLimit(soft, soft)
        log.info("intake: open-file limit raised from %d to %d", soft, wanted)
        return FileLimit(soft, wanted)
    return FileLimit(soft, soft)
