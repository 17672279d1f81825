"""The typed source choice: built once from the command line, read by the core."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from console.agenda.load import load_agenda, resolve_agenda
from console.cli import build_parser
from console.cli.feed import source_choice as feed_source_choice
from console.cli.run import source_choice as run_source_choice
from console.feeds.errors import FeedConfigError
from console.session.form_host import wants_builtin_form
from console.session.source_choice import SourceChoice, configured_source


def test_configured_source_prefers_the_command_line() -> None:
    """Moved from test_board_feeds.py with configured_source; a SourceChoice, not a Namespace."""
    agenda = load_agenda(resolve_agenda(None))
    args = SourceChoice(url="https://example.org/q.csv", preset=None, maps=("text=Q",))
    config = configured_source(agenda, args)
    assert config is not None
    assert (config.preset, config.mapping, config.tz) == ("csv", {"text": "Q"}, agenda.timezone)
    assert configured_source(agenda, SourceChoice(url=None)) is None
    with pytest.raises(FeedConfigError):
        configured_source(agenda, SourceChoice(url="x", preset="nope"))


def test_the_run_command_builds_one_choice() -> None:
    args = build_parser().parse_args(
        ["run", "--source", "export.json", "--map", "text=Q", "--map", "asker=Who", "--no-form"]
    )
    assert run_source_choice(args) == SourceChoice(
        url="export.json", maps=("text=Q", "asker=Who"), builtin_form=False
    )
    assert run_source_choice(build_parser().parse_args(["run"])) == SourceChoice()


def test_feed_test_builds_one_choice() -> None:
    args = build_parser().parse_args(
        ["feed", "test", "a.csv", "--preset", "csv", "--tz", "Europe/Paris", "--timeout", "5"]
    )
    choice = feed_source_choice(args)
    assert choice == SourceChoice(url="a.csv", preset="csv", tz="Europe/Paris", timeout_seconds=5.0)
    config = choice.source_config(wait_seconds=0.0)
    assert (config.tz, config.timeout_seconds, config.wait_seconds) == ("Europe/Paris", 5.0, 0.0)


def test_a_source_needs_a_preset_it_can_tell() -> None:
    with pytest.raises(FeedConfigError, match="with a preset"):
        SourceChoice(url="https://example.org/form").source_config()
    assert SourceChoice(url="https://docs.google.com/x").preset_name() == "google-forms"


def _session(runs_clock: bool = True, agenda_url: str | None = None) -> Any:
    return SimpleNamespace(
        runs_clock=runs_clock, agenda=SimpleNamespace(questions=SimpleNamespace(url=agenda_url))
    )


def test_the_builtin_form_is_the_default_source() -> None:
    assert wants_builtin_form(_session(), None)
    assert wants_builtin_form(_session(), SourceChoice())
    assert not wants_builtin_form(_session(), SourceChoice(builtin_form=False))
    assert not wants_builtin_form(_session(), SourceChoice(url="https://example.org/q.csv"))
    assert not wants_builtin_form(_session(agenda_url="https://example.org/q.csv"), None)
    assert not wants_builtin_form(_session(runs_clock=False), SourceChoice())
