"""Captions laid over the session's clock: the offset, then each cue to the question live then.

Caption times count from the recording's start, which nobody writes down. The facilitator
reads most questions aloud as they take them live, so a question's words found in the
captions near the start of its live window say when the recording started; several such
finds agreeing make a suggestion. With none, the clock's start event is the guess (the
recording is usually started with the session). The facilitator confirms or sets it.

Alignment works on plain input: question key -> live windows (wall-clock, an open window
ends where the next question's begins). A cue goes to the question whose window covers
most of it, so a cue spanning two questions goes to the one live longest during it; a
question never taken live has no window and gets nothing.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.report.captions_parse import Cue

Window = tuple[datetime, datetime | None]
Windows = Mapping[str, Sequence[Window]]

MATCH_SHARE = 0.6
"""Share of a question's words that must be found in a few consecutive cues."""
MIN_WORDS = 3
"""Questions shorter than this (in words that carry meaning) are too easy to find by chance."""
READ_SPAN = timedelta(seconds=40)
"""How long reading a question aloud may take: the cues searched together."""
AGREE = timedelta(seconds=90)
"""Finds whose suggested starts differ by less than this agree with each other."""
COMMON_CUES = 20
"""A word in more cues than this (or a twentieth of them) is common: it places nothing."""
_FOREVER = timedelta(days=3650)
_STOP = frozenset(
    (
        "the",
        "and",
        "for",
        "are",
        "was",
        "were",
        "that",
        "this",
        "with",
        "you",
        "your",
        "our",
        "can",
        "how",
        "what",
        "when",
        "why",
        "who",
        "does",
        "will",
        "would",
        "should",
        "could",
        "there",
        "their",
        "have",
        "has",
        "had",
        "not",
        "but",
        "from",
        "they",
        "them",
        "into",
        "about",
        "los",
        "las",
        "del",
        "que",
        "por",
        "para",
        "con",
        "una",
        "uno",
        "como",
        "cuando",
        "donde",
        "qué",
        "cómo",
        "est",
        "son",
    )
)


@dataclass(frozen=True, slots=True)
class OffsetSuggestion:
    """When the recording started, by what evidence, for the facilitator to confirm."""

    recording_start: datetime | None
    source: str
    """``questions`` (question texts found read aloud), ``clock`` (the clock's start) or
    ``none``."""
    matched: tuple[str, ...] = ()
    """Keys of the questions whose reading agreed on the start."""
    tried: int = 0
    """Questions with a live window and enough words to look for."""


@dataclass(frozen=True, slots=True)
class SpokenCue:
    """A cue placed on the wall clock."""

    start: datetime
    end: datetime
    speaker: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Spoken:
    """What was said while one question was live."""

    key: str
    cues: tuple[SpokenCue, ...]

    @property
    def start(self) -> datetime:
        return self.cues[0].start

    @property
    def end(self) -> datetime:
        return max(c.end for c in self.cues)


def words(text: str) -> list[str]:
    """Words that carry meaning: folded, accents off, punctuation gone, short and stop words
    left out, so a question typed and the same question spoken compare equal."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return [w for w in re.split(r"[\W_]+", plain) if len(w) >= 3 and w not in _STOP]


def suggest_offset(
    cues: Sequence[Cue],
    windows: Windows,
    texts: Mapping[str, str],
    clock_start: datetime | None,
) -> OffsetSuggestion:
    """The recording's start from questions found read aloud, else the clock's start."""
    heard = _Heard(cues)
    finds: list[tuple[datetime, str]] = []
    tried = 0
    for key, spans in windows.items():
        wanted = heard.telling(words(texts.get(key, "")))
        if len(wanted) < MIN_WORDS or not spans:
            continue
        tried += 1
        at = heard.reading(wanted)
        if at is not None:
            first = min(s for s, _ in spans)
            finds.append((first - at, key))
    if finds:
        best = _agreeing(sorted(finds), clock_start)
        middle = best[len(best) // 2][0]
        keys = tuple(sorted(k for _, k in best))
        return OffsetSuggestion(middle, "questions", keys, tried)
    if clock_start is not None:
        return OffsetSuggestion(clock_start, "clock", (), tried)
    return OffsetSuggestion(None, "none", (), tried)


class _Heard:
    """The captions' words by position, to find a question read aloud in a few cues."""

    def __init__(self, cues: Sequence[Cue]) -> None:
        self.cues = sorted(cues, key=lambda c: c.start)
        self.places: dict[str, list[int]] = defaultdict(list)
        for i, cue in enumerate(self.cues):
            for word in set(words(cue.text)):
                self.places[word].append(i)
        self.span_end: list[int] = []  # the first cue past READ_SPAN from each one
        j = 0
        for cue in self.cues:
            while j < len(self.cues) and self.cues[j].start - cue.start <= READ_SPAN:
                j += 1
            self.span_end.append(j)

    def telling(self, wanted: Iterable[str]) -> set[str]:
        """The words that can place a reading: not those said all through the recording."""
        common = max(COMMON_CUES, len(self.cues) // 20)
        return {w for w in wanted if len(self.places.get(w, ())) <= common}

    def _says(self, word: str, low: int, high: int) -> bool:
        places = self.places.get(word, ())
        k = bisect.bisect_left(places, low)
        return k < len(places) and places[k] < high

    def reading(self, wanted: set[str]) -> timedelta | None:
        """When the best reading of ``wanted`` begins (None below ``MATCH_SHARE``).

        A reading with ``MATCH_SHARE`` of the words misses few of them, so it says one of
        the rarest few: only the cues near those are tried.
        """
        need = math.ceil(MATCH_SHARE * len(wanted))
        rarest = sorted(wanted, key=lambda w: (len(self.places.get(w, ())), w))
        starts: set[int] = set()
        for word in rarest[: len(wanted) - need + 1]:
            for i in self.places.get(word, ()):  # a reading may begin a cue or two before
                starts.update(range(max(0, i - 2), i + 1))
        best: tuple[int, int] | None = None
        for i in sorted(starts):
            said = sum(1 for w in wanted if self._says(w, i, self.span_end[i]))
            if said >= need and (best is None or said > best[0]):
                best = (said, i)
        if best is None:
            return None
        first = best[1]  # the reading begins at its first cue that says one of the words
        while not any(self._says(w, first, first + 1) for w in wanted):
            first += 1
        return self.cues[first].start


def _agreeing(
    finds: list[tuple[datetime, str]], clock_start: datetime | None
) -> list[tuple[datetime, str]]:
    """The largest group of finds (sorted) within ``AGREE`` of each other. On a tie, the
    group nearest the clock's start (recordings start with the session), else the earliest."""
    groups: list[tuple[int, int]] = []
    low = 0
    for high in range(len(finds)):
        while finds[high][0] - finds[low][0] > AGREE:
            low += 1
        groups.append((low, high + 1))
    size = max(high - low for low, high in groups)
    tied = [finds[low:high] for low, high in groups if high - low == size]
    if clock_start is None:
        return tied[0]
    return min(tied, key=lambda g: abs(g[len(g) // 2][0] - clock_start))


def shifted(windows: Windows, by: timedelta) -> dict[str, list[Window]]:
    """``windows`` moved by ``by`` (what a different offset does, seen from the captions)."""
    return {
        key: [(s + by, None if e is None else e + by) for s, e in spans]
        for key, spans in windows.items()
    }


def _closed(windows: Windows) -> list[tuple[datetime, datetime, str]]:
    """Every window as (start, end, key), sorted; an open one ends at the next one's start."""
    spans = sorted((s, e, k) for k, ws in windows.items() for s, e in ws)
    out: list[tuple[datetime, datetime, str]] = []
    for i, (start, end, key) in enumerate(spans):
        if end is None:
            later = [s for s, _, k in spans[i + 1 :] if k != key and s > start]
            end = later[0] if later else start + _FOREVER
        if end > start:
            out.append((start, end, key))
    return out


def align(cues: Sequence[Cue], windows: Windows, recording_start: datetime) -> dict[str, Spoken]:
    """Each question with live windows -> the cues said while it was live (none: left out)."""
    spans = _closed(windows)
    starts = [s for s, _, _ in spans]
    reach: list[datetime] = []  # the latest end among spans[0..i]
    for _, end, _ in spans:
        reach.append(end if not reach or end > reach[-1] else reach[-1])
    found: dict[str, list[SpokenCue]] = defaultdict(list)
    for cue in cues:
        begin = recording_start + cue.start
        finish = max(recording_start + cue.end, begin + timedelta(milliseconds=1))
        best: tuple[timedelta, datetime, str] | None = None
        i = bisect.bisect_left(starts, finish) - 1
        while i >= 0 and reach[i] > begin:
            start, end, key = spans[i]
            overlap = min(end, finish) - max(start, begin)
            if overlap > timedelta(0) and (
                best is None or (overlap, -start.timestamp()) >= (best[0], -best[1].timestamp())
            ):
                best = (overlap, start, key)
            i -= 1
        if best is not None:
            found[best[2]].append(SpokenCue(begin, finish, cue.speaker, cue.text))
    return {key: Spoken(key, tuple(said)) for key, said in found.items() if said}
