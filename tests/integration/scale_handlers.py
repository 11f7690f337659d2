"""Handlers the scale tests load into worker processes (``--handlers FILE:handlers``): the
same decorator code a single-process bot uses."""

from __future__ import annotations

import asyncio
import os

from oxigram.client.callbacks import CallbackQuery
from oxigram.scale import Handlers

handlers = Handlers()


@handlers.on_callback_query(prefix=b"press")
async def press(q: CallbackQuery) -> None:
    await asyncio.sleep(0.005)  # some work, so a killed worker dies mid-handler
    await q.answer(f"ok {os.getpid()}")
