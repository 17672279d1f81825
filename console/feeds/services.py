"""Form services with an API: Typeform, Jotform, Tally, and the built-in intake form.

Each service hides the question among other answers. A mapping (``text=<title, ref or id>``)
picks it; without one the adapter prefers a field whose title mentions asking, else the one
with the longest answers, and notes its choice.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo
from typing import Any

from console.feeds.base import (
    Headers,
    ParsedFeed,
    RequestSpec,
    normalise_header,
    parse_timestamp,
    parse_votes,
    question,
)
from console.feeds.config import SourceConfig
from console.feeds.csv_adapter import QUESTION_WORDS
from console.feeds.errors import FeedConfigError, FeedFormatError
from console.feeds.json_adapter import load_json
from console.feeds.model import voter_tokens


def _bearer(config: SourceConfig, service: str) -> dict[str, str]:
    token = config.resolve_token()
    if not token:
        raise FeedConfigError(f"{service} needs a token: set token_env to the variable holding it")
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


def answer_text(answer: Any) -> str:
    """One answer as text: full-name objects joined, lists comma-separated."""
    if answer is None:
        return ""
    if isinstance(answer, Mapping):
        if "label" in answer:
            return str(answer["label"])
        if "labels" in answer and isinstance(answer["labels"], list):
            return ", ".join(map(str, answer["labels"]))
        return " ".join(str(v) for v in answer.values() if isinstance(v, str | int) and v != "")
    if isinstance(answer, list):
        return ", ".join(answer_text(a) for a in answer)
    return str(answer)


def choose_field(
    labels: Mapping[str, str],
    answers: Mapping[str, list[str]],
    wanted: str | None,
    exclude: set[str],
    notes: list[str],
) -> str:
    """The field holding the question: mapped (by id or title), titled like one, or longest."""
    if wanted:
        norm = normalise_header(wanted)
        for fid, label in labels.items():
            if wanted in (fid, label) or normalise_header(label) == norm:
                return fid
        shown = ", ".join(repr(label or fid) for fid, label in labels.items()) or "(none)"
        raise FeedFormatError(
            f"field {wanted!r} (mapped to text) is not in the form; the fields are: {shown}"
        )
    candidates = [f for f in labels if f not in exclude and answers.get(f)]
    if not candidates:
        raise FeedFormatError("no answer that could be a question was found (map text=FIELD)")

    def mean(fid: str) -> float:
        values = [len(v) for v in answers.get(fid, []) if v.strip()]
        return sum(values) / len(values) if values else 0.0

    def asks(fid: str) -> bool:
        norm = normalise_header(labels[fid])
        words = norm.replace("?", " ").split()
        return "?" in norm or any(w.startswith(q) for w in words for q in QUESTION_WORDS)

    pool = [f for f in candidates if asks(f)] or candidates
    chosen = max(pool, key=mean)
    notes.append(f"question field chosen: {labels[chosen] or chosen!r}")
    return chosen


def _find_by_label(
    labels: Mapping[str, str], wanted: str | None, words: tuple[str, ...], exclude: set[str]
) -> str | None:
    if wanted:
        norm = normalise_header(wanted)
        for fid, label in labels.items():
            if wanted in (fid, label) or normalise_header(label) == norm:
                return fid
        raise FeedFormatError(
            f"field {wanted!r} is not in the form; the fields are: "
            + ", ".join(repr(v or k) for k, v in labels.items())
        )
    for fid, label in labels.items():
        label_words = normalise_header(label).split()
        if fid not in exclude and any(w in label_words for w in words) and len(label_words) <= 6:
            return fid
    return None


# --- Typeform ---------------------------------------------------------------------------


def typeform_request(
    config: SourceConfig, page: dict[str, str] | None, cursor: str | None
) -> RequestSpec:
    params = {"page_size": str(min(config.page_size, 1000)), "completed": "true"}
    params.update(page or {})
    return RequestSpec(config.url, params, _bearer(config, "Typeform"))


def typeform_parse(
    body: bytes, headers: Headers, config: SourceConfig, *, tz: tzinfo | None = None
) -> ParsedFeed:
    data = load_json(body, headers)
    if not isinstance(data, Mapping) or not isinstance(data.get("items"), list):
        raise FeedFormatError("the Typeform response has no 'items' list")
    items = [i for i in data["items"] if isinstance(i, Mapping)]
    labels: dict[str, str] = {}
    values: dict[str, list[str]] = {}
    emails: set[str] = set()
    for item in items:
        for ans in item.get("answers") or []:
            fid, value = _typeform_answer(ans)
            if not fid:
                continue
            labels.setdefault(fid, str(((ans.get("field") or {}).get("ref")) or fid))
            if ans.get("type") == "email":
                emails.add(fid)
            elif ans.get("type") == "text":
                values.setdefault(fid, []).append(value)
    notes: list[str] = []
    questions = []
    if items:
        text_field = choose_field(labels, values, config.mapping.get("text"), emails, notes)
        name_field = _find_by_label(labels, config.mapping.get("asker"), ("name",), {text_field})
        zone = tz or config.timezone()
        for item in items:
            answers = dict(_typeform_answer(a) for a in item.get("answers") or [])
            text = answers.get(text_field, "")
            if not text.strip():
                continue
            hidden: Mapping[str, Any] = (
                item["hidden"] if isinstance(item.get("hidden"), Mapping) else {}
            )
            email = next((answers[f] for f in emails if answers.get(f)), None)
            questions.append(
                question(
                    item.get("response_id") or item.get("token") or item.get("landing_id"),
                    text,
                    asker=answers.get(name_field) if name_field else hidden.get("name"),
                    email=email or hidden.get("email"),
                    submitted_at=parse_timestamp(item.get("submitted_at"), zone),
                )
            )
    next_page = None
    page_count = data.get("page_count")
    if items and isinstance(page_count, int) and page_count > 1 and items[-1].get("token"):
        next_page = {"before": str(items[-1]["token"])}
    return ParsedFeed(questions, complete=True, next_page=next_page, notes=notes)


def _typeform_answer(ans: Any) -> tuple[str, str]:
    if not isinstance(ans, Mapping):
        return "", ""
    field: Mapping[str, Any] = ans["field"] if isinstance(ans.get("field"), Mapping) else {}
    kind = str(ans.get("type") or "")
    return str(field.get("id") or field.get("ref") or ""), answer_text(ans.get(kind))


# --- Jotform ----------------------------------------------------------------------------


def jotform_request(
    config: SourceConfig, page: dict[str, str] | None, cursor: str | None
) -> RequestSpec:
    key = config.resolve_token()
    if not key:
        raise FeedConfigError("Jotform needs an API key: set token_env to the variable holding it")
    params = {"apiKey": key, "limit": str(config.page_size), "offset": "0", "orderby": "created_at"}
    params.update(page or {})
    return RequestSpec(config.url, params, {"Accept": "application/json"})


def jotform_parse(
    body: bytes, headers: Headers, config: SourceConfig, *, tz: tzinfo | None = None
) -> ParsedFeed:
    data = load_json(body, headers)
    if not isinstance(data, Mapping):
        raise FeedFormatError("the Jotform response is not a JSON object")
    code = data.get("responseCode")
    if code not in (None, 200, "200"):
        raise FeedFormatError(f"Jotform answered {code}: {data.get('message') or 'no message'}")
    content = [c for c in data.get("content") or [] if isinstance(c, Mapping)]
    content = [c for c in content if str(c.get("status", "")).upper() != "DELETED"]
    labels: dict[str, str] = {}
    values: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    for sub in content:
        for qid, ans in (sub.get("answers") or {}).items():
            if not isinstance(ans, Mapping):
                continue
            labels.setdefault(str(qid), str(ans.get("text") or ans.get("name") or qid))
            kinds.setdefault(str(qid), str(ans.get("type") or ""))
            if kinds[str(qid)] in ("control_textarea", "control_textbox", ""):
                values.setdefault(str(qid), []).append(answer_text(ans.get("answer")))
    # Jotform also matches a mapping against the field's short ``name``.
    names = {
        str(q): str(a.get("name") or "")
        for s in content
        for q, a in (s.get("answers") or {}).items()
        if isinstance(a, Mapping)
    }
    wanted = config.mapping.get("text")
    if wanted:
        wanted = next((q for q, n in names.items() if n == wanted), wanted)
    notes: list[str] = []
    questions = []
    if content:
        emails = {q for q, k in kinds.items() if k == "control_email"}
        text_field = choose_field(labels, values, wanted, emails, notes)
        name_field = next((q for q, k in kinds.items() if k == "control_fullname"), None)
        if config.mapping.get("asker") or not name_field:
            name_field = _find_by_label(
                labels, config.mapping.get("asker"), ("name",), {text_field}
            )
        zone = tz or config.timezone()
        for sub in content:
            answers = {
                str(q): answer_text(a.get("answer"))
                for q, a in (sub.get("answers") or {}).items()
                if isinstance(a, Mapping)
            }
            text = answers.get(text_field, "")
            if not text.strip():
                continue
            questions.append(
                question(
                    sub.get("id"),
                    text,
                    asker=answers.get(name_field) if name_field else None,
                    email=next((answers[q] for q in emails if answers.get(q)), None),
                    submitted_at=parse_timestamp(sub.get("created_at"), zone),
                )
            )
    result: Mapping[str, Any] = (
        data["resultSet"] if isinstance(data.get("resultSet"), Mapping) else {}
    )
    next_page = None
    limit, offset, count = (parse_votes(result.get(k)) for k in ("limit", "offset", "count"))
    if limit and count is not None and count >= limit:
        next_page = {"offset": str((offset or 0) + limit)}
    return ParsedFeed(questions, complete=True, next_page=next_page, notes=notes)


# --- Tally ------------------------------------------------------------------------------


def tally_request(
    config: SourceConfig, page: dict[str, str] | None, cursor: str | None
) -> RequestSpec:
    params = {"page": "1"}
    params.update(page or {})
    return RequestSpec(config.url, params, _bearer(config, "Tally"))


def tally_parse(
    body: bytes, headers: Headers, config: SourceConfig, *, tz: tzinfo | None = None
) -> ParsedFeed:
    data = load_json(body, headers)
    if not isinstance(data, Mapping) or not isinstance(data.get("submissions"), list):
        raise FeedFormatError("the Tally response has no 'submissions' list")
    labels: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for q in data.get("questions") or []:
        if isinstance(q, Mapping) and q.get("id"):
            labels[str(q["id"])] = str(q.get("title") or q["id"])
            kinds[str(q["id"])] = str(q.get("type") or "")
    subs = [s for s in data["submissions"] if isinstance(s, Mapping)]
    subs = [s for s in subs if s.get("isCompleted", True) is not False]
    rows = []
    values: dict[str, list[str]] = {}
    for sub in subs:
        answers: dict[str, str] = {}
        for resp in sub.get("responses") or []:
            if isinstance(resp, Mapping) and resp.get("questionId"):
                qid = str(resp["questionId"])
                labels.setdefault(qid, qid)
                answers[qid] = answer_text(resp.get("answer"))
                if kinds.get(qid, "") in ("TEXTAREA", "INPUT_TEXT", ""):
                    values.setdefault(qid, []).append(answers[qid])
        rows.append((sub, answers))
    notes: list[str] = []
    questions = []
    if rows:
        emails = {q for q, k in kinds.items() if k == "INPUT_EMAIL"}
        text_field = choose_field(labels, values, config.mapping.get("text"), emails, notes)
        name_field = _find_by_label(labels, config.mapping.get("asker"), ("name",), {text_field})
        zone = tz or config.timezone()
        for sub, answers in rows:
            text = answers.get(text_field, "")
            if text.strip():
                questions.append(
                    question(
                        sub.get("id"),
                        text,
                        asker=answers.get(name_field) if name_field else None,
                        email=next((answers[q] for q in emails if answers.get(q)), None),
                        submitted_at=parse_timestamp(sub.get("submittedAt"), zone),
                    )
                )
    next_page = None
    if data.get("hasMore") is True:
        next_page = {"page": str((parse_votes(data.get("page")) or 1) + 1)}
    return ParsedFeed(questions, complete=True, next_page=next_page, notes=notes)


# --- Built-in intake form ---------------------------------------------------------------


def intake_url(base: str) -> str:
    base = base.rstrip("/")
    return base if base.endswith("/api/questions") else base + "/api/questions"


def intake_request(
    config: SourceConfig, page: dict[str, str] | None, cursor: str | None
) -> RequestSpec:
    params = {"wait": f"{config.wait_seconds:g}"}
    if cursor:
        params["after"] = cursor
    return RequestSpec(intake_url(config.url), params, _bearer(config, "The intake form"))


def intake_parse(
    body: bytes, headers: Headers, config: SourceConfig, *, tz: tzinfo | None = None
) -> ParsedFeed:
    """The intake server's incremental answer (questions newer than the cursor)."""
    data = load_json(body, headers)
    if not isinstance(data, Mapping) or not isinstance(data.get("questions"), list):
        raise FeedFormatError("the intake server's answer has no 'questions' list")
    zone = tz or config.timezone()
    questions = []
    for raw in data["questions"]:
        if (
            not isinstance(raw, Mapping)
            or not raw.get("id")
            or not str(raw.get("text") or "").strip()
            or raw.get("origin") == "console"  # typed in at the console: already on its board
        ):
            continue
        questions.append(
            question(
                raw["id"],
                raw["text"],
                asker=raw.get("name"),
                email=raw.get("email"),
                topic=raw.get("topic"),
                submitted_at=parse_timestamp(raw.get("submitted_at"), zone),
                display_name=bool(raw.get("display_name", True)),
                votes=parse_votes(raw.get("votes")),
                language=raw.get("language"),
                held=raw.get("held") is True,
                voters=voter_tokens(raw.get("voters")),
            )
        )
    cursor = data.get("cursor")
    is_open = data.get("open")
    return ParsedFeed(
        questions,
        complete=False,
        cursor=str(cursor) if cursor is not None else None,
        source_open=is_open if isinstance(is_open, bool) else None,
    )
