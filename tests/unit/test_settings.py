"""config.toml's [keys]: ids with a dot must be quoted in TOML, and the error says how."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.system.settings import load_settings


def test_quoted_ids_with_a_dot_are_read(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        '[keys]\nnext = "n,right"\n"notes.capture" = "ctrl+k"\n', encoding="utf-8"
    )
    assert load_settings(tmp_path).keymap == {"next": "n,right", "notes.capture": "ctrl+k"}


def test_an_unquoted_id_with_a_dot_says_to_quote_it(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[keys]\nnotes.capture = "ctrl+k"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r'"notes\.capture" = "ctrl\+k"'):
        load_settings(tmp_path)
