"""clean_text skips its regular expressions for printable text; the result must not change."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from console.text.clean import _ESCAPES, _UNSAFE, TRUNCATION_MARK, clean_text


def slow_clean(text: str, limit: int | None, single_line: bool, keep_ends: bool) -> str:
    """clean_text as it was before the printable fast path."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPES.sub("", text)
    text = _UNSAFE.sub("", text)
    if single_line:
        text = " ".join(text.split())
    elif not keep_ends:
        text = text.strip()
    if limit is not None and len(text) > limit:
        keep = max(0, limit - len(TRUNCATION_MARK))
        text = text[:keep].rstrip() + TRUNCATION_MARK
    return text


hostile = st.lists(
    st.one_of(
        st.text(),
        st.sampled_from(["\x1b[31m", "\x1b]8;;http://x\x07", "\u202e", "\r\n", "\r", "\x9b1m"]),
    )
).map("".join)


@given(hostile, st.none() | st.integers(0, 50), st.booleans(), st.booleans())
def test_the_fast_path_changes_nothing(
    text: str, limit: int | None, single_line: bool, keep_ends: bool
) -> None:
    got = clean_text(text, limit, single_line=single_line, keep_ends=keep_ends)
    assert got == slow_clean(text, limit, single_line, keep_ends)


def test_hostile_text_is_still_cleaned() -> None:
    dirty = "a\x1b[31mred\x1b[0m \u202eevil\u202c\r\nnext\x00 \x1b]0;title\x07end"
    assert clean_text(dirty) == "ared evil\nnext end"
    assert not re.search("[\x00-\x08\x1b\u202a-\u202e]", clean_text(dirty))
