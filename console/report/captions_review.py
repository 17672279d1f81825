"""Answers as spoken: the facilitator's review (keep, edit, drop) and what a report shows.

A review is a ``spoken`` record per question in the reviewer's own file, so it is kept,
merged and compacted like any decision, and a kept answer is in the report without the
caption file. It holds the turns as the captions had them (speakers' names included); names
are left out when a report is written, by the ``--with-names`` rule: a speaker the agenda
lists as staff keeps their name, anyone else is "Participant", and askers' or other
speakers' names said in the text become "[name]".
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from console.store import Record
from console.text.clean import clean_text

if TYPE_CHECKING:
    from console.report.captions_align import Spoken

SPOKEN_KIND = "spoken"
KEPT, DROPPED, REVIEW = "kept", "dropped", "review"
PARTICIPANT = "Participant"
NAME_MARK = "[name]"
EDIT_LIMIT = 20_000

Turn = tuple[str | None, str]
"""Who spoke (None: not said) and what."""


@dataclass(frozen=True, slots=True)
class SpokenRow:
    """An answer as spoken as one report shows it: names already left out or kept."""

    start: str
    end: str
    """ISO times in the agenda's zone."""
    turns: tuple[Turn, ...]
    state: str
    """``review`` (found in the captions, not reviewed), ``kept`` or ``edited``."""
    clock: str
    """``15:52–15:55``: how the report names the window."""

    @property
    def kept(self) -> bool:
        """Whether the facilitator kept it: the only answers the FAQ may print."""
        return self.state in (KEPT, "edited")

    @property
    def label(self) -> str:
        """``Answer as spoken, 15:52–15:55`` (and whether it still waits for review)."""
        waiting = " (not reviewed)" if self.state == REVIEW else ""
        return f"Answer as spoken, {self.clock}{waiting}"

    @property
    def text(self) -> str:
        return " ".join(f"{who}: {said}" if who else said for who, said in self.turns)

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "state": self.state,
            "turns": [{"speaker": who, "text": said} for who, said in self.turns],
        }


@dataclass(frozen=True, slots=True)
class Review:
    """One question's review as stored: the choice and the turns it was made on."""

    key: str
    state: str
    turns: tuple[Turn, ...]
    start: datetime
    end: datetime
    edited: bool = False

    def to_record(self, author: str, have: Record | None, stamp: str) -> Record:
        data = {
            "state": self.state,
            "turns": [[who, said] for who, said in self.turns],
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "edited": self.edited,
        }
        if have is None:
            return Record(SPOKEN_KIND, self.key, author, 1, stamp, False, data)
        return have.revised(author, data, updated_at=stamp)


def turns_of(spoken: Spoken) -> tuple[Turn, ...]:
    """Cues joined into turns: one per run of the same speaker."""
    out: list[Turn] = []
    for cue in spoken.cues:
        if out and out[-1][0] == cue.speaker:
            out[-1] = (cue.speaker, f"{out[-1][1]} {cue.text}".strip())
        elif cue.text:
            out.append((cue.speaker, cue.text))
    return tuple(out)


def edited_turns(text: str, speakers: Collection[str | None]) -> tuple[Turn, ...]:
    """Turns from a reviewer's edit: a line ``Name: words`` keeps a speaker it already had."""
    known = {s.casefold(): s for s in speakers if s}
    out: list[Turn] = []
    for line in clean_text(text, EDIT_LIMIT).split("\n"):
        line = line.strip()
        who, sep, said = line.partition(": ")
        if sep and who.casefold() in known:
            out.append((known[who.casefold()], said.strip()))
        elif line:
            out.append((None, line))
    return tuple(out)


def as_text(turns: Iterable[Turn]) -> str:
    """Turns one per line, ``Name: words``: what the reviewer edits."""
    return "\n".join(f"{who}: {said}" if who else said for who, said in turns)


def reviews_of(records: Iterable[Record]) -> dict[str, Review]:
    """The stored reviews by question key (one that cannot be read is skipped)."""
    out: dict[str, Review] = {}
    for record in records:
        if record.kind != SPOKEN_KIND or record.deleted:
            continue
        review = _review(record)
        if review is not None:
            out[record.id] = review
    return out


def _review(record: Record) -> Review | None:
    data = record.data
    try:
        start = datetime.fromisoformat(str(data["start"]))
        end = datetime.fromisoformat(str(data["end"]))
        turns = tuple(
            (clean_text(who, single_line=True) or None if who else None, clean_text(said))
            for who, said in data["turns"]
        )
    except (KeyError, TypeError, ValueError):
        return None
    state = data.get("state")
    if state not in (KEPT, DROPPED) or start.tzinfo is None or end.tzinfo is None:
        return None
    return Review(record.id, str(state), turns, start, end, data.get("edited") is True)


_WORD = re.compile(r"\w+")
MAX_NAME_WORDS = 5


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


class NameRule:
    """The ``--with-names`` rule for spoken answers: staff named, everyone else not."""

    def __init__(self, staff: Iterable[str], hidden: Iterable[str], with_names: bool) -> None:
        self.staff = {_fold(s) for s in staff if s}
        self.with_names = with_names
        self._hidden = {_fold(h) for h in hidden if h and h.strip()} - self.staff

    def speaker(self, who: str | None) -> str | None:
        if who is None or self.with_names or _fold(who) in self.staff:
            return who
        return PARTICIPANT

    def text(self, said: str, speakers: Iterable[str | None]) -> str:
        """``said`` with every hidden name (askers, speakers not on staff) as ``[name]``.

        Names are looked up word by word (a set, not one pattern of thousands of names), so
        a session with ten thousand askers costs no more per answer than one with ten.
        """
        if self.with_names:
            return said
        names = self._hidden | {_fold(s) for s in speakers if s and self.speaker(s) == PARTICIPANT}
        if not names:
            return said
        spans = [(m.start(), m.end()) for m in _WORD.finditer(said)]
        out: list[str] = []
        done = i = 0
        while i < len(spans):
            for n in range(min(MAX_NAME_WORDS, len(spans) - i), 0, -1):
                start, end = spans[i][0], spans[i + n - 1][1]
                if _fold(said[start:end]) in names:
                    out += [said[done:start], NAME_MARK]
                    done, i = end, i + n
                    break
            else:
                i += 1
        return "".join([*out, said[done:]])

    def turns(self, turns: Iterable[Turn]) -> tuple[Turn, ...]:
        turns = tuple(turns)
        speakers = [who for who, _ in turns]
        return tuple((self.speaker(who), self.text(said, speakers)) for who, said in turns)


def spoken_row(
    turns: Iterable[Turn], start: datetime, end: datetime, state: str, rule: NameRule, zone: tzinfo
) -> SpokenRow:
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    clock = f"{local_start:%H:%M}–{local_end:%H:%M}"
    return SpokenRow(
        local_start.isoformat("T", "seconds"),
        local_end.isoformat("T", "seconds"),
        rule.turns(turns),
        state,
        clock,
    )


def spoken_rows(
    found: Mapping[str, Spoken],
    reviews: Mapping[str, Review],
    answered: Collection[str],
    rule: NameRule,
    zone: tzinfo,
) -> dict[str, SpokenRow]:
    """Question key -> what the report shows: a review wins over the captions; a dropped
    one shows nothing; only answered questions get one."""
    out: dict[str, SpokenRow] = {}
    for key in answered:
        review = reviews.get(key)
        if review is not None:
            if review.state == KEPT:
                state = "edited" if review.edited else KEPT
                out[key] = spoken_row(review.turns, review.start, review.end, state, rule, zone)
            continue
        spoken = found.get(key)
        if spoken is not None and turns_of(spoken):
            out[key] = spoken_row(turns_of(spoken), spoken.start, spoken.end, REVIEW, rule, zone)
    return out
