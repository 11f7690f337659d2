"""The asyncio client: :class:`Client`, session storage, peers, updates and the callback API.

How a client feature is shaped (one rule, for every new feature):

* A feature is a module of this package whose functions take a
  :class:`~oxigram.client.port.ClientPort` as their first argument; a feature that keeps
  state is a class built on the port (the callback router). It reaches the network, the
  schema and the session only through the port, never through a ``Client``.
* :class:`Client` implements the port structurally and exposes the feature as a thin method
  (the public signature and docstring) that passes ``self`` and, for a stateful feature,
  owns its one instance. No mixins, no free functions taking a ``Client``.
* The port lists what features use and nothing more: a feature that needs something else of
  the client adds it to ``ClientPort`` and to ``Client``.
* ``client.<namespace>.<method>(...)`` builds raw TL calls by name; no feature lives there.
* ``client.py`` imports the features, a feature never imports ``client.py``: the package's
  import graph has no cycle, counting imports under ``TYPE_CHECKING`` and inside functions
  (``tests/unit/test_client_imports.py``).

Features today: ``callbacks`` (the bot-side router; ``Client.callbacks``,
``on_callback_query``, ``callback_stats``), ``pressing`` (``request_callback_answer``,
clickable :class:`Message`), ``messages`` (``send_message`` with buttons, ``get_message``).
"""

from __future__ import annotations

from .buttons import Button
from .callback_data import CallbackData
from .callbacks import CallbackConfig, CallbackQuery
from .client import Client
from .dc_table import DcTable, telegram_table
from .port import ClientPort
from .pressing import CallbackAnswer, Message
from .storage import DcAddress, MemorySession, SessionStorage, SQLiteSession

__all__ = [
    "Button",
    "CallbackAnswer",
    "CallbackConfig",
    "CallbackData",
    "CallbackQuery",
    "Client",
    "ClientPort",
    "DcAddress",
    "DcTable",
    "MemorySession",
    "Message",
    "SQLiteSession",
    "SessionStorage",
    "telegram_table",
]
