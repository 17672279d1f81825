"""Built-in question form: an aiohttp server participants post to and the board long-polls.

Start it in the console's loop with ``IntakeServer(IntakeConfig(...), FormInfo(...)).start()``
or on its own with ``facilitator form serve``.
"""

from __future__ import annotations

from console.intake.config import (
    DEFAULT_PORT,
    TOKEN_ENV,
    FormInfo,
    IntakeConfig,
    IntakeError,
    form_info_from_agenda,
    format_when,
)


def __getattr__(name: str) -> object:
    """Import the server (and aiohttp) only when it is used, so the CLI starts fast."""
    if name == "IntakeServer":
        from console.intake.server import IntakeServer

        return IntakeServer
    raise AttributeError(name)


__all__ = [
    "DEFAULT_PORT",
    "TOKEN_ENV",
    "FormInfo",
    "IntakeConfig",
    "IntakeError",
    "IntakeServer",
    "form_info_from_agenda",
    "format_when",
]
