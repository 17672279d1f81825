"""The console's API (bearer token): read questions, push decisions, add typed-in questions.

- ``GET /api/questions?after=<cursor>&wait=<s>`` long-poll for the board: questions new or
  whose votes changed since the cursor, each with ``votes``, ``voters`` (voter tokens:
  ``console.intake.voters``), ``language``, ``held`` and ``origin`` (questions the console
  added itself are left out unless ``origin=all``);
- ``POST /api/session`` ``{"open": bool, "reason"?: "ended"|"closed"}`` closes or reopens;
- ``POST /api/decisions`` ``{"mode"?: "screened"|"open", "decisions": [...]}`` the console's
  decisions (idempotent: the same batch twice gives the same result);
- ``POST /api/questions`` ``{"text": ..., "name"?, "display_name"?, "language"?,
  "published"?, "id"?}`` a question the facilitator typed in (heard aloud); with an ``id``
  it is idempotent (the same id again answers ``200`` with the question already stored), so
  the console can retry a post whose answer it never got without making a second question;
- ``POST /api/voters`` ``{"id": ..., "voters": [token, ...]}`` voters a question carried over
  from an earlier session had there (at most 1,000 per post; the same again changes nothing).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import re
import uuid
from typing import Any

from aiohttp import web

from console.intake.bodies import read_json
from console.intake.cleaning import clean_text
from console.intake.form_state import ENDED, REASONS
from console.intake.formdb_schema import CONSOLE, FORM, StoredQuestion
from console.intake.host import RouteHost
from console.intake.pages import NAME_LIMIT, QUESTION_LIMIT
from console.intake.render import LANGUAGES
from console.intake.submissions import Cursor, StoreWriteError
from console.intake.visibility import DecisionError, is_held, parse_decisions
from console.intake.voters import parse_voters

MAX_WAIT_S = 30.0
CLIENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}\Z")
"""An id the console may give a typed-in question (its own record id)."""


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class ApiRoutes:
    """The token-protected handlers of one ``IntakeServer``."""

    def __init__(self, server: RouteHost) -> None:
        self.server = server

    def register(self, app: web.Application) -> None:
        app.router.add_get("/api/questions", self.get_questions)
        app.router.add_post("/api/questions", self.post_question)
        app.router.add_post("/api/session", self.post_session)
        app.router.add_post("/api/decisions", self.post_decisions)
        app.router.add_post("/api/voters", self.post_voters)

    def to_api(
        self, q: StoredQuestion, email: str | None, voters: frozenset[str] = frozenset()
    ) -> dict[str, Any]:
        """One question for the console; ``votes`` counts its ``voters`` (carried ones too)."""
        return {
            "id": q.id,
            "text": q.text,
            "name": q.name,
            "display_name": q.display_name,
            "email": email,
            "topic": q.topic,
            "theme_id": q.theme_id,
            "submitted_at": q.submitted_at,
            "votes": max(q.votes, len(voters)),
            "voters": sorted(voters),
            "language": q.language,
            "held": is_held(q.text, self.server.held),
            "origin": q.origin,
        }

    async def _json(self, request: web.Request) -> tuple[Any, web.Response | None]:
        if not self.server._authorized(request):
            return None, self.server._unauthorized()
        try:
            return await read_json(request, self.server.config.body_timeout), None
        except web.HTTPBadRequest:
            return None, web.json_response({"error": "body must be JSON (UTF-8)"}, status=400)

    async def get_questions(self, request: web.Request) -> web.Response:
        srv = self.server
        if not srv._authorized(request):
            return srv._unauthorized()
        assert srv.store is not None
        store = srv.store
        try:
            cursor = Cursor.parse(request.query["after"]) if request.query.get("after") else None
            wait = min(max(float(request.query.get("wait", "0")), 0.0), MAX_WAIT_S)
        except ValueError as exc:
            msg = str(exc) if "cursor" in str(exc) else "wait must be a number of seconds"
            return web.json_response({"error": msg}, status=400)
        if wait != wait or cursor is None:  # NaN; or a first request: answer at once, so
            wait = 0.0  # a new reader learns the current state (and that it is connected)
        every = request.query.get("origin") == "all"
        start = store.start_of(cursor)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        was_open = srv.open
        while True:
            changed = store.changed()
            items = await store.after(start)
            remaining = deadline - loop.time()
            if items or srv.open != was_open or srv._stopping or remaining <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)
        last = items[-1].changed if items else start
        shown = [q for q in items if every or q.origin == FORM]
        etag = (
            '"'
            + hashlib.sha256(f"{store.epoch}:{start}:{last}:{srv.open}".encode()).hexdigest()[:24]
            + '"'
        )
        if wait == 0 and etag in {
            t.strip() for t in request.headers.get("If-None-Match", "").split(",")
        }:
            return web.Response(status=304, headers={"ETag": etag})
        emails = await store.emails(q.id for q in shown)
        voters = await store.voters(q.id for q in shown if q.votes or q.origin == CONSOLE)
        body = {
            "questions": [
                self.to_api(q, emails.get(q.id), voters.get(q.id, frozenset())) for q in shown
            ],
            "cursor": str(Cursor(store.epoch, last)),
            "open": srv.open,
        }
        return web.json_response(body, headers={"ETag": etag}, dumps=_dumps)

    async def post_session(self, request: web.Request) -> web.Response:
        from console.intake.config import IntakeError

        data, refused = await self._json(request)
        if refused is not None:
            return refused
        wanted = data.get("open") if isinstance(data, dict) else None
        reason = data.get("reason", ENDED) if isinstance(data, dict) else ENDED
        if not isinstance(wanted, bool) or reason not in REASONS:
            return web.json_response(
                {"error": 'body must be {"open": true|false} (and "reason": "ended"|"closed")'},
                status=400,
            )
        try:
            await self.server.set_open(wanted, reason)
        except IntakeError as exc:
            return web.json_response({"error": str(exc), "open": self.server.open}, status=503)
        return web.json_response({"open": self.server.open})

    async def post_decisions(self, request: web.Request) -> web.Response:
        data, refused = await self._json(request)
        if refused is not None:
            return refused
        try:
            batch = parse_decisions(data)
        except DecisionError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        store = self.server.store
        assert store is not None
        try:
            unknown = await store.apply_decisions(batch)
        except StoreWriteError:
            return web.json_response({"error": "the decisions could not be saved"}, status=503)
        return web.json_response(
            {
                "applied": len(batch.items) - len(unknown),
                "unknown": unknown,
                "mode": store.mode_override or self.server.config.participant_list,
            }
        )

    async def post_voters(self, request: web.Request) -> web.Response:
        data, refused = await self._json(request)
        if refused is not None:
            return refused
        qid = data.get("id") if isinstance(data, dict) else None
        try:
            if not isinstance(qid, str) or not CLIENT_ID.match(qid):
                raise ValueError("id must be the question's id")
            voters = parse_voters(data.get("voters"))
        except ValueError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        store = self.server.store
        assert store is not None
        try:
            added = await store.add_carried_voters(qid, voters)
        except StoreWriteError:
            return web.json_response({"error": "the voters could not be saved"}, status=503)
        if added is None:
            return web.json_response({"error": "no such question"}, status=404)
        have = (await store.voters([qid]))[qid]
        return web.json_response({"id": qid, "added": added, "votes": len(have)})

    async def post_question(self, request: web.Request) -> web.Response:
        data, refused = await self._json(request)
        if refused is not None:
            return refused
        if not isinstance(data, dict):
            return web.json_response({"error": "body must be a JSON object"}, status=400)
        text = clean_text(data.get("text")) if isinstance(data.get("text"), str) else ""
        raw_name = data.get("name")
        name = clean_text(raw_name, single_line=True) if isinstance(raw_name, str) else ""
        language = data.get("language")
        published = data.get("published", True)
        client_id = data.get("id")
        problems = []
        if client_id is not None and (
            not isinstance(client_id, str) or not CLIENT_ID.match(client_id)
        ):
            problems.append("id must be 1 to 200 letters, digits, '_', '.', ':' or '-'")
        if not text or len(text) > QUESTION_LIMIT:
            problems.append(f"text must be 1 to {QUESTION_LIMIT} characters")
        if len(name) > NAME_LIMIT:
            problems.append(f"name can be up to {NAME_LIMIT} characters")
        if language is not None and language not in LANGUAGES:
            problems.append(f"language must be one of {', '.join(LANGUAGES)}")
        if not isinstance(published, bool) or not isinstance(data.get("display_name", True), bool):
            problems.append("published and display_name must be true or false")
        if problems:
            return web.json_response({"error": "; ".join(problems)}, status=400)
        store = self.server.store
        assert store is not None
        if client_id is not None and (have := await self._already(client_id)) is not None:
            return have
        try:
            item = await store.add(
                id=client_id or uuid.uuid4().hex,
                text=text,
                name=name or None,
                display_name=bool(name) and data.get("display_name", True),
                email=None,
                topic=None,
                theme_id=None,
                submitted_at=self.server.now().isoformat(timespec="milliseconds"),
                language=language,
                origin=CONSOLE,
                published=published,
            )
        except StoreWriteError:
            if client_id is not None and (have := await self._already(client_id)) is not None:
                return have  # the same post, twice at once: the other one stored it
            return web.json_response({"error": "the question could not be saved"}, status=503)
        return web.json_response(self.to_api(item, None), status=201, dumps=_dumps)

    async def _already(self, qid: str) -> web.Response | None:
        """The answer to a repeated ``POST /api/questions`` with an id already stored."""
        store = self.server.store
        assert store is not None
        have = await store.get(qid)
        if have is None:
            return None
        if have.origin != CONSOLE:
            return web.json_response(
                {"error": "that id belongs to a participant's question"}, status=409
            )
        voters = (await store.voters([qid]))[qid]
        return web.json_response(self.to_api(have, None, voters), status=200, dumps=_dumps)
