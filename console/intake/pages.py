"""The participant's pages, as escaped HTML strings.

Plain HTML that works with JavaScript off: labels on every field, a fieldset for the
name choice, limits stated in the hint text, errors listed at the top and tied to their
fields. Every value that came from outside goes through ``esc``; the only stylesheet is
``CSS``, allowed by its hash in the Content-Security-Policy.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from console.intake.config import FormInfo
from console.intake.form_state import CLOSED, ENDED

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


def _shell(info: FormInfo, title: str, body: str) -> str:
    sub = "".join(
        f"<p>{esc(line)}</p>"
        for line in (info.when, info.host and f"Hosted by {info.host}")
        if line
    )
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)} – {esc(info.title)}</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n"
        f'<header><div class="wrap"><p>Question form</p><h1>{esc(info.title)}</h1>{sub}</div>'
        "</header>\n"
        f'<main><div class="wrap">\n{body}\n</div></main>\n'
        '<footer><div class="wrap">Your question goes only to the session\'s organizers. '
        "Other participants cannot see it.</div></footer>\n"
        "</body>\n</html>\n"
    )


def _error_for(values: FormValues, key: str) -> tuple[str, str]:
    """The error line and the field's describedby/invalid attributes."""
    message = values.errors.get(key)
    if not message:
        return "", f' aria-describedby="{key}-hint"'
    return (
        f'<span class="error" id="{key}-error">Error: {esc(message)}</span>',
        f' aria-describedby="{key}-hint {key}-error" aria-invalid="true"',
    )


def form_page(info: FormInfo, csrf: str, values: FormValues | None = None) -> str:
    values = values or FormValues()
    summary = ""
    if values.errors:
        items = "".join(
            f'<li><a href="#{esc(key)}">{esc(msg)}</a></li>' for key, msg in values.errors.items()
        )
        summary = (
            '<div class="errors" role="alert" aria-labelledby="error-summary">'
            f'<h2 id="error-summary">There is a problem</h2><ul>{items}</ul></div>'
        )
    q_err, q_attr = _error_for(values, "question")
    n_err, n_attr = _error_for(values, "name")
    e_err, e_attr = _error_for(values, "email")
    t_err, t_attr = _error_for(values, "theme")
    themes = ""
    if info.themes:
        options = ['<option value="">No particular theme</option>']
        for theme_id, label in info.themes:
            chosen = " selected" if theme_id == values.theme else ""
            options.append(f'<option value="{esc(theme_id)}"{chosen}>{esc(label)}</option>')
        themes = (
            '<div class="field"><label for="theme">Theme (optional)</label>'
            '<span class="hint" id="theme-hint">Pick the topic your question is closest to.</span>'
            f'{t_err}<select id="theme" name="theme"{t_attr}>'
            f"{''.join(options)}</select></div>"
        )
    show = " checked" if values.show_name else ""
    anon = "" if values.show_name else " checked"
    body = f"""{summary}
<h2>Ask a question</h2>
<form method="post" action="./" accept-charset="utf-8">
<input type="hidden" name="csrf" value="{esc(csrf)}">
<div class="field">
<label for="question">Your question</label>
<span class="hint" id="question-hint">Up to {QUESTION_LIMIT:,} characters.</span>
{q_err}<textarea id="question" name="question" rows="7" maxlength="{QUESTION_LIMIT}" required
 {q_attr}>{esc(values.question)}</textarea>
</div>
<div class="field">
<label for="name">Your name (optional)</label>
<span class="hint" id="name-hint">Up to {NAME_LIMIT} characters.</span>
{n_err}<input type="text" id="name" name="name" maxlength="{NAME_LIMIT}" autocomplete="name"
 value="{esc(values.name)}"{n_attr}>
</div>
<fieldset>
<legend>Show your name with your question?</legend>
<div class="choice"><input type="radio" id="show-name" name="show_name" value="yes"{show}>
<label for="show-name">Show my name</label></div>
<div class="choice"><input type="radio" id="anonymous" name="show_name" value="no"{anon}>
<label for="anonymous">Ask anonymously (a name you give is seen only by the organizers)</label>
</div>
</fieldset>
{themes}
<div class="field">
<label for="email">Email for a follow-up (optional)</label>
<span class="hint" id="email-hint">Only if you would like an answer by email afterwards.</span>
{e_err}<input type="email" id="email" name="email" maxlength="{EMAIL_LIMIT}" autocomplete="email"
 value="{esc(values.email)}"{e_attr}>
</div>
<button type="submit">Send question</button>
</form>"""
    title = ("Error: " if values.errors else "") + "Ask a question"
    return _shell(info, title, body)


def thanks_page(info: FormInfo, question: str | None) -> str:
    echo = ""
    if question is not None:
        echo = f'<p>You asked:</p>\n<div class="quote" id="your-question">{esc(question)}</div>'
    body = f"""<h2>Thank you, your question was sent</h2>
<p class="notice">The organizers now have your question. They may not be able to answer
every question during the session.</p>
{echo}
<p><a class="button" href="./">Ask another question</a></p>"""
    return _shell(info, "Question sent", body)


def closed_page(
    info: FormInfo, kept_question: str | None = None, reason: str | None = ENDED
) -> str:
    """The page of a closed form: the session ended, or the organizers closed it for now."""
    kept = ""
    if kept_question:
        kept = (
            "<p>Your question was not sent. Here it is, so you can keep it:</p>\n"
            f'<div class="quote">{esc(kept_question)}</div>'
        )
    if reason == CLOSED:
        body = f"""<h2>The question form is closed</h2>
<p class="notice">The organizers have closed the question form for now, so new questions are
not accepted at the moment. It may open again later: come back to this page then.</p>
{kept}"""
        return _shell(info, "Form closed", body)
    body = f"""<h2>This session has ended</h2>
<p class="notice">The question form is closed, so new questions are no longer accepted.
Thank you for taking part.</p>
{kept}"""
    return _shell(info, "Session ended", body)


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


def message_page(info: FormInfo, heading: str, message: str, *, back_link: bool = True) -> str:
    """A plain-words page for refusals and errors (no internal detail, ever)."""
    link = '<p><a href="./">Back to the question form</a></p>' if back_link else ""
    return _shell(info, heading, f"<h2>{esc(heading)}</h2>\n<p>{esc(message)}</p>\n{link}")
