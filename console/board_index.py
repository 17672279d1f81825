"""The board's state: questions indexed by key, decisions, and the cached views.

``Board`` (console/board.py) adds the facilitator's actions on top. Everything here is about
taking inputs in (records, feed snapshots) cheaply and answering queries from cached views.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Literal

from console.feeds.model import FeedQuestion
from console.moderation import ROLES, STATUSES, Moderation, text_hash
from console.question import MANUAL, Question, from_feed, from_manual, question_key, sort_time
from console.records import Record, wins

_KINDS = ("question", "moderation")
UNDECIDED = Moderation()
"""The decision of a question nobody has acted on."""


class BoardIndex:
    """Questions and decisions of one session, indexed by key, with cached views."""

    def __init__(
        self,
        author: str,
        now: Callable[[], datetime],
        *,
        role: str = "facilitator",
        themes: Collection[str] | None = None,
    ) -> None:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        self.author = author
        self.role = role
        self._now = now
        self._themes = frozenset(themes) if themes is not None else None
        self._records: dict[tuple[str, str], Record] = {}
        self._feed: dict[str, FeedQuestion] = {}
        self._by_source: dict[str, set[str]] = {}
        self._manual: dict[str, Record] = {}
        self._mod: dict[str, Moderation] = {}
        self._dups: dict[str, set[str]] = {}
        self._live: set[str] = set()
        self._local_seen: set[str] = set()
        self._views: dict[str, Question] = {}
        self._hay: dict[str, str] = {}
        self._sort_times: dict[str, float] = {}
        """Sort key per question, kept while its view is (a view rebuild drops it)."""
        self.version = 0

    # ----------------------------------------------------------------- inputs
    def load(self, records: Iterable[Record]) -> None:
        """Take in records from the store (merged or not: the merge rule is applied)."""
        before = self.version
        for record in records:
            self._apply(record)
        if self.version != before:
            self.version = before + 1

    def apply(self, record: Record) -> None:
        """A record written elsewhere (another console, a reloaded file)."""
        self._apply(record)

    def update_feed(
        self, source_label: str, questions: Sequence[FeedQuestion], segment_id: str | None
    ) -> list[Record]:
        """Take the source's current full list; return arrival records to persist.

        A question new to the board while a segment is in play gets a moderation record
        naming that segment (facilitator only). Pass ``segment_id=None`` when replaying the
        cached feed at start-up, so old questions are not stamped with the current segment.
        Questions that left the feed are dropped, unless a decision was recorded for them.
        """
        out: list[Record] = []
        changed = False
        feed = self._feed
        old_keys = self._by_source.get(source_label, set())
        new_keys: set[str] = set()
        stamp_arrivals = self.role == "facilitator" and segment_id is not None
        for fq in questions:
            key = f"{source_label}:{fq.source_id}"
            new_keys.add(key)
            old = feed.get(key)
            if old is fq:
                continue
            if old is None:
                feed[key] = fq
                self._touch(key)
                changed = True
                if stamp_arrivals and ("moderation", key) not in self._records:
                    mod = Moderation(arrived_segment_id=segment_id, text_hash=text_hash(fq.text))
                    out.append(self._write(key, mod))
            elif old != fq:
                feed[key] = fq
                self._touch(key)
                changed = True
        if len(new_keys) != len(old_keys) or not new_keys.issuperset(old_keys):
            for key in old_keys - new_keys:
                if ("moderation", key) in self._records:
                    new_keys.add(key)
                else:
                    feed.pop(key, None)
                    self._touch(key)
                    changed = True
        self._by_source[source_label] = new_keys
        if changed:
            self.version += 1
        return out

    # ------------------------------------------------------------------ views
    def get(self, key: str) -> Question:
        if key not in self._feed and key not in self._manual:
            raise KeyError(f"no question {key!r} on the board")
        view = self._views.get(key)
        if view is None:
            view = self._build(key)
        return view

    def keys(self) -> list[str]:
        return [*self._feed, *self._manual]

    def questions(
        self,
        *,
        status: Collection[str] | None = None,
        theme: str | None = None,
        search: str = "",
        sort: Literal["time", "votes"] = "time",
        include_merged: bool = False,
    ) -> list[Question]:
        """The board's questions, newest (or most voted) first, filtered as asked."""
        needle = search.casefold().strip()
        out: list[Question] = []
        views, build, hay = self._views, self._build, self._hay  # hot loop: 10,000 keys
        for key in self.keys():
            q = views.get(key) or build(key)
            if q.merged_into is not None and not include_merged:
                continue
            if status is not None and q.status not in status:
                continue
            if theme is not None and theme not in q.themes:
                continue
            if needle and needle not in hay[key]:
                continue
            out.append(q)
        times = self._sort_times
        for q in out:
            if q.key not in times:
                times[q.key] = sort_time(q)
        if sort == "votes":
            out.sort(key=lambda q: (q.votes, times[q.key]), reverse=True)
        else:
            out.sort(key=lambda q: times[q.key], reverse=True)
        return out

    @property
    def live_question(self) -> Question | None:
        """The question being answered now (the latest put live, if merges disagree)."""
        best: tuple[str, Question] | None = None
        for key in self._live:
            if key not in self._feed and key not in self._manual:
                continue
            q = self.get(key)
            if q.merged_into is not None:
                continue
            stamp = self._records[("moderation", key)].updated_at
            if best is None or stamp > best[0]:
                best = (stamp, q)
        return best[1] if best else None

    def counts(self) -> dict[str, int]:
        """Questions per status (merged duplicates are counted under their primary only)."""
        out = dict.fromkeys(STATUSES, 0)
        for key in self.keys():
            mod = self._mod.get(key)
            if mod is None:
                out["new"] += 1
            elif mod.merged_into is None:
                out[mod.status] += 1
        return out

    def new_count(self) -> int:
        """Questions nobody on this console has looked at yet (dismissed ones excluded)."""
        n = 0
        for key in self.keys():
            mod = self._mod.get(key)
            if mod is not None and (mod.merged_into is not None or mod.status == "dismissed"):
                continue
            if not self._is_seen(key, mod):
                n += 1
        return n

    # -------------------------------------------------------------- internals
    def _apply(self, record: Record) -> None:
        if record.kind not in _KINDS:
            return
        have = self._records.get(record.key)
        if have is not None and wins(have, record) is have:
            return
        self._records[record.key] = record
        if record.kind == "moderation":
            self._set_mod(record.id, record)
        else:
            key = question_key(MANUAL, record.id)
            if record.deleted or not isinstance(record.data.get("text"), str):
                self._manual.pop(key, None)
            else:
                self._manual[key] = record
            self._touch(key)
        self.version += 1

    def _set_mod(self, key: str, record: Record) -> None:
        old = self._mod.get(key)
        new = None if record.deleted else Moderation.from_data(record.data)
        if old is not None and old.merged_into:
            self._dups.get(old.merged_into, set()).discard(key)
            self._views.pop(old.merged_into, None)
        if new is None:
            self._mod.pop(key, None)
        else:
            self._mod[key] = new
            if new.merged_into:
                self._dups.setdefault(new.merged_into, set()).add(key)
        if new is not None and new.status == "live":
            self._live.add(key)
        else:
            self._live.discard(key)
        self._touch(key)

    def _touch(self, key: str) -> None:
        """Forget the cached view of ``key`` and of the primary its votes count for."""
        self._views.pop(key, None)
        mod = self._mod.get(key)
        if mod is not None and mod.merged_into:
            self._views.pop(mod.merged_into, None)

    def _exists(self, key: str) -> bool:
        return key in self._feed or key in self._manual

    def _require(self, key: str) -> None:
        if not self._exists(key):
            raise KeyError(f"no question {key!r} on the board")

    def _check_moderator(self) -> None:
        if self.role != "facilitator":
            raise PermissionError("Only the facilitator moderates questions.")

    def _check_not_merged(self, key: str) -> None:
        self._require(key)
        into = self._mod_of(key).merged_into
        if into is not None:
            raise ValueError(f"This question is merged into {into}; unmerge it first.")

    def _mod_of(self, key: str) -> Moderation:
        self._require(key)
        return self._mod.get(key) or UNDECIDED

    def _is_seen(self, key: str, mod: Moderation | None) -> bool:
        if self.role != "facilitator":
            return key in self._local_seen
        if mod is not None and mod.seen:
            return True
        manual = self._manual.get(key)
        return manual is not None and manual.author == self.author

    def _current_text(self, key: str) -> str:
        fq = self._feed.get(key)
        if fq is not None:
            return fq.text
        return str(self._manual[key].data.get("text", ""))

    def _revise(self, key: str, *, keep_hash: bool = False, **changes: Any) -> Record:
        """Write the next revision of ``key``'s decision (the facilitator has seen it now)."""
        mod = self._mod_of(key)
        if not keep_hash:
            changes["text_hash"] = text_hash(self._current_text(key))
        changes.setdefault("seen", True)
        return self._write(key, replace(mod, **changes))

    def _write(self, key: str, mod: Moderation) -> Record:
        have = self._records.get(("moderation", key))
        data = mod.to_data()
        stamp = self._stamp()
        if have is None:
            record = Record("moderation", key, self.author, 1, stamp, False, data)
        else:
            record = have.revised(self.author, data, updated_at=stamp)
        self._apply(record)
        return record

    def _stamp(self) -> str:
        return self._now().astimezone(UTC).isoformat(timespec="microseconds")

    def _build(self, key: str) -> Question:
        mod = self._mod.get(key)
        dups = tuple(sorted(self._dups.get(key, ()))) if mod is None or not mod.merged_into else ()
        votes = self._own_votes(key) + sum(self._own_votes(d) for d in dups if self._exists(d))
        fq = self._feed.get(key)
        seen = self._is_seen(key, mod)
        if fq is not None:
            view = from_feed(key, fq, mod or UNDECIDED, votes, dups, seen)
        else:
            view = from_manual(key, self._manual[key], mod or UNDECIDED, votes, dups, seen)
        self._views[key] = view
        self._sort_times.pop(key, None)
        self._hay[key] = " ".join(
            part for part in (view.text, view.asker, view.topic, view.answer_note) if part
        ).casefold()
        return view

    def _own_votes(self, key: str) -> int:
        fq = self._feed.get(key)
        base = fq.votes if fq is not None and fq.votes and fq.votes > 0 else 0
        mod = self._mod.get(key)
        return base + (mod.plus_ones if mod else 0)
