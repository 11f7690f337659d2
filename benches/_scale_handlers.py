"""The handler ``bench_scale.py`` runs in every case: the single-process bot installs it on its
client, the workers load it with ``--handlers benches/_scale_handlers.py:handlers``."""

from __future__ import annotations

from oxigram.client.callbacks import CallbackQuery
from oxigram.scale import Handlers

handlers = Handlers()


@handlers.on_callback_query(prefix=b"press")
async def press(q: CallbackQuery) -> None:
    await q.answer("ok")
