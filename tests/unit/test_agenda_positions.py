"""The key locator behind agenda error positions."""

from __future__ import annotations

import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from console.agenda.positions import TomlPositions

SOURCE = '''# comment with key = "value"
top = 1

[session]
title = "x = y"   # not a key
"quoted key" = 2
dotted.inner = 3
text = """
fake = 1
"""

[[segments]]
id = "a"

[[segments]]
  id = "b"
  points = [
    "one",
    { k = 1 },
  ]
  [segments.sub]
  deep = true

[questions]
map = { text = "Q", email = 'E' }
'''


def at(positions: TomlPositions, *path: str | int) -> tuple[int, int] | None:
    return positions.find(path)


def test_keys_headers_and_elements_are_found() -> None:
    positions = TomlPositions(SOURCE)
    assert at(positions, "top") == (2, 1)
    assert at(positions, "session") == (4, 1)
    assert at(positions, "session", "title") == (5, 1)
    assert at(positions, "session", "quoted key") == (6, 1)
    assert at(positions, "session", "dotted") == (7, 1)
    assert at(positions, "session", "dotted", "inner") == (7, 1)
    assert at(positions, "session", "fake") is None  # inside a multi-line string
    assert at(positions, "segments", 0) == (12, 1)
    assert at(positions, "segments", 1, "id") == (16, 3)
    assert at(positions, "segments", 1, "points", 1) == (19, 5)
    assert at(positions, "segments", 1, "points", 1, "k") == (19, 7)
    assert at(positions, "segments", 1, "sub", "deep") == (22, 3)
    assert at(positions, "questions", "map", "email") == (25, 21)


def test_locate_falls_back_to_the_nearest_ancestor() -> None:
    positions = TomlPositions(SOURCE)
    assert positions.locate(("segments", 0, "minutes")) == (12, 1)
    assert positions.locate(("nowhere",)) == (1, 1)


def test_garbage_does_not_raise() -> None:
    for text in ("", "[", "a = [1, {", '"unterminated', "[[x]]\n[[x]]\nx.y = {", "\x00\n= ="):
        positions = TomlPositions(text)
        assert positions.locate(("a", 0, "b"))[0] >= 1


keys = st.text(min_size=1, max_size=6)
scalars = st.integers() | st.text(max_size=12) | st.booleans() | st.dates() | st.times()
tables = st.recursive(
    st.dictionaries(keys, scalars, max_size=3),
    lambda inner: st.dictionaries(
        keys, inner | st.lists(inner, min_size=1, max_size=2), max_size=3
    ),
    max_leaves=10,
)


def key_paths(value: object, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    out: list[tuple[str | int, ...]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            out.append((*prefix, key))
            out.extend(key_paths(item, (*prefix, key)))
    elif isinstance(value, list) and all(isinstance(item, dict) for item in value):
        for index, item in enumerate(value):
            out.extend(key_paths(item, (*prefix, index)))
    return out


@settings(deadline=None, max_examples=200)
@given(tables, st.booleans())
def test_every_key_tomli_w_writes_is_found(doc: dict[str, object], multiline: bool) -> None:
    text = tomli_w.dumps(doc, multiline_strings=multiline)
    positions = TomlPositions(text)
    lines = text.split("\n")  # TOML's lines; str.splitlines() also splits at U+0085 and others
    for path in key_paths(doc):
        found = positions.find(path)
        assert found is not None, (path, text)
        line, col = found
        assert lines[line - 1][col - 1] not in " \t"
