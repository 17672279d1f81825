"""Question feeds: fetching a form service's answers and turning them into questions.

- config: a source's configuration (URL, preset, mapping, limits; the token never saved)
- presets: one name per kind of source; guessing one from a URL; a checked configuration
- csv_adapter, json_adapter, services: the parsers and request builders behind the presets
- base, model: what every adapter shares, and the normalised ``FeedQuestion``
- fetch: one bounded GET (httpx); poller: one long-lived loop per source
- cache: the last good feed in its own file; redact: secrets kept out of every message
- errors: failures in words a facilitator can act on

No re-exports: the poller and the fetch pull in httpx, which the CLI and the report should
not pay for when they only need a configuration or the cache.
"""
