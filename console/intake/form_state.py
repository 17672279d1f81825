"""Whether the question form is open, kept in its folder so a restart does not change it.

A form the facilitator closed (for now, or because the session ended) must not open again
because the console or the server restarted, and one reopened after the session ended must
not close again. The state is one small JSON file beside the questions
(``<intake folder>/form-state.json``), written atomically by the server that holds the
folder lock. A file that does not parse is kept aside as ``form-state.unreadable-<time>.json``
(never overwritten) and counts as never saved.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from console.intake.files import atomic_write_bytes

log = logging.getLogger(__name__)

STATE_FILE = "form-state.json"
ENDED = "ended"
"""Closed because the session is over: the page says the session has ended."""
CLOSED = "closed"
"""Closed for now by the facilitator: the page says the form is closed, and may reopen."""
REASONS = (ENDED, CLOSED)


@dataclass(frozen=True, slots=True)
class FormState:
    """Open, or closed with a reason; ``changed_at`` is when it last changed (ISO 8601)."""

    open: bool = True
    reason: str | None = None
    """``ENDED`` or ``CLOSED`` while closed; ``None`` while open."""
    changed_at: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"open": self.open, "reason": self.reason, "changed_at": self.changed_at}

    @classmethod
    def from_json(cls, raw: object) -> FormState:
        """Parse the saved state; ``ValueError`` when it is not one."""
        if not isinstance(raw, dict) or not isinstance(raw.get("open"), bool):
            raise ValueError('the state must be an object with "open": true or false')
        reason, changed_at = raw.get("reason"), raw.get("changed_at")
        if raw["open"]:
            reason = None
        elif reason not in REASONS:
            reason = ENDED  # closed for a reason this version does not know: say it ended
        if changed_at is not None and not isinstance(changed_at, str):
            raise ValueError("changed_at must be a string")
        return cls(raw["open"], reason, changed_at)


def load_form_state(folder: Path) -> FormState | None:
    """The saved state, or ``None`` when none was saved (or it could not be read)."""
    path = folder / STATE_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        return FormState.from_json(json.loads(raw.decode("utf-8")))
    except (UnicodeDecodeError, ValueError) as exc:
        aside = _unreadable_name(path)
        path.replace(aside)
        log.warning("%s did not parse (%s); kept it as %s", path, exc, aside)
        return None


def save_form_state(folder: Path, state: FormState) -> None:
    """Write the state atomically; ``OSError`` when the disk refuses."""
    payload = json.dumps(state.to_json(), indent=1).encode("utf-8") + b"\n"
    atomic_write_bytes(folder / STATE_FILE, payload)


def _unreadable_name(path: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate, counter = path.with_name(f"{path.stem}.unreadable-{stamp}.json"), 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.unreadable-{stamp}-{counter}.json")
        counter += 1
    return candidate
