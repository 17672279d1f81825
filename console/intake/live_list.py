"""The participants' list, rendered once per change and shared by everyone watching it.

Why: every participant with the list open long-polls ``/questions.json`` (``live.js``), and
under load every vote changes the list. Waking all watchers at every write and rendering the
whole list once per watcher put up to 2,000 renders a second on the event loop, so a vote
waited seconds. Now:

- **Coalesced updates.** Writes do not wake the watchers; a *tick* does, at most every
  ``CHANGE_INTERVAL_S`` after a decision or a question in an open list (a publish reaches
  everyone fast) and every ``VOTE_INTERVAL_S`` when only votes came in, or a question only
  its asker sees yet (a count a second late is no loss, and each tick sends every watcher
  the list again). A quiet list ticks at once.
- **One render per tick and language.** The shared part (every question everyone sees, with
  its "me too" form) is rendered once, item by item, from one snapshot; concurrent callers
  wait for the same render.
- **Personal bits put in cheaply.** A participant's own questions others do not see, the
  "Your question" mark (with its private link) and "You said: me too" replace the item or
  come before the list; the few such items are rendered for that participant alone. The
  votes come from memory (``formdb_people``), not a read per watcher.
- **A version that is the content.** A response's version is a digest of what that
  participant is shown, so a tick that changed nothing for them (a question only its asker
  sees yet) sends them nothing.

A page (``GET /questions``) and a live update carry the same HTML. A page is always as new
as the last write before it (a reload shows everything, one's own vote included): it takes
the current render, or makes one that pages arriving meanwhile share; the watchers take the
newest render at each tick. The JSON of a live update is assembled from pieces encoded once
per render (JSON string escaping is per character, so encoded pieces concatenate).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from console.intake import render
from console.intake.formdb import OPEN, FormDB
from console.intake.security import make_csrf
from console.intake.visibility import Entry, effective_mode, for_participant, list_parts

log = logging.getLogger(__name__)

CHANGE_INTERVAL_S = 0.15
"""At most this often the watchers are woken for a decision (or a question in an open list)."""
VOTE_INTERVAL_S = 1.0
"""At most this often when only "me too" counts (or what one asker sees) changed."""
WAKE_GROUPS = 64
"""Watchers are woken a group per turn of the event loop, not all at once, so a vote that
arrives during a tick is read between groups instead of after every watcher's answer."""
CSRF_REFRESH_S = 3600.0
"""A render's "me too" forms carry a CSRF token issued when it was made; older than this,
the list is rendered again (tokens are valid 12 hours)."""


@dataclass(slots=True)
class Rendered:
    """The shared list in one language, as of ``change`` (the store's change number)."""

    change: int
    lang: str
    csrf: str
    issued: datetime
    start: str
    end: str
    items: list[tuple[Entry, str]]
    """Each shared entry (no personal marks) with its HTML, in list order."""
    unseen: dict[str, list[Entry]]
    """By participant: their questions others do not see."""
    index: dict[str, int]
    """Question id -> its place in ``items``."""
    owned: dict[str, list[int]]
    """By participant: the places in ``items`` of their questions on the shared list."""
    digest: str
    encoded: list[str] | None = None
    joined: str | None = None
    personal: dict[tuple[str, str], str] = field(default_factory=dict)
    """Items rendered for one participant: ``(participant or "", question id) -> HTML``."""
    personal_json: dict[str, str] = field(default_factory=dict)
    """Those items' HTML -> encoded, once per render (not once per watcher and tick)."""

    def json_pieces(self) -> list[str]:
        """Each item's HTML encoded as the inside of a JSON string (made once)."""
        if self.encoded is None:
            self.encoded = [_json_inner(html) for _, html in self.items]
        return self.encoded

    def json_body(self) -> str:
        """Every item, encoded and joined (made once)."""
        if self.joined is None:
            self.joined = "".join(self.json_pieces())
        return self.joined


@dataclass(frozen=True, slots=True)
class View:
    """What one participant is shown: ``own`` (their questions others do not see) and the
    shared list with their marks, as pieces of HTML; ``version`` is their digest."""

    version: str
    rendered: Rendered
    own: str
    swaps: dict[int, str]
    """Index in ``rendered.items`` -> this participant's HTML for that item."""

    def html(self) -> str:
        r = self.rendered
        body = [html for _, html in r.items]
        for i, html in self.swaps.items():
            body[i] = html
        return self.own + r.start + "".join(body) + r.end

    def json_bytes(self) -> bytes:
        """``{"version": ..., "html": ...}``, with ``html`` equal to ``html()``."""
        r = self.rendered
        if self.swaps:
            pieces = list(r.json_pieces())
            for i, html in self.swaps.items():
                encoded = r.personal_json.get(html)
                if encoded is None:
                    encoded = r.personal_json[html] = _json_inner(html)
                pieces[i] = encoded
            body = "".join(pieces)
        else:
            body = r.json_body()
        html = _json_inner(self.own + r.start) + body + _json_inner(r.end)
        return f'{{"version": "{_json_inner(self.version)}", "html": "{html}"}}'.encode()


def _json_inner(text: str) -> str:
    return json.dumps(text)[1:-1]


def _digest(*parts: str) -> str:
    h = hashlib.blake2b(digest_size=8)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


class LiveList:
    """The shared list of one form server, with its coalesced ticks and render cache."""

    def __init__(
        self,
        store: Callable[[], FormDB | None],
        mode: Callable[[], str],
        held: re.Pattern[str] | None,
        secret: Callable[[], bytes],
        now: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._configured_mode = mode
        self._held = held
        self._secret = secret
        self._now = now
        self._events = [asyncio.Event() for _ in range(WAKE_GROUPS)]
        self._next_group = 0
        self._published = 0
        self._last_tick = float("-inf")
        self._timer: asyncio.TimerHandle | None = None
        self._timer_due = 0.0
        self._rendered: dict[str, Rendered] = {}
        self._building: dict[str, asyncio.Task[Rendered]] = {}
        self._watched: set[str] = set()
        """Languages the list was asked in since the last tick (rendered before a wake)."""
        self._preparing: set[asyncio.Task[None]] = set()

    # -- ticks ---------------------------------------------------------------------------
    def on_write(self, kind: str) -> None:
        """The store committed a write (on the loop): schedule a tick. A decision may change
        everyone's list: soon. A vote only changes a count, and a new question in a screened
        list only its asker's view (their page shows it at once): within the vote interval."""
        soon = kind == "decisions" or (kind == "question" and self._mode() == OPEN)
        self._schedule(CHANGE_INTERVAL_S if soon else VOTE_INTERVAL_S)

    def _mode(self) -> str:
        store = self._store()
        override = store.mode_override if store is not None else None
        return override or self._configured_mode()

    def _schedule(self, interval: float) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        due = max(now, self._last_tick + interval)
        if self._timer is not None:
            if self._timer_due <= due:
                return
            self._timer.cancel()
            self._timer = None
        if due <= now:
            self._tick()
        else:
            self._timer, self._timer_due = loop.call_at(due, self._tick), due

    def _tick(self) -> None:
        self._timer = None
        loop = asyncio.get_running_loop()
        self._last_tick = loop.time()
        store = self._store()
        self._published = store.change_number if store is not None else 0
        langs, self._watched = self._watched, set()
        if store is None or not langs:
            self.wake()
            return
        task = loop.create_task(self._render_then_wake(self._published, sorted(langs)))
        self._preparing.add(task)
        task.add_done_callback(self._preparing.discard)

    async def _render_then_wake(self, change: int, langs: list[str]) -> None:
        """Render the new list, then wake the watchers a group per turn. Woken before it is
        ready, every group would wait for the one render and all be answered together in a
        single turn of the loop (60-120 ms under 500 watchers), a vote arriving meanwhile
        waiting behind every one of them."""
        try:
            for lang in langs:
                await self._current(lang, change)
        except Exception:  # the watchers render it on demand, as a page does
            log.exception("could not render the participants' list")
        finally:
            self.wake()

    def wake(self) -> None:
        """Wake every watcher (a tick; also when the server stops), a group per loop turn."""
        old, self._events = self._events, [asyncio.Event() for _ in range(WAKE_GROUPS)]
        loop = asyncio.get_running_loop()

        def wake_group(n: int) -> None:
            old[n].set()
            if n + 1 < len(old):
                loop.call_soon(wake_group, n + 1)  # runs at the loop's next turn

        wake_group(0)

    def changed(self) -> asyncio.Event:
        """Set at the next tick; take it *before* looking at the view."""
        self._next_group = (self._next_group + 1) % WAKE_GROUPS
        return self._events[self._next_group]

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for task in self._preparing:
            task.cancel()

    # -- views ---------------------------------------------------------------------------
    async def view(self, lang: str, participant: str | None, *, fresh: bool = False) -> View:
        """The list as ``participant`` sees it: as of the last tick, or (``fresh``, for a
        page) as of the last write."""
        store = self._store()
        assert store is not None
        self._watched.add(lang)
        rendered = await self._current(lang, store.change_number if fresh else self._published)
        voted = await store.voted_by(participant) if participant is not None else frozenset()
        if participant is None:
            return View(rendered.digest, rendered, "", {})
        marks = dict.fromkeys(rendered.owned.get(participant, ()), "m")
        for qid in voted:
            i = rendered.index.get(qid)
            if i is not None:
                marks.setdefault(i, "v")
        swaps = {
            i: self._personal_item(
                rendered, participant, for_participant(rendered.items[i][0], participant, voted)
            )
            for i in marks
        }
        own = self._own_section(rendered, participant)
        version = rendered.digest
        if own or marks:  # a swapped item is fixed by the render and its mark
            version += _digest(own, *(f"{marks[i]}{i}" for i in sorted(marks)))
        return View(version, rendered, own, swaps)

    async def _current(self, lang: str, wanted: int) -> Rendered:
        """A render at least as new as change ``wanted`` (one build at a time per language)."""
        have = self._rendered.get(lang)
        if have is not None and have.change >= wanted and not self._stale(have):
            return have
        building = self._building.get(lang)
        if building is None:  # a task of its own: a caller that goes away does not stop it
            building = asyncio.get_running_loop().create_task(self._build_and_keep(lang))
            self._building[lang] = building
        rendered = await asyncio.shield(building)
        if rendered.change >= wanted:
            return rendered
        return await self._current(lang, wanted)  # it began before the change wanted

    async def _build_and_keep(self, lang: str) -> Rendered:
        try:
            rendered = await self._build(lang)
        finally:
            self._building.pop(lang, None)
        self._rendered[lang] = rendered
        return rendered

    def _stale(self, rendered: Rendered) -> bool:
        return (self._now() - rendered.issued).total_seconds() > CSRF_REFRESH_S

    async def _build(self, lang: str) -> Rendered:
        store = self._store()
        assert store is not None
        change = store.change_number  # the snapshot read next is at least this new
        snap = await store.snapshot()
        mode = effective_mode(snap, self._configured_mode())
        shared, unseen = list_parts(snap, mode=mode, held=self._held)
        # The forms keep the last render's token while it is fresh: a new token would change
        # every item, and every watcher would be sent a list that did not change.
        last = self._rendered.get(lang)
        if last is not None and not self._stale(last):
            issued, csrf = last.issued, last.csrf
        else:
            issued = self._now()
            csrf = make_csrf(self._secret(), issued)
        module = _list_module(lang)
        items = [(e, str(module.shared_item(e, csrf))) for e in shared]
        start = str(module.shared_start(len(items)))
        end = str(module.shared_end(len(items)))
        index = {e.question.id: i for i, e in enumerate(shared)}
        owned: dict[str, list[int]] = {}
        for i, e in enumerate(shared):
            if e.question.participant is not None:
                owned.setdefault(e.question.participant, []).append(i)
        digest = _digest(start, *(html for _, html in items), end)
        return Rendered(change, lang, csrf, issued, start, end, items, unseen, index, owned, digest)

    def _personal_item(self, rendered: Rendered, participant: str, entry: Entry) -> str:
        key = (participant if entry.mine else "", entry.question.id)
        html = rendered.personal.get(key)
        if html is None:
            html = str(_list_module(rendered.lang).shared_item(entry, rendered.csrf))
            rendered.personal[key] = html
        return html

    def _own_section(self, rendered: Rendered, participant: str) -> str:
        unseen = rendered.unseen.get(participant)
        if not unseen:
            return ""
        key = (participant, "")
        html = rendered.personal.get(key)
        if html is None:
            own = [for_participant(e, participant, frozenset()) for e in unseen]
            html = str(_list_module(rendered.lang).own_section(own, rendered.csrf))
            rendered.personal[key] = html
        return html


def _list_module(lang: str) -> Any:
    """The macros of ``_list_body.html`` in ``lang``."""
    return render.template_module(lang, "_list_body.html")
