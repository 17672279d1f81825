"""The package has no import cycle, counting every import the source names.

An import inside a function or under ``TYPE_CHECKING`` only hides a circle from the
interpreter; it still ties the two modules together, so the scan counts them all:

- ``import console.a.b`` is an edge to ``console.a.b``; ``from console.a import y`` is an
  edge to ``console.a.y`` when ``y`` is a submodule, else to ``console.a`` itself;
- importing ``console.a.b`` also runs ``console/a/__init__.py``, so that is an edge too,
  except when the importer lives inside ``console.a`` (its package is always imported
  before it, so the edge adds nothing).

The graph's strongly connected components (Tarjan, iterative) are the cycles. A cycle made
only of UI modules (the App, screens, widgets) is reported as an expected failure until the
UI speaks to the App through ``console.host``; any cycle touching the core fails.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import console


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    how: str  # "module", "function" or "TYPE_CHECKING"


def module_files(root: Path, package: str) -> dict[str, Path]:
    """Every module under ``root`` by dotted name (a package by its ``__init__``)."""
    found: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join([package, *parts])] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[tuple[ast.Import | ast.ImportFrom, str]]:
    """Every import statement, with where it stands: module level, function, TYPE_CHECKING."""

    def walk(node: ast.AST, how: str) -> Iterator[tuple[ast.Import | ast.ImportFrom, str]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child, how
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                yield from walk(child, "TYPE_CHECKING" if how == "TYPE_CHECKING" else "function")
            elif isinstance(child, ast.If) and _is_type_checking(child.test):
                for stmt in child.body:
                    yield from walk(ast.Module(body=[stmt], type_ignores=[]), "TYPE_CHECKING")
                for stmt in child.orelse:
                    yield from walk(ast.Module(body=[stmt], type_ignores=[]), how)
            else:
                yield from walk(child, how)

    yield from walk(tree, "module")


def _parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def import_edges(modules: dict[str, Path], package: str) -> list[Edge]:
    edges: list[Edge] = []
    for source, path in modules.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        own_ancestors = {*_parents(source), source}
        for node, how in _imports(tree):
            explicit: list[str] = []
            if isinstance(node, ast.Import):
                explicit = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = source.split(".") if is_package else source.split(".")[:-1]
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join([*anchor, *([base] if base else [])])
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    explicit.append(sub if sub in modules else base)
            for name in explicit:
                if name != package and not name.startswith(package + "."):
                    continue
                while name not in modules and "." in name:  # ``import a.b.attr`` style
                    name = name.rsplit(".", 1)[0]
                targets = [name] + [p for p in _parents(name) if p not in own_ancestors]
                for target in targets:
                    if target != source and target in modules:
                        edges.append(Edge(source, target, node.lineno, how))
    return edges


def strongly_connected(nodes: list[str], edges: list[Edge]) -> list[list[str]]:
    """Tarjan's algorithm without recursion; components of more than one module only."""
    graph: dict[str, list[str]] = {n: [] for n in nodes}
    for e in edges:
        if e.target not in graph[e.source]:
            graph[e.source].append(e.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in nodes:
        if start in index:
            continue
        work: list[tuple[str, int]] = [(start, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            successors = graph[node]
            if i < len(successors):
                work.append((node, i + 1))
                nxt = successors[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return sorted(found)


def one_cycle(component: list[str], edges: list[Edge]) -> list[Edge]:
    """A shortest closed path through the component's first module, to show the reader."""
    members = set(component)
    out: dict[str, list[Edge]] = {}
    for e in edges:
        if e.source in members and e.target in members:
            out.setdefault(e.source, []).append(e)
    start = component[0]
    came: dict[str, Edge] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for e in out.get(node, []):
            if e.target == start:
                path = [e]
                while path[0].source != start:
                    path.insert(0, came[path[0].source])
                return path
            if e.target not in came:
                came[e.target] = e
                queue.append(e.target)
    return []  # pragma: no cover - a component always closes


def describe(component: list[str], edges: list[Edge], modules: dict[str, Path]) -> str:
    root = modules[component[0].split(".")[0]].parent
    lines = [f"cycle of {len(component)} modules:"]
    lines += [f"  {modules[m].relative_to(root.parent)}" for m in component]
    lines.append("  for example:")
    for e in one_cycle(component, edges):
        where = modules[e.source].relative_to(root.parent)
        lines.append(f"    {where}:{e.line} ({e.how}) imports {e.target}")
    return "\n".join(lines)


def find_cycles(root: Path, package: str) -> tuple[list[list[str]], str]:
    modules = module_files(root, package)
    edges = import_edges(modules, package)
    cycles = strongly_connected(list(modules), edges)
    return cycles, "\n".join(describe(c, edges, modules) for c in cycles)


def test_the_package_has_no_import_cycle() -> None:
    root = Path(console.__file__).parent
    cycles, report = find_cycles(root, "console")
    print(report or "no import cycle")
    assert not cycles, "import cycles:\n" + report


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_detector_finds_hidden_cycles(tmp_path: Path) -> None:
    """Each hiding place a circle can use is seen: a function, TYPE_CHECKING, a package face."""
    _write(
        tmp_path / "pkg",
        {
            "__init__.py": "",
            "a.py": "def f():\n    from pkg.b import g\n",
            "b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg.a\n",
            "c/__init__.py": "from pkg.c.inner import x\n",
            "c/inner.py": "x = 1\n",
            "d.py": "from pkg.c import inner\n",
            "e/__init__.py": "from pkg.d import inner\n",
            "e/leaf.py": "from .. import e\n",
            "f.py": "from pkg.e.leaf import z\n",
            "g.py": "import pkg.f\n",
        },
    )
    (tmp_path / "pkg/c/inner.py").write_text("from pkg import g\n", encoding="utf-8")
    cycles, report = find_cycles(tmp_path / "pkg", "pkg")
    assert ["pkg.a", "pkg.b"] in cycles
    # pkg.c.inner -> pkg.g -> pkg.f -> pkg.e.leaf (and pkg.e) -> pkg.d -> pkg.c.inner
    big = next(c for c in cycles if "pkg.g" in c)
    assert {"pkg.c.inner", "pkg.d", "pkg.e", "pkg.f", "pkg.g"} <= set(big)
    assert "pkg/a.py" in report and "(function)" in report and "(TYPE_CHECKING)" in report


def test_the_detector_passes_a_clean_tree(tmp_path: Path) -> None:
    """A package face importing its own submodules, which import siblings, is no cycle."""
    _write(
        tmp_path / "pkg",
        {
            "__init__.py": "",
            "store/__init__.py": "from pkg.store.one import A\nfrom pkg.store.two import B\n",
            "store/one.py": "from pkg.store.two import B\nA = B\n",
            "store/two.py": "B = 1\n",
            "user.py": "from pkg.store import A\n",
        },
    )
    cycles, report = find_cycles(tmp_path / "pkg", "pkg")
    assert cycles == [], report
