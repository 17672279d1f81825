"""The last good feed, kept in its own JSON file so the board has questions at startup.

It is a cache, apart from decisions and notes: rewritten only when the feed changed, and
atomically (temp file in the same folder, fsync, ``os.replace``, fsync the folder) so a
crash leaves the old copy or the new one, never half a file. A file that does not parse is
reported and left alone.

``questions`` is what the sources list; ``kept`` (absent when empty, so such a file is the
shape older consoles wrote) holds questions the sources dropped that the board keeps because
the facilitator decided something about them or a note refers to them, so neither a restart
nor the report loses them. The poller is seeded with ``questions`` only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from console.feeds.errors import FeedError
from console.feeds.model import FeedQuestion
from console.store import atomic_write_bytes

if TYPE_CHECKING:
    from console.feeds.poller import FeedUpdate

SCHEMA_VERSION = 1


class FeedCacheError(FeedError):
    """The cache file exists but cannot be read; it is kept as is."""


@dataclass(frozen=True, slots=True)
class CachedFeed:
    questions: tuple[FeedQuestion, ...]
    source_label: str
    saved_at: datetime | None
    kept: tuple[FeedQuestion, ...] = ()
    """Questions the sources no longer list, kept for a decision or a note."""

    @property
    def every_question(self) -> tuple[FeedQuestion, ...]:
        """What the board shows: the listed questions, then the kept ones."""
        return self.questions + self.kept


def save_feed(
    path: Path,
    questions: Iterable[FeedQuestion],
    *,
    source_label: str,
    saved_at: datetime,
    kept: Iterable[FeedQuestion] = (),
) -> None:
    """Write the feed atomically. ``source_label`` must already be redacted."""
    payload: dict[str, object] = {
        "schema": SCHEMA_VERSION,
        "source": source_label,
        "saved_at": saved_at.isoformat(),
        "questions": [q.to_json() for q in questions],
    }
    kept_json = [q.to_json() for q in kept]
    if kept_json:
        payload["kept"] = kept_json
    data = json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, data)


def load_feed(path: Path) -> CachedFeed | None:
    """The saved feed, None when there is none; FeedCacheError when it cannot be read."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedCacheError(
            f"the saved feed {path} cannot be read ({exc}); it was left as is"
        ) from None
    if (
        not isinstance(raw, dict)
        or not isinstance(raw.get("questions"), list)
        or not isinstance(raw.get("kept", []), list)
    ):
        raise FeedCacheError(f"the saved feed {path} has an unexpected shape; it was left as is")
    if raw.get("schema") != SCHEMA_VERSION:
        raise FeedCacheError(
            f"the saved feed {path} has schema {raw.get('schema')!r}, expected {SCHEMA_VERSION}"
        )
    try:
        questions = tuple(FeedQuestion.from_json(q) for q in raw["questions"])
        kept = tuple(FeedQuestion.from_json(q) for q in raw.get("kept", []))
        when = raw.get("saved_at")
        saved_at = datetime.fromisoformat(when) if isinstance(when, str) else None
    except (KeyError, TypeError, ValueError) as exc:
        raise FeedCacheError(f"the saved feed {path} has a bad entry ({exc})") from exc
    return CachedFeed(questions, str(raw.get("source") or ""), saved_at, kept)


class FeedCache:
    """Saves a poller's updates, only the ones that changed the question set."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.saves = 0

    def load(self) -> CachedFeed | None:
        return load_feed(self.path)

    def store(
        self,
        questions: Iterable[FeedQuestion],
        changed: bool,
        *,
        source_label: str,
        saved_at: datetime,
        kept: Iterable[FeedQuestion] = (),
    ) -> bool:
        """Write when ``changed`` (or when no copy exists yet); return whether it wrote."""
        if not changed and self.path.exists():
            return False
        save_feed(self.path, questions, source_label=source_label, saved_at=saved_at, kept=kept)
        self.saves += 1
        return True

    def store_update(self, update: FeedUpdate) -> bool:
        """Save a poller update when it succeeded and changed something."""
        if not update.status.ok:
            return False
        when = update.status.last_success_at or update.status.last_attempt_at
        if when is None:
            return False
        return self.store(
            update.questions, update.changed, source_label=update.status.source_label, saved_at=when
        )
