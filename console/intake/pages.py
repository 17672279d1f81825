"""The form's limits, its stylesheet, and English renderings of its pages.

The pages themselves are Jinja2 templates in ``templates/`` (autoescaped; see ``render``),
plain HTML that works with JavaScript off: labels on every field, a fieldset for the
name choice, limits stated in the hint text, errors listed at the top and tied to their
fields. The only stylesheet is ``CSS`` (plus ``render.PARTICIPANT_CSS``), allowed by its
hash in the Content-Security-Policy.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from console.intake.config import FormInfo
from console.intake.form_state import ENDED

QUESTION_LIMIT = 2000
NAME_LIMIT = 120
EMAIL_LIMIT = 254

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 1.0625rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1b1b1b; background: #f3f4f6; }
header { background: #0b3d6b; color: #fff; padding: 1.25rem 1rem; }
header p { margin: .25rem 0 0; }
.wrap { max-width: 40rem; margin: 0 auto; }
main { background: #fff; padding: 1.25rem 1rem 2rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0; }
h2 { font-size: 1.25rem; margin: 0 0 .75rem; }
label, legend { display: block; font-weight: 600; margin: 0 0 .25rem; }
.hint { display: block; color: #44474c; font-weight: 400; margin: 0 0 .4rem; }
.field { margin: 0 0 1.4rem; }
textarea, input[type=text], input[type=email], select { width: 100%; font: inherit;
  color: inherit; background: #fff; border: 2px solid #4b4f56; border-radius: 4px;
  padding: .55rem .6rem; }
textarea { min-height: 9rem; resize: vertical; }
fieldset { border: 0; padding: 0; margin: 0 0 1.4rem; }
.choice { display: flex; gap: .6rem; align-items: flex-start; margin: .35rem 0; }
.choice input { width: 1.4rem; height: 1.4rem; margin: .1rem 0 0; flex: none; }
.choice label { font-weight: 400; margin: 0; }
button, .button { display: inline-block; font: inherit; font-weight: 600; color: #fff;
  background: #0b5c2e; border: 2px solid #0b5c2e; border-radius: 4px; padding: .6rem 1.4rem;
  cursor: pointer; text-decoration: none; }
button:hover, .button:hover { background: #083f20; }
a { color: #0b4f8a; }
a:focus, button:focus, input:focus, select:focus, textarea:focus, .button:focus {
  outline: 3px solid #c25400; outline-offset: 2px; }
.errors { border: 3px solid #a4251b; padding: .75rem 1rem; margin: 0 0 1.25rem; }
.errors h2 { color: #a4251b; }
.error { display: block; color: #a4251b; font-weight: 600; margin: 0 0 .3rem; }
[aria-invalid=true] { border-color: #a4251b; }
.quote { white-space: pre-wrap; overflow-wrap: anywhere; border-left: 4px solid #4b4f56;
  padding: .25rem .75rem; margin: .75rem 0 1.25rem; background: #f7f7f8; }
.notice { border-left: 6px solid #0b3d6b; padding: .5rem .9rem; background: #eef3f8; }
footer { color: #44474c; font-size: .95rem; padding: 1rem; }
""".strip()


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
    errors: dict[str, str] = field(default_factory=dict)


def _render(template: str, info: FormInfo, **context: Any) -> str:
    from console.intake import render

    context.setdefault("mode", "screened")
    context.setdefault("switch", [])
    return render.render("en", template, info=info, **context)


def form_page(info: FormInfo, csrf: str, values: FormValues | None = None) -> str:
    """The form in English (the server renders it per language through ``render``)."""
    from console.intake.participant_routes import DEFAULT_CONSENT, LIMITS

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
        "What you sent is larger than this form accepts (16 KB). Questions can be up to "
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
