"""The layer contract: every import inside ``python/oxigram`` points down the diagram.

Every ``import`` and ``from ... import`` is read from the syntax tree of every module (at
module level, under ``TYPE_CHECKING``, inside functions and ``try`` blocks alike) and checked
against :data:`ALLOWED`. A failure names the file, the line, the import and the rule it breaks.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import oxigram

PACKAGE_DIR = Path(oxigram.__file__).parent
ROOT = PACKAGE_DIR.parent.parent

# The diagram, bottom to top (ARCHITECTURE.md draws the same):
#
#   errors                     the leaf: every exception class; imports nothing of ours
#   _schema_index              the index of the shipped schema text (read by _pure and tl)
#   _native (Rust), _pure      the two implementations
#   _backend                   picks one; the only importer of _native and _pure
#   crypto | tl                the public faces of the backend (siblings)
#   mtproto                    sans-IO protocol
#   network                    asyncio connection and sender
#   client | server            the library's two roles (siblings)
#   oxigram (__init__)         the public surface: backend, errors, lazy Client / LocalDC
#   bench | demo | scale       programs built on the library (siblings); benchtable is bench's
#   testing                    the pytest plugin and Sandbox for users' bots (a sibling of those)
#   cli                        `oxigram demo | serve | bench | scale`
#
# A layer may import any layer below it unless noted, and itself; never one above or beside.

#: Module (or package, with everything under it) -> its layer. ``oxigram`` itself is the
#: package's ``__init__`` only; a module that is in no entry fails the test until placed.
LAYER_OF: dict[str, str] = {
    "oxigram.errors": "errors",
    "oxigram._schema_index": "schema_index",
    "oxigram._native": "native",
    "oxigram._pure": "pure",
    "oxigram._backend": "backend",
    "oxigram.crypto": "crypto",
    "oxigram.tl": "tl",
    "oxigram.mtproto": "mtproto",
    "oxigram.network": "network",
    "oxigram.client": "client",
    "oxigram.server": "server",
    "oxigram": "package",
    "oxigram.bench": "bench",
    "oxigram.benchtable": "bench",
    "oxigram.demo": "demo",
    "oxigram.scale": "scale",
    "oxigram.testing": "testing",
    "oxigram.cli": "cli",
}

_LIBRARY = {"errors", "backend", "crypto", "tl", "mtproto", "network", "client", "server"}

#: Layer -> the other layers it may import.
ALLOWED: dict[str, frozenset[str]] = {
    "errors": frozenset(),
    "schema_index": frozenset({"errors"}),
    # The Rust module imports oxigram.errors at run time (not checked here: no Python source).
    "native": frozenset({"errors"}),
    "pure": frozenset({"errors", "schema_index"}),
    "backend": frozenset({"errors", "native", "pure"}),
    "crypto": frozenset({"errors", "backend"}),
    "tl": frozenset({"errors", "backend", "schema_index"}),
    "mtproto": frozenset({"errors", "backend", "crypto", "tl"}),
    "network": frozenset({"errors", "backend", "crypto", "tl", "mtproto"}),
    "client": frozenset({"errors", "backend", "crypto", "tl", "mtproto", "network"}),
    "server": frozenset({"errors", "backend", "crypto", "tl", "mtproto", "network"}),
    "package": frozenset(_LIBRARY),
    "bench": frozenset(_LIBRARY | {"package"}),
    "demo": frozenset(_LIBRARY | {"package"}),
    "scale": frozenset(_LIBRARY | {"package"}),
    # The pytest plugin for users' bots: a local DC and logged-in clients.
    "testing": frozenset(_LIBRARY | {"package"}),
    "cli": frozenset(_LIBRARY | {"package", "bench", "demo", "scale"}),
}

#: Layers below the I/O edge: no asyncio (design rule 2, for tl/ and mtproto/, and so for all
#: they stand on).
SANS_IO = frozenset({"errors", "native", "pure", "backend", "crypto", "tl", "mtproto"})


@dataclass(frozen=True)
class Import:
    """One imported module, as written at ``path:line`` in ``module``."""

    module: str
    target: str
    path: Path
    line: int

    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules() -> dict[str, Path]:
    """Every module of the package by name (``oxigram._native`` included, by its stub)."""
    found = {module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py"))}
    found["oxigram._native"] = PACKAGE_DIR / "_native.pyi"
    return found


def imports_of(module: str, path: Path, source: str, known: set[str]) -> Iterator[Import]:
    """Every module that ``source`` imports, wherever the statement is. ``from P import x``
    imports ``P.x`` when that is a module of ours, else ``P``."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, path, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                up = node.level - 1 if is_package else node.level
                base = base[: len(base) - up]
                if node.module:
                    base.append(node.module)
                target = ".".join(base)
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                yield Import(module, sub if sub in known else target, path, node.lineno)


def layer_of(module: str) -> str | None:
    """The layer of one of our modules: the longest entry of :data:`LAYER_OF` that is the
    module or a package above it (``oxigram`` alone matches only itself)."""
    best = None
    for prefix in LAYER_OF:
        matches = module == prefix or (prefix != "oxigram" and module.startswith(prefix + "."))
        if matches and (best is None or len(prefix) > len(best)):
            best = prefix
    return None if best is None else LAYER_OF[best]


def violations(imports: list[Import]) -> list[str]:
    """One line per import that breaks the diagram."""
    found = []
    for imp in imports:
        own = layer_of(imp.module)
        if own is None:
            found.append(f"{imp.where()}: {imp.module} is on no layer: add it to LAYER_OF")
            continue
        top = imp.target.split(".")[0]
        if top == "asyncio" and own in SANS_IO:
            found.append(
                f"{imp.where()}: {imp.module} (layer {own}) imports {imp.target}: "
                f"layers {', '.join(sorted(SANS_IO))} are sans-IO (asyncio lives in "
                "network/ and above)"
            )
        if top != "oxigram":
            continue
        target = layer_of(imp.target)
        if target is None:
            found.append(f"{imp.where()}: {imp.target} is on no layer: add it to LAYER_OF")
        elif target != own and target not in ALLOWED[own]:
            may = ", ".join(sorted(ALLOWED[own])) or "nothing"
            found.append(
                f"{imp.where()}: {imp.module} (layer {own}) imports {imp.target} "
                f"(layer {target}); {own} may import only: {may}"
            )
    return found


def all_imports() -> list[Import]:
    modules = package_modules()
    known = set(modules)
    return [
        imp
        for name, path in modules.items()
        if path.suffix == ".py"
        for imp in imports_of(name, path, path.read_text(encoding="utf-8"), known)
    ]


def test_every_import_points_down_the_diagram() -> None:
    broken = violations(all_imports())
    assert not broken, "layer rules broken:\n" + "\n".join(broken)


def test_diagram_is_consistent() -> None:
    assert set(LAYER_OF.values()) == set(ALLOWED)
    for layer, lower in ALLOWED.items():
        assert lower <= set(ALLOWED), layer
        assert layer not in lower, layer
        # One way only: nothing a layer may import may import it back, even indirectly.
        seen, todo = set(), set(lower)
        while todo:
            below = todo.pop()
            assert below != layer, f"{layer} and {below} may import each other"
            seen.add(below)
            todo |= ALLOWED[below] - seen


def test_only_backend_imports_the_implementations() -> None:
    importers = {
        imp.module
        for imp in all_imports()
        if layer_of(imp.target) in ("native", "pure")
        and layer_of(imp.module) not in ("native", "pure")
    }
    assert importers == {"oxigram._backend"}


def test_errors_is_a_leaf() -> None:
    own = [imp for imp in all_imports() if imp.module == "oxigram.errors"]
    assert own, "no imports read from errors.py"  # at least __future__
    assert all(not imp.target.startswith("oxigram") for imp in own), own


def test_rust_core_has_no_pyo3() -> None:
    """rust/core <- rust/py: the core crate knows nothing of Python."""
    manifest = (ROOT / "rust" / "core" / "Cargo.toml").read_text(encoding="utf-8")
    assert "pyo3" not in manifest


# The checker itself: each kind of import it must see, in a module that breaks the rules.
BAD_SOURCE = """
from __future__ import annotations
from typing import TYPE_CHECKING
import asyncio
from .. import _pure
if TYPE_CHECKING:
    from ..client import Client
def later():
    from ..server import dc
    import oxigram.cli
"""


def test_checker_reports_each_forbidden_import() -> None:
    known = set(package_modules())
    path = PACKAGE_DIR / "tl" / "_model.py"
    imports = list(imports_of("oxigram.tl._model", path, BAD_SOURCE, known))
    broken = violations(imports)
    lines = sorted(int(b.split(":")[1]) for b in broken)
    assert lines == [4, 5, 7, 9, 10], broken
    assert any(
        "oxigram._pure (layer pure); tl may import only: backend, errors" in b for b in broken
    )
    assert any("oxigram.server.dc (layer server)" in b for b in broken)
    assert any("imports asyncio" in b for b in broken)


def test_checker_resolves_relative_imports() -> None:
    known = set(package_modules())
    init = PACKAGE_DIR / "mtproto" / "__init__.py"
    got = [i.target for i in imports_of("oxigram.mtproto", init, "from . import session\n", known)]
    assert got == ["oxigram.mtproto.session"]
    mod = PACKAGE_DIR / "mtproto" / "session.py"
    src = "from .. import crypto, __version__\nfrom ..tl import _model\nfrom .framing import x\n"
    got = [i.target for i in imports_of("oxigram.mtproto.session", mod, src, known)]
    assert got == ["oxigram.crypto", "oxigram", "oxigram.tl._model", "oxigram.mtproto.framing"]
