"""Method classes of the shipped schema, one per method:
``functions.messages.SetBotCallbackAnswer``.

Filled at import from the schema (``oxigram.tl.schema``); the names and field types are
declared by the generated stubs next to this file (``scripts/gen_tl_stubs.py``).
"""

from __future__ import annotations

from .._model import fill_module, shipped_schema

fill_module(__name__, shipped_schema().functions)
