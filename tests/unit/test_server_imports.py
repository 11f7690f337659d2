"""No import cycle among the modules of ``oxigram.server``.

Every import counts, wherever it is written: at the top, under ``if TYPE_CHECKING:`` and
inside functions (a type-only circle still ties the modules' data together); the graph comes
from ``tests/import_graph.py``, which ``test_client_imports.py`` uses for ``oxigram.client``.
"""

from __future__ import annotations

from pathlib import Path

import oxigram.server
from import_graph import find_cycles, import_graph

SERVER = Path(oxigram.server.__file__).resolve().parent


def test_server_modules_import_each_other_without_a_cycle() -> None:
    graph = import_graph(SERVER, "oxigram.server")
    assert "oxigram.server.engine" in graph and "oxigram.server.methods.auth" in graph
    assert "oxigram.server.state" in graph["oxigram.server.context"]  # edges are found
    assert find_cycles(graph) == []


def test_the_check_sees_type_only_and_function_level_imports(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("from . import b\n")
    (pkg / "a.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .sub.b import B\n"
    )
    (pkg / "sub" / "b.py").write_text("def f():\n    from ..a import A\n")
    graph = import_graph(pkg, "pkg")
    assert graph["pkg.a"] == {"pkg.sub.b"}
    assert graph["pkg.sub.b"] == {"pkg.a"}
    assert graph["pkg.sub"] == {"pkg.sub.b"}
    assert find_cycles(graph) != []
    (pkg / "sub" / "b.py").write_text("import os\n")
    assert find_cycles(import_graph(pkg, "pkg")) == []
