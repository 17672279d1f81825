"""Line and column of keys in TOML source, for error messages that point at the right spot.

``tomllib`` returns plain dicts without positions, so a validation problem ("minutes must be
more than 0") could otherwise only name the file. This module scans the (already valid) source
once and records where each key, table header and array element starts, addressed by the same
path the validator walks: ``("segments", 2, "minutes")``. It understands the layouts people
write by hand (tables, arrays of tables, dotted keys, inline tables and arrays, all string
forms); anything it does not find falls back to the nearest enclosing entry it did find.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from contextlib import suppress

Key = str | int
KeyPath = tuple[Key, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_VALUE_END = frozenset(",]}\n#")
_SPACE = frozenset(" \t")
_SPACE_NL = frozenset(" \t\r\n")
# Multi-line strings may end with up to two extra quotes right before the closing delimiter.
_ML_BASIC = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""(?:"{1,2})?', re.DOTALL)
_ML_LITERAL = re.compile(r"'''(?:[^']|'(?!''))*'''(?:'{1,2})?", re.DOTALL)
_BASIC = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_LITERAL = re.compile(r"'[^'\n]*'")
_ESCAPE = re.compile(r"\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}


class TomlPositions:
    """Index of where each key path starts in one TOML document."""

    def __init__(self, text: str) -> None:
        self._offsets: dict[KeyPath, int] = {}
        self._line_starts = [0]
        self._line_starts.extend(i + 1 for i, char in enumerate(text) if char == "\n")
        # A best effort: whatever was recorded before a surprise still helps.
        with suppress(ValueError, IndexError, RecursionError):
            _Scanner(text, self._offsets).run()

    def locate(self, path: Sequence[Key]) -> tuple[int, int]:
        """1-based (line, column) of ``path``, or of its nearest recorded ancestor, or (1, 1)."""
        for length in range(len(path), 0, -1):
            offset = self._offsets.get(tuple(path[:length]))
            if offset is not None:
                return self.line_col(offset)
        return (1, 1)

    def find(self, path: Sequence[Key]) -> tuple[int, int] | None:
        """Exact position of ``path``, or None when it was not recorded."""
        offset = self._offsets.get(tuple(path))
        return None if offset is None else self.line_col(offset)

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1


def _unescape(match: re.Match[str]) -> str:
    code = match.group()[1:]
    if code[0] in "uU" and len(code) > 1:
        return chr(int(code[1:], 16))
    return _SIMPLE_ESCAPES.get(code, code)


class _Scanner:
    """A forgiving recursive-descent walk over TOML that records offsets instead of values."""

    def __init__(self, text: str, offsets: dict[KeyPath, int]) -> None:
        self.text = text
        self.pos = 0
        self.offsets = offsets
        self.table: KeyPath = ()
        self.array_lengths: dict[KeyPath, int] = {}

    # -- top level -------------------------------------------------------------------------
    def run(self) -> None:
        while True:
            self.skip(_SPACE_NL, comments=True)
            if self.pos >= len(self.text):
                return
            if self.text[self.pos] == "[":
                self.header()
            else:
                start = self.pos
                keys = self.keys()
                self.expect("=")
                self.record_keys(self.table, keys, start)
                self.value(self.table + keys)

    def header(self) -> None:
        start = self.pos
        if self.text.startswith("[[", self.pos):
            self.pos += 2
            keys = self.keys()
            self.expect("]]")
            base = self.resolve(keys[:-1]) + keys[-1:]
            index = self.array_lengths.get(base, -1) + 1
            self.array_lengths[base] = index
            self.record(base, start)
            self.table = (*base, index)
        else:
            self.pos += 1
            keys = self.keys()
            self.expect("]")
            self.table = self.resolve(keys)
        # Tables a header creates on the way ([a.b] creates a) start here too, if not before.
        for length in range(1, len(self.table) + 1):
            self.record(self.table[:length], start)

    def resolve(self, keys: KeyPath) -> KeyPath:
        """Header keys name the latest element of any array of tables on the way."""
        resolved: KeyPath = ()
        for key in keys:
            resolved = (*resolved, key)
            if resolved in self.array_lengths:
                resolved = (*resolved, self.array_lengths[resolved])
        return resolved

    # -- keys and values -------------------------------------------------------------------
    def keys(self) -> KeyPath:
        parts: list[Key] = []
        while True:
            self.skip(_SPACE)
            char = self.peek()
            if char == '"':
                parts.append(self.basic_string())
            elif char == "'":
                match = _LITERAL.match(self.text, self.pos)
                if match is None:
                    raise ValueError("bad key")
                parts.append(match.group()[1:-1])
                self.pos = match.end()
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if match is None:
                    raise ValueError("expected a key")
                parts.append(match.group())
                self.pos = match.end()
            self.skip(_SPACE)
            if self.peek() != ".":
                return tuple(parts)
            self.pos += 1

    def value(self, path: KeyPath) -> None:
        self.skip(_SPACE)
        char = self.peek()
        if char in ('"', "'"):
            self.skip_string()
        elif char == "[":
            self.pos += 1
            index = 0
            while True:
                self.skip(_SPACE_NL, comments=True)
                if self.peek() == "]":
                    self.pos += 1
                    return
                self.record((*path, index), self.pos)
                self.value((*path, index))
                self.skip(_SPACE_NL, comments=True)
                if self.peek() == ",":
                    self.pos += 1
                    index += 1
        elif char == "{":
            self.pos += 1
            while True:
                self.skip(_SPACE_NL)
                if self.peek() == "}":
                    self.pos += 1
                    return
                start = self.pos
                keys = self.keys()
                self.expect("=")
                self.record_keys(path, keys, start)
                self.value(path + keys)
                self.skip(_SPACE_NL)
                if self.peek() == ",":
                    self.pos += 1
        else:
            start = self.pos
            while self.pos < len(self.text) and self.text[self.pos] not in _VALUE_END:
                self.pos += 1
            if self.pos == start:
                raise ValueError("expected a value")

    def basic_string(self) -> str:
        """A one-line basic string's value, for quoted keys (escapes decoded)."""
        match = _BASIC.match(self.text, self.pos)
        if match is None:
            raise ValueError("bad string")
        self.pos = match.end()
        return _ESCAPE.sub(_unescape, match.group()[1:-1])

    def skip_string(self) -> None:
        for pattern in (_ML_BASIC, _ML_LITERAL, _BASIC, _LITERAL):
            match = pattern.match(self.text, self.pos)
            if match is not None:
                self.pos = match.end()
                return
        raise ValueError("bad string")

    # -- helpers ---------------------------------------------------------------------------
    def record(self, path: KeyPath, offset: int) -> None:
        self.offsets.setdefault(path, offset)

    def record_keys(self, prefix: KeyPath, keys: KeyPath, offset: int) -> None:
        for length in range(1, len(keys) + 1):
            self.record(prefix + keys[:length], offset)

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def expect(self, token: str) -> None:
        self.skip(_SPACE)
        if not self.text.startswith(token, self.pos):
            raise ValueError(f"expected {token!r}")
        self.pos += len(token)

    def skip(self, chars: frozenset[str], *, comments: bool = False) -> None:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in chars:
                self.pos += 1
            elif comments and char == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                return
