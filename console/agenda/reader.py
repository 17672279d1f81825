"""Reading typed values out of parsed TOML tables while collecting problems with positions.

The agenda checker builds on this: each reader returns the value when it is sound, or None after
recording a problem, so a whole file is read in one pass and every problem is reported together.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

from console.agenda.errors import Problem
from console.agenda.positions import KeyPath, TomlPositions
from console.text.clean import clean_text

TITLE_LIMIT = 200
TEXT_LIMIT = 1_000
SLUG_LIMIT = 40
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")


def type_name(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dt.datetime):
        return "a date-time"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, dt.time):
        return "a time"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_date(value: object) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def show(value: object) -> str:
    """A name from the file, made safe and short for an error message."""
    return '"' + clean_text(value, 60, single_line=True) + '"'


def fmt_minutes(minutes: float) -> str:
    return str(int(minutes)) if float(minutes).is_integer() else f"{minutes:g}"


def suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {show(close[0])}?)" if close else ""


class TableReader:
    """Collects problems while reading values out of parsed tables."""

    def __init__(self, text: str, path: str) -> None:
        self.source = text
        self._positions: TomlPositions | None = None
        self.path = path
        self.problems: list[Problem] = []

    @property
    def positions(self) -> TomlPositions:
        """Built on the first problem: a valid file never pays for the scan."""
        if self._positions is None:
            self._positions = TomlPositions(self.source)
        return self._positions

    def add(self, where: KeyPath, message: str) -> None:
        line, col = self.positions.locate(where)
        self.problems.append(Problem(self.path, line, col, message))

    def unknown_keys(
        self,
        table: dict[str, Any],
        where: KeyPath,
        allowed: Sequence[str],
        context: str,
        *,
        skip: Sequence[str] = (),
    ) -> None:
        for key in table:
            if key in allowed or key in skip:
                continue
            message = f"unknown key {show(key)} in {context}"
            hint = suggest(key, allowed)
            message += hint or f" (expected one of: {', '.join(allowed)})"
            self.add((*where, key), message)

    def value(
        self,
        table: dict[str, Any],
        key: str,
        where: KeyPath,
        context: str,
        *,
        accept: Callable[[object], bool],
        expected: str,
        required: bool = False,
    ) -> Any:
        """The value of ``key`` if present and acceptable; else None (and a problem)."""
        if key not in table:
            if required:
                self.add(where, f"missing required key {show(key)} in {context}")
            return None
        value = table[key]
        if not accept(value):
            message = f"{show(key)} must be {expected}, not {type_name(value)}"
            if isinstance(value, str) and expected.startswith(("a date", "a time")):
                message += " (write it without quotes)"
            self.add((*where, key), message)
            return None
        return value

    def text(
        self,
        table: dict[str, Any],
        key: str,
        where: KeyPath,
        context: str,
        *,
        required: bool = False,
        limit: int = TITLE_LIMIT,
        single_line: bool = True,
    ) -> str | None:
        raw = self.value(
            table, key, where, context, accept=lambda v: isinstance(v, str), expected="a string"
        )
        if raw is None:
            if required and key not in table:
                self.add(where, f"missing required key {show(key)} in {context}")
            return None
        value = clean_text(raw, single_line=single_line)
        if not value:
            self.add((*where, key), f"{show(key)} must not be empty")
            return None
        if len(value) > limit:
            self.add(
                (*where, key),
                f"{show(key)} is too long ({len(value)} characters; at most {limit})",
            )
            return None
        return value

    def visible(self, table: dict[str, Any], key: str, where: KeyPath, *, like: str) -> bool:
        """False, after a problem, when the string at ``key`` holds a character not seen.

        ``text`` cleans control and bidi characters out of prose, which is right for a title;
        a name looked up by its exact spelling (a time zone) would silently become another
        name (``"UTC\\u0000"`` read as ``"UTC"``), so such a value is refused instead.
        """
        value = table.get(key)
        if not isinstance(value, str):
            return True
        hidden = next((c for c in value if not c.isprintable()), None)
        if hidden is None:
            return True
        self.add(
            (*where, key),
            f"{show(key)} holds an invisible or control character (U+{ord(hidden):04X}); "
            f"write only the name, like {show(like)}",
        )
        return False

    def slug(
        self, table: dict[str, Any], key: str, where: KeyPath, context: str, *, required: bool
    ) -> str | None:
        value = self.text(table, key, where, context, required=required, limit=SLUG_LIMIT)
        if value is not None and not SLUG.match(value):
            self.add(
                (*where, key),
                f"{show(key)} must be a short slug of lower-case letters, digits, '-' or '_'"
                f" (like {show(re.sub(r'[^a-z0-9_-]+', '-', value.lower()).strip('-_') or 'a')})",
            )
            return None
        return value

    def number(
        self,
        table: dict[str, Any],
        key: str,
        where: KeyPath,
        context: str,
        *,
        low: float,
        high: float,
        low_inclusive: bool,
        required: bool = False,
    ) -> float | None:
        value = self.value(
            table,
            key,
            where,
            context,
            accept=is_number,
            expected="a number",
            required=required,
        )
        if value is None:
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.add((*where, key), f"{show(key)} must be a finite number")
            return None
        too_low = value < low if low_inclusive else value <= low
        if too_low:
            bound = "at least" if low_inclusive else "more than"
            self.add((*where, key), f"{show(key)} must be {bound} {fmt_minutes(low)}")
            return None
        if value > high:
            self.add((*where, key), f"{show(key)} must be at most {fmt_minutes(high)}")
            return None
        return float(value)

    def string_list(
        self, table: dict[str, Any], key: str, where: KeyPath, context: str
    ) -> tuple[str, ...]:
        items = self.value(
            table, key, where, context, accept=lambda v: isinstance(v, list), expected="an array"
        )
        out: list[str] = []
        for index, item in enumerate(items or ()):
            spot = (*where, key, index)
            if not isinstance(item, str):
                self.add(spot, f"{show(key)} items must be strings, not {type_name(item)}")
                continue
            value = clean_text(item, single_line=True)
            if not value:
                self.add(spot, f"{show(key)} items must not be empty")
            elif len(value) > TEXT_LIMIT:
                self.add(spot, f"{show(key)} item is too long (at most {TEXT_LIMIT} characters)")
            else:
                out.append(value)
        return tuple(out)

    def table(
        self, parent: dict[str, Any], key: str, where: KeyPath, *, required: bool, example: str
    ) -> dict[str, Any] | None:
        if key not in parent:
            if required:
                self.add(where, f"missing required table [{key}] ({example})")
            return None
        value = parent[key]
        if not isinstance(value, dict):
            self.add(
                (*where, key),
                f"{show(key)} must be a table ({example}), not {type_name(value)}",
            )
            return None
        return value
