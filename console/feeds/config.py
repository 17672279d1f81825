"""Where a feed comes from and how to read it: the source configuration.

Tokens are never part of the configuration that gets saved: ``token_env`` names an environment
variable read at request time, and ``token`` (for the in-process intake server) is excluded from
``repr`` and from :meth:`SourceConfig.to_json`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from console.feeds.errors import FeedConfigError

MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MIB

# The fields a mapping may name; ``items`` locates the list inside a JSON document.
MAPPABLE_FIELDS = ("text", "asker", "email", "submitted_at", "votes", "topic", "id", "items")


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """One question source: URL (or local file), preset and optional field mapping."""

    url: str
    preset: str
    mapping: dict[str, str] = field(default_factory=dict)
    interval_seconds: float = 15.0
    token_env: str | None = None
    timeout_seconds: float = 20.0
    max_bytes: int = DEFAULT_MAX_BYTES
    token: str | None = field(default=None, repr=False, compare=False)
    """A token handed over in process (the built-in intake server); never serialised."""
    tz: str | None = None
    """IANA zone for timestamps without an offset (sheet locale times); default UTC."""
    wait_seconds: float = 25.0
    """How long a long-polling source (intake) may hold each request."""
    page_size: int = 1000

    def resolve_token(self) -> str | None:
        """The secret for this source, from ``token`` or the named environment variable."""
        if self.token:
            return self.token
        if not self.token_env:
            return None
        value = os.environ.get(self.token_env, "").strip()
        if not value:
            raise FeedConfigError(
                f"the environment variable {self.token_env} (named by token_env) is not set"
            )
        return value

    def timezone(self) -> tzinfo:
        return load_zone(self.tz)

    def to_json(self) -> dict[str, object]:
        """Everything but the token, for agenda files and session settings."""
        return {
            "url": self.url,
            "preset": self.preset,
            "mapping": dict(self.mapping),
            "interval_seconds": self.interval_seconds,
            "token_env": self.token_env,
            "timeout_seconds": self.timeout_seconds,
            "max_bytes": self.max_bytes,
            "tz": self.tz,
            "wait_seconds": self.wait_seconds,
            "page_size": self.page_size,
        }


def load_zone(name: str | None) -> tzinfo:
    """``ZoneInfo(name)`` with a clear error; ``None`` means UTC."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise FeedConfigError(
            f"unknown time zone {name!r} (use an IANA name such as 'America/New_York')"
        ) from exc


def parse_mapping(maps: list[str] | None) -> dict[str, str]:
    """Turn ``["text=What would you like to ask?", ...]`` into a mapping, with clear errors."""
    mapping: dict[str, str] = {}
    for raw in maps or []:
        key, sep, value = raw.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or not key or not value:
            raise FeedConfigError(
                f"--map expects FIELD=NAME (for example text='Your question'), got {raw!r}"
            )
        if key not in MAPPABLE_FIELDS:
            raise FeedConfigError(
                f"--map: unknown field {key!r}; fields are {', '.join(MAPPABLE_FIELDS)}"
            )
        if key in mapping:
            raise FeedConfigError(f"--map: field {key!r} is mapped twice")
        mapping[key] = value
    return mapping
