"""Every key in one place: ``console/actions.py`` is complete, resolves, and the docs match it."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.actions import parse
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import ModalScreen

from console import actions
from console.actions import Action, Handler

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "console"


def handler_class(handler: Handler) -> type[DOMNode]:
    module, _, name = handler.value.partition(":")
    cls = getattr(importlib.import_module(module), name)
    assert issubclass(cls, DOMNode)
    return cls


def target_class(cls: type[DOMNode], action: str) -> type[DOMNode]:
    """The class whose method runs ``action`` when bound on ``cls`` (``app.`` runs on the App)."""
    namespace = parse(action)[0]
    if namespace == "app":
        return handler_class(Handler.APP)
    assert namespace == "", f"{action!r}: only the app namespace is used"
    return cls


def assert_runs(cls: type[DOMNode], action: str) -> None:
    """``action`` names an ``action_`` method of ``cls`` that takes its arguments."""
    _namespace, name, arguments = parse(action)
    method = getattr(target_class(cls, action), f"action_{name}", None)
    assert callable(method), f"{cls.__name__} has no action_{name} (for {action!r})"
    try:
        inspect.signature(method).bind(None, *arguments)  # None stands for self
    except TypeError as exc:
        raise AssertionError(f"{cls.__name__}.action_{name} cannot take {action!r}: {exc}") from exc


def ui_modules() -> Iterator[Any]:
    for prefix in ("console.screens", "console.widgets"):
        package = importlib.import_module(prefix)
        for info in pkgutil.iter_modules(package.__path__, f"{prefix}."):
            yield importlib.import_module(info.name)
    yield importlib.import_module("console.app")


def classes_with_bindings() -> list[type[DOMNode]]:
    found = []
    for module in ui_modules():
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            mine = issubclass(cls, DOMNode) and cls.__module__ == module.__name__
            if mine and "BINDINGS" in cls.__dict__:
                found.append(cls)
    return found


def test_every_action_names_a_method_of_its_handler_with_the_right_arity() -> None:
    for action in actions.ALL:
        assert_runs(handler_class(action.handler), action.action)


def test_every_binding_of_every_class_names_one_of_its_methods() -> None:
    classes = classes_with_bindings()
    assert len(classes) >= 12
    for cls in classes:
        for binding in cls.__dict__["BINDINGS"]:
            assert isinstance(binding, Binding), f"{cls.__name__}: a binding as a tuple"
            assert binding.id, f"{cls.__name__}: {binding.key} has no id"
            assert binding.description and binding.tooltip, f"{binding.id}: text and tooltip"
            assert_runs(cls, binding.action)


def test_ids_are_unique_and_each_keyed_action_is_bound_where_it_is_handled() -> None:
    ids = [a.id for a in actions.ALL] + [d.id for d in actions.DIALOG_KEYS]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert all(a.description and a.tooltip for a in actions.ALL)
    for action in actions.ALL:
        if not action.keys:
            assert action.palette, f"{action.id}: no key and not in the palette"
            continue
        bound = {b.id: b for b in handler_class(action.handler).BINDINGS if isinstance(b, Binding)}
        assert action.id in bound, f"{action.id} is not in {action.handler.class_name}.BINDINGS"
        assert bound[action.id].action == action.action
        assert bound[action.id].key == action.keys


def test_action_strings_are_plain_literals() -> None:
    for action in actions.ALL:
        _namespace, name, arguments = parse(action.action)
        assert name.isidentifier()
        assert all(isinstance(a, bool | int | float | str) for a in arguments), action.action
        assert action.method == name and action.arguments == tuple(arguments)
    tree = ast.parse((PACKAGE / "actions.py").read_text(encoding="utf-8"))
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)], "no f-string here"


Found = Iterator[tuple[ast.Call, list[ast.ClassDef]]]


def _binding_calls(tree: ast.AST) -> Found:
    """Each ``Binding(...)`` call with the classes it is written in."""

    def visit(node: ast.AST, classes: list[ast.ClassDef]) -> Found:
        for child in ast.iter_child_nodes(node):
            inner = [*classes, child] if isinstance(child, ast.ClassDef) else classes
            if isinstance(child, ast.Call):
                func = child.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name == "Binding":
                    yield child, inner
            yield from visit(child, inner)

    yield from visit(tree, [])


def test_no_binding_is_built_outside_actions_but_a_dialog_s_local_keys() -> None:
    """Bindings come from ``console/actions.py``; a ``ModalScreen`` may keep its own
    local keys (listed in ``actions.DIALOG_KEYS``, checked below)."""
    stray = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path in (PACKAGE / "actions.py", PACKAGE / "action_types.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call, classes in _binding_calls(tree):
            in_dialog = any(
                ast.unparse(base).split("[")[0].endswith("ModalScreen")
                for cls in classes
                for base in cls.bases
            )
            if not in_dialog:
                stray.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert not stray, f"Binding built outside console/actions.py: {stray}"


def test_no_action_string_is_built_at_run_time() -> None:
    """``run_action`` gets a declared action string, never one put together from parts."""
    built = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "run_action":
                first = node.args[0] if node.args else None
                if isinstance(first, ast.JoinedStr | ast.BinOp | ast.Call):
                    built.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not built, built


def test_dialog_keys_list_every_local_key_of_every_dialog() -> None:
    declared = {a.id: a for a in actions.ALL}
    local: dict[str, tuple[str, str, set[str]]] = {}
    for cls in classes_with_bindings():
        if not issubclass(cls, ModalScreen):
            continue
        for binding in cls.__dict__["BINDINGS"]:
            if binding.id in declared:
                continue
            key, description, dialogs = local.setdefault(
                binding.id, (binding.key, binding.description, set())
            )
            assert (key, description) == (binding.key, binding.description), binding.id
            dialogs.add(cls.__name__)
    listed = {
        d.id: (d.keys, d.description, set(d.dialogs.split(", "))) for d in actions.DIALOG_KEYS
    }
    assert local == listed


def test_the_keymap_docs_list_every_id_with_its_default_key() -> None:
    spec = importlib.util.spec_from_file_location("keys_doc", ROOT / "tools" / "keys_doc.py")
    assert spec is not None and spec.loader is not None
    keys_doc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(keys_doc)
    text = (ROOT / "docs" / "keys.md").read_text(encoding="utf-8")
    assert keys_doc.generated_part(text) == keys_doc.render(), (
        "docs/keys.md is out of date: run uv run python tools/keys_doc.py"
    )
    for action in actions.ALL:
        if action.keys:
            assert f"| `{action.id}` | `{action.keys.split(',')[0]}`" in text
    for dialog_key in actions.DIALOG_KEYS:
        assert f"| `{dialog_key.id}` |" in text
    assert "(docs/keys.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_palettes_offer_palette_actions_only_and_every_one_somewhere() -> None:
    offered = {a.id for group in actions.PALETTES.values() for a in group if a.palette}
    assert offered == {a.id for a in actions.ALL if a.palette}
    for handler in actions.PALETTES:
        assert issubclass(handler_class(handler), DOMNode)


@pytest.mark.parametrize(
    ("group", "owner", "attribute", "expected"),
    [
        (actions.BOARD, Handler.BOARD_PANEL, "MODERATES", {"moderate", "answer", "tag", "merge"}),
        (
            actions.CLOCK,
            Handler.MAIN_SCREEN,
            "CLOCK_ONLY",
            {"start_session", "toggle_pause", "next_segment", "previous_segment", "nudge"}
            | {"jump_to_segment", "end_session"},
        ),
        (
            actions.TO_PRESENTER,
            Handler.MAIN_SCREEN,
            "MESSAGE_ONLY",
            {"message_presenter", "send_presenter_message"},
        ),
    ],
)
def test_facilitator_only_actions_are_the_ones_their_handler_turns_off(
    group: tuple[Action, ...], owner: Handler, attribute: str, expected: set[str]
) -> None:
    assert actions.facilitator_only(group) == expected
    assert getattr(handler_class(owner), attribute) == expected


def test_every_moderation_step_a_key_names_is_a_board_operation() -> None:
    from console.widgets.board_panel import MODERATION_STEPS

    steps = {a.arguments[0] for a in actions.BOARD if a.method == "moderate"}
    assert steps == set(MODERATION_STEPS)


def test_actions_stays_cheap_to_import() -> None:
    """It is loaded before the first frame: no screen, widget or App comes with it."""
    for name, allowed in (("actions.py", {"console.action_types"}), ("action_types.py", set())):
        tree = ast.parse((PACKAGE / name).read_text(encoding="utf-8"))
        imported = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module is not None
        }
        assert not {m for m in imported if m.startswith("console")} - allowed, (name, imported)
