"""CSV feeds: Google Forms (published sheet), Microsoft Forms exports and any mapped CSV.

Sheets only append rows, so a row's position (``row-N``, N as numbered in the sheet, header
being row 1) is a stable id. Headers are localised and question columns are titled with the
question itself, so without a mapping the adapter finds the question column and says which
one it chose.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import tzinfo

from console.feeds.base import (
    Headers,
    ParsedFeed,
    RequestSpec,
    day_first_for,
    decode_text,
    html_error,
    looks_like_html,
    normalise_header,
    parse_timestamp,
    parse_votes,
    question,
)
from console.feeds.config import SourceConfig
from console.feeds.errors import FeedFormatError

TIMESTAMP_HEADERS = {
    "timestamp", "marca temporal", "horodateur", "zeitstempel", "informazioni cronologiche",
    "carimbo de data hora", "tijdstempel", "sygnatura czasowa", "completion time",
    "submitted at", "submitted", "created at", "date",
}  # fmt: skip
META_HEADERS = TIMESTAMP_HEADERS | {"id", "start time", "last modified time", "votes", "upvotes"}
EMAIL_WORDS = ("email", "e mail", "correo", "courriel")
NAME_HEADERS = {"name", "your name", "full name", "nom", "nombre", "nome", "naam", "votre nom"}
QUESTION_WORDS = ("question", "ask", "pregunta", "pergunta", "frage", "domanda", "vraag")
TOPIC_WORDS = ("topic", "subject", "category", "theme", "tema", "thème")
ANONYMOUS = {"anonymous", "anónimo", "anonyme", "anonimo"}


def build_request(
    config: SourceConfig, page: dict[str, str] | None, cursor: str | None
) -> RequestSpec:
    """CSV sources are one plain GET (published sheets need no credentials)."""
    return RequestSpec(config.url, headers={"Accept": "text/csv, text/plain;q=0.9, */*;q=0.1"})


@dataclass(slots=True)
class _Columns:
    header: list[str]
    text: int
    asker: int | None = None
    email: int | None = None
    when: int | None = None
    votes: int | None = None
    topic: int | None = None
    ident: int | None = None


def parse(
    body: bytes, headers: Headers, config: SourceConfig, *, tz: tzinfo | None = None
) -> ParsedFeed:
    """Parse a CSV body (see module docstring). Raises FeedFormatError with the fix in words."""
    if looks_like_html(body, headers):
        raise html_error(body, "CSV")
    notes: list[str] = []
    text = decode_text(body, notes)
    csv.field_size_limit(max(csv.field_size_limit(), config.max_bytes))
    rows: list[list[str]] = []
    try:
        # A Python loop, not list(reader): parsing runs in a worker thread, and one C call
        # over 10,000 rows would hold the GIL (and freeze the console) for ~40 ms.
        for row in csv.reader(io.StringIO(text, newline=""), strict=True):
            rows.append(row)
    except csv.Error as exc:
        raise FeedFormatError(f"the CSV is malformed: {exc}") from exc
    while rows and not any(cell.strip() for cell in rows[0]):
        rows.pop(0)
    if not rows:
        return ParsedFeed([], notes=[*notes, "the CSV is empty"])
    header = [cell.strip() for cell in rows[0]]
    cols = _find_columns(header, rows[1:], config, notes)
    zone = tz or config.timezone()
    day_first = False
    if cols.when is not None:
        day_first = day_first_for([_cell(r, cols.when) for r in rows[1:200]])
    questions = []
    skipped = 0
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        body_text = _cell(row, cols.text)
        if not body_text.strip():
            skipped += 1
            continue
        ident = _cell(row, cols.ident).strip() if cols.ident is not None else ""
        asker = _cell(row, cols.asker) if cols.asker is not None else None
        email = _cell(row, cols.email) if cols.email is not None else None
        questions.append(
            question(
                ident or f"row-{number}",
                body_text,
                asker=None if _anonymous(asker) else asker,
                email=None if _anonymous(email) else email,
                submitted_at=parse_timestamp(_cell(row, cols.when), zone, day_first=day_first)
                if cols.when is not None
                else None,
                votes=parse_votes(_cell(row, cols.votes)) if cols.votes is not None else None,
                topic=_cell(row, cols.topic) if cols.topic is not None else None,
            )
        )
    if skipped:
        notes.append(f"{skipped} response(s) without a question were skipped")
    return ParsedFeed(questions, complete=True, notes=notes)


def _cell(row: list[str], index: int | None) -> str:
    return row[index] if index is not None and index < len(row) else ""


def _anonymous(value: str | None) -> bool:
    return value is not None and value.strip().casefold() in ANONYMOUS


def column_index(header: list[str], wanted: str, field: str) -> int:
    """Index of a mapped column (exact, then ignoring case and punctuation), or a clear error."""
    if wanted in header:
        return header.index(wanted)
    norm = normalise_header(wanted)
    for i, name in enumerate(header):
        if normalise_header(name) == norm:
            return i
    shown = ", ".join(repr(h) for h in header) or "(none)"
    raise FeedFormatError(
        f"column {wanted!r} (mapped to {field}) is not in the feed; the columns are: {shown}"
    )


def _find_columns(
    header: list[str], rows: list[list[str]], config: SourceConfig, notes: list[str]
) -> _Columns:
    mapping = config.mapping
    norm = [normalise_header(h) for h in header]
    found: dict[str, int | None] = {}
    for field in ("asker", "email", "submitted_at", "votes", "topic", "id"):
        found[field] = column_index(header, mapping[field], field) if field in mapping else None

    def first(pred: object) -> int | None:
        return next((i for i, n in enumerate(norm) if pred(n)), None)  # type: ignore[operator]

    if "submitted_at" not in mapping:
        found["submitted_at"] = first(lambda n: n == "completion time")
        if found["submitted_at"] is None:
            found["submitted_at"] = first(lambda n: n in TIMESTAMP_HEADERS)
    if "email" not in mapping:
        found["email"] = first(lambda n: any(w in n for w in EMAIL_WORDS) and len(n) < 60)
    if "id" not in mapping:
        found["id"] = first(lambda n: n == "id")
    if "votes" not in mapping:
        found["votes"] = first(lambda n: n in {"votes", "upvotes"})
    if "asker" not in mapping:
        found["asker"] = first(_is_name_header)
    if "topic" not in mapping:
        found["topic"] = first(lambda n: any(w in n.split() for w in TOPIC_WORDS) and len(n) < 40)
    taken = {i for i in found.values() if i is not None}
    if "text" in mapping:
        text = column_index(header, mapping["text"], "text")
    else:
        text = _choose_question_column(header, norm, rows, taken)
        notes.append(f"question column chosen: {header[text]!r}")
    return _Columns(
        header,
        text,
        asker=found["asker"],
        email=found["email"],
        when=found["submitted_at"],
        votes=found["votes"],
        topic=found["topic"],
        ident=found["id"],
    )


def _is_name_header(n: str) -> bool:
    words = n.replace("?", " ").split()
    return n in NAME_HEADERS or (
        ("name" in words or "nombre" in words or "nome" in words) and len(words) <= 5
    )


def _choose_question_column(
    header: list[str], norm: list[str], rows: list[list[str]], taken: set[int]
) -> int:
    candidates = [
        i for i, n in enumerate(norm) if i not in taken and n not in META_HEADERS and header[i]
    ]
    if not candidates:
        shown = ", ".join(repr(h) for h in header) or "(none)"
        raise FeedFormatError(
            f"no question column found; the columns are: {shown} (map one with text=NAME)"
        )
    sample = rows[:500]

    def mean_length(i: int) -> float:
        lengths = [len(r[i].strip()) for r in sample if i < len(r) and r[i].strip()]
        return sum(lengths) / len(lengths) if lengths else 0.0

    asking = [i for i in candidates if _mentions_asking(norm[i])]
    pool = asking or candidates
    return max(pool, key=lambda i: (mean_length(i), -i))


def _mentions_asking(norm: str) -> bool:
    words = norm.replace("?", " ").split()
    return "?" in norm or any(word.startswith(w) for word in words for w in QUESTION_WORDS)
