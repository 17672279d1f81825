"""Messages that carry a number, and numbers written the way the page's language writes them.

A message such as "Your question is 2,100 characters long" cannot be looked up in the
catalog once the number is in it. ``Numbered`` keeps the message and its numbers apart until
the page is rendered: the template's ``t()`` translates the message, then puts the numbers in
(``number``: "2,100" in English, "2100" in Spanish). Its own module because both ``validate``
(which makes them) and ``render`` (which shows them) need it, and neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Numbered:
    """A message with ``%(name)s`` placeholders and the numbers that fill them."""

    text: str
    numbers: tuple[tuple[str, int], ...] = ()

    def filled(self, translated: str, lang: str) -> str:
        return translated % {key: number(value, lang) for key, value in self.numbers}

    def __str__(self) -> str:
        return self.filled(self.text, "en")


def number(value: int, lang: str) -> str:
    """``value`` with the language's digit grouping: 2,000 and 12,000 in English; 2000 and
    12.000 in Spanish (no separator under five digits, as the RAE and CLDR write it)."""
    if lang == "es":
        return str(value) if abs(value) < 10_000 else f"{value:,}".replace(",", ".")
    return f"{value:,}"
