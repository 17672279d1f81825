"""Quick markers in a typed note line: ``#theme``, ``@owner`` and ``due:DATE``.

A note-taker types faster than they fill in a form, so a line such as
``Drill reports are late #drills @"Ana Ruiz" due:+3d`` carries its own fields. Recognised
markers are taken out of the text; anything that only looks like one (an unknown theme,
a date that does not parse) is left in the text and reported, so nothing typed is lost.

Rules: a marker starts a whitespace-separated word, so ``C#`` and ``ana@school.org`` are
plain text; trailing punctuation (``#drills,``) stays with the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

# A word is either a quoted owner (which may contain spaces) or a run of non-space.
_WORD = re.compile(r'@"[^"\n]+"[,.;:!?]*(?=\s|$)|\S+')
_THEME = re.compile(r"#(?P<name>\w[\w-]*)(?P<punct>[,.;:!?]*)", re.UNICODE)
_OWNER = re.compile(r"@(?P<name>\w(?:[\w.'-]*\w)?)(?P<punct>[,.;:!?]*)")
_QUOTED_OWNER = re.compile(r'@"(?P<name>[^"\n]+)"(?P<punct>[,.;:!?]*)')
_DUE = re.compile(r"(?i:due):(?P<value>\S*?)(?P<punct>[,.;!?]*)")
_RELATIVE = re.compile(r"\+(?P<n>\d{1,4})(?P<unit>[dw])", re.IGNORECASE)
_PLAIN_OWNER = re.compile(r"\w(?:[\w.'-]*\w)?")
_DATE_HELP = "use YYYY-MM-DD, today, tomorrow or +3d"


@dataclass(frozen=True, slots=True)
class Parsed:
    """A line with its markers taken out."""

    text: str
    themes: tuple[str, ...] = ()
    owner: str | None = None
    due: date | None = None
    unknown_themes: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


def parse_due(value: str, today: date) -> date | None:
    """A due date from ISO ``2026-01-15``, ``today``, ``tomorrow`` or ``+3d`` / ``+2w``."""
    word = value.strip().casefold()
    if word == "today":
        return today
    if word == "tomorrow":
        return today + timedelta(days=1)
    rel = _RELATIVE.fullmatch(word)
    if rel:
        n = int(rel["n"])
        try:
            return today + timedelta(days=n * (7 if rel["unit"].lower() == "w" else 1))
        except OverflowError:
            return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", word):
        try:
            return date.fromisoformat(word)
        except ValueError:
            return None
    return None


@dataclass(slots=True)
class _Found:
    """What the markers of one line set so far."""

    by_fold: dict[str, str]
    today: date
    themes: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    dues: list[date] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def take(self, word: str, quoted_ok: bool) -> str | None:
        """If ``word`` is a recognised marker, record it and return its trailing punctuation."""
        if m := _THEME.fullmatch(word):
            theme = self.by_fold.get(m["name"].casefold())
            if theme is not None:
                self.themes.append(theme)
                return m["punct"]
            if m["name"][0].isalpha():
                self.unknown.append(m["name"])
            return None
        if m := _QUOTED_OWNER.fullmatch(word):
            name = " ".join(m["name"].split())
            if not (quoted_ok and name):
                return None
            self.owners.append(name)
            return m["punct"]
        if m := _OWNER.fullmatch(word):
            self.owners.append(m["name"])
            return m["punct"]
        if m := _DUE.fullmatch(word):
            when = parse_due(m["value"], self.today)
            if when is not None:
                self.dues.append(when)
                return m["punct"]
            self.problems.append(f"due date {m['value']!r} not understood ({_DATE_HELP})")
        return None


def parse_markers(line: str, themes: Collection[str], today: date) -> Parsed:
    """Split ``line`` into text and the fields its markers set; never raises.

    After an unclosed ``@"`` on a line, later quoted owners on that line are read as plain
    text: taking them out could otherwise join the leftovers into a new quoted owner.
    """
    found = _Found({t.casefold(): t for t in themes}, today)
    out_lines: list[str] = []
    for raw_line in line.split("\n"):
        kept: list[str] = []
        touched = False
        quoted_ok = True
        for word in _WORD.findall(raw_line):
            punct = found.take(word, quoted_ok)
            if punct is None:
                if word.startswith('@"') and not _QUOTED_OWNER.fullmatch(word):
                    quoted_ok = False
                kept.append(word)
                continue
            touched = True
            if punct and kept:
                kept[-1] += punct
            elif punct:
                kept.append(punct)
        out_lines.append(" ".join(kept) if touched else raw_line)
    problems = found.problems
    if len(found.owners) > 1:
        problems.append(f"several owners given; using @{found.owners[-1]}")
    if len(found.dues) > 1:
        problems.append(f"several due dates given; using {found.dues[-1].isoformat()}")
    return Parsed(
        text="\n".join(out_lines).strip(),
        themes=tuple(dict.fromkeys(found.themes)),
        owner=found.owners[-1] if found.owners else None,
        due=found.dues[-1] if found.dues else None,
        unknown_themes=tuple(dict.fromkeys(found.unknown)),
        problems=tuple(problems),
    )


def render_markers(
    text: str, themes: Iterable[str] = (), owner: str | None = None, due: date | None = None
) -> str:
    """The line a note-taker could type to get these fields (the parser's inverse).

    The owner goes first, where no unclosed quote in the text can come before it.
    """
    parts: list[str] = []
    name = marker_owner(owner or "")
    if name:
        parts.append(f"@{name}" if _PLAIN_OWNER.fullmatch(name) else f'@"{name}"')
    if text:
        parts.append(text)
    parts += [f"#{t}" for t in themes]
    if due is not None:
        parts.append(f"due:{due.isoformat()}")
    return " ".join(parts)


def marker_owner(owner: str) -> str:
    """The owner as a marker can carry it: spaces tidied, no double quotes."""
    return " ".join(owner.replace('"', " ").split())


def complete_theme(prefix: str, themes: Iterable[str]) -> list[str]:
    """Theme ids starting with ``prefix`` (a leading ``#`` is allowed), for completion."""
    want = prefix.removeprefix("#").casefold()
    return sorted(t for t in themes if t.casefold().startswith(want))
