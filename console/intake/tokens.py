"""The read token (who may read questions) and the server secret (signs CSRF tokens).

Both are made once with ``secrets`` and kept in the intake folder with owner-only
permissions, so a restart keeps the console's access and participants' open forms valid.
The read token can instead come from ``FACILITATOR_FORM_TOKEN`` (then nothing is written).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from console.intake.config import TOKEN_ENV
from console.intake.files import atomic_write_bytes

TOKEN_FILE = "read-token"  # noqa: S105 - a file name
SECRET_FILE = "server-secret"  # noqa: S105 - a file name
MIN_TOKEN_LENGTH = 16


@dataclass(frozen=True, slots=True)
class ReadToken:
    value: str
    created: bool
    """True only the first time, so the token is printed once."""
    source: str
    """``"config"``, ``"env"``, ``"file"`` or ``"new"``."""


def _read_secret_file(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return text or None


def load_read_token(folder: Path, explicit: str | None = None) -> ReadToken:
    """The read token: explicit, else the environment, else the kept one, else a new one."""
    if explicit:
        return ReadToken(_checked(explicit, "the configured token"), False, "config")
    if env := os.environ.get(TOKEN_ENV, "").strip():
        return ReadToken(_checked(env, TOKEN_ENV), False, "env")
    path = folder / TOKEN_FILE
    if kept := _read_secret_file(path):
        return ReadToken(kept, False, "file")
    value = secrets.token_urlsafe(32)
    atomic_write_bytes(path, (value + "\n").encode("utf-8"))
    return ReadToken(value, True, "new")


def load_server_secret(folder: Path) -> bytes:
    """The key that signs CSRF tokens and receipts; kept so a restart does not void open forms."""
    path = folder / SECRET_FILE
    if kept := _read_secret_file(path):
        try:
            return bytes.fromhex(kept)
        except ValueError:
            pass
    value = secrets.token_hex(32)
    atomic_write_bytes(path, (value + "\n").encode("utf-8"))
    return bytes.fromhex(value)


def copy_server_secret(source: Path, target: Path) -> bool:
    """Start ``target``'s form with ``source``'s secret (a follow-up session of a series), so
    the participant cookies it signed stay valid; never replaces a secret ``target`` has.
    True when copied; False when there is none to copy or ``target`` has its own."""
    kept = _read_secret_file(source / SECRET_FILE)
    if kept is None or (target / SECRET_FILE).exists():
        return False
    try:
        bytes.fromhex(kept)
    except ValueError:
        return False
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    atomic_write_bytes(target / SECRET_FILE, (kept + "\n").encode("utf-8"))
    return True


def _checked(token: str, where: str) -> str:
    token = token.strip()
    if len(token) < MIN_TOKEN_LENGTH or any(c.isspace() for c in token):
        raise ValueError(f"{where} must be at least {MIN_TOKEN_LENGTH} characters with no spaces")
    return token
