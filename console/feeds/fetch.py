"""One bounded GET: the whole fetch under a deadline, the body capped while it streams.

httpx's timeouts apply to each network operation, so a server dripping one byte a second
never trips them; ``asyncio.timeout`` around the whole request does. The size cap is checked
chunk by chunk, so a 50 MB body is refused after the first 10 MiB, not after reading it all.
Every failure becomes a :class:`FeedError` whose message is already redacted.
"""

from __future__ import annotations

import asyncio
import email.utils
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from console.feeds.base import RequestSpec
from console.feeds.errors import FeedError, FeedHTTPError
from console.feeds.redact import redact, redact_url

MAX_REDIRECTS = 5
USER_AGENT = "facilitator-console (question board)"


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A response we accept: 200 with its body, or 304 (unchanged, empty body)."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def make_client(transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    """The shared client: redirects followed (at most five), per-operation timeouts generous
    because the whole fetch is bounded by the caller's deadline."""
    return httpx.AsyncClient(
        transport=transport,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        timeout=httpx.Timeout(120.0),
        headers={"User-Agent": USER_AGENT},
    )


def is_local(url: str) -> bool:
    """A plain path or ``file:`` URL (an export file a staff member handed over)."""
    scheme = urlsplit(url).scheme.lower()
    return scheme in ("", "file") or (len(scheme) == 1 and url[1:3] in (":\\", ":/"))


def _size_error(limit: int) -> FeedError:
    return FeedError(f"the response is too large (over the {_human_size(limit)} limit)")


def _human_size(size: int) -> str:
    return f"{size / (1024 * 1024):g} MiB" if size >= 1024 * 1024 else f"{size} bytes"


def local_path(url: str) -> Path:
    return Path(urlsplit(url).path if url.lower().startswith("file:") else url).expanduser()


async def read_local(url: str, max_bytes: int) -> FetchResult:
    """Read a local export with the same size limit as a download."""
    path = await asyncio.to_thread(local_path, url)

    def read() -> bytes:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise _size_error(max_bytes)
        return data

    try:
        return FetchResult(200, await asyncio.to_thread(read))
    except FileNotFoundError:
        raise FeedError(f"the file {path} does not exist") from None
    except IsADirectoryError:
        raise FeedError(f"{path} is a folder, not a file") from None
    except OSError as exc:
        raise FeedError(f"could not read {path}: {exc.strerror or exc}") from None


async def fetch(
    client: httpx.AsyncClient,
    spec: RequestSpec,
    *,
    max_bytes: int,
    deadline_seconds: float,
    validators: Mapping[str, str] | None = None,
    secrets: Iterable[str | None] = (),
    now: datetime | None = None,
) -> FetchResult:
    """GET ``spec`` within ``deadline_seconds``; raise FeedError with a redacted message."""
    hidden = [*secrets, *spec.params.values()] if _has_secret_params(spec) else list(secrets)
    headers = dict(spec.headers)
    headers.update(validators or {})
    try:
        async with asyncio.timeout(deadline_seconds):
            async with client.stream("GET", spec.url, params=spec.params, headers=headers) as resp:
                if resp.status_code == 304:
                    return FetchResult(304, b"", dict(resp.headers))
                if resp.status_code >= 400:
                    raise status_error(resp.status_code, resp.headers, now)
                if resp.status_code >= 300:
                    raise FeedHTTPError(
                        f"the source answered with a redirect "
                        f"(HTTP {resp.status_code}) that has no target"
                    )
                declared = resp.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise _size_error(max_bytes)
                body = bytearray()
                async for chunk in resp.aiter_bytes():
                    body += chunk
                    if len(body) > max_bytes:
                        raise _size_error(max_bytes)
                return FetchResult(resp.status_code, bytes(body), dict(resp.headers))
    except FeedError as exc:
        exc.message = redact(exc.message, hidden)
        raise
    except TimeoutError:
        raise FeedHTTPError(
            f"the source did not answer within {deadline_seconds:g} seconds (timeout)"
        ) from None
    except httpx.TooManyRedirects:
        raise FeedHTTPError(
            f"the source redirects in a loop (more than {MAX_REDIRECTS} redirects)"
        ) from None
    except httpx.TimeoutException:
        raise FeedHTTPError("the source did not answer in time (timeout)") from None
    except httpx.ConnectError as exc:
        host = urlsplit(spec.url).netloc or spec.url
        if _refused(exc):
            msg = f"could not connect to {host}: connection refused (is the server running?)"
        else:
            msg = f"could not connect to {host}: {exc}"
        raise FeedHTTPError(redact(msg, hidden)) from None
    except httpx.HTTPError as exc:
        detail = redact(str(exc) or type(exc).__name__, hidden)
        raise FeedHTTPError(f"could not fetch the source: {detail}") from None


def _refused(exc: BaseException) -> bool:
    """Whether a connection error was a refusal (nothing listening), searching the chain."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, ConnectionRefusedError) or "refused" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _has_secret_params(spec: RequestSpec) -> bool:
    return any(k.lower() in ("apikey", "api_key", "key", "token") for k in spec.params)


def status_error(
    status: int, headers: Mapping[str, str], now: datetime | None = None
) -> FeedHTTPError:
    """A plain-words explanation of an HTTP error status."""
    retry = retry_after_seconds(headers.get("retry-after"), now)
    if status in (401, 403):
        return FeedHTTPError(
            f"the source refused the token (HTTP {status}): check the token or API key and "
            "that it may read this form"
        )
    if status == 404:
        return FeedHTTPError("the source was not found (HTTP 404): check the URL or form id")
    if status == 429:
        when = f"; retrying in {retry:.0f} s" if retry is not None else "; backing off"
        return FeedHTTPError(f"the source is rate limiting us (HTTP 429){when}", retry_after=retry)
    if status >= 500:
        when = f"; retrying in {retry:.0f} s" if retry is not None else "; will retry"
        return FeedHTTPError(
            f"the source has a server error (HTTP {status}){when}", retry_after=retry
        )
    return FeedHTTPError(f"the source answered HTTP {status}", retry_after=retry)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date relative to ``now``."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def describe_source(url: str) -> str:
    """The label shown for a source: its URL with secrets masked."""
    return url if is_local(url) else redact_url(url)
