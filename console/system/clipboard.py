"""Copy text to the desktop clipboard without ever hanging the console, and say what happened.

pyperclip shells out to ``xclip``/``xsel``/``wl-copy``/``pbcopy``; with no desktop (SSH, a
container) it raises, and with a half-broken one it can block for good. The copy therefore
runs in a daemon thread that is given up on after ``timeout`` seconds. The UI also sends the
text with OSC 52 (``App.copy_to_clipboard``), which no terminal acknowledges: only a
pyperclip success is reported as "copied". Nothing here imports Textual.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_TIMEOUT = 2.0

Copier = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class ClipboardResult:
    """What the desktop clipboard did with the text."""

    copied: bool
    """True only when the desktop clipboard took the text."""
    detail: str
    """Why not, in plain words (empty when copied)."""


def _pyperclip_copy(text: str) -> None:
    import pyperclip

    pyperclip.copy(text)


def copy_to_desktop(
    text: str, *, timeout: float = DEFAULT_TIMEOUT, copier: Copier | None = None
) -> ClipboardResult:
    """Try the desktop clipboard in a thread; give up after ``timeout`` seconds."""
    run = copier or _pyperclip_copy
    outcome: list[BaseException | None] = []

    def attempt() -> None:
        try:
            run(text)
        except BaseException as exc:  # pyperclip raises its own and OS errors; all mean "no"
            outcome.append(exc)
        else:
            outcome.append(None)

    worker = threading.Thread(target=attempt, name="clipboard-copy", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive() or not outcome:
        return ClipboardResult(False, f"the desktop clipboard did not answer within {timeout:g} s")
    error = outcome[0]
    if error is not None:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        return ClipboardResult(False, f"no desktop clipboard ({reason})")
    return ClipboardResult(True, "")


def copy_with_desktop(text: str, timeout: float = DEFAULT_TIMEOUT) -> bool:
    """True when the desktop clipboard took ``text`` (the app's simple entry point)."""
    return copy_to_desktop(text, timeout=timeout).copied


def describe(result: ClipboardResult, what: str, saved: str | None = None) -> str:
    """The honest message: "copied" vs "sent to the terminal, unconfirmed", plus the file."""
    if result.copied:
        message = f"{what} copied to the clipboard."
    else:
        message = f"{what} sent to the terminal (OSC 52), unconfirmed: {result.detail}."
    if saved:
        message += f" Saved file: {saved}"
    return message
