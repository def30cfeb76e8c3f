"""The shape of the code, checked: no import cycles inside consult/, and no views module importing
another domain's views (docs/architecture.md gives the rules; these tests keep them true).

Imports are read from the source (ast), so the tests see what Python would run: module-level
imports are what importing a module executes; an import inside a function runs later, and is
counted too unless it is named below with its reason, so a cycle cannot hide in a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "consult"

# Imports inside functions that would close a cycle, and why each is one on purpose.
DEFERRED_ON_PURPOSE = {
    # The factory imports every blueprint and the CLI; that is its job.
    ("consult", "*"),
    # A background export job (thread or worker process) builds its own app to work in.
    ("consult.exports.jobs", "consult"),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(node: ast.Import | ast.ImportFrom, module: str, modules: set[str]) -> set[str]:
    """The consult modules an import statement loads (a `from package import name` loads the
    submodule when `name` is one)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        if node.level:
            base = module.split(".")
            package = base if (PACKAGE / Path(*base[1:]) / "__init__.py").exists() else base[:-1]
            package = package[: len(package) - node.level + 1]
            prefix = ".".join(package + ([node.module] if node.module else []))
        else:
            prefix = node.module or ""
        # `from package import submodule` depends on the submodule; `from package import
        # name` on the package itself.
        names = [
            f"{prefix}.{alias.name}" if f"{prefix}.{alias.name}" in modules else prefix
            for alias in node.names
        ]
    return {name for name in names if name in modules}


def _imports() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(module-level imports, imports inside functions) of every consult module."""
    files = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    modules = set(files)
    at_import: dict[str, set[str]] = {name: set() for name in modules}
    deferred: dict[str, set[str]] = {name: set() for name in modules}

    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))

        def visit(node: ast.AST, in_function: bool, *, name: str = name) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.If) and _is_type_checking(child):
                    continue
                if isinstance(child, ast.Import | ast.ImportFrom):
                    target = deferred if in_function else at_import
                    target[name] |= _imported(child, name, modules) - {name}
                inner = in_function or isinstance(
                    child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
                )
                visit(child, inner)

        visit(tree, False)
    # Importing a.b.c runs a/__init__.py first, but that is a dependency only when a.b.c takes
    # a name from it, which the import statements show: a package's __init__ may import its
    # own modules.
    return at_import, deferred


def _cycle_from(graph: dict[str, set[str]], start: str) -> list[str] | None:
    """A path start -> ... -> start through the graph, if there is one."""
    stack = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for nxt in sorted(graph.get(node, ())):
            if nxt == start:
                return [*path, start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


def _allowed_deferred(module: str, target: str) -> bool:
    return (module, "*") in DEFERRED_ON_PURPOSE or (module, target) in DEFERRED_ON_PURPOSE


def test_importing_any_consult_module_runs_into_no_cycle():
    at_import, _ = _imports()
    cycles = {
        " -> ".join(cycle)
        for module in sorted(at_import)
        if (cycle := _cycle_from(at_import, module))
    }
    assert not cycles, "import cycles:\n" + "\n".join(sorted(cycles))


def test_no_import_inside_a_function_hides_a_cycle():
    at_import, deferred = _imports()
    hidden = []
    for module, targets in sorted(deferred.items()):
        for target in sorted(targets):
            if _allowed_deferred(module, target):
                continue
            # Would the deferred import close a loop if it ran at import time?
            back = _cycle_from({**at_import, module: at_import[module] | {target}}, module)
            if back:
                hidden.append(" -> ".join(back))
    assert not hidden, "imports inside functions that dodge a cycle:\n" + "\n".join(hidden)


def _domain_of_views(module: str) -> str | None:
    """'drafting' for consult.drafting.views and consult.drafting.views.sections ..."""
    parts = module.split(".")
    if len(parts) >= 3 and (parts[2] == "views" or parts[2].endswith("_views")):
        return parts[1]
    return None


def test_no_views_module_imports_another_domains_views():
    at_import, deferred = _imports()
    crossings = [
        f"{module} imports {target}"
        for module in sorted(at_import)
        if (domain := _domain_of_views(module))
        for target in sorted(at_import[module] | deferred[module])
        if (other := _domain_of_views(target)) and other != domain
    ]
    assert not crossings, "\n".join(crossings)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("consult.a.views", "a"),
        ("consult.a.views.sections", "a"),
        ("consult.a.clash_views", "a"),
        ("consult.a.services", None),
    ],
)
def test_views_modules_are_recognised_by_name(source, expected):
    assert _domain_of_views(source) == expected


def test_the_cycle_finder_finds_a_cycle_and_only_a_cycle():
    assert _cycle_from({"a": {"b"}, "b": {"c"}, "c": {"a"}}, "a") == ["a", "b", "c", "a"]
    assert _cycle_from({"a": {"b"}, "b": {"c"}, "c": set()}, "a") is None


def test_every_deferred_import_named_on_purpose_still_exists():
    _, deferred = _imports()
    stale = [
        pair
        for pair in DEFERRED_ON_PURPOSE
        if not (deferred.get(pair[0]) and (pair[1] == "*" or pair[1] in deferred[pair[0]]))
    ]
    assert not stale
