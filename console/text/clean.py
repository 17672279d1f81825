"""Cleaning of untrusted text at the boundary, once, so every consumer gets safe text.

Question text, names and feed fields come from the public. Control characters (ESC and the
rest of C0 except newline and tab, DEL, C1) would let a participant drive the terminal, and
bidi overrides can disguise text; both are removed. Lengths are capped with a visible mark
so a truncated question never looks complete.
"""

from __future__ import annotations

import re

TRUNCATION_MARK = " […truncated]"

# C0 except \t and \n, DEL, C1, bidi embeddings/overrides/isolates, and lone CR.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# Whole ANSI/OSC escape sequences first, so their printable tails do not survive as noise.
_ESCAPES = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST
    r"|\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b[@-Z\\-_]"  # other two-byte escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)


def clean_text(
    value: object, limit: int | None = None, *, single_line: bool = False, keep_ends: bool = False
) -> str:
    """Return ``value`` as safe text: escapes and control characters removed, capped.

    ``single_line`` folds newlines and tabs to spaces (names, emails, topics).
    ``keep_ends`` keeps leading and trailing whitespace (a notepad being typed in: the
    blank line or space the writer just typed is part of what they are writing).
    """
    text = "" if value is None else str(value)
    if not text.isprintable():  # everything removed below is unprintable: most text skips it
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


def is_truncated(text: str) -> bool:
    return text.endswith(TRUNCATION_MARK)
