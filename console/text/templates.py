"""Autoescaping Jinja2 environments: the one way any page (the participants' form, the
report, the answers page) is made from templates.

Built here, apart from the form's server and the report, so both get the same settings
(autoescape on, unknown names an error, the i18n extension) without one importing the other.
"""

from __future__ import annotations

import gettext
from pathlib import Path

import jinja2


def environment(
    folder: Path, catalog: gettext.NullTranslations | None = None
) -> jinja2.Environment:
    """Templates from ``folder``, every value escaped unless marked safe; ``catalog``
    translates ``_()`` (English, the source language, when None)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # packaged templates: no stat of the file at every render
    )
    env.install_gettext_translations(  # type: ignore[attr-defined]
        catalog or gettext.NullTranslations(), newstyle=True
    )
    return env
