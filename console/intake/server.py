"""The built-in question form: an aiohttp app participants post to and the board reads.

Runs inside the console's event loop (``IntakeServer.start``) or on its own
(``facilitator form serve``). Routes:

- ``GET /`` the form (or "session ended"), ``POST /`` a question, ``GET /thanks``;
- ``GET /api/questions?after=<cursor>&wait=<s>`` long-poll for the board (bearer token);
- ``POST /api/session`` ``{"open": bool, "reason"?: "ended"|"closed"}`` closes or reopens the
  form (bearer token); the state is kept in the folder, so a restart keeps it;
- ``GET /healthz`` for a proxy's health check.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import json
import logging
import socket
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from console.file_lock import FileLock
from console.intake import pages
from console.intake.bodies import read_form_fields, read_json
from console.intake.config import (
    DEFAULT_PORT,
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
from console.intake.security import (
    RateLimiter,
    SiteIdentity,
    bearer_ok,
    check_csrf,
    check_receipt,
    client_key,
    make_csrf,
    make_receipt,
    security_headers,
)
from console.intake.submissions import Cursor, StoreWriteError, SubmissionStore
from console.intake.tokens import load_read_token, load_server_secret
from console.intake.validate import read_form, validate
from console.records import new_id
from console.store_errors import StoreError, StoreLocked

log = logging.getLogger(__name__)

MAX_WAIT_S = 30.0
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
        self.store: SubmissionStore | None = None
        self.file_limit: FileLimit | None = None
        """The open-file limit (each connection holds one), as raised at start."""
        self.limiter = RateLimiter(
            config.rate_per_minute, config.rate_burst, config.global_per_minute
        )
        self._secret = b""
        self._identity = SiteIdentity(frozenset(), frozenset())
        self._runner: web.AppRunner | None = None
        self._lock = FileLock(config.data_dir / LOCK_NAME, "question form")
        self._headers = security_headers(pages.CSS)
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
            self.store = SubmissionStore(folder)
            await self.store.save_empty()
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
        await self._cleanup()

    async def _cleanup(self) -> None:
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
            client_max_size=MAX_BODY_BYTES,
            middlewares=[self._errors_mw, self._host_mw, self._size_mw],
        )
        app.on_response_prepare.append(self._add_headers)
        app.router.add_get("/", self.get_form)
        app.router.add_post("/", self.post_form)
        app.router.add_get("/thanks", self.get_thanks)
        app.router.add_get("/api/questions", self.get_questions)
        app.router.add_post("/api/session", self.post_session)
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
        page = pages.message_page(self.info, heading, message)
        return self._page(page, status, **(headers or {}))

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
        length = request.content_length
        if length is not None and length > MAX_BODY_BYTES:
            raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY_BYTES, actual_size=length)
        return await handler(request)

    # -- participant pages -----------------------------------------------------------------
    async def get_form(self, request: web.Request) -> web.Response:
        if not self.open:
            return self._page(pages.closed_page(self.info, reason=self.closed_reason))
        return self._page(pages.form_page(self.info, make_csrf(self._secret, self.now())))

    async def post_form(self, request: web.Request) -> web.Response:
        headers = request.headers
        if not self._identity.origin_ok(headers.get("Origin"), headers.get("Referer")):
            return self._error(
                request,
                403,
                "Not sent from this form",
                "Questions can only be sent from the question form itself.",
            )
        key = client_key(request.remote, headers.get("X-Forwarded-For"), self.config.trust_proxy)
        wait = self.limiter.check(key)
        if wait > 0:
            return self._error(
                request,
                429,
                "Too many questions at once",
                "Many questions were sent from your network in a short time. Please wait a "
                "minute, then go back and send yours again; what you typed is still there.",
                {"Retry-After": RateLimiter.retry_after(wait)},
            )
        posted = await read_form_fields(request, self.config.body_timeout)
        values = read_form(posted)
        if not self.open:
            page = pages.closed_page(self.info, values.question.strip(), self.closed_reason)
            return self._page(page, 403)
        fresh = make_csrf(self._secret, self.now())
        if not check_csrf(self._secret, posted.get("csrf"), self.now()):
            values.errors = {
                "question": "This form had expired. Your question was not sent yet: "
                "check it and press Send question again."
            }
            return self._page(pages.form_page(self.info, fresh, values), 403)
        clean = validate(values, self.info.themes)
        if clean is None:
            return self._page(pages.form_page(self.info, fresh, values), 422)
        assert self.store is not None
        try:
            item = await self.store.add(
                id=new_id(),
                text=clean.text,
                name=clean.name,
                display_name=clean.display_name,
                email=clean.email,
                topic=clean.topic,
                theme_id=clean.theme_id,
                submitted_at=self.now().isoformat(timespec="milliseconds"),
            )
        except StoreWriteError:
            values.errors = {
                "question": "Your question could not be saved just now. Please press Send "
                "question again in a moment."
            }
            return self._page(pages.form_page(self.info, fresh, values), 503)
        receipt = make_receipt(self._secret, item.id, self.now())
        raise web.HTTPSeeOther(location=f"thanks?r={receipt}")

    async def get_thanks(self, request: web.Request) -> web.Response:
        sid = check_receipt(self._secret, request.query.get("r"), self.now())
        item = self.store.get(sid) if sid and self.store is not None else None
        return self._page(pages.thanks_page(self.info, item.text if item else None))

    async def get_favicon(self, request: web.Request) -> web.Response:
        return web.Response(status=204)

    async def get_health(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    # -- the board's API -------------------------------------------------------------------
    def _authorized(self, request: web.Request) -> bool:
        return bearer_ok(request.headers.get("Authorization"), self.token)

    def _unauthorized(self) -> web.Response:
        return web.json_response(
            {"error": "a valid read token is required (Authorization: Bearer <token>)"},
            status=401,
            headers={"WWW-Authenticate": 'Bearer realm="facilitator-form"'},
        )

    async def get_questions(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return self._unauthorized()
        assert self.store is not None
        store = self.store
        try:
            cursor = Cursor.parse(request.query["after"]) if request.query.get("after") else None
            wait = min(max(float(request.query.get("wait", "0")), 0.0), MAX_WAIT_S)
        except ValueError as exc:
            msg = str(exc) if "cursor" in str(exc) else "wait must be a number of seconds"
            return web.json_response({"error": msg}, status=400)
        if wait != wait or cursor is None:  # NaN; or a first request: answer at once, so
            wait = 0.0  # a new reader learns the current state (and that it is connected)
        start = store.start_of(cursor)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        was_open = self.open
        while True:
            changed = store.changed()
            items = store.after(start)
            remaining = deadline - loop.time()
            if items or self.open != was_open or self._stopping or remaining <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)
        last = items[-1].seq if items else start
        etag = (
            '"'
            + hashlib.sha256(f"{store.epoch}:{start}:{last}:{self.open}".encode()).hexdigest()[:24]
            + '"'
        )
        if wait == 0 and etag in {
            t.strip() for t in request.headers.get("If-None-Match", "").split(",")
        }:
            return web.Response(status=304, headers={"ETag": etag})
        body = {
            "questions": [item.to_api() for item in items],
            "cursor": str(Cursor(store.epoch, last)),
            "open": self.open,
        }
        return web.json_response(body, headers={"ETag": etag}, dumps=_dumps)

    async def post_session(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return self._unauthorized()
        try:
            data = await read_json(request, self.config.body_timeout)
        except web.HTTPBadRequest:
            return web.json_response({"error": "body must be JSON (UTF-8)"}, status=400)
        wanted = data.get("open") if isinstance(data, dict) else None
        reason = data.get("reason", ENDED) if isinstance(data, dict) else ENDED
        if not isinstance(wanted, bool) or reason not in REASONS:
            return web.json_response(
                {"error": 'body must be {"open": true|false} (and "reason": "ended"|"closed")'},
                status=400,
            )
        try:
            await self.set_open(wanted, reason)
        except IntakeError as exc:
            return web.json_response({"error": str(exc), "open": self.open}, status=503)
        return web.json_response({"open": self.open})


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
