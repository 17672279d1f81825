"""The decision pusher: the facilitator's console tells the question form what it decided.

The form owns what participants create (questions, votes); the console owns the decisions
(publish, hide, states, merges, participant answers) and pushes a copy to the form over its
token-protected API, which only shows them (docs/intake.md, "HTTP API"). The same code serves
the console's local form and a hosted ``form serve``: a :class:`FormTarget` is a base URL, a
token and the board labels whose question ids are the form's own.

What is pushed is built from the board by console/session/form_batch.py (pure; the list of
what each question carries is there). This module is the I/O around it:

- questions the facilitator typed in and published (or took live) are first created with
  ``POST /api/questions`` under the console's own record id (idempotent, so a retry never
  makes two), then decided like the others. A question carried over from an earlier session
  takes its voters along (``POST /api/voters``, idempotent too): they count once and cannot
  vote for it again. Their "me too" votes come back through a long poll (``origin=all``)
  and count on the board (``Board.set_form_votes``, with the voter tokens);
- the decisions go with ``POST /api/decisions``, in batches of at most ``MAX_BATCH``;
- the participants' list mode of the agenda, with the first push and whenever it changes.

How: :meth:`FormSync.changed` marks the board as moved (cheap; call it after any board change
or folder merge); one loop builds the batch from the board as it is then (latest state
wins), sends only what differs from what the form last acknowledged (everything once per
start, since the form may hold older decisions), one batch in flight at a time, each request
bounded by a deadline, and retries with backoff (1 s doubling to 30 s) while changes keep
coalescing. :attr:`FormSync.status` says in plain words how it went.

A note-taker's console never pushes (``FormSync`` refuses a board that is not the
facilitator's): a note-taker's participant answer is a record in their own file, which the
facilitator's console takes in through the folder merge and pushes with the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from typing import Any

import httpx

from console.board.feeds import INTAKE_LABEL
from console.board.model import Board
from console.board.question import MANUAL, question_key
from console.feeds.config import SourceConfig
from console.feeds.fetch import describe_source
from console.feeds.model import voter_tokens
from console.session.form_batch import Payload, chunks, decisions, typed_in_to_create
from console.store import Record

DEADLINE_S = 15.0
"""A push (or one typed-in question) that has not been answered by then counts as failed."""
BACKOFF_S = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)
VOTERS_PER_POST = 1000
"""The form takes at most 1,000 carried voters per post (``console.intake.voters``)."""
VOTES_WAIT_S = 20.0
"""How long the form may hold the long poll for typed-in questions' votes."""


@dataclass(frozen=True, slots=True)
class FormTarget:
    """Where the decisions go: the form's base URL (as the console reaches it), its read token,
    and the board labels whose question ids are that form's ids."""

    url: str
    token: str = field(repr=False)
    labels: tuple[str, ...] = (INTAKE_LABEL,)

    def __post_init__(self) -> None:
        base = self.url.removesuffix("api/questions").rstrip("/") + "/"
        object.__setattr__(self, "url", base)

    @classmethod
    def from_source(cls, config: SourceConfig, label: str = INTAKE_LABEL) -> FormTarget:
        """The target of a form the console already reads with the ``intake`` preset (a hosted
        ``form serve``): same URL, the token from ``token``/``token_env``. ``FeedConfigError``
        when the token's variable is not set."""
        if config.preset != INTAKE_LABEL:
            raise ValueError("decisions can only be pushed to the built-in form (preset intake)")
        token = config.resolve_token()
        if not token:
            raise ValueError("the form's token is needed to push decisions: set token_env")
        return cls(config.url, token, (label,))

    @property
    def where(self) -> str:
        return describe_source(self.url)


# -- the pusher --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SyncStatus:
    """What the console shows about the pushes; every text is plain words, no secret in it."""

    ok: bool
    message: str
    pending: int
    """Decisions (and typed-in questions) the form does not have yet."""
    last_success_at: datetime | None = None
    last_attempt_at: datetime | None = None
    retry_in: float | None = None
    """Seconds until the next attempt after a failure (None: not waiting to retry)."""
    unknown: int = 0
    """Questions the form did not know at the last push (skipped there)."""


class PushError(Exception):
    """One push that did not go through; the message is plain words for the status line."""


class FormSync:
    """Pushes one board's decisions to one form. ``run()`` is the loop; ``sync_once()`` one
    attempt (tests, and the UI's "push now")."""

    def __init__(
        self,
        board: Board,
        target: FormTarget,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        on_board_change: Callable[[], None] | None = None,
        save: Callable[[list[Record]], object] | None = None,
        deadline: float = DEADLINE_S,
        backoff: tuple[float, ...] = BACKOFF_S,
    ) -> None:
        if board.role != "facilitator":
            raise PermissionError(
                "Only the facilitator's console pushes decisions to the form; a note-taker's "
                "answers reach it through the facilitator's console."
            )
        self.board = board
        self.target = target
        self._now = now
        self._on_board_change = on_board_change
        self._save = save
        """Persists the ``form_votes`` records of typed-in questions (the App's writer)."""
        self._deadline = deadline
        self._backoff = backoff
        self._client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,  # never hand the token to another address
            timeout=httpx.Timeout(deadline),
            headers={"Authorization": f"Bearer {target.token}", "Accept": "application/json"},
        )
        self._sent: dict[str, Payload] = {}
        """What the form acknowledged, per question id (empty at start: all is sent once)."""
        self._mode_sent: str | None = None
        self._created: set[str] = set()
        """Typed-in questions (record ids) the form has."""
        self._dirty = asyncio.Event()
        self._dirty.set()  # the first push happens without waiting for a change
        self._retry = asyncio.Event()
        self._typed_in_seen = asyncio.Event()
        self._failures = 0
        self._votes_cursor: str | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.status = SyncStatus(
            ok=False, message="Participants' list: not sent to the form yet", pending=0
        )

    # -- what the UI calls ----------------------------------------------------------------
    def changed(self) -> None:
        """The board moved (an action, a folder merge, new questions): push what differs."""
        self._dirty.set()

    def retry_now(self) -> None:
        """Skip the wait after a failure (a "push now" key)."""
        self._retry.set()
        self._dirty.set()

    def start(self) -> None:
        """Start the push loop and the typed-in votes loop on the running event loop."""
        if not self._tasks:
            self._tasks = [
                asyncio.create_task(self.run(), name="form sync"),
                asyncio.create_task(self.follow_typed_in_votes(), name="form sync votes"),
            ]

    async def stop(self) -> None:
        """End both loops (a push in flight is abandoned; the next start sends it all)."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        await self._client.aclose()

    def status_line(self, tz: tzinfo) -> str:
        """One line for the status bar, times in the agenda's zone: "Participants' list: up
        to date (sent 2 changes) · last sent 15:31:02", or "PROBLEM: cannot reach the question
        form at http://127.0.0.1:8765/ (connection refused or no route). Participants see the
        list as it was last sent; 3 changes waiting · retrying in 8 s · last sent 15:30:40"."""
        s = self.status
        parts = [s.message]
        if not s.ok and s.pending:
            parts[0] += f"; {s.pending} change{'s' * (s.pending != 1)} waiting"
        if not s.ok and s.retry_in:
            parts.append(f"retrying in {s.retry_in:.0f} s")
        if s.last_success_at is not None:
            parts.append(f"last sent {s.last_success_at.astimezone(tz):%H:%M:%S}")
        return " · ".join(parts)

    # -- the loops --------------------------------------------------------------------------
    async def run(self) -> None:
        """Wait for a change, push, and after a failure wait (backoff) and push again."""
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            if await self.sync_once():
                continue
            delay = self._backoff[min(self._failures - 1, len(self._backoff) - 1)]
            self._set_status(self.status, retry_in=delay)
            self._retry.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._retry.wait(), delay)
            self._dirty.set()

    async def sync_once(self) -> bool:
        """One attempt: create typed-in questions, then push what differs. True when the form
        has everything the board holds now."""
        attempt = self._now()
        try:
            created = await self._create_typed_in()
            wanted = decisions(self.board, self.target.labels, self._created)
            changed = [p for fid, p in wanted.items() if self._sent.get(fid) != p]
            mode = self.board.participant_list
            unknown = await self._push(changed, mode if mode != self._mode_sent else None)
        except PushError as exc:
            self._failures += 1
            pending = self._pending()
            self.status = SyncStatus(
                ok=False,
                message=f"PROBLEM: {exc}. Participants see the list as it was last sent",
                pending=pending,
                last_success_at=self.status.last_success_at,
                last_attempt_at=attempt,
            )
            return False
        self._failures = 0
        for payload in changed:
            self._sent[payload["id"]] = payload
        self._mode_sent = mode
        sent = len(changed) + created
        what = f"sent {sent} change{'s' * (sent != 1)}" if sent else "nothing new to send"
        note = (
            f"; {len(unknown)} question{'s' * (len(unknown) != 1)} unknown to the form"
            if unknown
            else ""
        )
        self.status = SyncStatus(
            ok=True,
            message=f"Participants' list: up to date ({what}{note})",
            pending=0,
            last_success_at=attempt,
            last_attempt_at=attempt,
            unknown=len(unknown),
        )
        return True

    async def follow_typed_in_votes(self) -> None:
        """Long-poll the form for the votes of the questions the console typed in (the feed
        leaves those out: they are already on the board). Idle until there is one."""
        while True:
            await self._typed_in_seen.wait()
            try:
                await self.poll_typed_in_votes(VOTES_WAIT_S)
            except PushError:
                delay = self._backoff[-1]
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._retry.wait(), delay)

    async def poll_typed_in_votes(self, wait: float = 0.0) -> bool:
        """One read of the typed-in questions' votes; True when the board's counts moved."""
        params = {"origin": "all", "wait": f"{wait:g}"}
        if self._votes_cursor:
            params["after"] = self._votes_cursor
        data = await self._request("GET", "api/questions", params=params, extra=wait)
        moved: list[Record] = []
        questions = data.get("questions") if isinstance(data, dict) else None
        for raw in questions if isinstance(questions, list) else ():
            if not isinstance(raw, dict) or raw.get("origin") != "console":
                continue
            votes = raw.get("votes")
            if isinstance(votes, int) and not isinstance(votes, bool):
                key = question_key(MANUAL, str(raw.get("id")))
                moved += self.board.set_form_votes(key, votes, voter_tokens(raw.get("voters")))
        cursor = data.get("cursor") if isinstance(data, dict) else None
        if isinstance(cursor, str):
            self._votes_cursor = cursor
        if moved and self._save is not None:
            self._save(moved)
        if moved and self._on_board_change is not None:
            self._on_board_change()
        return bool(moved)

    # -- requests ---------------------------------------------------------------------------
    async def _create_typed_in(self) -> int:
        made = 0
        for rid, body in typed_in_to_create(self.board, self._created):
            await self._request("POST", "api/questions", payload=body, ok=(200, 201))
            carried = sorted(self.board.carried_voters(question_key(MANUAL, rid)))
            for start in range(0, len(carried), VOTERS_PER_POST):
                voters = {"id": rid, "voters": carried[start : start + VOTERS_PER_POST]}
                # A form older than carried voters answers 404: the votes then count as before.
                await self._request("POST", "api/voters", payload=voters, ok=(200, 404, 405))
            self._created.add(rid)
            self._typed_in_seen.set()
            made += 1
        return made

    async def _push(self, changed: list[Payload], mode: str | None) -> list[str]:
        unknown: list[str] = []
        if not changed and mode is None:
            return unknown
        for batch in chunks(changed) if changed else [[]]:
            body: Payload = {"decisions": batch}
            if mode is not None:
                body["mode"] = mode
            answer = await self._request("POST", "api/decisions", payload=body)
            if isinstance(answer, dict) and isinstance(answer.get("unknown"), list):
                unknown += [str(u) for u in answer["unknown"]]
        return unknown

    async def _request(
        self,
        method: str,
        path: str,
        *,
        payload: Payload | None = None,
        params: dict[str, str] | None = None,
        ok: tuple[int, ...] = (200,),
        extra: float = 0.0,
    ) -> Any:
        url = self.target.url + path
        try:
            async with asyncio.timeout(self._deadline + extra):
                response = await self._client.request(
                    method,
                    url,
                    json=payload,
                    params=params,
                    timeout=httpx.Timeout(self._deadline + extra),
                )
                body = response.content
        except TimeoutError:
            raise PushError(
                f"the question form at {self.target.where} did not answer within "
                f"{self._deadline + extra:g} s"
            ) from None
        except httpx.HTTPError as exc:
            raise PushError(
                f"cannot reach the question form at {self.target.where} ({_why(exc)})"
            ) from None
        if response.status_code not in ok:
            raise PushError(self._refusal(response.status_code, body))
        if response.status_code >= 400:  # a refusal the caller accepts: nothing to read
            return None
        try:
            return response.json()
        except ValueError:
            raise PushError(
                f"the question form at {self.target.where} answered something that is not JSON"
            ) from None

    def _refusal(self, status: int, body: bytes) -> str:
        where = self.target.where
        if status == 401:
            return (
                f"the question form at {where} refused the token (401); give the console the "
                "form's read token (FACILITATOR_FORM_TOKEN)"
            )
        detail = ""
        with contextlib.suppress(ValueError, UnicodeDecodeError, AttributeError):
            error = json.loads(body).get("error")
            if isinstance(error, str):
                detail = f": {error[:200]}"
        if status == 400:
            return f"the question form at {where} refused the decisions (400{detail})"
        if status == 503:
            return f"the question form at {where} could not save the decisions (503{detail})"
        return f"the question form at {where} answered {status}{detail}"

    def _pending(self) -> int:
        wanted = decisions(self.board, self.target.labels, self._created)
        creating = typed_in_to_create(self.board, self._created)
        return sum(1 for fid, p in wanted.items() if self._sent.get(fid) != p) + len(creating)

    def _set_status(self, status: SyncStatus, **changes: Any) -> None:
        self.status = replace(status, **changes)


def _why(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.ConnectError):
        return "connection refused or no route"
    return type(exc).__name__
