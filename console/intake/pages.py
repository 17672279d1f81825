"""The form's limits and consent wording, and English renderings of its pages.

The pages themselves are Jinja2 templates in ``templates/`` (autoescaped; see ``render``),
plain HTML that works with JavaScript off: labels on every field, a fieldset for the
name choice, limits stated in the hint text, errors listed at the top and tied to their
fields. The stylesheets live with the templates in ``render`` (``CSS`` and
``PARTICIPANT_CSS``), allowed by their hash in the Content-Security-Policy; this module
imports ``render`` only inside the English renderers, and ``render`` imports nothing from
here, so the two never form an import circle.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from console.intake.config import FormInfo
from console.intake.form_state import ENDED
from console.intake.wording import Numbered

QUESTION_LIMIT = 2000
NAME_LIMIT = 120
EMAIL_LIMIT = 254
LIMITS = {
    "question": QUESTION_LIMIT,
    "name": NAME_LIMIT,
    "email": EMAIL_LIMIT,
}
"""The limits the templates state in the hints (written with the ``number`` filter)."""
DEFAULT_CONSENT = (
    "If you give your email, you agree that the organizers may use it to write to you about "
    "this question. It is kept apart from your question and never shown to other participants."
)


def esc(value: object) -> str:
    """HTML-escape anything shown on a page, quotes included (safe in attributes too)."""
    return html.escape("" if value is None else str(value), quote=True)


@dataclass(slots=True)
class FormValues:
    """What the participant typed, kept for a re-render so nothing they wrote is lost."""

    question: str = ""
    name: str = ""
    show_name: bool = False
    email: str = ""
    theme: str = ""
    errors: dict[str, str | Numbered] = field(default_factory=dict)


def _render(template: str, info: FormInfo, **context: Any) -> str:
    from console.intake import render

    context.setdefault("mode", "screened")
    context.setdefault("switch", [])
    return render.render("en", template, info=info, **context)


def form_page(info: FormInfo, csrf: str, values: FormValues | None = None) -> str:
    """The form in English (the server renders it per language through ``render``)."""
    return _render(
        "form.html",
        info,
        csrf=csrf,
        values=values or FormValues(),
        limits=LIMITS,
        ask_email=info.ask_email,
        consent=info.email_consent or DEFAULT_CONSENT,
    )


def thanks_page(info: FormInfo, question: str | None) -> str:
    return _render("thanks.html", info, question=question, private_href=None, private_url=None)


def closed_page(
    info: FormInfo, kept_question: str | None = None, reason: str | None = ENDED
) -> str:
    """The page of a closed form: the session ended, or the organizers closed it for now."""
    return _render("closed.html", info, reason=reason, kept=kept_question)


ERROR_WORDS: dict[int, tuple[str, str]] = {
    400: (
        "Something is wrong with the request",
        "The form could not read what was sent. Please go back and try again.",
    ),
    404: ("Page not found", "There is nothing at this address."),
    405: ("Not allowed", "This address does not accept that kind of request."),
    408: (
        "This took too long",
        "What you sent did not arrive in time. Please go back and send it again.",
    ),
    413: (
        "Too much text",
        "What you sent is larger than this form accepts (32 KB). Questions can be up to "
        "2,000 characters; please shorten it and try again.",
    ),
}
"""Heading and message of the plain page for a refusal, by status."""


def error_words(status: int) -> tuple[str, str]:
    """What the page for an error ``status`` says (general words for one not listed)."""
    return ERROR_WORDS.get(
        status, ("Something is wrong with the request", "Please go back and try again.")
    )


def message_page(info: FormInfo, heading: str, message: str) -> str:
    """A plain-words page for refusals and errors (no internal detail, ever)."""
    return _render(
        "message.html",
        info,
        heading=heading,
        message=message,
        back_href="./",
        back_text="Back to the question form",
    )
