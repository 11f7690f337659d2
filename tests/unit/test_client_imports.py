"""No import cycle inside ``oxigram.client``, counting imports under ``TYPE_CHECKING`` and
inside functions (``tests/import_graph.py``); features never import ``client.py``."""

from __future__ import annotations

from pathlib import Path

import oxigram.client
from import_graph import find_cycles, import_graph

CLIENT = Path(oxigram.client.__file__).parent


def test_the_client_package_has_no_import_cycle() -> None:
    assert find_cycles(import_graph(CLIENT, "oxigram.client")) == []


def test_features_depend_on_the_port_not_on_the_client() -> None:
    graph = import_graph(CLIENT, "oxigram.client")
    for feature in ("callbacks", "pressing", "messages"):
        deps = graph[f"oxigram.client.{feature}"]
        assert "oxigram.client.port" in deps, feature
        assert "oxigram.client.client" not in deps, feature


def test_a_cycle_closed_under_type_checking_or_in_a_function_is_found(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("from .a import A\n")
    (pkg / "a.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\nclass A: ...\n"
    )
    (pkg / "b.py").write_text("from . import c\nclass B: ...\n")
    (pkg / "c.py").write_text("def f():\n    from pkg.a import A\n    return A\n")
    (pkg / "d.py").write_text("import pkg.c\nfrom .. import elsewhere\n")
    graph = import_graph(pkg, "pkg")
    assert graph == {
        "pkg": {"pkg.a"},
        "pkg.a": {"pkg.b"},
        "pkg.b": {"pkg.c"},
        "pkg.c": {"pkg.a"},
        "pkg.d": {"pkg.c"},
    }
    assert find_cycles(graph) == [["pkg.a", "pkg.b", "pkg.c"]]
    (pkg / "c.py").write_text("def f():\n    return 1\n")
    assert find_cycles(import_graph(pkg, "pkg")) == []
