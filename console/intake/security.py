"""The intake server's defences, each small and testable on its own.

- CSRF: a token that is an HMAC of its issue time under the server secret, valid for hours,
  so no server-side session is kept and a restart keeps open forms valid.
- Read token: ``Authorization: Bearer``, compared in constant time, whatever bytes are sent.
- Origin and Host: a browser POST must come from the form's own origin, and every request
  must name a host the server is meant to be reached by (stops DNS rebinding).
- Rate limit: token buckets per client address (IPv6 grouped by /64) plus one global bucket.
  A district behind one NAT shares an address, so the per-client budget is generous.
- Headers: a strict Content-Security-Policy and friends on every response.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

CSRF_LIFETIME_S = 12 * 3600
RECEIPT_LIFETIME_S = 3600


# -- signed values ---------------------------------------------------------------------
def _sign(secret: bytes, purpose: str, payload: str) -> str:
    mac = hmac.new(secret, f"{purpose}:{payload}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:18]).decode("ascii")


def make_csrf(secret: bytes, now: datetime) -> str:
    issued = str(int(now.timestamp()))
    return f"{issued}.{_sign(secret, 'csrf', issued)}"


def check_csrf(secret: bytes, token: str | None, now: datetime) -> bool:
    """True for a token this server issued within ``CSRF_LIFETIME_S`` (and not in the future)."""
    return _check_signed(secret, "csrf", token, now, CSRF_LIFETIME_S) is not None


def make_receipt(secret: bytes, submission_id: str, now: datetime) -> str:
    """A short-lived proof that lets the thank-you page show the sender their own question."""
    payload = f"{submission_id}-{int(now.timestamp())}"
    return f"{payload}.{_sign(secret, 'receipt', payload)}"


def check_receipt(secret: bytes, receipt: str | None, now: datetime) -> str | None:
    """The submission id a valid, fresh receipt names, else None."""
    payload = _check_signed(secret, "receipt", receipt, now, RECEIPT_LIFETIME_S, with_id=True)
    return payload.rpartition("-")[0] if payload else None


def _check_signed(
    secret: bytes,
    purpose: str,
    token: str | None,
    now: datetime,
    lifetime: int,
    *,
    with_id: bool = False,
) -> str | None:
    if not token or len(token) > 200 or not token.isascii():  # ours are ASCII; compare_digest
        return None  # raises on a str that is not (a forged token is refused, not a 500)
    payload, sep, mac = token.rpartition(".")
    if not sep or not hmac.compare_digest(mac, _sign(secret, purpose, payload)):
        return None
    stamp = payload.rpartition("-")[2] if with_id else payload
    if not stamp.isdigit():
        return None
    age = now.timestamp() - int(stamp)
    return payload if -60 <= age <= lifetime else None


# -- origin and host -------------------------------------------------------------------
def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL, lower-cased, default ports dropped."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port is None or (scheme, port) in {("http", 80), ("https", 443)}:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


@dataclass(frozen=True, slots=True)
class SiteIdentity:
    """The names and origins the server answers to."""

    hosts: frozenset[str]
    """Accepted Host header values, lower-case ``host[:port]``."""
    origins: frozenset[str]

    @classmethod
    def for_public_url(cls, public_url: str) -> SiteIdentity:
        origin = origin_of(public_url)
        return cls(frozenset({origin.split("://", 1)[1]}), frozenset({origin}))

    @classmethod
    def for_bound(cls, names: Iterable[str], port: int) -> SiteIdentity:
        hosts: set[str] = set()
        origins: set[str] = set()
        for name in names:
            name = name.lower()
            shown = f"[{name}]" if ":" in name and not name.startswith("[") else name
            hosts.add(f"{shown}:{port}")
            if port == 80:
                hosts.add(shown)
            origins.add(origin_of(f"http://{shown}:{port}"))
        return cls(frozenset(hosts), frozenset(origins))

    def host_ok(self, host_header: str | None) -> bool:
        if not host_header:
            return False
        return host_header.strip().lower() in self.hosts

    def origin_ok(self, origin: str | None, referer: str | None) -> bool:
        """Browser POSTs carry Origin (or at least Referer); when present it must be ours.

        A request with neither still needs a valid CSRF token, which a foreign page cannot get.
        A Referer that is not a URL (a bad port, a broken IPv6 address) is not ours.
        """
        if origin is not None:
            return origin.strip().lower() in self.origins
        if referer:
            try:
                return origin_of(referer) in self.origins
            except ValueError:
                return False
        return True


# -- the read token --------------------------------------------------------------------
def bearer_ok(authorization: str | None, token: str) -> bool:
    """True for ``Authorization: Bearer <token>``, compared in constant time.

    aiohttp hands over header bytes that are not UTF-8 as surrogate escapes (and a token from
    the environment may hold some too): both sides are encoded with ``surrogatepass``, which
    never fails, so such a header simply does not match.
    """
    scheme, _, given = (authorization or "").partition(" ")
    given = given.strip()
    if scheme.lower() != "bearer" or not given or not token:
        return False
    sent = given.encode("utf-8", "surrogatepass")
    return hmac.compare_digest(sent, token.encode("utf-8", "surrogatepass"))


# -- client address --------------------------------------------------------------------
def client_key(peer: str | None, forwarded_for: str | None, trust_proxy: bool) -> str:
    """The address a rate limit counts against.

    Behind a trusted proxy the last X-Forwarded-For entry is the one that proxy saw (earlier
    entries are whatever the client claimed). IPv6 clients are grouped by /64, since one
    household or school gets a whole /64.
    """
    address = peer or "unknown"
    if trust_proxy and forwarded_for:
        last = forwarded_for.split(",")[-1].strip()
        if last:
            address = last
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


# -- rate limit ------------------------------------------------------------------------
@dataclass(slots=True)
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    """Token buckets: ``per_minute`` refill with ``burst`` capacity per key, plus a global
    bucket that holds a whole minute's worth (everyone may ask at once when Q&A opens)."""

    MAX_KEYS = 50_000

    def __init__(
        self,
        per_minute: int,
        burst: int,
        global_per_minute: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_minute < 1 or burst < 1 or global_per_minute < 1:
            raise ValueError("rate limits must be at least 1")
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.global_rate = global_per_minute / 60.0
        self.global_burst = float(global_per_minute)
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._global = _Bucket(self.global_burst, clock())

    @staticmethod
    def _refill(bucket: _Bucket, rate: float, cap: float, now: float) -> None:
        bucket.tokens = min(cap, bucket.tokens + (now - bucket.stamp) * rate)
        bucket.stamp = now

    def check(self, key: str) -> float:
        """Take one token for ``key``; 0.0 when allowed, else seconds to wait."""
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.MAX_KEYS:
                self._prune(now)
            bucket = self._buckets[key] = _Bucket(self.burst, now)
        self._refill(bucket, self.rate, self.burst, now)
        self._refill(self._global, self.global_rate, self.global_burst, now)
        if bucket.tokens < 1:
            return (1 - bucket.tokens) / self.rate
        if self._global.tokens < 1:
            return (1 - self._global.tokens) / self.global_rate
        bucket.tokens -= 1
        self._global.tokens -= 1
        return 0.0

    def _prune(self, now: float) -> None:
        for key, bucket in list(self._buckets.items()):
            self._refill(bucket, self.rate, self.burst, now)
            if bucket.tokens >= self.burst:
                del self._buckets[key]

    @staticmethod
    def retry_after(wait: float) -> str:
        return str(max(1, math.ceil(wait)))


# -- headers ---------------------------------------------------------------------------
def style_hash(css: str) -> str:
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def security_headers(css: str) -> dict[str, str]:
    """Headers for every response: nothing loads but our one hashed stylesheet."""
    csp = (
        "default-src 'none'; "
        f"style-src {style_hash(css)}; "
        "img-src 'self'; "
        "form-action 'self'; "
        "frame-ancestors 'none'; "
        "base-uri 'none'"
    )
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        # "same-origin", not "no-referrer": with no-referrer Chrome sends "Origin: null" on
        # the form's own POST, which would blind the Origin check; other sites still get
        # no referrer at all.
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }
