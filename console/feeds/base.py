"""What every adapter shares: the parse result, the request it wants next, and helpers.

An adapter is two pure functions: ``build_request`` (what to GET, given the cursor or page)
and ``parse`` (bytes in, clean :class:`FeedQuestion` values out). No I/O lives here, so every
adapter is tested with plain bytes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from console.feeds.errors import FeedFormatError
from console.feeds.model import (
    EMAIL_LIMIT,
    LANGUAGE_LIMIT,
    NAME_LIMIT,
    QUESTION_TEXT_LIMIT,
    TOPIC_LIMIT,
    FeedQuestion,
)
from console.text.clean import clean_text

Headers = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class RequestSpec:
    """One GET: URL, query parameters and headers (secrets included; never log it raw)."""

    url: str
    params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """The questions in one response, and where to go next.

    ``complete`` is True for snapshots (the body holds every question, so it replaces the
    board's set) and False for incremental sources (merge by id). ``next_page`` holds the query
    parameters of the next page of the same snapshot; ``cursor`` is the position an
    incremental source resumes from on the next poll.
    """

    questions: list[FeedQuestion]
    complete: bool = True
    next_page: dict[str, str] | None = None
    cursor: str | None = None
    notes: list[str] = field(default_factory=list)
    source_open: bool | None = None
    """The built-in form says whether it still accepts questions."""

    def __post_init__(self) -> None:
        # A question whose text was nothing but control characters cleans to "": drop it here,
        # once, so no adapter can hand the board an empty question.
        self.questions[:] = [q for q in self.questions if q.text]


def question(
    source_id: object,
    text: object,
    *,
    asker: object = None,
    email: object = None,
    submitted_at: datetime | None = None,
    votes: int | None = None,
    topic: object = None,
    display_name: bool = True,
    language: object = None,
    held: bool = False,
    voters: frozenset[str] | None = None,
) -> FeedQuestion:
    """Build a FeedQuestion with every field cleaned and capped (the boundary, once)."""
    name = clean_text(asker, NAME_LIMIT, single_line=True) if asker is not None else ""
    mail = clean_text(email, EMAIL_LIMIT, single_line=True) if email is not None else ""
    subject = clean_text(topic, TOPIC_LIMIT, single_line=True) if topic is not None else ""
    return FeedQuestion(
        source_id=clean_text(source_id, 200, single_line=True),
        text=clean_text(text, QUESTION_TEXT_LIMIT),
        asker=name or None,
        email=mail or None,
        submitted_at=submitted_at,
        votes=votes,
        topic=subject or None,
        display_name=display_name,
        language=clean_text(language, LANGUAGE_LIMIT, single_line=True) or None
        if isinstance(language, str)
        else None,
        held=held,
        voters=voters,
    )


def parse_votes(value: object) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    try:
        return int(float(str(value).strip()))
    except (ValueError, OverflowError):
        return None


_HTML_START = re.compile(rb"^\s*(?:<!doctype\s+html|<html|<head|<body|<!--)", re.IGNORECASE)


def looks_like_html(body: bytes, headers: Headers) -> bool:
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    head = body[:512].lstrip(b"\xef\xbb\xbf")
    return "text/html" in content_type.lower() or bool(_HTML_START.match(head))


def html_error(body: bytes, expected: str) -> FeedFormatError:
    """Explain an HTML page where data was expected (Google's sign-in page is the usual one)."""
    sample = body[:200_000].lower()
    if b"accounts.google.com" in sample or b"servicelogin" in sample or b"sign in" in sample:
        return FeedFormatError(
            "the sheet is not published: the URL returned a sign-in page "
            "(in Google Sheets use File > Share > Publish to the web, format CSV)"
        )
    return FeedFormatError(f"the source returned a web page (HTML) instead of {expected}")


def decode_text(body: bytes, notes: list[str]) -> str:
    """UTF-8 (BOM tolerated) first; spreadsheet exports from Windows fall back to cp1252."""
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = body.decode("cp1252")
    except UnicodeDecodeError:
        text = body.decode("latin-1")
    notes.append("the file is not UTF-8; it was read as Windows-1252 (cp1252)")
    return text


# Sheet and export timestamps: numeric dates in either order, ISO, optional seconds and AM/PM.
_NUMERIC_DATE = re.compile(
    r"^\s*(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})"
    r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*([AaPp]\.?[Mm]\.?)?)?\s*$"
)


def parse_timestamp(value: object, tz: tzinfo, *, day_first: bool = False) -> datetime | None:
    """Read a timestamp; naive ones are in ``tz`` (the sheet's zone). None when unreadable."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    iso = text.replace("Z", "+00:00") if text.endswith("Z") else text
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        parsed = _parse_numeric(text, day_first)
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def _parse_numeric(text: str, day_first: bool) -> datetime | None:
    m = _NUMERIC_DATE.match(text)
    if not m:
        return None
    a, b, c = (int(m.group(i)) for i in (1, 2, 3))
    hour, minute, second = (int(m.group(i) or 0) for i in (4, 5, 6))
    if len(m.group(1)) == 4:
        year, month, day = a, b, c
    else:
        year = c + 2000 if c < 100 else c
        month, day = (b, a) if day_first else (a, b)
    meridiem = (m.group(7) or "").lower().replace(".", "")
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def day_first_for(values: list[str]) -> bool:
    """Whether a column of numeric dates is day-first (any first field above 12 says so)."""
    for value in values:
        m = _NUMERIC_DATE.match(value)
        if m and len(m.group(1)) <= 2:
            first, second = int(m.group(1)), int(m.group(2))
            if first > 12 >= second:
                return True
            if second > 12 >= first:
                return False
    return False


def normalise_header(name: str) -> str:
    return " ".join(re.sub(r"[^\w?]+", " ", name.casefold()).split())
