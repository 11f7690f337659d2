"""The import graph of one package, read from its source with ``ast``, and its cycles.

Every import counts: module level, under ``if TYPE_CHECKING:``, and inside functions, since
each one is a dependency a reader has to follow (a cycle closed only under ``TYPE_CHECKING``
is still a cycle of the design). Only edges between modules of the package are kept.

    graph = import_graph(Path(oxigram.client.__file__).parent, "oxigram.client")
    assert find_cycles(graph) == []
"""

from __future__ import annotations

import ast
from pathlib import Path

__all__ = ["find_cycles", "import_graph"]


def _modules(root: Path, package: str) -> dict[str, Path]:
    """Dotted name -> source file of every module of the package under ``root``."""
    found: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join([package, *parts])] = path
    return found


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    """The dotted names one import statement of ``module`` loads: ``import a.b`` -> ``a.b``;
    ``from x import a, b`` -> ``x.a`` / ``x.b`` (submodules, when they are) or else ``x``."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        # ``from .`` in a package's __init__ is the package itself, elsewhere its parent.
        parts = module.split(".")
        drop = node.level - 1 if is_package else node.level
        parts = parts[: len(parts) - drop]
        base = ".".join(parts + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    return [f"{base}.{alias.name}" for alias in node.names]


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """``{module: modules of the package it imports}`` for the package in ``root`` (an
    import of ``package.a.b.name`` is an edge to the deepest of those that is a module)."""
    modules = _modules(root, package)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for target in _targets(node, name, is_package):
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (or a module importing
    itself), each sorted, the list sorted: empty when the graph has no cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan; the graphs are small, recursion is fine
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group: list[str] = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1 or v in graph.get(v, ()):
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(groups)
