"""How long an agency keeps a session's record: ``[records]`` in ``config.toml``.

A public-records packet (``facilitator export --packet``) is stamped with the retention
category of the agency's schedule and the date the record may be disposed of, so whoever
files it need not look either up. Read-only, like the rest of the user's configuration::

    [records]
    retention_category = "Public meeting records (schedule M1, item 12)"
    retention_years = 3            # or "permanent"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from console.system.settings import CONFIG_FILE

PERMANENT = "permanent"


@dataclass(frozen=True, slots=True)
class Retention:
    """The configured rule; both None when ``[records]`` is not set."""

    category: str | None = None
    years: int | None = None
    permanent: bool = False

    @property
    def configured(self) -> bool:
        return self.category is not None and (self.years is not None or self.permanent)

    def disposal_date(self, held_on: date) -> date | None:
        """``held_on`` plus the years (29 February becomes the 28th); None if kept for good
        or not configured."""
        if self.years is None or self.permanent:
            return None
        try:
            return held_on.replace(year=held_on.year + self.years)
        except ValueError:
            return held_on.replace(year=held_on.year + self.years, day=28)


def load_retention(config_dir: Path) -> Retention:
    """``[records]`` of ``config.toml``; a wrong value is a ValueError naming file and key."""
    path = config_dir / CONFIG_FILE
    if not path.is_file():
        return Retention()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    table = data.get("records", {})
    if not isinstance(table, dict):
        raise ValueError(f"{path}: [records] must be a table")
    category = table.get("retention_category")
    if category is not None and (not isinstance(category, str) or not category.strip()):
        raise ValueError(f"{path}: [records] retention_category must be a non-empty string")
    years = table.get("retention_years")
    if years == PERMANENT:
        return Retention(category.strip() if category else None, None, True)
    if years is not None and (isinstance(years, bool) or not isinstance(years, int) or years < 1):
        raise ValueError(
            f"{path}: [records] retention_years must be a whole number of years (1 or more) "
            f'or "{PERMANENT}", not {years!r}'
        )
    return Retention(category.strip() if category else None, years)
