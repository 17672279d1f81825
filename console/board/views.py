"""The board's read side: each question's view, cached per key, and the queries answered from it.

``BoardIndex`` (console/board/index.py) takes the inputs in (records, feed lists) and fills the
state declared here; this half answers from it: ``get``, ``keys``, ``questions`` (the sorted,
filtered list of each recent query, kept and patched key by key: console/board/order.py),
``counts``, ``new_count`` and ``live_question``. The two are apart so that each file follows
one direction of the data: what changes the board (there), and what a question's view is made
of and which caches must look at it again (here: ``_touch``/``_forget`` invalidate the cached
views, the kept lists and the counts in one place, so a poll adding ten questions to ten
thousand rebuilds ten views, re-inserts ten keys and re-counts ten).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable
from itertools import count

from console.board.answers import ParticipantAnswer
from console.board.moderation import PARTICIPANT_LISTS, ROLES, STATUSES, Moderation
from console.board.order import Selection, Sort
from console.board.question import (
    Question,
    carried_voters,
    carried_votes,
    from_feed,
    from_manual,
)
from console.feeds.model import FeedQuestion
from console.store import Record
from console.text.words import contains_word, word_matcher

UNDECIDED = Moderation()
"""The decision of a question nobody has acted on."""

SELECTIONS_KEPT = 4
"""Queries whose sorted lists are kept and patched (the panel's view, presenter, report...)."""

Query = tuple[frozenset[str] | None, str | None, str, Sort, bool]


class BoardViews:
    """The questions of one session as cached views, and the queries answered from them.

    The state of the whole index is declared here (``BoardIndex`` adds only what its inputs
    alone use); this class never changes a question or a decision, it only reads them.
    """

    def __init__(
        self,
        author: str,
        *,
        role: str,
        participant_list: str,
        held_words: Iterable[str],
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
        self._records: dict[tuple[str, str], Record] = {}
        self._feed: dict[str, FeedQuestion] = {}
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
        self._form_voters: dict[str, frozenset[str]] = {}
        """The same, as the form's voter tokens (a form that names them)."""
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

    def _build(self, key: str) -> Question:
        mod = self._mod.get(key)
        dups = tuple(sorted(self._dups.get(key, ()))) if mod is None or not mod.merged_into else ()
        votes, voters = self._group_votes([key, *(d for d in dups if self._exists(d))])
        fq = self._feed.get(key)
        seen = self._is_seen(key, mod)
        held = contains_word(self._current_text(key), self._held)
        answers = self._answers_for(key)
        if fq is not None:
            view = from_feed(
                key, fq, mod or UNDECIDED, votes, dups, seen, held=held, answers=answers,
                voters=voters,
            )  # fmt: skip
        else:
            manual = self._manual[key]
            view = from_manual(
                key, manual, mod or UNDECIDED, votes, dups, seen, held=held, answers=answers,
                voters=voters,
            )  # fmt: skip
        self._views[key] = view
        self._hay[key] = " ".join(
            part for part in (view.text, view.asker, view.topic, view.answer_note) if part
        ).casefold()
        return view

    def _group_votes(self, keys: list[str]) -> tuple[int, frozenset[str]]:
        """The votes of a question and its duplicates: every count that names no voter, plus
        each voter the form named once, however many of the questions they voted for."""
        counted, voters = 0, frozenset[str]()
        for key in keys:
            count, named = self._own_votes(key)
            counted += count
            voters |= named
        return counted + len(voters), voters

    def _own_votes(self, key: str) -> tuple[int, frozenset[str]]:
        """One question's votes: ``(those counted without a voter, the voters named)``."""
        mod = self._mod.get(key)
        count = mod.plus_ones if mod else 0
        fq = self._feed.get(key)
        if fq is not None:
            if fq.voters is not None:
                return count, fq.voters
            return count + (fq.votes if fq.votes and fq.votes > 0 else 0), frozenset()
        manual = self._manual.get(key)
        carried = carried_votes(manual.data) if manual is not None else 0
        named = carried_voters(manual.data) if manual is not None else frozenset()
        count += max(carried - len(named), 0)  # +1s and other sources of the earlier session
        form = self._form_voters.get(key)
        if form is not None:  # the form counts the carried voters it was sent among them
            return count, named | form
        return count + self._form_votes.get(key, 0), named

    def _answers_for(self, key: str) -> tuple[ParticipantAnswer, ...]:
        mine = self._answers_of.get(key)
        if not mine:
            return ()
        return tuple(sorted(mine.values(), key=_answer_order))


def _answer_order(answer: ParticipantAnswer) -> tuple[float, str]:
    when = answer.answered_at
    return (when.timestamp() if when else float("-inf"), answer.id)
