"""The built-in question form: an aiohttp app participants post to and the board reads.

Runs inside the console's event loop (``IntakeServer.start``) or on its own
(``facilitator form serve``). Routes:

- the participant pages (``participant_routes``): the form, thanks, the shared list with
  "me too" votes, the asker's private page;
- the console's API (``api_routes``, bearer token): questions, session, decisions;
- ``GET /healthz`` for a proxy's health check.

Connections get the deadlines of ``connections`` (headers, idle keep-alive) and every posted
body is read through ``bodies`` (a deadline, and ``400`` for one that cannot be read); the
soft open-file limit is raised at start (``file_limit``).

The data lives in ``formdb.FormDB`` (SQLite, WAL); the open/closed state in ``form_state``.
"""

from __future__ import annotations

import asyncio
import errno
import gc
import logging
import socket
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from aiohttp import web

from console.intake import pages, render
from console.intake.api_routes import ApiRoutes
from console.intake.config import (
    DEFAULT_PORT,
    MAX_API_BODY_BYTES,
    MAX_BODY_BYTES,
    PORT_SEARCH_SPAN,
    FormInfo,
    IntakeConfig,
    IntakeError,
)
from console.intake.connections import FileLimit, GuardedSite, raise_open_file_limit
from console.intake.form_state import (
    ENDED,
    REASONS,
    FormState,
    load_form_state,
    save_form_state,
)
from console.intake.formdb import FormDB
from console.intake.participant_routes import ParticipantRoutes
from console.intake.render import participant_headers
from console.intake.security import (
    RateLimiter,
    SiteIdentity,
    bearer_ok,
)
from console.intake.tokens import load_read_token, load_server_secret
from console.intake.visibility import held_matcher
from console.store import FileLock, StoreError, StoreLocked

log = logging.getLogger(__name__)

LOCK_NAME = "intake"
"""The folder lock is ``<data>/intake.lock`` (the store's ``FileLock`` adds ``.lock``)."""
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def lan_address() -> str:
    """This machine's address on its default route (a UDP connect sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def _names_for(host: str) -> set[str]:
    """Host names a browser may use for a server bound to ``host``."""
    loopback = {"127.0.0.1", "localhost", "::1"}
    if host in loopback:
        return loopback
    if host in {"0.0.0.0", "::", ""}:  # noqa: S104 - only a comparison
        hostname = socket.gethostname()
        return loopback | {lan_address(), hostname, f"{hostname}.local"}
    return {host}


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket; raises ``OSError`` (EADDRINUSE when busy)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def settle_heap() -> None:
    """For a process that only serves the form (``form serve``), once started: compile the
    templates, collect, and freeze what is alive (modules, routes, templates), so the
    collector's full passes under load scan only what the requests made. Measured under the
    participants' load: a full pass held the loop about 70 ms, about 30 ms once frozen."""
    render.warm()
    gc.collect()
    gc.freeze()


class IntakeServer:
    """One running form: its store, its limits and its aiohttp runner."""

    def __init__(
        self,
        config: IntakeConfig,
        info: FormInfo,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.config = config
        self.info = info
        self.now = now or (lambda: datetime.now(UTC))
        self.url = ""
        self.token = ""
        self.token_was_created = False
        self.token_source = ""
        """Where the token came from: ``config``, ``env``, ``file`` or ``new``."""
        self.port = 0
        self.open = True
        self.closed_reason: str | None = None
        """Why the form is closed (``ENDED`` or ``CLOSED``); ``None`` while open."""
        self.saved_state: FormState | None = None
        """The open/closed state found in the folder at start (``None``: never saved)."""
        self.store: FormDB | None = None
        self.held = held_matcher(config.held_words)
        """Matches the held words (None: no list): such questions wait for publishing."""
        self.file_limit: FileLimit | None = None
        """The open-file limit (each connection holds one), as raised at start."""
        self.limiter = RateLimiter(
            config.rate_per_minute, config.rate_burst, config.global_per_minute
        )
        self._secret = b""
        self._identity = SiteIdentity(frozenset(), frozenset())
        self._runner: web.AppRunner | None = None
        self._lock = FileLock(config.data_dir / LOCK_NAME, "question form")
        self._headers = participant_headers()
        self.participants = ParticipantRoutes(self)
        self.api = ApiRoutes(self)
        self._stopping = False
        self._state_writes = asyncio.Lock()  # saves of the state land in the order made

    # -- lifecycle -----------------------------------------------------------------------
    async def start(self) -> None:
        """Take the folder lock, load the store and token, bind, and serve."""
        folder = self.config.data_dir
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._lock.acquire()
        except StoreLocked as exc:
            pid = exc.holder.get("pid", "unknown")
            raise IntakeError(
                f"another question form is already using {folder} (held by process {pid}); "
                "stop it or choose another data folder"
            ) from None
        except StoreError as exc:
            raise IntakeError(f"cannot use the folder {folder}: {exc}") from None
        except OSError as exc:
            raise IntakeError(f"cannot use the folder {folder}: {exc.strerror}") from None
        try:
            read = load_read_token(folder, self.config.token)
            self.token, self.token_was_created = read.value, read.created
            self.token_source = read.source
            self._secret = load_server_secret(folder)
            self.store = FormDB(folder, voter_key=self._secret)
            self.store.listeners.append(self.participants.live.on_write)
            await self.store.start()
            self.saved_state = load_form_state(folder)
            if self.saved_state is not None:
                self.open = self.saved_state.open
                self.closed_reason = self.saved_state.reason
            self.file_limit = raise_open_file_limit()
            sock = self._listen()
            self.port = int(sock.getsockname()[1])
            self._identity = self._make_identity()
            self.url = self._make_url()
            self._runner = web.AppRunner(
                self.build_app(), access_log=None, handle_signals=False, shutdown_timeout=2.0
            )
            await self._runner.setup()
            await GuardedSite(
                self._runner,
                sock,
                header_timeout=self.config.header_timeout,
                keepalive_timeout=self.config.keepalive_timeout,
            ).start()
        except BaseException:
            await self._cleanup()
            raise

    def _listen(self) -> socket.socket:
        host, wanted = self.config.host, self.config.port
        candidates = (
            [wanted]
            if wanted is not None
            else list(range(DEFAULT_PORT, DEFAULT_PORT + PORT_SEARCH_SPAN))
        )
        for port in candidates:
            try:
                return _bind(host, port)
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE or wanted is not None:
                    why = "is already in use" if exc.errno == errno.EADDRINUSE else exc.strerror
                    raise IntakeError(
                        f"cannot listen on {host} port {port}: {why}; "
                        "choose another with --port (or leave it out to pick a free one)"
                    ) from None
        raise IntakeError(
            f"ports {candidates[0]}-{candidates[-1]} on {host} are all busy; choose one with --port"
        )

    def _make_identity(self) -> SiteIdentity:
        if self.config.public_url:
            base = SiteIdentity.for_public_url(self.config.public_url)
        else:
            base = SiteIdentity.for_bound(_names_for(self.config.host), self.port)
        extra_hosts = {
            h.lower() if ":" in h else f"{h.lower()}:{self.port}" for h in self.config.extra_hosts
        }
        extra_origins = {f"http://{h}" for h in extra_hosts} | {f"https://{h}" for h in extra_hosts}
        return SiteIdentity(base.hosts | extra_hosts, base.origins | extra_origins)

    def _make_url(self) -> str:
        if self.config.public_url:
            return self.config.public_url.rstrip("/") + "/"
        host = self.config.host
        if host in {"0.0.0.0", "::", ""}:  # noqa: S104 - only a comparison
            host = lan_address()
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}/"

    @property
    def connection_count(self) -> int:
        """Connections open now (each holds a file descriptor)."""
        server = self._runner.server if self._runner is not None else None
        return len(server.connections) if server is not None else 0

    async def stop(self) -> None:
        """Answer waiting readers, stop serving, flush and release the folder."""
        self._stopping = True
        if self.store is not None:
            self.store.notify()
        self.participants.live.wake()
        await self._cleanup()

    async def _cleanup(self) -> None:
        self.participants.live.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self.store is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.store.close)
        self._lock.release()

    async def set_open(self, open: bool, reason: str = ENDED) -> None:
        """Close the form (``reason``: the session ``ended``, or ``closed`` for now) or reopen it.

        Takes effect at once and wakes waiting readers; then, on a started server, the state is
        saved in the folder so a restart keeps it. Raises ``IntakeError`` when that save failed
        (the change is in effect all the same).
        """
        if reason not in REASONS:
            raise ValueError(f"reason must be one of {', '.join(REASONS)}")
        wanted = None if open else reason
        if self.open == open and self.closed_reason == wanted:
            return
        self.open, self.closed_reason = open, wanted
        if self.store is not None:
            self.store.notify()
        if not self._lock.held:  # not started (or stopped): the folder is not ours to write
            return
        state = FormState(open, wanted, self.now().isoformat(timespec="seconds"))
        async with self._state_writes:
            try:
                await asyncio.to_thread(save_form_state, self.config.data_dir, state)
            except OSError as exc:
                now, later = ("open", "closed") if open else ("closed", "open")
                raise IntakeError(
                    f"the question form is {now} now, but that could not be saved "
                    f"({exc.strerror or exc}); after a restart it may be {later} again"
                ) from None

    # -- app -----------------------------------------------------------------------------
    def build_app(self) -> web.Application:
        app = web.Application(
            client_max_size=MAX_API_BODY_BYTES,  # the participants' posts: _size_mw
            middlewares=[self._errors_mw, self._host_mw, self._size_mw],
        )
        app.on_response_prepare.append(self._add_headers)
        self.participants.register(app)
        self.api.register(app)
        app.router.add_get("/healthz", self.get_health)
        app.router.add_get("/favicon.ico", self.get_favicon)
        return app

    async def _add_headers(self, request: web.Request, response: web.StreamResponse) -> None:
        response.headers.update(self._headers)
        response.headers.setdefault("Cache-Control", "no-store")

    def _page(self, body: str, status: int = 200, **headers: str) -> web.Response:
        return web.Response(
            text=body, status=status, content_type="text/html", charset="utf-8", headers=headers
        )

    def _error(
        self,
        request: web.Request,
        status: int,
        heading: str,
        message: str,
        headers: dict[str, str] | None = None,
    ) -> web.Response:
        if request.path.startswith("/api/"):
            return web.json_response({"error": message}, status=status, headers=headers)
        return self.participants.message(request, status, heading, message, **(headers or {}))

    @web.middleware
    async def _errors_mw(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Every failure becomes a plain page or JSON error; no traceback or path leaves."""
        try:
            return await handler(request)
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            heading, message = pages.error_words(exc.status)
            keep = {k: v for k, v in exc.headers.items() if k in {"Retry-After", "Allow"}}
            return self._error(request, exc.status, heading, message, keep)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("intake: internal error on %s %s", request.method, request.path)
            return self._error(
                request,
                500,
                "Something went wrong",
                "The form had a problem on its side. Please try again in a moment.",
            )

    @web.middleware
    async def _host_mw(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path != "/healthz" and not self._identity.host_ok(request.headers.get("Host")):
            return self._error(
                request,
                421,
                "Wrong address",
                "This server does not answer to that address. Use the link you were given.",
            )
        return await handler(request)

    @web.middleware
    async def _size_mw(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """A participant's post may be 32 KiB; the console's API, with its token, 8 MiB (a push
        of decisions and answers). A body sent without its length is counted as it is read."""
        api = request.path.startswith("/api/") and self._authorized(request)
        limit = MAX_API_BODY_BYTES if api else MAX_BODY_BYTES
        length = request.content_length
        if length is not None and length > limit:
            raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=length)
        if limit != request.client_max_size:
            request = request.clone(client_max_size=limit)
        return await handler(request)

    async def get_favicon(self, request: web.Request) -> web.Response:
        return web.Response(status=204)

    async def get_health(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    # -- the console's API (its routes are in api_routes) ------------------------------
    def _authorized(self, request: web.Request) -> bool:
        return bearer_ok(request.headers.get("Authorization"), self.token)

    def _unauthorized(self) -> web.Response:
        return web.json_response(
            {"error": "a valid read token is required (Authorization: Bearer <token>)"},
            status=401,
            headers={"WWW-Authenticate": 'Bearer realm="facilitator-form"'},
        )
