"""Any JSON endpoint: a list of objects, or an object holding one, with a field mapping.

Mapped names may be dotted paths (``fields.question``) since services nest their data. Without
a mapping the usual names are tried (``text``, ``question``, ``name``, ``created_at``...), and
the notes say which were used.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import tzinfo
from typing import Any

from console.feeds.base import (
    Headers,
    ParsedFeed,
    RequestSpec,
    html_error,
    looks_like_html,
    parse_timestamp,
    parse_votes,
    question,
)
from console.feeds.config import SourceConfig
from console.feeds.errors import FeedFormatError

GUESSES: dict[str, tuple[str, ...]] = {
    "id": ("id", "_id", "uuid", "key", "token", "response_id"),
    "text": ("text", "question", "body", "content", "message", "question_text"),
    "asker": ("asker", "name", "author", "display_name", "submitter"),
    "email": ("email", "email_address", "mail"),
    "submitted_at": ("submitted_at", "submittedAt", "created_at", "createdAt", "timestamp",
                     "time", "date"),
    "votes": ("votes", "upvotes", "vote_count", "likes", "score"),
    "topic": ("topic", "category", "subject", "tag"),
}  # fmt: skip
LIST_KEYS = ("items", "questions", "data", "results", "responses", "submissions", "content")


def build_request(
    config: SourceConfig, page: dict[str, str] | None, cursor: str | None
) -> RequestSpec:
    headers = {"Accept": "application/json"}
    token = config.resolve_token()
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return RequestSpec(config.url, headers=headers)


def load_json(body: bytes, headers: Headers) -> Any:
    """Decode a JSON body, explaining HTML pages and malformed documents."""
    if looks_like_html(body, headers):
        raise html_error(body, "JSON")
    try:
        return json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise FeedFormatError("the JSON is not valid UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise FeedFormatError(
            f"the JSON is malformed (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc


def dig(value: Any, path: str) -> Any:
    """Follow a dotted path through objects (and list indexes); None when absent."""
    current = value
    for part in path.split("."):
        if isinstance(current, Mapping):
            current = current.get(part)
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return None
    return current


def parse(
    body: bytes, headers: Headers, config: SourceConfig, *, tz: tzinfo | None = None
) -> ParsedFeed:
    data = load_json(body, headers)
    notes: list[str] = []
    items = _find_items(data, config.mapping.get("items"), notes)
    objects = [item for item in items if isinstance(item, Mapping)]
    if len(objects) < len(items):
        notes.append(f"{len(items) - len(objects)} entries that are not objects were skipped")
    if not objects:
        return ParsedFeed([], notes=notes)
    keys = _field_keys(objects, config.mapping, notes)
    zone = tz or config.timezone()
    questions = []
    for index, obj in enumerate(objects, start=1):
        text = dig(obj, keys["text"]) if keys["text"] else None
        if text is None or not str(text).strip():
            continue
        ident = dig(obj, keys["id"]) if keys["id"] else None
        when = dig(obj, keys["submitted_at"]) if keys["submitted_at"] else None
        questions.append(
            question(
                ident if ident not in (None, "") else f"item-{index}",
                text,
                asker=dig(obj, keys["asker"]) if keys["asker"] else None,
                email=dig(obj, keys["email"]) if keys["email"] else None,
                submitted_at=parse_timestamp(when, zone),
                votes=parse_votes(dig(obj, keys["votes"])) if keys["votes"] else None,
                topic=dig(obj, keys["topic"]) if keys["topic"] else None,
            )
        )
    if not keys["id"]:
        notes.append("no id field: positions are used as ids (map id=FIELD for stable ids)")
    return ParsedFeed(questions, complete=True, notes=notes)


def _find_items(data: Any, path: str | None, notes: list[str]) -> list[Any]:
    if path:
        found = dig(data, path)
        if not isinstance(found, list):
            raise FeedFormatError(f"items={path!r}: no list at that path in the JSON")
        return found
    if isinstance(data, list):
        return data
    if isinstance(data, Mapping):
        for key in LIST_KEYS:
            if isinstance(data.get(key), list):
                notes.append(f"questions read from the {key!r} list")
                return list(data[key])
        lists = [k for k, v in data.items() if isinstance(v, list)]
        if len(lists) == 1:
            notes.append(f"questions read from the {lists[0]!r} list")
            return list(data[lists[0]])
        raise FeedFormatError(
            "the JSON is an object without an obvious list of questions; name it with "
            f"items=KEY (keys there: {', '.join(map(repr, data.keys())) or '(none)'})"
        )
    raise FeedFormatError("the JSON is neither a list nor an object holding one")


def _field_keys(
    objects: list[Mapping[str, Any]], mapping: Mapping[str, str], notes: list[str]
) -> dict[str, str | None]:
    present: dict[str, None] = {}
    for obj in objects[:200]:
        present.update(dict.fromkeys(obj.keys()))
    keys: dict[str, str | None] = {}
    for field, guesses in GUESSES.items():
        if field in mapping:
            path = mapping[field]
            if all(dig(obj, path) is None for obj in objects[:200]):
                raise FeedFormatError(
                    f"field {path!r} (mapped to {field}) is not in the JSON items; "
                    f"fields there: {', '.join(map(repr, present)) or '(none)'}"
                )
            keys[field] = path
        else:
            keys[field] = next((g for g in guesses if g in present), None)
    if keys["text"] is None:
        raise FeedFormatError(
            "no question field found in the JSON items; map one with text=FIELD "
            f"(fields there: {', '.join(map(repr, present)) or '(none)'})"
        )
    if "text" not in mapping:
        notes.append(f"question field chosen: {keys['text']!r}")
    return keys
