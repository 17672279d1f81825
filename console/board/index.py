"""The board's state: questions indexed by key, decisions, and the cached views.

``Board`` (console/board/model.py) adds the facilitator's actions on top. Everything here is about
taking inputs in (records, feed snapshots) cheaply and answering queries from cached views.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Collection, Container, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from itertools import compress, count
from operator import attrgetter, is_not
from typing import Any

from console.board.answers import ANSWER_KIND, ParticipantAnswer
from console.board.answers import from_record as answer_from_record
from console.board.moderation import PARTICIPANT_LISTS, ROLES, STATUSES, Moderation, text_hash
from console.board.order import Selection, Sort
from console.board.question import (
    MANUAL,
    Question,
    carried_votes,
    from_feed,
    from_manual,
    question_key,
)
from console.feeds.model import FeedQuestion
from console.store import Record, wins
from console.text.words import contains_word, word_matcher

_KINDS = ("question", "moderation", ANSWER_KIND)
UNDECIDED = Moderation()
"""The decision of a question nobody has acted on."""

SELECTIONS_KEPT = 4
"""Queries whose sorted lists are kept and patched (the panel's view, presenter, report...)."""

_source_id = attrgetter("source_id")
Query = tuple[frozenset[str] | None, str | None, str, Sort, bool]


class BoardIndex:
    """Questions and decisions of one session, indexed by key, with cached views."""

    def __init__(
        self,
        author: str,
        now: Callable[[], datetime],
        *,
        role: str = "facilitator",
        themes: Collection[str] | None = None,
        participant_list: str = "screened",
        held_words: Iterable[str] = (),
    ) -> None:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        if participant_list not in PARTICIPANT_LISTS:
            raise ValueError(
                f"participant_list must be one of {', '.join(PARTICIPANT_LISTS)}, "
                f"not {participant_list!r}"
            )
        self.participant_list = participant_list
        """What participants see of each other's questions: ``screened`` or ``open``."""
        self._held = word_matcher(held_words)
        self.author = author
        self.role = role
        self._now = now
        self._themes = frozenset(themes) if themes is not None else None
        self._records: dict[tuple[str, str], Record] = {}
        self._feed: dict[str, FeedQuestion] = {}
        self._by_source: dict[str, dict[str, FeedQuestion]] = {}
        """Per source label: its questions by the source's own id (what the last poll held)."""
        self._manual: dict[str, Record] = {}
        self._mod: dict[str, Moderation] = {}
        self._dups: dict[str, set[str]] = {}
        self._live: set[str] = set()
        self._local_seen: set[str] = set()
        self._answers: dict[str, ParticipantAnswer] = {}
        """Participant answers by answer id (the live ones; tombstones leave)."""
        self._answers_of: dict[str, dict[str, ParticipantAnswer]] = {}
        """Per question key: its participant answers by id."""
        self._form_votes: dict[str, int] = {}
        """Votes the form counted for questions the console typed in and published there
        (form data, not a decision: never a record; the form pusher reports them)."""
        self._views: dict[str, Question] = {}
        self._hay: dict[str, str] = {}
        self._seq: dict[str, int] = {}
        """Arrival order of the keys on the board (ties in sorting follow it). A key that leaves
        the board loses its place: one that comes back arrives anew, after the keys there now,
        as on a board rebuilt from the records and the feed (a restart, a reader console)."""
        self._next_seq = count()
        self._selections: OrderedDict[Query, Selection] = OrderedDict()
        self._tally: dict[str, tuple[str | None, bool]] = {}
        """Per key: the status it is counted under (None: merged) and whether it is unseen."""
        self._tally_totals = dict.fromkeys(STATUSES, 0)
        self._tally_unseen = 0
        self._tally_dirty: set[str] = set()
        self._tally_stale = True
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
        self,
        source_label: str,
        questions: Sequence[FeedQuestion],
        segment_id: str | None,
        *,
        keep: Container[str] = (),
    ) -> list[Record]:
        """Take the source's current full list; return arrival records to persist.

        A question new to the board while a segment is in play gets a moderation record
        naming that segment (facilitator only). Pass ``segment_id=None`` when replaying the
        cached feed at start-up, so old questions are not stamped with the current segment.
        Questions that left the feed are dropped, unless the facilitator decided something
        about them (``Moderation.decided``), duplicates are merged into them, or their key is
        in ``keep`` (the questions notes refer to).

        The poller hands back the very same ``FeedQuestion`` objects for questions that did
        not change, so finding the few that did is an identity test run in C over the whole
        list (``compress``/``map``): a poll adding ten to ten thousand touches ten keys.
        """
        out: list[Record] = []
        changed = False
        feed = self._feed
        before = self._by_source.get(source_label, {})
        incoming = dict(zip(map(_source_id, questions), questions, strict=True))
        moved = list(
            compress(incoming.values(), map(is_not, map(before.get, incoming), incoming.values()))
        )
        stamp_arrivals = self.role == "facilitator" and segment_id is not None
        for fq in moved:
            key = f"{source_label}:{fq.source_id}"
            old = before.get(fq.source_id)
            feed[key] = fq
            if old is None:
                self._seq_of(key)
                self._touch(key)
                changed = True
                if stamp_arrivals and ("moderation", key) not in self._records:
                    mod = Moderation(arrived_segment_id=segment_id, text_hash=text_hash(fq.text))
                    out.append(self._write(key, mod))
            elif old != fq:
                self._touch(key)
                changed = True
        left = before.keys() - incoming.keys() if moved or len(incoming) != len(before) else ()
        # In the source's order, so the kept ones are too (a set has none).
        gone = [source_id for source_id in before if source_id in left] if left else ()
        for source_id in gone:
            key = f"{source_label}:{source_id}"
            if self._worth_keeping(key) or key in keep:
                incoming[source_id] = before[source_id]
            else:
                feed.pop(key, None)
                self._seq.pop(key, None)
                self._touch(key)
                changed = True
        self._by_source[source_label] = incoming
        if changed:
            self.version += 1
        return out

    def _worth_keeping(self, key: str) -> bool:
        mod = self._mod.get(key)
        return (
            (mod is not None and mod.decided)
            or bool(self._dups.get(key))
            or bool(self._answers_of.get(key))
        )

    def feed_of(self, source_label: str) -> tuple[FeedQuestion, ...]:
        """The source's questions the board holds: its last list, then the ones it dropped
        that the board keeps (see ``update_feed``)."""
        return tuple(self._by_source.get(source_label, {}).values())

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
        sort: Sort = "time",
        include_merged: bool = False,
    ) -> list[Question]:
        """The board's questions, newest (or most voted) first, filtered as asked.

        The list of each recent query is kept and patched for the keys that changed since
        (see ``board_order``), so asking again after a poll costs what the poll changed.
        """
        needle = search.casefold().strip()
        query: Query = (
            frozenset(status) if status is not None else None,
            theme,
            needle,
            sort,
            include_merged,
        )
        selection = self._selections.get(query)
        if selection is None:
            selection = Selection(self._matcher(query), sort, self._seq_of)
            self._selections[query] = selection
            if len(self._selections) > SELECTIONS_KEPT:
                self._selections.popitem(last=False)
        else:
            self._selections.move_to_end(query)
        return selection.questions(self._every_view, self._view_or_none)

    def _matcher(self, query: Query) -> Callable[[Question], bool]:
        status, theme, needle, _sort, include_merged = query
        hay = self._hay

        def match(q: Question) -> bool:
            if q.merged_into is not None and not include_merged:
                return False
            if status is not None and q.status not in status:
                return False
            if theme is not None and theme not in q.themes:
                return False
            return not needle or needle in hay[q.key]

        return match

    def _every_view(self) -> list[Question]:
        views, build = self._views, self._build  # hot loop: 10,000 keys
        return [views.get(key) or build(key) for key in self.keys()]

    def _view_or_none(self, key: str) -> Question | None:
        return self.get(key) if self._exists(key) else None

    def _seq_of(self, key: str) -> int:
        seq = self._seq.get(key)
        if seq is None:
            seq = self._seq[key] = next(self._next_seq)
        return seq

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
        self._settle_tally()
        return dict(self._tally_totals)

    def new_count(self) -> int:
        """Questions nobody on this console has looked at yet (dismissed ones excluded)."""
        self._settle_tally()
        return self._tally_unseen

    def _settle_tally(self) -> None:
        """Bring the counts up to date: every key when stale, else only the touched ones."""
        if self._tally_stale:
            self._tally = {}
            self._tally_totals = dict.fromkeys(STATUSES, 0)
            self._tally_unseen = 0
            dirty: Iterable[str] = self.keys()
            self._tally_stale = False
        else:
            dirty = self._tally_dirty
        tally, totals = self._tally, self._tally_totals
        for key in dirty:
            old = tally.pop(key, None)
            if old is not None:
                if old[0] is not None:
                    totals[old[0]] -= 1
                self._tally_unseen -= old[1]
            if not self._exists(key):
                continue
            mod = self._mod.get(key)
            counted = None if mod is not None and mod.merged_into else (mod or UNDECIDED).status
            unseen = counted not in (None, "dismissed") and not self._is_seen(key, mod)
            tally[key] = (counted, unseen)
            if counted is not None:
                totals[counted] += 1
            self._tally_unseen += unseen
        self._tally_dirty = set()

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
        elif record.kind == ANSWER_KIND:
            self._set_answer(record)
        else:
            key = question_key(MANUAL, record.id)
            if record.deleted or not isinstance(record.data.get("text"), str):
                self._manual.pop(key, None)
                self._seq.pop(key, None)
            else:
                self._manual[key] = record
                self._seq_of(key)
            self._touch(key)
        self.version += 1

    def _set_mod(self, key: str, record: Record) -> None:
        old = self._mod.get(key)
        new = None if record.deleted else Moderation.from_data(record.data)
        if old is not None and old.merged_into:
            self._dups.get(old.merged_into, set()).discard(key)
            self._forget(old.merged_into)
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

    def _set_answer(self, record: Record) -> None:
        old = self._answers.pop(record.id, None)
        if old is not None:
            self._answers_of.get(old.question_key, {}).pop(record.id, None)
            if not self._answers_of.get(old.question_key):
                self._answers_of.pop(old.question_key, None)
            self._touch(old.question_key)
        new = answer_from_record(record)
        if new is not None:
            self._answers[record.id] = new
            self._answers_of.setdefault(new.question_key, {})[record.id] = new
            self._touch(new.question_key)

    def _touch(self, key: str) -> None:
        """Forget the cached view of ``key`` and of the primary its votes count for."""
        self._forget(key)
        mod = self._mod.get(key)
        if mod is not None and mod.merged_into:
            self._forget(mod.merged_into)

    def _forget(self, key: str) -> None:
        """Drop one cached view and tell the kept lists and the counts to look at it again."""
        self._views.pop(key, None)
        for selection in self._selections.values():
            selection.mark(key)
        if not self._tally_stale:
            self._tally_dirty.add(key)

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
        held = contains_word(self._current_text(key), self._held)
        answers = self._answers_for(key)
        if fq is not None:
            view = from_feed(
                key, fq, mod or UNDECIDED, votes, dups, seen, held=held, answers=answers
            )
        else:
            manual = self._manual[key]
            view = from_manual(
                key, manual, mod or UNDECIDED, votes, dups, seen, held=held, answers=answers
            )
        self._views[key] = view
        self._hay[key] = " ".join(
            part for part in (view.text, view.asker, view.topic, view.answer_note) if part
        ).casefold()
        return view

    def _own_votes(self, key: str) -> int:
        fq = self._feed.get(key)
        if fq is not None:
            base = fq.votes if fq.votes and fq.votes > 0 else 0
        else:
            manual = self._manual.get(key)
            base = carried_votes(manual.data) if manual is not None else 0
            base += self._form_votes.get(key, 0)
        mod = self._mod.get(key)
        return base + (mod.plus_ones if mod else 0)

    def _answers_for(self, key: str) -> tuple[ParticipantAnswer, ...]:
        mine = self._answers_of.get(key)
        if not mine:
            return ()
        return tuple(sorted(mine.values(), key=_answer_order))


def _answer_order(answer: ParticipantAnswer) -> tuple[float, str]:
    when = answer.answered_at
    return (when.timestamp() if when else float("-inf"), answer.id)
