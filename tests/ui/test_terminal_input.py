"""The console's terminal parser: a bracketed paste is text, whatever bytes it holds."""

from __future__ import annotations

from collections.abc import Iterable

from textual import events
from textual.driver import Driver
from textual.drivers import linux_driver
from textual.message import Message

from console.text.clean import clean_text
from console.ui_terminal import PasteSafeParser, use_paste_safe_parser

START, END = "\x1b[200~", "\x1b[201~"


def summary(tokens: Iterable[Message]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for token in tokens:
        if isinstance(token, events.Paste):
            out.append(("paste", token.text))
        elif isinstance(token, events.Key):
            out.append(("key", token.key))
        else:
            out.append(("other", type(token).__name__))
    return out


def parse(*chunks: str) -> list[tuple[str, str]]:
    parser = PasteSafeParser()
    tokens: list[Message] = []
    for chunk in chunks:
        tokens += parser.feed(chunk)
    return summary(tokens)


RAW = f"a{START}!one \x1b]52;c;QQ==\x07 two{END}\x1b[Ab"
EXPECTED = [("key", "a"), ("paste", "!one  two"), ("key", "up"), ("key", "b")]


def test_a_paste_holding_an_escape_sequence_is_one_cleaned_paste_in_order() -> None:
    assert parse(RAW) == EXPECTED


def test_the_same_however_the_bytes_are_split_across_reads() -> None:
    for cut in range(1, len(RAW)):
        assert parse(RAW[:cut], RAW[cut:]) == EXPECTED, cut
    assert parse(*RAW) == EXPECTED


def test_bytes_after_an_escape_in_a_paste_press_no_keys() -> None:
    """``ctrl+q`` quits the console: a paste must never press it (nor Enter, nor Escape)."""
    pasted = "x \x1b]0;\x11\x1b[\x11\r\x1b\x1b\x1b[31mred\x1b[0m\r\nnext\tline "
    assert parse(f"{START}{pasted}{END}") == [("paste", "x [\nred\nnext\tline ")]
    assert clean_text(pasted, keep_ends=True) == "x [\nred\nnext\tline "  # as any outside text


def test_escape_pressed_before_a_paste_and_an_unfinished_paste_at_the_end() -> None:
    assert parse(f"\x1b{START}x{END}") == [("key", "escape"), ("paste", "x")]
    parser = PasteSafeParser()
    assert summary(parser.feed(f"{START}never ends")) == []
    assert summary(parser.feed("")) == []  # the terminal went away: no crash, no keys


def test_the_linux_driver_builds_this_parser_once_replaced() -> None:
    """The console's own wiring is tested end to end in test_notes_panel (bracketed paste)."""
    assert use_paste_safe_parser(linux_driver.LinuxDriver)
    assert linux_driver.XTermParser is PasteSafeParser
    assert use_paste_safe_parser(linux_driver.LinuxDriver)  # twice is harmless
    assert linux_driver.XTermParser is PasteSafeParser


def test_a_driver_whose_parser_cannot_be_replaced_is_reported() -> None:
    class Elsewhere(Driver):  # builds no XTermParser the console knows how to replace
        pass

    assert not use_paste_safe_parser(Elsewhere)
