"""MkDocs hook (mkdocs.yml, ``hooks:``): the docstrings use Sphinx roles (``:class:`Foo```),
which Markdown renders as text followed by code; the role prefix is dropped so ``Foo`` reads
as code."""

from __future__ import annotations

import re
from typing import Any

_ROLE = re.compile(r":(?:class|func|meth|mod|attr|data|exc|obj):(<code>)")


def on_page_content(html: str, **_: Any) -> str:
    return _ROLE.sub(r"\1", html)
