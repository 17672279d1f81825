"""Where the console keeps data and configuration.

Data (sessions) and configuration live apart, as platformdirs says they should; both can be
overridden by a flag or an environment variable so tests and shared folders need no HOME.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "facilitator"
DATA_ENV = "FACILITATOR_DATA_DIR"
CONFIG_ENV = "FACILITATOR_CONFIG_DIR"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Root of session data: flag, then ``FACILITATOR_DATA_DIR``, then the user data dir."""
    if override:
        return Path(override).expanduser()
    if env := os.environ.get(DATA_ENV):
        return Path(env).expanduser()
    from platformdirs import user_data_path  # imported late: it is slow and rarely needed

    return user_data_path(APP_NAME, appauthor=False)


def config_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Root of configuration: flag, then ``FACILITATOR_CONFIG_DIR``, then the user config dir."""
    if override:
        return Path(override).expanduser()
    if env := os.environ.get(CONFIG_ENV):
        return Path(env).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def sessions_dir(root: Path) -> Path:
    return root / "sessions"


def bundled_agendas_dir() -> Path:
    """The agendas shipped with the package (the repo's ``agendas/`` in a checkout)."""
    here = Path(__file__).resolve().parent.parent  # the console package
    for candidate in (here.parent / "agendas", here / "_bundled_agendas"):
        if candidate.is_dir():
            return candidate
    return here.parent / "agendas"
