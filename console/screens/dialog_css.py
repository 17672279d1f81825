"""The look shared by the board's small dialogs (answer note, add a question, choice)."""

from __future__ import annotations

_DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 80%; max-width: 90; height: auto; max-height: 90%;
    border: thick $primary; background: $surface; padding: 1 2;
}}
{name} .prompt-title {{ text-style: bold; margin-bottom: 1; }}
{name} .prompt-buttons {{ height: auto; margin-top: 1; align-horizontal: right; }}
{name} .prompt-buttons Button {{ margin-left: 1; }}
"""


def dialog_css(name: str) -> str:
    """DEFAULT_CSS for the dialog screen class ``name``: centred, framed, buttons right."""
    return _DIALOG_CSS.format(name=name)
