"""docs/architecture.md is the map of the code: every path it names must exist."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "architecture.md"
ROOTS = ("console", "tests", "bench", "docs", "tools", "agendas", "deploy")
PATH = re.compile(r"`((?:" + "|".join(ROOTS) + r")/[A-Za-z0-9_./-]*)`")


def named_paths(text: str) -> list[str]:
    """Paths written in backticks that start at one of the repository's top folders."""
    return sorted(set(PATH.findall(text)))


def tree_entries(text: str) -> list[str]:
    """The names in the first tree block: ``console/`` children and the top-level folders."""
    block = text.split("```", 2)[1]
    entries: list[str] = []
    for line in block.splitlines():
        if not line.strip() or line.startswith("console/"):
            continue
        head = line.strip().split("  ")[0]  # "app.py, app.tcss" or "cli/"
        names = [n.strip(",") for n in head.split()]
        if line.startswith("  "):
            entries += [f"console/{n}" for n in names]
        else:
            entries += names
    return entries


def test_every_path_the_map_names_exists() -> None:
    text = DOC.read_text(encoding="utf-8")
    paths = named_paths(text)
    assert len(paths) > 30, "the map names the files a key press and a question pass through"
    missing = [p for p in paths if not (REPO / p).exists()]
    assert missing == [], f"docs/architecture.md names paths that do not exist: {missing}"


def test_the_tree_lists_every_part_of_the_package() -> None:
    text = DOC.read_text(encoding="utf-8")
    listed = set(tree_entries(text))
    missing = [e for e in listed if not (REPO / e.rstrip("/")).exists()]
    assert missing == [], f"the tree lists what is not there: {missing}"
    package = REPO / "console"
    parts = {
        f"console/{p.name}/" if p.is_dir() else f"console/{p.name}"
        for p in package.iterdir()
        if not p.name.startswith(("_", ".")) or p.name == "__main__.py"
    }
    parts -= {"console/py.typed"}
    unlisted = sorted(parts - listed)
    assert unlisted == [], f"parts of console/ the tree does not show: {unlisted}"


def test_the_readme_tree_matches_the_code() -> None:
    """The README's "How it is built" tree lists every part of console/, and nothing else."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How it is built", 1)[1]
    listed = set(tree_entries(section))
    missing = [e for e in listed if not (REPO / e.rstrip("/")).exists()]
    assert missing == [], f"the README's tree lists what is not there: {missing}"
    parts = {f"console/{p.name}/" for p in (REPO / "console").iterdir() if p.is_dir()}
    parts -= {"console/__pycache__/"}
    unlisted = sorted(parts - listed)
    assert unlisted == [], f"packages the README's tree does not show: {unlisted}"


def test_the_check_sees_a_wrong_path() -> None:
    """Guard against a vacuous check: a made-up path is found and reported missing."""
    paths = named_paths("see `console/nowhere/ghost.py` and `docs/architecture.md`")
    assert paths == ["console/nowhere/ghost.py", "docs/architecture.md"]
    assert not (REPO / paths[0]).exists()
