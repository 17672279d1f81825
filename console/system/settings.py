"""User configuration (read-only) and remembered UI state (written), kept in separate files.

``config.toml`` is the user's: it may carry comments, so the console never rewrites it. What
the console remembers by itself (the chosen theme) goes to ``state.json`` beside it.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.store import atomic_write_bytes

CONFIG_FILE = "config.toml"
STATE_FILE = "state.json"

EXAMPLE_CONFIG = """\
# facilitator console configuration
# Remap keys by binding id (every id is listed in docs/keys.md); several keys are
# separated by commas; an id with a dot goes in quotes ("notes.capture" = "ctrl+k").
[keys]
# start = "s"
# pause = "space"
# next = "n,right"
# previous = "p,left"
# extend = "plus,equals_sign"
# shorten = "minus"

# The retention rule a public-records packet (facilitator export --packet) is stamped with.
[records]
# retention_category = "Public meeting records"
# retention_years = 3        # or "permanent"
"""


@dataclass(frozen=True, slots=True)
class Settings:
    """What the console reads at start: user key map and the remembered theme."""

    config_dir: Path
    keymap: dict[str, str] = field(default_factory=dict)
    theme: str | None = None

    def remember_theme(self, theme: str) -> None:
        """Persist the chosen theme in the state file (never in the user's config)."""
        state = _read_state(self.config_dir)
        state["theme"] = theme
        _write_json_atomic(self.config_dir / STATE_FILE, state)


def load_settings(config_dir: Path) -> Settings:
    """Read ``config.toml`` (optional) and ``state.json`` (optional).

    A config file that does not parse is a ValueError naming the file and position, so a
    typo is reported instead of silently ignored.
    """
    keymap: dict[str, str] = {}
    path = config_dir / CONFIG_FILE
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path}: {exc}") from exc
        keys = data.get("keys", {})
        if isinstance(keys, dict):
            for name, value in keys.items():
                if isinstance(value, dict):  # notes.capture = "..." unquoted: a TOML table
                    inner, spec = next(iter(value.items()), ("id", "key"))
                    raise ValueError(
                        f"{path}: [keys] {name}.{inner}: an id with a dot goes in quotes, "
                        f'as "{name}.{inner}" = "{spec}"'
                    )
        if not isinstance(keys, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in keys.items()
        ):
            raise ValueError(f"{path}: [keys] maps binding ids to strings such as 'n,right'")
        keymap = dict(keys)
    theme = _read_state(config_dir).get("theme")
    return Settings(config_dir, keymap, theme if isinstance(theme, str) else None)


def _read_state(config_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((config_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # no state, or a damaged one: start from defaults, overwrite on next save
    return data if isinstance(data, dict) else {}


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, json.dumps(data, indent=2).encode("utf-8"))
