"""The participant pages: ask (``/``), thanks, the shared list with "me too", the private page.

- ``GET /`` the form (or closed), ``POST /`` a question, ``GET /thanks?r=<receipt>``;
- ``GET /questions`` the list; ``POST /vote`` one "me too" (CSRF, participant cookie);
- ``GET /questions.json?v=<version>`` the list's body for the live script (held up to 25 s
  until the list changed; the same HTML a reload shows). The list is rendered once per change
  and shared by every watcher, its updates coalesced (``live_list``);
- ``GET /mine?k=<token>`` the asker's private page; ``GET /live.js`` the one script.

A participant is an unguessable random id in an HttpOnly, SameSite=Lax cookie, signed with
the server secret (so ids are only ones the server gave out).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import secrets
import uuid
from typing import Any

from aiohttp import web
from markupsafe import Markup

from console.intake import render
from console.intake.bodies import read_form_fields
from console.intake.formdb_schema import Decision, StoredQuestion
from console.intake.host import RouteHost
from console.intake.live_list import LiveList
from console.intake.pages import DEFAULT_CONSENT, LIMITS, FormValues
from console.intake.security import (
    RateLimiter,
    check_csrf,
    check_receipt,
    client_key,
    make_csrf,
    make_receipt,
)
from console.intake.submissions import StoreWriteError
from console.intake.validate import read_form, validate
from console.intake.visibility import effective_mode, entry_for, visible_to_others

PID_COOKIE = "participant"
PID_MAX_AGE = 180 * 24 * 3600
LANG_MAX_AGE = 365 * 24 * 3600
LIVE_WAIT_S = 25.0


def _pid_signature(secret: bytes, raw: str) -> str:
    return hmac.new(secret, f"participant:{raw}".encode(), hashlib.sha256).hexdigest()[:24]


def make_participant(secret: bytes) -> tuple[str, str]:
    """``(participant id, cookie value)``: a random id and its signature."""
    raw = secrets.token_urlsafe(18)
    return raw, f"{raw}.{_pid_signature(secret, raw)}"


def check_participant(secret: bytes, cookie: str | None) -> str | None:
    if not cookie or len(cookie) > 100 or not cookie.isascii():  # ours are; compare_digest
        return None  # raises on a non-ASCII str (a forged cookie is refused, not a 500)
    raw, _, sig = cookie.partition(".")
    if not raw or not hmac.compare_digest(sig, _pid_signature(secret, raw)):
        return None
    return raw


class ParticipantRoutes:
    """The participant-facing handlers of one ``IntakeServer``."""

    def __init__(self, server: RouteHost) -> None:
        self.server = server
        cfg = server.config
        self.vote_limiter = RateLimiter(cfg.votes_per_minute, 20, 1_000_000)
        self.vote_address_limiter = RateLimiter(
            cfg.votes_per_address_per_minute,
            max(20, cfg.votes_per_address_per_minute // 4),
            max(cfg.votes_per_address_per_minute * 10, 10_000),
        )
        self._script = render.LIVE_SCRIPT.read_bytes()
        self.live = LiveList(
            lambda: server.store,
            lambda: server.config.participant_list,
            server.held,
            lambda: server._secret,
            server.now,
        )

    def register(self, app: web.Application) -> None:
        app.router.add_get("/", self.get_form)
        app.router.add_post("/", self.post_form)
        app.router.add_get("/thanks", self.get_thanks)
        app.router.add_get("/questions", self.get_list)
        app.router.add_get("/questions.json", self.get_live)
        app.router.add_post("/vote", self.post_vote)
        app.router.add_get("/mine", self.get_mine)
        app.router.add_get("/live.js", self.get_script)

    # -- shared bits ---------------------------------------------------------------------
    def language(self, request: web.Request, asked: str | None = None) -> tuple[str, bool]:
        return render.negotiate(
            asked or request.query.get("lang"),
            request.cookies.get(render.LANG_COOKIE),
            request.headers.get("Accept-Language"),
        )

    def page(
        self, request: web.Request, template: str, status: int = 200, **context: Any
    ) -> web.Response:
        """Render ``template`` in the request's language (and remember a ``?lang=``)."""
        lang, remember = self.language(request, context.pop("asked_lang", None))
        context.setdefault("mode", self.mode_configured)
        context.setdefault("switch", render.switch_links(lang, request.query))
        body = render.render(lang, template, info=self.server.info, **context)
        resp = web.Response(text=body, status=status, content_type="text/html", charset="utf-8")
        if remember and request.query.get("lang") == lang:
            resp.set_cookie(
                render.LANG_COOKIE, lang, max_age=LANG_MAX_AGE, path="/", samesite="Lax",
                httponly=True, secure=self._secure,
            )  # fmt: skip
        return resp

    def message(
        self, request: web.Request, status: int, heading: str, message: str, **headers: str
    ) -> web.Response:
        resp = self.page(
            request,
            "message.html",
            status,
            heading=heading,
            message=message,
            back_href="./",
            back_text="Back to the question form",
        )
        resp.headers.update(headers)
        return resp

    @property
    def mode_configured(self) -> str:
        store = self.server.store
        override = store.mode_override if store is not None else None
        return override or self.server.config.participant_list

    @property
    def _secure(self) -> bool:
        return (self.server.config.public_url or "").lower().startswith("https://")

    def participant(self, request: web.Request) -> str | None:
        return check_participant(self.server._secret, request.cookies.get(PID_COOKIE))

    def ensure_participant(self, request: web.Request, resp: web.StreamResponse) -> str:
        """The request's participant id, or a new one given to the browser on ``resp``."""
        pid = self.participant(request)
        if pid is not None:
            return pid
        pid, cookie = make_participant(self.server._secret)
        resp.set_cookie(
            PID_COOKIE, cookie, max_age=PID_MAX_AGE, path="/", samesite="Lax", httponly=True,
            secure=self._secure,
        )  # fmt: skip
        return pid

    def _csrf(self) -> str:
        return make_csrf(self.server._secret, self.server.now())

    def _origin_refused(self, request: web.Request) -> web.Response | None:
        headers = request.headers
        if self.server._identity.origin_ok(headers.get("Origin"), headers.get("Referer")):
            return None
        return self.server._error(
            request,
            403,
            "Not sent from this form",
            "Questions can only be sent from the question form itself.",
        )

    def _client(self, request: web.Request) -> str:
        return client_key(
            request.remote, request.headers.get("X-Forwarded-For"), self.server.config.trust_proxy
        )

    def _consent(self) -> str | None:
        info = self.server.info
        return info.email_consent

    def form(
        self, request: web.Request, values: FormValues | None, status: int = 200, **extra: Any
    ) -> web.Response:
        lang, _ = self.language(request, extra.pop("asked_lang", None))
        consent = self._consent() or render.gettext_for(lang).gettext(DEFAULT_CONSENT)
        return self.page(
            request,
            "form.html",
            status,
            asked_lang=lang,
            csrf=self._csrf(),
            values=values or FormValues(),
            limits=LIMITS,
            ask_email=self.server.info.ask_email,
            consent=consent,
        )

    # -- asking --------------------------------------------------------------------------
    async def get_form(self, request: web.Request) -> web.Response:
        srv = self.server
        if not srv.open:
            return self.page(request, "closed.html", reason=srv.closed_reason, kept=None)
        resp = self.form(request, None)
        self.ensure_participant(request, resp)
        return resp

    async def post_form(self, request: web.Request) -> web.Response:
        srv = self.server
        if (refused := self._origin_refused(request)) is not None:
            return refused
        wait = srv.limiter.check(self._client(request))
        if wait > 0:
            return srv._error(
                request,
                429,
                "Too many questions at once",
                "Many questions were sent from your network in a short time. Please wait a "
                "minute, then go back and send yours again; what you typed is still there.",
                {"Retry-After": RateLimiter.retry_after(wait)},
            )
        fields = await read_form_fields(request, srv.config.body_timeout)
        values = read_form(fields)
        asked = fields.get("lang") if fields.get("lang") in render.LANGUAGES else None
        lang, _ = self.language(request, asked)
        if not srv.open:
            kept = values.question.strip()
            return self.page(
                request, "closed.html", 403, asked_lang=lang, reason=srv.closed_reason, kept=kept
            )
        if not check_csrf(srv._secret, fields.get("csrf"), srv.now()):
            values.errors = {
                "question": "This form had expired. Your question was not sent yet: "
                "check it and press Send question again."
            }
            return self.form(request, values, 403, asked_lang=lang)
        if not srv.info.ask_email:
            values.email = ""
        clean = validate(values, srv.info.themes)
        if clean is None:
            return self.form(request, values, 422, asked_lang=lang)
        assert srv.store is not None
        redirect = web.Response(status=303)
        pid = self.ensure_participant(request, redirect)
        try:
            item = await srv.store.add(
                id=uuid.uuid4().hex,
                text=clean.text,
                name=clean.name,
                display_name=clean.display_name,
                email=clean.email,
                topic=clean.topic,
                theme_id=clean.theme_id,
                submitted_at=srv.now().isoformat(timespec="milliseconds"),
                language=lang,
                participant=pid,
            )
        except StoreWriteError:
            values.errors = {
                "question": "Your question could not be saved just now. Please press Send "
                "question again in a moment."
            }
            return self.form(request, values, 503, asked_lang=lang)
        receipt = make_receipt(srv._secret, item.id, srv.now())
        redirect.headers["Location"] = f"thanks?r={receipt}&lang={lang}"
        return redirect

    async def get_thanks(self, request: web.Request) -> web.Response:
        srv = self.server
        sid = check_receipt(srv._secret, request.query.get("r"), srv.now())
        item = await srv.store.get(sid) if sid and srv.store is not None else None
        token = item.private_token if item else None
        href = f"mine?k={token}" if token else None
        return self.page(
            request,
            "thanks.html",
            question=item.text if item else None,
            private_href=href,
            private_url=(srv.url + href) if href else None,
        )

    # -- the list ------------------------------------------------------------------------
    async def get_list(self, request: web.Request) -> web.Response:
        lang, _ = self.language(request)
        view = await self.live.view(lang, self.participant(request), fresh=True)
        notice = "Thank you: your “me too” is counted." if request.query.get("voted") else None
        resp = self.page(
            request,
            "list.html",
            version=view.version,
            notice=notice,
            list_html=Markup(view.html()),  # noqa: S704 - rendered by the autoescaping templates
        )
        self.ensure_participant(request, resp)
        return resp

    async def get_live(self, request: web.Request) -> web.Response:
        """The list's body once it differs from ``v`` (or after ``LIVE_WAIT_S``)."""
        participant = self.participant(request)
        lang, _ = self.language(request)
        seen = request.query.get("v", "")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + LIVE_WAIT_S
        while True:
            changed = self.live.changed()
            view = await self.live.view(lang, participant)
            remaining = deadline - loop.time()
            if view.version != seen or remaining <= 0 or self.server._stopping:
                break
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(remaining):  # no task per waiting watcher
                    await changed.wait()
        return web.Response(
            body=view.json_bytes(), content_type="application/json", charset="utf-8"
        )

    async def post_vote(self, request: web.Request) -> web.Response:
        srv = self.server
        if (refused := self._origin_refused(request)) is not None:
            return refused
        pid = self.participant(request)
        if pid is None:
            return self.message(
                request,
                403,
                "Your browser did not keep our cookie",
                "Saying “me too” needs the small cookie this site sets to count one vote per "
                "person. Allow cookies for this site, reload the list and try again.",
            )
        for limiter, key in ((self.vote_address_limiter, self._client(request)),
                             (self.vote_limiter, pid)):  # fmt: skip
            wait = limiter.check(key)
            if wait > 0:
                return self.message(
                    request,
                    429,
                    "Too many at once",
                    "Many “me too” votes came from you or your network in a short time. "
                    "Please wait a minute and try again.",
                    **{"Retry-After": RateLimiter.retry_after(wait)},
                )
        posted = await read_form_fields(request, srv.config.body_timeout)
        qid = posted.get("question")
        if not check_csrf(srv._secret, posted.get("csrf"), srv.now()):
            return self.message(
                request,
                403,
                "This page had expired",
                "Your “me too” was not counted yet. Reload the list and press it again.",
            )
        assert srv.store is not None
        mode, held = self.mode_configured, srv.held

        def on_the_list(question: StoredQuestion, decision: Decision) -> bool:
            return visible_to_others(question, decision, mode, held)

        try:
            counted = None
            if qid is not None:
                at = srv.now().isoformat(timespec="milliseconds")
                counted = await srv.store.vote(pid, qid, at, allowed=on_the_list)
        except StoreWriteError:
            return self.message(
                request,
                503,
                "Your “me too” was not saved",
                "The form could not save it just now. Please go back and try again.",
            )
        if counted is None:  # no such question, or not on this participant's list
            return self.message(
                request, 404, "Question not found", "That question is not on the list."
            )
        return web.Response(status=303, headers={"Location": f"questions?voted=1#q-{qid}"})

    # -- the asker's private page --------------------------------------------------------
    async def get_mine(self, request: web.Request) -> web.Response:
        srv = self.server
        assert srv.store is not None
        question = await srv.store.by_token(request.query.get("k", ""))
        if question is None:
            return self.message(
                request,
                404,
                "Page not found",
                "This private link is not one this form gave out. Check that you copied all of it.",
            )
        snap = await srv.store.snapshot()
        mode = effective_mode(snap, srv.config.participant_list)
        entry = entry_for(
            question, snap, mode=mode, held=srv.held, participant=question.participant,
            private=True,
        )  # fmt: skip
        resp = self.page(request, "mine.html", entry=entry)
        resp.headers["X-Robots-Tag"] = "noindex"
        return resp

    async def get_script(self, request: web.Request) -> web.Response:
        return web.Response(
            body=self._script,
            content_type="text/javascript",
            charset="utf-8",
            headers={"Cache-Control": "no-cache"},
        )
