"""Which question source the user chose on the command line, as a typed value.

The CLI builds one :class:`SourceChoice` from its ``argparse.Namespace`` (``run`` and
``feed test`` both do) and hands that to the core, so no core function reads a Namespace
with ``getattr`` probes and a misspelt option is a type error, not a silent ``None``.
:func:`configured_source` then weighs the choice against the agenda's ``[questions]``
table, and :func:`~console.session.form_host.wants_builtin_form` reads ``builtin_form``.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.agenda.model import Agenda
from console.feeds.config import SourceConfig
from console.feeds.errors import FeedConfigError
from console.feeds.presets import guess_preset, source_from_args


@dataclass(frozen=True, slots=True)
class SourceChoice:
    """The source options as typed: nothing here is checked until a source is built."""

    url: str | None = None
    """``--source``: a URL or a local export; None leaves the agenda's source (or the form)."""
    preset: str | None = None
    """``--preset``: how to read the source; None guesses it from the URL's shape."""
    maps: tuple[str, ...] = ()
    """``--map FIELD=NAME``, as typed, in order."""
    tz: str | None = None
    """``--tz`` (``feed test``): zone of timestamps without one; None is the agenda's or UTC."""
    token_env: str | None = None
    """``--token-env`` (``feed test``): the environment variable holding the token."""
    timeout_seconds: float | None = None
    """``--timeout`` (``feed test``); None keeps the configuration's default."""
    builtin_form: bool = True
    """False with ``--no-form``: do not start the built-in question form."""
    port: int | None = None
    """``run --port``: the local form's port, saved with the session (``form_plan``)."""
    public_url: str | None = None
    """``run --public-url``: a hosted form to follow (alone), or the address of a proxy or
    tunnel in front of the local form (with ``--port``)."""

    def preset_name(self) -> str | None:
        """The preset named, else the one the URL's shape suggests; None when neither."""
        if self.preset:
            return self.preset
        return guess_preset(self.url) if self.url else None

    def source_config(self, *, tz: str | None = None, **options: object) -> SourceConfig:
        """The chosen source, checked; ``tz`` is the fallback zone (the agenda's).

        Raises ``FeedConfigError`` in plain words (no URL, no preset, a bad ``--map``).
        """
        if not self.url:
            raise FeedConfigError("no question source was named")
        preset = self.preset_name()
        if not preset:
            from console.feeds.fetch import describe_source  # httpx only on this error path

            raise FeedConfigError(
                f"say which kind of source {describe_source(self.url)} is with a preset"
            )
        if self.token_env is not None:
            options.setdefault("token_env", self.token_env)
        if self.timeout_seconds is not None:
            options.setdefault("timeout_seconds", self.timeout_seconds)
        return source_from_args(self.url, preset, list(self.maps), tz=self.tz or tz, **options)


def configured_source(agenda: Agenda, choice: SourceChoice | None = None) -> SourceConfig | None:
    """The session's form source: ``run --source URL --preset NAME --map F=N`` wins over the
    agenda's ``[questions]`` table; ``None`` when neither names a URL (the built-in form's
    source is added by the app itself). Raises ``FeedConfigError`` in plain words."""
    if choice is not None and choice.url:
        return choice.source_config(tz=agenda.timezone)
    q = agenda.questions
    if not q.url:
        return None
    from_agenda = SourceChoice(
        url=q.url,
        preset=q.preset,
        maps=tuple(f"{k}={v}" for k, v in q.mapping.items()),
        token_env=q.token_env,
    )
    return from_agenda.source_config(tz=agenda.timezone, interval_seconds=q.interval_seconds)
