"""The one place the form's new modules take text cleaning from (control characters and bidi
overrides out, caps in): the project's shared ``clean_text``."""

from __future__ import annotations

from console.text.clean import clean_text as clean_text

__all__ = ["clean_text"]
