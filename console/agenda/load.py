"""Loading an agenda: a file or a bundled name to a checked :class:`~console.agenda.model.Agenda`.

An agenda is a small, hand-written TOML file (see ``agendas/README.md``). Loading never raises
anything but :class:`~console.agenda.errors.AgendaError`, which carries every problem of the
file at once as ``path:line:col: message``, so an author fixes a file in one pass instead of
one error per run. The checks themselves live in :mod:`console.agenda.validate`; this module
holds the file handling around them (size, encoding, TOML syntax, finding bundled agendas).
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import tomllib
from dataclasses import replace
from pathlib import Path

from console.agenda.errors import AgendaError, Problem
from console.agenda.model import Agenda
from console.agenda.validate import build_agenda
from console.system.paths import bundled_agendas_dir

DEFAULT_AGENDA = "school-safety-office-hours"
MAX_AGENDA_BYTES = 1024 * 1024
"""Agendas are a few kilobytes; anything near a megabyte is a wrong file, not an agenda."""

_TIME_WITHOUT_SECONDS = re.compile(r"=\s*\d{2}:\d{2}\s*(?:#.*)?$")
_TOMLLIB_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")


def parse_agenda(text: str, path: str = "<agenda>") -> Agenda:
    """Parse and validate agenda TOML; ``path`` only labels the problems."""
    if len(text) > MAX_AGENDA_BYTES:
        raise AgendaError.whole_file(path, "too large for an agenda (over 1 MiB); refused")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise AgendaError([_syntax_problem(error, text, path)]) from None
    except RecursionError:
        raise AgendaError.whole_file(path, "TOML nested too deeply to read") from None
    name = Path(path).stem if path != "<agenda>" else "agenda"
    return build_agenda(data, text, path, name=name)


def _syntax_problem(error: tomllib.TOMLDecodeError, text: str, path: str) -> Problem:
    """Where tomllib stopped: attributes on Python 3.14+, else parsed from its message."""
    message = str(getattr(error, "msg", "") or error)
    line = getattr(error, "lineno", None)
    col = getattr(error, "colno", None)
    match = _TOMLLIB_POSITION.search(message)
    if match:
        message = message[: match.start()]
        if match.group(1):
            line, col = int(match.group(1)), int(match.group(2))
    if not isinstance(line, int) or not isinstance(col, int):
        lines = text.split("\n")
        line, col = len(lines), len(lines[-1]) + 1
    hint = ""
    source_line = text.split("\n")[line - 1] if 0 < line <= text.count("\n") + 1 else ""
    if _TIME_WITHOUT_SECONDS.search(source_line):
        hint = " (TOML times need seconds: write 15:30:00, not 15:30)"
    return Problem(path, line, col, f"TOML syntax error: {message}{hint}")


def load_agenda(path: Path) -> Agenda:
    """Read, parse and validate one agenda file; every failure is an :class:`AgendaError`."""
    label = str(path)
    try:
        if not path.exists():
            raise AgendaError.whole_file(label, "no such agenda file")
        raw = _read_regular_file(path, label)
    except OSError as error:
        raise AgendaError.whole_file(label, f"cannot read: {error.strerror or error}") from None
    if len(raw) > MAX_AGENDA_BYTES:
        raise AgendaError.whole_file(label, "too large for an agenda (over 1 MiB); refused")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        col = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        message = "not UTF-8 text (save the file as UTF-8)"
        raise AgendaError([Problem(label, line, col, message)]) from None
    text = text.removeprefix("\ufeff")  # Windows editors add a byte-order mark.
    return replace(parse_agenda(text, label), path=path, name=path.stem)


_NOT_REGULAR = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _read_regular_file(path: Path, label: str) -> bytes:
    """Up to ``MAX_AGENDA_BYTES + 1`` bytes of ``path``, refusing anything but a regular file.

    Opening a named pipe for reading waits until something writes to it (``agenda check`` on a
    FIFO hung forever), and a device may never end. So the file is opened without blocking and
    its type is checked on the open descriptor before any read (checking the path first would
    leave a moment to swap the file).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise AgendaError.whole_file(label, "is a directory, not an agenda file")
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _NOT_REGULAR if test(mode)), "a special file")
            raise AgendaError.whole_file(
                label, f"not a regular file ({kind}); an agenda is a TOML file, refused"
            )
        with open(fd, "rb", closefd=False) as handle:
            return handle.read(MAX_AGENDA_BYTES + 1)
    finally:
        os.close(fd)


def bundled_agendas() -> list[Path]:
    folder = bundled_agendas_dir()
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


def resolve_agenda(name_or_path: str | None) -> Path:
    """An existing file path wins; otherwise a bundled agenda's name; None -> the default."""
    wanted = DEFAULT_AGENDA if name_or_path is None else name_or_path
    candidate = Path(wanted).expanduser()
    if name_or_path is not None and (candidate.exists() or _looks_like_path(wanted)):
        return candidate
    bundled = {path.stem: path for path in bundled_agendas()}
    if wanted in bundled:
        return bundled[wanted]
    message = f"no such agenda file or bundled agenda (bundled: {', '.join(bundled) or 'none'})"
    close = difflib.get_close_matches(wanted, list(bundled), n=1)
    if close:
        message += f"; did you mean {close[0]!r}?"
    raise AgendaError.whole_file(wanted, message)


def _looks_like_path(text: str) -> bool:
    return "/" in text or "\\" in text or text.endswith(".toml")
