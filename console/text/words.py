"""Whole-word matching for the held words, shared by the form and the board.

A question containing one of the held words waits for the facilitator (docs/intake.md). The
form flags it (``held`` in its API) and the console's board marks it too, from the agenda's
list; both use this one definition, so they never disagree on what "contains" means:
whole words (or phrases), any case, a word next to a letter or digit does not count
("rumor" holds "a rumor." but not "rumored").
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def word_matcher(words: Iterable[str]) -> re.Pattern[str] | None:
    """A case-insensitive whole-word pattern for ``words`` (None: no words, nothing held)."""
    cleaned = sorted({w.strip().casefold() for w in words if w.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in cleaned) + r")(?!\w)", re.I)


def contains_word(text: str, matcher: re.Pattern[str] | None) -> bool:
    """Whether ``text`` holds one of the matcher's words (never, without a matcher)."""
    return matcher is not None and matcher.search(text) is not None
