"""Errors a feed can raise, each carrying a message a facilitator can act on.

The poller turns every failure into status text, so the message is written for people (plain
words, no stack traces) and must already be free of secrets when it is built.
"""

from __future__ import annotations


class FeedError(Exception):
    """A feed could not be fetched or understood; ``message`` is shown to the user as is.

    ``retry_after`` (seconds) is set when the source asked us to wait (HTTP 429/503).
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after

    def __str__(self) -> str:
        return self.message


class FeedConfigError(FeedError):
    """The source configuration itself is wrong (unknown preset, bad mapping, missing token)."""


class FeedFormatError(FeedError):
    """The body arrived but is not what the preset expects (HTML, malformed, missing column)."""


class FeedHTTPError(FeedError):
    """The source answered with an error status, or could not be reached."""
