"""The ``[questions]`` table of an agenda: where questions come from, and what participants see.

These checks are a part of the agenda checker (``console.agenda.validate``), split off to keep
that module short enough to read: the table has the most keys and the most ways to go wrong
(a secret pasted into the agenda, a URL with a password in it, an unknown preset), and none of
it touches the segments or the clock. ``QuestionChecks`` is the checker's base class, so every
problem is still collected into the one list, at its own line and column.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from console.agenda.model import PARTICIPANT_LISTS, QuestionSource
from console.agenda.positions import KeyPath
from console.agenda.reader import SLUG_LIMIT, TableReader, show, suggest

QUESTION_KEYS = (
    "source",
    "preset",
    "map",
    "interval_seconds",
    "token_env",
    "form_id",
    "participant_list",
    "held_words",
)
MAP_FIELDS = ("text", "asker", "email", "submitted_at", "votes", "topic", "id", "items")
QUESTION_PRESETS = (
    "google-forms",
    "microsoft-forms",
    "typeform",
    "jotform",
    "tally",
    "csv",
    "json",
    "intake",
)
"""The names console.feeds.presets knows; a test keeps the two lists in step."""
_SECRET_WORDS = ("token", "key", "secret", "password", "bearer")
MIN_INTERVAL, MAX_INTERVAL = 1.0, 3600.0
HELD_WORD_LIMIT = 80
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class QuestionChecks(TableReader):
    """The ``[questions]`` table's checks, each adding its problems to the reader's list."""

    def questions(self, data: dict[str, Any]) -> QuestionSource | None:
        example = '[questions] with source = "https://..." or nothing for the built-in form'
        table = self.table(data, "questions", (), required=False, example=example)
        if table is None:
            return None
        where, ctx = ("questions",), "[questions]"
        for key in table:
            if key not in QUESTION_KEYS and any(word in key.lower() for word in _SECRET_WORDS):
                self.add(
                    (*where, key),
                    f"{show(key)}: never put a secret in an agenda; store it in an environment"
                    ' variable and name that variable with token_env = "..."',
                )
        secretish = [key for key in table if any(word in key.lower() for word in _SECRET_WORDS)]
        self.unknown_keys(table, where, QUESTION_KEYS, ctx, skip=secretish)
        url = self.url(table, where, ctx)
        preset = self.text(table, "preset", where, ctx, limit=SLUG_LIMIT)
        if preset is not None and preset not in QUESTION_PRESETS:
            self.add(
                (*where, "preset"),
                f"unknown preset {show(preset)}{suggest(preset, QUESTION_PRESETS)};"
                f" expected one of: {', '.join(QUESTION_PRESETS)}",
            )
        mapping = self.mapping(table, where)
        interval = self.number(
            table,
            "interval_seconds",
            where,
            ctx,
            low=MIN_INTERVAL,
            high=MAX_INTERVAL,
            low_inclusive=True,
        )
        token_env = self.text(table, "token_env", where, ctx)
        if token_env is not None and not _ENV_NAME.match(token_env):
            self.add(
                (*where, "token_env"),
                '"token_env" must be the NAME of an environment variable (like TYPEFORM_TOKEN),'
                " not the token itself",
            )
        form_id = self.text(table, "form_id", where, ctx)
        participant_list = self.participant_list(table, where, ctx)
        held_words = self.held_words(table, where, ctx)
        return QuestionSource(
            url=url,
            preset=preset,
            mapping=mapping,
            interval_seconds=15.0 if interval is None else interval,
            token_env=token_env,
            form_id=form_id,
            participant_list=participant_list,
            held_words=held_words,
        )

    def participant_list(self, table: dict[str, Any], where: KeyPath, ctx: str) -> str:
        mode = self.text(table, "participant_list", where, ctx, limit=SLUG_LIMIT)
        if mode is None:
            return PARTICIPANT_LISTS[0]
        if mode not in PARTICIPANT_LISTS:
            self.add(
                (*where, "participant_list"),
                f"unknown participant_list {show(mode)}{suggest(mode, PARTICIPANT_LISTS)};"
                f" expected one of: {', '.join(PARTICIPANT_LISTS)} (screened: others see a"
                " question once you publish it; open: at once, unless you hide it)",
            )
            return PARTICIPANT_LISTS[0]
        return mode

    def held_words(self, table: dict[str, Any], where: KeyPath, ctx: str) -> tuple[str, ...]:
        words = self.string_list(table, "held_words", where, ctx)
        out: list[str] = []
        for word in words:
            if len(word) > HELD_WORD_LIMIT:
                self.add(
                    (*where, "held_words"),
                    f'"held_words" item is too long (at most {HELD_WORD_LIMIT} characters)',
                )
            elif word.casefold() not in {w.casefold() for w in out}:
                out.append(word)
        return tuple(out)

    def url(self, table: dict[str, Any], where: KeyPath, ctx: str) -> str | None:
        url = self.text(table, "source", where, ctx, limit=2_000)
        if url is None:
            return None
        parts = urlsplit(url)
        if len(parts.scheme) <= 1:  # no scheme (or a Windows drive letter): a local file
            return url
        if parts.scheme not in ("http", "https") or not parts.netloc:
            self.add(
                (*where, "source"),
                '"source" must be an http:// or https:// address or a local file path',
            )
        elif parts.password or "@" in parts.netloc:
            self.add(
                (*where, "source"),
                '"source" must not carry a user name or password; use token_env instead',
            )
        return url

    def mapping(self, table: dict[str, Any], where: KeyPath) -> dict[str, str]:
        raw = self.table(table, "map", where, required=False, example='map = { text = "Question" }')
        if raw is None:
            return {}
        spot: KeyPath = (*where, "map")
        self.unknown_keys(raw, spot, MAP_FIELDS, "[questions] map")
        mapping: dict[str, str] = {}
        for key in MAP_FIELDS:
            column = self.text(raw, key, spot, "[questions] map")
            if column is not None:
                mapping[key] = column
        return mapping
