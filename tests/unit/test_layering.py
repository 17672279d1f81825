"""The core never imports Textual: checked in a fresh interpreter, module by module."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import console

UI_PREFIXES = ("console.app", "console.screens", "console.widgets", "console.ui_")


def core_modules() -> list[str]:
    root = Path(console.__file__).parent
    names = ["console"]
    for info in pkgutil.walk_packages([str(root)], prefix="console."):
        if not info.name.startswith(UI_PREFIXES) and info.name != "console.__main__":
            names.append(info.name)
    return names


def test_there_are_core_modules_to_check() -> None:
    names = core_modules()
    assert "console.store.records" in names
    assert "console.cli" in names
    assert not any(n.startswith("console.widgets") for n in names)


def test_no_core_module_imports_textual() -> None:
    names = core_modules()
    code = (
        "import importlib, sys\n"
        f"names = {names!r}\n"
        "bad = []\n"
        "for name in names:\n"
        "    before = set(sys.modules)\n"
        "    importlib.import_module(name)\n"
        "    if any(m == 'textual' or m.startswith('textual.') for m in sys.modules):\n"
        "        bad.append(name)\n"
        "        break\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "", f"core module pulled in textual: {out.stdout.strip()}"


def test_the_check_would_catch_a_textual_import() -> None:
    """Guard against a vacuous check: the same probe flags a UI module."""
    code = "import sys, console.widgets.countdown; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
