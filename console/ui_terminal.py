"""Reading the terminal: a bracketed paste arrives whole, in order, and cleaned.

Textual's parser (``textual._xterm_parser.XTermParser``, 8.2) treats an ESC inside a
bracketed paste as the start of a key sequence: the characters after it leave the paste and
come back as key presses (ESC as ``^``, BEL as ``ctrl+g``) *before* the paste event, which
keeps only the text ahead of the ESC. Pasting ``!one <ESC>]52;c;QQ==<BEL> two`` typed
``^]52;c;QQ== two`` and then pasted ``!one``; a ``ctrl+q`` byte after an ESC in a paste
would even quit the console. So anyone who can put text on a clipboard could press keys.

``PasteSafeParser`` leaves everything outside a paste to Textual. From the paste start
marker it reads every character as text, up to the end marker, and posts one ``Paste``
event, cleaned like any other outside text (``clean_text``: whole escape sequences and
control characters removed, newlines and tabs kept), so every widget gets safe text.

Textual gives no hook to choose the parser: its drivers build one with the name
``XTermParser`` from their own module when their input thread starts.
``use_paste_safe_parser`` points that name, in the modules of the driver the console runs
on, at ``PasteSafeParser`` (a subclass, so nothing else changes). A Pilot test runs the
Linux driver's real input thread on a pipe, so a Textual upgrade that builds its parser
another way fails that test instead of silently bringing the bug back.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Generator

from textual import events
from textual._parser import ParseEOF, ParseTimeout, Peek1, Read1
from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser
from textual.driver import Driver
from textual.message import Message

from console.text.clean import clean_text

_START_LEN = len(BRACKETED_PASTE_START)
_END_LEN = len(BRACKETED_PASTE_END)
_END_LAST = BRACKETED_PASTE_END[-1]


class PasteSafeParser(XTermParser):
    """Textual's terminal parser, except that a bracketed paste is read as plain text."""

    def parse(
        self, token_callback: Callable[[Message], None]
    ) -> Generator[Read1 | Peek1, str, None]:
        def keys_and_the_rest(token: Message) -> None:
            if not isinstance(token, events.Paste):  # pastes are read below, not by Textual
                token_callback(token)

        textual = super().parse(keys_and_the_rest)
        request = next(textual)
        recent = ""  # the last characters Textual read, to see a paste start (it never peeks)
        while True:
            try:
                character = yield request
            except ParseTimeout:
                request = textual.throw(ParseTimeout())
                continue
            except ParseEOF:
                _end(textual)
                return
            request = textual.send(character)
            recent = (recent + character)[-_START_LEN:]
            if recent != BRACKETED_PASTE_START:
                continue
            recent = ""
            # Textual now expects pasted text: read it here, up to the end marker.
            pasted: list[str] = []
            while True:
                try:
                    character = yield self.read1()
                except ParseTimeout:  # a paste waits for no timeout; never asked for one
                    continue
                except ParseEOF:  # the terminal went away mid-paste: nobody to paste to
                    _end(textual)
                    return
                pasted.append(character)
                if character == _END_LAST and "".join(pasted[-_END_LEN:]) == BRACKETED_PASTE_END:
                    break
            text = "".join(pasted[:-_END_LEN])
            token_callback(events.Paste(clean_text(text, keep_ends=True)))
            # Let Textual see the end marker too, so it leaves its own paste mode (the empty
            # paste it reports for it is dropped above).
            for character in BRACKETED_PASTE_END:
                request = textual.send(character)


def _end(textual: Generator[Read1 | Peek1, str, None]) -> None:
    """Tell Textual's parser the input ended (it flushes a sequence it was reading)."""
    with contextlib.suppress(StopIteration, ParseEOF):
        textual.throw(ParseEOF())


def use_paste_safe_parser(driver_class: type[Driver]) -> bool:
    """Make ``driver_class`` read the terminal with ``PasteSafeParser``.

    False when no module along the driver's classes builds its parser from the name
    ``XTermParser`` (another platform's driver, or Textual changed): the console still
    runs, with Textual's own parser. The Linux driver's case is tested end to end.
    """
    replaced = False
    for cls in driver_class.__mro__:
        module = sys.modules.get(cls.__module__)
        parser = getattr(module, "XTermParser", None)
        if module is None or not isinstance(parser, type) or not issubclass(parser, XTermParser):
            continue
        module.XTermParser = PasteSafeParser  # type: ignore[attr-defined]
        replaced = True
    return replaced
