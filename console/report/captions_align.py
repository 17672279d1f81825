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
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
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
    index: dict[str, set[int]] = defaultdict(set)
    cue_words = [set(words(c.text)) for c in cues]
    for i, found in enumerate(cue_words):
        for word in found:
            index[word].add(i)
    common = {w for w, hits in index.items() if len(hits) > max(20, len(cues) // 10)}
    finds: list[tuple[datetime, str]] = []
    tried = 0
    for key, spans in windows.items():
        wanted = set(words(texts.get(key, "")))
        if len(wanted) < MIN_WORDS or not spans:
            continue
        tried += 1
        at = _best_reading(cues, cue_words, index, wanted - common or wanted, wanted)
        if at is not None:
            first = min(s for s, _ in spans)
            finds.append((first - cues[at].start, key))
    if finds:
        best = _agreeing(sorted(finds), clock_start)
        middle = best[len(best) // 2][0]
        keys = tuple(sorted(k for _, k in best))
        return OffsetSuggestion(middle, "questions", keys, tried)
    if clock_start is not None:
        return OffsetSuggestion(clock_start, "clock", (), tried)
    return OffsetSuggestion(None, "none", (), tried)


def _best_reading(
    cues: Sequence[Cue],
    cue_words: list[set[str]],
    index: Mapping[str, set[int]],
    rare: set[str],
    wanted: set[str],
) -> int | None:
    """The first cue of the best reading of ``wanted`` (None below ``MATCH_SHARE``)."""
    seeds: Counter[int] = Counter()
    for word in rare:
        for i in index.get(word, ()):
            seeds[i] += 1
    best: tuple[float, int] | None = None
    starts: set[int] = set()
    for i in seeds:  # a reading may begin a cue or two before the first rare word
        starts.update(range(max(0, i - 2), i + 1))
    for i in sorted(starts):
        heard: set[str] = set()
        j = i
        while j < len(cues) and cues[j].start - cues[i].start <= READ_SPAN:
            heard |= cue_words[j]
            j += 1
        share = len(wanted & heard) / len(wanted)
        if share >= MATCH_SHARE and (best is None or share > best[0]):
            best = (share, i)
    if best is None:
        return None
    first = best[1]  # the reading begins at its first cue that says one of the words
    while not cue_words[first] & wanted:
        first += 1
    return first


def _agreeing(
    finds: list[tuple[datetime, str]], clock_start: datetime | None
) -> list[tuple[datetime, str]]:
    """The largest group of finds (sorted) within ``AGREE`` of each other. On a tie, the
    group nearest the clock's start (recordings start with the session), else the earliest."""
    groups: list[list[tuple[datetime, str]]] = []
    low = 0
    for high in range(len(finds)):
        while finds[high][0] - finds[low][0] > AGREE:
            low += 1
        groups.append(finds[low : high + 1])
    size = max(len(g) for g in groups)
    tied = [g for g in groups if len(g) == size]
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
