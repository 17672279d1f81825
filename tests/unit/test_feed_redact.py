"""Secrets never leave in text: query keys, auth headers, and the token value itself."""

from __future__ import annotations

import pytest

from console.feeds.redact import REDACTED, redact, redact_headers, redact_url


@pytest.mark.parametrize(
    "url",
    [
        "https://api.jotform.com/form/1/submissions?apiKey=abc123secret&limit=10",
        "https://x.test/feed?token=abc123secret",
        "https://x.test/feed?limit=1&KEY=abc123secret#frag",
        "https://user:abc123secret@x.test/feed",
    ],
)
def test_redact_url_masks_secrets_and_keeps_the_rest(url: str) -> None:
    shown = redact_url(url)
    assert "abc123secret" not in shown and REDACTED in shown
    assert shown.startswith("https://")
    assert "x.test" in shown or "api.jotform.com" in shown


def test_redact_url_keeps_harmless_params() -> None:
    assert redact_url("https://d.test/pub?gid=0&single=true&output=csv") == (
        "https://d.test/pub?gid=0&single=true&output=csv"
    )


def test_redact_free_text() -> None:
    text = (
        "GET https://api.test/x?apiKey=K1&limit=5 failed; Authorization: Bearer tok.en-1; "
        "header authorization=Basic dXNlcjpwYXNz and literal my-token-value"
    )
    out = redact(text, ["my-token-value", None, ""])
    for secret in ("K1", "tok.en-1", "dXNlcjpwYXNz", "my-token-value"):
        assert secret not in out
    assert "limit=5" in out and "Bearer ***" in out


def test_redact_headers() -> None:
    got = dict(redact_headers([("Authorization", "Bearer x"), ("Accept", "text/csv")]))
    assert got == {"Authorization": REDACTED, "Accept": "text/csv"}
