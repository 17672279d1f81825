"""The participant pages: Jinja2 templates (autoescaped) in English or Spanish.

Translations come from ``locale/<lang>/LC_MESSAGES/messages.po``, compiled in memory with
Babel when the form starts. Compiling at start (rather than committing ``.mo`` files or
needing a build step) means a fresh clone run with ``uv run`` always shows the catalog as
committed, and there is no binary file to forget to regenerate.

Language: ``?lang=es|en`` (then kept in a cookie), else the cookie, else Accept-Language,
else English.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

import jinja2
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from console.intake.security import security_headers, style_hash
from console.intake.wording import Numbered, number
from console.text import templates

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
LOCALES = HERE / "locale"
DOMAIN = "messages"
LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "es": "Español"}
LANG_COOKIE = "lang"
LIVE_SCRIPT = HERE / "static" / "live.js"

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
"""The form's own stylesheet (every page); ``PARTICIPANT_CSS`` adds the list's."""

PARTICIPANT_CSS = """
nav.top { display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; margin: 0 0 1.25rem; }
nav.top a { font-weight: 600; }
.qlist { list-style: none; padding: 0; margin: 0; }
.q { border: 2px solid #d0d3d8; border-radius: 6px; padding: .75rem .9rem; margin: 0 0 1rem; }
.q.mine { border-color: #0b3d6b; }
.q .text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0 0 .5rem; }
.meta { color: #44474c; font-size: .95rem; margin: 0 0 .5rem; }
.state { display: inline-block; font-weight: 600; border-radius: 4px; padding: .05rem .5rem;
  background: #e8eaed; color: #1b1b1b; }
.state-now_answering { background: #0b3d6b; color: #fff; }
.state-answered { background: #0b5c2e; color: #fff; }
.state-follow_up { background: #6b3d0b; color: #fff; }
.badge { font-weight: 600; color: #0b3d6b; }
.answer { border-left: 4px solid #0b5c2e; padding: .25rem .75rem; margin: .5rem 0;
  background: #f1f7f3; }
.answer .text { margin: 0; }
.vote { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; }
.vote button { padding: .35rem 1rem; }
.privlink { width: 100%; font: inherit; border: 2px solid #4b4f56; border-radius: 4px;
  padding: .45rem .6rem; margin: 0 0 .5rem; }
.link-text { overflow-wrap: anywhere; }
[hidden] { display: none !important; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
""".strip()

STYLES = CSS + "\n" + PARTICIPANT_CSS


def participant_headers() -> dict[str, str]:
    """The form's security headers, with our one same-origin script allowed."""
    headers = security_headers(STYLES)
    headers["Content-Security-Policy"] = headers["Content-Security-Policy"].replace(
        f"style-src {style_hash(STYLES)}; ",
        f"style-src {style_hash(STYLES)}; script-src 'self'; connect-src 'self'; ",
    )
    return headers


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of ``lang`` (English is the source language: no catalog)."""
    if lang == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    po = LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    buf = BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


@cache
def environment(lang: str) -> jinja2.Environment:
    catalog = translations(lang)
    env = templates.environment(TEMPLATES, catalog)
    # ``_()`` of the i18n extension marks its result safe (fine for literals in templates);
    # a message that comes from code goes through ``t()``, whose result is escaped as usual.
    env.globals["t"] = lambda message: translate(catalog, lang, message)
    env.filters["number"] = lambda value: number(int(value), lang)
    return env


def translate(catalog: gettext.NullTranslations, lang: str, message: str | Numbered) -> str:
    """A message from code in ``lang``; a ``Numbered`` one with its numbers put in after."""
    if isinstance(message, Numbered):
        return message.filled(catalog.gettext(message.text), lang)
    return catalog.gettext(message)


def gettext_for(lang: str) -> gettext.NullTranslations:
    return translations(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)


def render(lang: str, template: str, **context: Any) -> str:
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    return (
        environment(lang)
        .get_template(template)
        .render(lang=lang, styles=STYLES, language_names=LANGUAGE_NAMES, **context)
    )


def warm() -> None:
    """Compile every template in every language now (``server.settle_heap``)."""
    for lang in LANGUAGES:
        for path in sorted(TEMPLATES.glob("*.html")):
            environment(lang).get_template(path.name)


def template_module(lang: str, template: str) -> Any:
    """The macros of ``template`` in ``lang`` (made once per language and template)."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    return environment(lang).get_template(template).module


def negotiate(
    asked: str | None, cookie: str | None, accept_language: str | None
) -> tuple[str, bool]:
    """``(language, remember)``: ``remember`` when ``?lang=`` chose it (set the cookie)."""
    if asked in LANGUAGES:
        return str(asked), True
    if cookie in LANGUAGES:
        return str(cookie), False
    best, best_q = DEFAULT_LANGUAGE, -1.0
    for order, part in enumerate((accept_language or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if primary in LANGUAGES and q > best_q and q > 0:
            best, best_q = primary, q - order * 1e-6
    return best, False


def switch_links(lang: str, query: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """``(code, name, href)`` of the other languages, keeping the page's own query."""
    from urllib.parse import urlencode

    out = []
    for code in LANGUAGES:
        if code == lang:
            continue
        params = {k: v for k, v in query.items() if k != "lang"} | {"lang": code}
        out.append((code, LANGUAGE_NAMES[code], "?" + urlencode(params)))
    return out
