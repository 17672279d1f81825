"""Keep tokens and API keys out of every message, log line and status text.

Form services take secrets in query strings (Jotform's ``apiKey``) and in headers
(``Authorization: Bearer``). Any text that may contain a URL or an exception message goes
through :func:`redact` before anyone sees it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "***"

SECRET_PARAMS = frozenset(
    {
        "apikey",
        "api_key",
        "key",
        "token",
        "access_token",
        "auth",
        "password",
        "secret",
        "signature",
        "sig",
        "client_secret",
    }
)

_QUERY_SECRET = re.compile(
    r"(?i)(?P<name>[?&;](?:" + "|".join(sorted(SECRET_PARAMS, key=len, reverse=True)) + r"))="
    r"(?P<value>[^&#\s'\"<>]*)"
)
_AUTH_HEADER = re.compile(r"(?i)(authorization\s*[:=]\s*)(?:(bearer|basic|token)\s+)?[^\s,'\"]+")
_BEARER = re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+")
_USERINFO = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://)[^/@\s]+@")


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Return ``text`` with secret query values, auth headers and the given secrets masked."""
    out = text
    for secret in secrets:
        if secret and len(secret) >= 4:
            out = out.replace(secret, REDACTED)
    out = _QUERY_SECRET.sub(lambda m: f"{m.group('name')}={REDACTED}", out)
    out = _AUTH_HEADER.sub(
        lambda m: m.group(1) + (f"{m.group(2)} " if m.group(2) else "") + REDACTED, out
    )
    out = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", out)
    return _USERINFO.sub(lambda m: f"{m.group(1)}{REDACTED}@", out)


def redact_url(url: str) -> str:
    """A URL safe to show: secret query values and user:password replaced by ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact(url)
    if not parts.scheme:
        return redact(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = REDACTED + "@" + netloc.rsplit("@", 1)[1]
    query = urlencode(
        [
            (k, REDACTED if k.lower() in SECRET_PARAMS else v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
        ],
        safe="*",
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def redact_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers fit for a log line: ``Authorization`` and cookie values masked."""
    hidden = {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}
    return [(k, REDACTED if k.lower() in hidden else v) for k, v in headers]
