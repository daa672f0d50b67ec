"""The package's shape: imports only downward (no cycle between modules), and no module taking another's private
names. Read from the source with the standard library's AST, function-level imports included (a lazy import is
still a dependency)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "complaints"


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute name of a relative import `from <level dots><name> import …` in `module`."""
    base = module.split(".") if is_package else module.split(".")[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, *([name] if name else [])])


def imports(root: Path) -> tuple[dict[str, set[str]], list[str]]:
    """Every module of the package under `root` → the package's modules it imports; and each private name
    imported from another module ("importer: from module import _name")."""
    modules = {_module_name(p, root): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    private: list[str] = []
    top = root.name
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == top:
                        graph[name].add(_nearest(alias.name, modules))
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(name, is_package, node.level, node.module) if node.level else (node.module or "")
                if target.split(".")[0] != top:
                    continue
                for alias in node.names:
                    submodule = f"{target}.{alias.name}"
                    if submodule in modules:  # `from . import x`: the module x
                        graph[name].add(submodule)
                        continue
                    graph[name].add(_nearest(target, modules))
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        private.append(f"{name}: from {target} import {alias.name}")
        graph[name].discard(name)
    return graph, private


def _nearest(name: str, modules: dict[str, Path]) -> str:
    while name not in modules and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted: every import cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _parents_of(module: str) -> set[str]:
    parts = module.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def test_no_import_cycle_in_the_package() -> None:
    graph, _ = imports(PACKAGE)
    # a package's __init__ importing its own submodules (to re-export them) is not a cycle of the design:
    # leave out the edges from a module to the packages that contain it
    downward = {name: {t for t in targets if t not in _parents_of(name)} for name, targets in graph.items()}
    assert cycles(downward) == []


def test_no_module_imports_another_modules_private_names() -> None:
    _, private = imports(PACKAGE)
    assert private == []


def test_the_checks_find_a_cycle_and_a_private_import(tmp_path: Path) -> None:
    """The two checks above can fail: a package with a cycle and a private import is caught."""
    pkg = tmp_path / "complaints"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from .sub import b\n")
    (pkg / "sub" / "b.py").write_text("def f():\n    from ..a import _hidden\n")
    graph, private = imports(pkg)
    assert cycles(graph) == [["complaints.a", "complaints.sub.b"]]
    assert private == ["complaints.sub.b: from complaints.a import _hidden"]


@pytest.mark.parametrize("stage", ["case", "letter", "render", "batch", "register", "evidence", "intake", "cli"])
def test_the_stages_are_subpackages(stage: str) -> None:
    assert (PACKAGE / stage / "__init__.py").is_file()


def test_the_library_does_not_import_the_command_line() -> None:
    """The command line is a skin over the library: nothing outside cli/ imports it."""
    graph, _ = imports(PACKAGE)
    assert sorted(m for m, targets in graph.items() if not m.startswith("complaints.cli")
                  and any(t.startswith("complaints.cli") for t in targets)) == []
