"""Turning a posted form into a clean question, or into errors shown next to the fields.

Text is cleaned once here (``clean_text``: control characters and bidi overrides removed)
and checked against the limits the page states. On any error the raw values are kept whole
(never cut: the body cap bounds them) so the re-rendered form shows exactly what the
participant typed, and they can shorten it themselves.

**How characters are counted**, here and on the page: Unicode code points of the text as it
is stored (line breaks count one, whatever the browser sent; leading and trailing spaces and
control characters are not kept, so not counted). Most characters of any script are one, an
emoji too; a few emoji built of several (flags, families, skin tones) count as several. Not
UTF-16 units, which a textarea's ``maxlength`` counts (an emoji is two there, so a browser
would cut a paste short of the stated limit without a word): the form has no ``maxlength`` on
the question, and the server's message says how long the text is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from console.intake.pages import EMAIL_LIMIT, NAME_LIMIT, QUESTION_LIMIT, FormValues
from console.intake.wording import Numbered
from console.text.clean import clean_text

_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$")


@dataclass(frozen=True, slots=True)
class CleanQuestion:
    text: str
    name: str | None
    display_name: bool
    email: str | None
    topic: str | None
    theme_id: str | None


def read_form(form: Mapping[str, str]) -> FormValues:
    """The raw values, as typed (only newlines normalised), for a re-render."""

    def raw(key: str) -> str:
        value = form.get(key, "")
        value = value if isinstance(value, str) else ""
        return value.replace("\r\n", "\n")

    return FormValues(
        question=raw("question"),
        name=raw("name"),
        show_name=form.get("show_name") == "yes",
        email=raw("email"),
        theme=raw("theme"),
    )


def validate(values: FormValues, themes: list[tuple[str, str]]) -> CleanQuestion | None:
    """A clean question, or None with ``values.errors`` filled in, in page order."""
    errors: dict[str, str | Numbered] = {}
    text = clean_text(values.question)
    if not text:
        errors["question"] = "Type your question before sending."
    elif len(text) > QUESTION_LIMIT:
        errors["question"] = Numbered(
            "Your question is %(count)s characters long; the limit is %(limit)s.",
            (("count", len(text)), ("limit", QUESTION_LIMIT)),
        )
    name = clean_text(values.name, single_line=True)
    if len(name) > NAME_LIMIT:
        errors["name"] = f"Your name can be up to {NAME_LIMIT} characters."
    theme_id = values.theme.strip()
    labels = dict(themes)
    if theme_id and theme_id not in labels:
        errors["theme"] = "Pick a theme from the list, or leave it empty."
    email = clean_text(values.email, single_line=True)
    if email and (len(email) > EMAIL_LIMIT or not _EMAIL.match(email)):
        errors["email"] = "Enter an email address like name@example.org, or leave it empty."
    values.errors = errors
    if errors:
        return None
    return CleanQuestion(
        text=text,
        name=name or None,
        display_name=bool(name) and values.show_name,
        email=email or None,
        topic=clean_text(labels[theme_id], single_line=True) if theme_id else None,
        theme_id=theme_id or None,
    )
