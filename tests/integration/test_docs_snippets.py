"""The documentation's programs run as written: every ```python block right after a
``<!-- docs-test: runs -->`` line in ``docs/*.md`` is executed (as ``__main__``, so its
``asyncio.run(main())`` runs), and a block defining ``test_*`` functions has them called.
Each block is a complete program: no setup is added, nothing is replaced."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
MARKER = "<!-- docs-test: runs -->"
_BLOCK = re.compile(re.escape(MARKER) + r"\n```python\n(.*?)\n```", re.DOTALL)


def _snippets() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for page in sorted(DOCS.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        blocks = _BLOCK.findall(text)
        # a marker not followed by a python block would silently test nothing
        assert len(blocks) == text.count(MARKER), f"{page.name}: a marker without a block"
        found += [(f"{page.name}#{i + 1}", code) for i, code in enumerate(blocks)]
    return found


SNIPPETS = _snippets()


def test_the_docs_have_runnable_snippets() -> None:
    pages = {name.partition("#")[0] for name, _ in SNIPPETS}
    assert {"getting-started.md", "answering.md", "pressing.md", "callback-data.md"} <= pages


@pytest.mark.parametrize(("name", "code"), SNIPPETS, ids=[name for name, _ in SNIPPETS])
def test_snippet_runs(name: str, code: str, capsys: pytest.CaptureFixture[str]) -> None:
    namespace: dict[str, object] = {"__name__": "__main__"}
    # dont_inherit: not this file's `from __future__ import annotations`
    exec(compile(code, name, "exec", dont_inherit=True), namespace)
    for key, value in list(namespace.items()):
        if key.startswith("test_") and callable(value):
            value()
    assert "Traceback" not in capsys.readouterr().err
