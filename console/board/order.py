"""The board's filtered, sorted lists, kept up to date key by key instead of re-sorted per poll.

A poll that adds ten questions to ten thousand changes ten keys. Filtering and sorting all
ten thousand views again costs several milliseconds of the event loop on every poll; a
``Selection`` instead removes and re-inserts only the keys the board marked dirty, with a
binary search on a sort key that is unique per question (the arrival sequence number breaks
ties), so the result is the same as a full stable sort.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from typing import Literal

from console.board.question import Question, sort_time

SortKey = tuple[float, ...]
Sort = Literal["time", "votes"]

PATCH_LIMIT = 512
"""More dirty keys than this: one full sort is cheaper than that many list inserts."""


def sort_key(q: Question, sort: Sort, seq: int) -> SortKey:
    """Ascending key for "newest first" or "most votes, then newest, first".

    Questions without a time sort as the oldest (``-inf`` negated); ``seq`` (the order in
    which the key arrived on the board, anew if it left and came back) makes every key unique
    and keeps equal times in arrival order, as a stable sort would.
    """
    newest = -sort_time(q)
    if sort == "votes":
        return (-float(q.votes), newest, float(seq))
    return (newest, float(seq))


class Selection:
    """The questions that match one query, in order, patched as keys are marked dirty."""

    def __init__(
        self,
        match: Callable[[Question], bool],
        sort: Sort,
        seq: Callable[[str], int],
    ) -> None:
        self._match = match
        self._sort: Sort = sort
        self._seq = seq
        self._keys: list[SortKey] = []
        self._questions: list[Question] = []
        self._placed: dict[str, SortKey] = {}
        """Question key -> the sort key it is filed under while it is in the list."""
        self.dirty: set[str] = set()
        self.stale = True
        """True until the first fill, and after more changes than patching is worth."""

    def mark(self, key: str) -> None:
        """Remember that ``key``'s view changed (or the question came or went)."""
        if self.stale:
            return
        self.dirty.add(key)
        if len(self.dirty) > PATCH_LIMIT:
            self.stale = True
            self.dirty.clear()

    def questions(
        self, every: Callable[[], Iterable[Question]], get: Callable[[str], Question | None]
    ) -> list[Question]:
        """The current list (a copy): refilled when stale, else patched for the dirty keys."""
        if self.stale:
            self._fill(every())
        elif self.dirty:
            self._patch(get)
        return list(self._questions)

    def _fill(self, questions: Iterable[Question]) -> None:
        match, sort, seq = self._match, self._sort, self._seq
        pairs = sorted(
            ((sort_key(q, sort, seq(q.key)), q) for q in questions if match(q)), key=_first
        )
        self._keys = [k for k, _ in pairs]
        self._questions = [q for _, q in pairs]
        self._placed = {q.key: k for k, q in pairs}
        self.dirty.clear()
        self.stale = False

    def _patch(self, get: Callable[[str], Question | None]) -> None:
        keys, questions, placed = self._keys, self._questions, self._placed
        for key in self.dirty:
            old = placed.pop(key, None)
            if old is not None:
                i = bisect_left(keys, old)
                del keys[i]
                del questions[i]
            q = get(key)
            if q is not None and self._match(q):
                new = sort_key(q, self._sort, self._seq(key))
                i = bisect_left(keys, new)
                keys.insert(i, new)
                questions.insert(i, q)
                placed[key] = new
        self.dirty.clear()


def _first(pair: tuple[SortKey, Question]) -> SortKey:
    return pair[0]
