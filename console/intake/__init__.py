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
from console.intake.server import IntakeServer

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
