"""Who asked is left out of a shared report unless staff ask for names explicitly.

The report is meant to be forwarded to schools and partners, so askers' names and emails are
dropped by default (``--with-names`` keeps them). Note authors and action owners are staff
and stay: a follow-up needs to know who took an item on.
"""

from __future__ import annotations

from console.board.question import Question
from console.text.clean import clean_text

NAME_LIMIT = 120


def asker_fields(question: Question, with_names: bool) -> tuple[str | None, str | None]:
    """The asker's name and email as the report may show them (both None when redacted)."""
    if not with_names:
        return None, None
    name = clean_text(question.asker, NAME_LIMIT, single_line=True) or None
    email = clean_text(question.email, NAME_LIMIT, single_line=True) or None
    return name, email
