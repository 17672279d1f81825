"""Presets: one name per kind of source, tying a request builder to a parser.

``long_poll`` sources (the intake form) hold each request open and answer when something
arrives, so the poller asks again right away instead of sleeping.

Choosing a preset lives here too: :func:`guess_preset` reads it from a URL's shape and
:func:`source_from_args` builds a checked :class:`~console.feeds.config.SourceConfig` once the
name is known. They sit above the adapters (which import the configuration), so the
configuration never needs to import the preset table back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from typing import Protocol
from urllib.parse import urlsplit

from console.feeds import csv_adapter, json_adapter, services
from console.feeds.base import Headers, ParsedFeed, RequestSpec
from console.feeds.config import SourceConfig, load_zone, parse_mapping
from console.feeds.errors import FeedConfigError


class Parser(Protocol):
    def __call__(
        self, body: bytes, headers: Headers, config: SourceConfig, *, tz: tzinfo | None = None
    ) -> ParsedFeed: ...


RequestBuilder = Callable[[SourceConfig, "dict[str, str] | None", "str | None"], RequestSpec]


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    parse: Parser
    build_request: RequestBuilder
    description: str
    long_poll: bool = False
    local_files: bool = False
    """Whether a plain path to an exported file makes sense for this preset."""


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("google-forms", csv_adapter.parse, csv_adapter.build_request,
               "Google Forms responses sheet published to the web as CSV", local_files=True),
        Preset("microsoft-forms", csv_adapter.parse, csv_adapter.build_request,
               "Microsoft Forms responses exported to CSV", local_files=True),
        Preset("typeform", services.typeform_parse, services.typeform_request,
               "Typeform responses API (Bearer token)"),
        Preset("jotform", services.jotform_parse, services.jotform_request,
               "Jotform submissions API (apiKey)"),
        Preset("tally", services.tally_parse, services.tally_request,
               "Tally submissions API (Bearer token)"),
        Preset("csv", csv_adapter.parse, csv_adapter.build_request,
               "any CSV with a header row (map columns with --map)", local_files=True),
        Preset("json", json_adapter.parse, json_adapter.build_request,
               "any JSON list of objects (map fields with --map)", local_files=True),
        Preset("intake", services.intake_parse, services.intake_request,
               "the console's built-in question form (long-poll)", long_poll=True),
    )
}  # fmt: skip


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise FeedConfigError(
            f"unknown preset {name!r}; presets are {', '.join(PRESETS)}"
        ) from None


def guess_preset(source: str) -> str | None:
    """A preset from the URL's shape, so the common cases need no --preset."""
    parts = urlsplit(source)
    host, path = parts.netloc.lower(), parts.path.lower()
    if "docs.google.com" in host:
        return "google-forms"
    for name, marker in (
        ("typeform", "typeform.com"),
        ("jotform", "jotform.com"),
        ("tally", "tally.so"),
    ):
        if marker in host:
            return name
    if path.endswith("/api/questions"):
        return "intake"
    target = path if parts.scheme else source.lower()
    if target.endswith(".json"):
        return "json"
    if target.endswith((".csv", ".txt")):
        return "csv"
    return None


def source_from_args(
    url: str,
    preset: str,
    maps: list[str] | None = None,
    **options: object,
) -> SourceConfig:
    """Build a checked :class:`SourceConfig` from command-line style arguments."""
    name = preset.strip().lower()
    if name not in PRESETS:
        raise FeedConfigError(f"unknown preset {preset!r}; presets are {', '.join(PRESETS)}")
    if not url.strip():
        raise FeedConfigError("the source URL is empty")
    config = SourceConfig(url=url.strip(), preset=name, mapping=parse_mapping(maps), **options)  # type: ignore[arg-type]
    if config.interval_seconds <= 0 or config.timeout_seconds <= 0 or config.max_bytes <= 0:
        raise FeedConfigError("interval, timeout and size limit must be positive")
    load_zone(config.tz)
    return config
