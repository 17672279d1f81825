"""What the intake server shows and how it is run, as plain values.

``FormInfo`` is deliberately not the agenda model: the form only needs a title, the
session's start and zone (its date line is written in each page's language) and the theme
choices, so the server never depends on how agendas are loaded. ``form_info_from_agenda``
adapts any object shaped like an agenda.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_PORT = 8765
PORT_SEARCH_SPAN = 20
"""How many ports after the default are tried when the default one is busy."""

TOKEN_ENV = "FACILITATOR_FORM_TOKEN"  # noqa: S105 - a variable name
MAX_BODY_BYTES = 32 * 1024
"""The largest body a post may have (``413`` above it). Sized for the worst a participant can
send within the limits: 2,000 characters of a script that takes 4 bytes each in UTF-8 (emoji,
historic scripts), URL-encoded at 12 bytes each, is 24,000 bytes; a 120-character name and a
254-character email written the same way add 4,488; the other fields a few hundred. A
question too long by a little is then still answered with the form and its whole text (the
participant can shorten it), not with a ``413`` that loses it."""
MAX_API_BODY_BYTES = 8 * 1024 * 1024
"""The largest body the console's API takes, with its token only (a push of decisions with
their answers: the console sends at most about 1 MiB at a time, ``form_batch.PUSH_BYTES``,
and more only for one question whose answers alone are larger)."""


class IntakeError(Exception):
    """A problem the person starting the form can fix (busy port, locked folder...)."""


@dataclass(frozen=True, slots=True)
class FormInfo:
    """What a participant sees at the top of the form."""

    title: str
    when: str = ""
    """The date line as given (English); pages show ``when_in(lang)``."""
    themes: list[tuple[str, str]] = field(default_factory=list)
    """``(id, label)`` pairs offered in the optional theme list."""
    host: str | None = None
    """Who hosts the session (an agency, a person), shown under the title."""
    ask_email: bool = True
    """Offer the optional follow-up email field (always with the consent sentence)."""
    email_consent: str | None = None
    """The consent sentence under the email field; ``None``: the default, translated."""
    stops_after_session: bool = False
    """A console's own form, stopped once the session is over: the thank-you page tells the
    asker their private link works until then (a hosted form keeps it working)."""
    start: str | None = None
    """When the session starts (ISO 8601 with its offset): the date line is written from it
    in each page's language. ``None``: ``when`` is shown as given."""
    timezone: str | None = None
    """The session's time zone (IANA name) the date line is shown in."""

    def when_in(self, lang: str) -> str:
        """The date line in ``lang`` (``en``, ``es``), from ``start`` when known."""
        if self.start:
            try:
                moment = datetime.fromisoformat(self.start)
            except ValueError:
                return self.when
            if moment.tzinfo is not None:
                return format_when(moment, self.timezone, lang)
        return self.when


@dataclass(slots=True)
class IntakeConfig:
    """How to run the server. Limits are generous: a school district shares one NAT address."""

    data_dir: Path
    host: str = "127.0.0.1"
    port: int | None = None
    """``None``: the default port, or the next free one; an explicit busy port is an error."""
    public_url: str | None = None
    """The address participants use (behind a TLS proxy); Origin and Host are checked to it."""
    trust_proxy: bool = False
    """Take the client address from X-Forwarded-For (only behind your own proxy)."""
    rate_per_minute: int = 30
    rate_burst: int = 10
    global_per_minute: int = 1200
    token: str | None = None
    """Read token; else ``FACILITATOR_FORM_TOKEN``, else made once and kept in ``data_dir``."""
    extra_hosts: tuple[str, ...] = ()
    """More ``host[:port]`` names the server may be reached by (besides the bound one)."""
    participant_list: str = "screened"
    """``screened``: others see a question once published; ``open``: at once unless hidden.
    The console may override it with each push (``POST /api/decisions``)."""
    held_words: tuple[str, ...] = ()
    """Questions containing one of these words are flagged ``held`` and wait for publishing."""
    votes_per_minute: int = 30
    """"Me too" posts per minute from one participant (burst 20); repeats count once anyway."""
    votes_per_address_per_minute: int = 1200
    """"Me too" posts per minute from one address (a school NAT holds many participants)."""
    header_timeout: float = 10.0
    """Seconds a client has to finish a request's headers (from connecting, or from the first
    byte of the next request on a kept-alive connection); trickling bytes does not extend it."""
    keepalive_timeout: float = 15.0
    """Seconds an idle connection is kept open between requests."""
    body_timeout: float = 30.0
    """Seconds a client has to send a posted body (32 KiB at most); then ``408``."""


WHEN_PATTERNS = {
    "en": "EEEE, MMMM d, y, h:mm a",
    "es": "EEEE, d 'de' MMMM 'de' y, H:mm",
}
"""The date line per language (CLDR patterns, written out by Babel): 'Wednesday, December
17, 2025, 3:30 PM EST'; 'miércoles, 17 de diciembre de 2025, 15:30 EST'."""


def format_when(start: datetime, timezone: str | None = None, lang: str = "en") -> str:
    """Date and time in the session's own zone, in ``lang``, with the zone's abbreviation."""
    from babel.dates import format_datetime  # only the pages need it: the CLI starts fast

    moment = start
    if timezone:
        try:
            moment = start.astimezone(ZoneInfo(timezone))
        except (ZoneInfoNotFoundError, ValueError):
            moment = start
    pattern = WHEN_PATTERNS.get(lang, WHEN_PATTERNS["en"])
    text = format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=lang)
    return f"{text} {moment.strftime('%Z')}".strip()


def form_info_from_agenda(agenda: Any, held_at: datetime | None = None) -> FormInfo:
    """Build ``FormInfo`` from anything with ``title``, ``host``, ``scheduled_start``,
    ``timezone`` and ``themes`` (each with ``id`` and ``label``).

    ``held_at``: when the session is really held, if not at the agenda's date (an agenda
    reused on another day): participants must not read a date from last year.
    """
    start = held_at or getattr(agenda, "scheduled_start", None)
    timezone = getattr(agenda, "timezone", None)
    zone = str(timezone) if timezone else None
    when = format_when(start, zone) if start else ""
    themes = [(str(t.id), str(t.label)) for t in getattr(agenda, "themes", ()) or ()]
    host = getattr(agenda, "host", None)
    return FormInfo(
        title=str(getattr(agenda, "title", "") or "Questions"),
        when=when,
        themes=themes,
        host=str(host) if host else None,
        start=start.isoformat() if start and start.tzinfo else None,
        timezone=zone,
    )
