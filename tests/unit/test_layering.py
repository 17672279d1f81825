"""The layering: the core never imports Textual (checked in a fresh interpreter, module by
module), and the import-linter contracts in pyproject.toml hold and would catch a breach."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import tomli_w

import console

UI_PREFIXES = (
    "console.action_types",  # the types behind the key tables (Textual bindings)
    "console.actions",  # every key of the UI (Textual bindings)
    "console.app",
    "console.form_hosting",  # the App's question-form methods (a part of the App)
    "console.host",
    "console.messages",
    "console.screens",
    "console.widgets",
    "console.ui_",
)


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


# -- the layering as import-linter contracts (pyproject.toml [tool.importlinter]) ------------

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def import_linter_config() -> dict[str, Any]:
    with (REPO / "pyproject.toml").open("rb") as handle:
        config: dict[str, Any] = tomllib.load(handle)["tool"]["importlinter"]
    return config


def lint_imports(config: Path, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    out = subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache", str(config)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )
    return out.returncode, out.stdout + out.stderr


def test_the_import_contracts_hold() -> None:
    code, output = lint_imports(REPO / "pyproject.toml", REPO)
    print(output)
    assert code == 0, output
    assert "0 broken" in output


def test_every_top_level_module_has_a_layer() -> None:
    """A new part of ``console`` must be named in the contracts: core, or UI, or the CLI."""
    contracts = import_linter_config()["contracts"]
    core = next(c for c in contracts if c["name"].startswith("The core never imports"))
    placed = {*core["source_modules"], *core["forbidden_modules"], "console.cli"}
    root = Path(console.__file__).parent
    tops = {
        f"console.{info.name}"
        for info in pkgutil.iter_modules([str(root)])
        if info.name != "__main__"
    }
    assert tops - placed == set(), "name these in [tool.importlinter] (core or UI)"


def _fake_package(root: Path, module: str, body: str = "") -> None:
    """Write ``module`` (dotted) under ``root`` as a package, with its parents; ``body`` is
    added to what the module already holds."""
    parts = module.split(".")
    for i in range(1, len(parts) + 1):
        init = root.joinpath(*parts[:i], "__init__.py")
        init.parent.mkdir(parents=True, exist_ok=True)
        if not init.exists():
            init.write_text("", encoding="utf-8")
    with root.joinpath(*parts, "__init__.py").open("a", encoding="utf-8") as handle:
        handle.write(body)


def test_the_contracts_catch_violations(tmp_path: Path) -> None:
    """The project's own contracts, run on a small ``console`` with one planted breach each."""
    config = import_linter_config()
    for contract in config["contracts"]:
        for name in [*contract.get("source_modules", []), *contract.get("forbidden_modules", [])]:
            if name.startswith("console."):
                _fake_package(tmp_path, name)
        for ignored in contract.get("ignore_imports", []):
            importer, imported = (part.strip() for part in ignored.split("->"))
            _fake_package(tmp_path, imported)
            _fake_package(tmp_path, importer, f"import {imported}\n")
    _fake_package(tmp_path, "console.store.atomic")
    planted = {
        # a core module reaching Textual under TYPE_CHECKING, and another the UI in a function
        "console.clock.face": "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import textual\n",
        "console.report.show": "def show():\n    import console.widgets\n",
        # the CLI importing the UI anywhere but `run`
        "console.cli.feed": "import console.screens\n",
        # a widget opening a screen
        "console.widgets.panel": "import console.screens\n",
        # a store submodule imported from outside the store
        "console.session.keep": "from console.store.atomic import x\n",
    }
    for module, body in planted.items():
        _fake_package(tmp_path, module, body)
    (tmp_path / "pyproject.toml").write_text(
        tomli_w.dumps({"tool": {"importlinter": config}}), encoding="utf-8"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    code, output = lint_imports(tmp_path / "pyproject.toml", tmp_path, env)
    print(output)
    assert code != 0
    assert f"0 kept, {len(config['contracts'])} broken" in output
    for module in planted:
        assert module in output, f"{module} breaks a contract but was not reported"
