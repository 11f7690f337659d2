"""Constructor classes of the shipped schema, one per constructor:
``types.messages.BotCallbackAnswer``.

Filled at import from the schema (``oxigram.tl.schema``); the names and field types are
declared by the generated stubs next to this file (``scripts/gen_tl_stubs.py``).
``TypeX`` is the union of the constructors of boxed type ``X`` (``TypeInputPeer``).
"""

from __future__ import annotations

from .._model import fill_module, shipped_schema

fill_module(__name__, shipped_schema().types)
