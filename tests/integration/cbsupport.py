"""Helpers for the callback tests: clients on imported auth keys (no handshake, no login),
so the slow pure backend spends its time on the callback flow, not on handshakes."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import Any

from oxigram.client import Client, MemorySession
from oxigram.client.storage import DcInfo
from oxigram.network.sender import SenderConfig

TIMEOUT = 60.0


def run(fn: Callable[[], Awaitable[None]], timeout: float = TIMEOUT) -> None:
    asyncio.run(asyncio.wait_for(fn(), timeout))


def logged_in(dc: Any, account_id: int, *, bot: bool, **kw: Any) -> Client:
    """A client whose session already holds an auth key bound to ``account_id``."""
    key = os.urandom(256)
    dc.import_auth_key(key, account_id)
    session = MemorySession()
    session.set_dc(DcInfo(dc.dc_id, dc.host, dc.port, key))
    session.set_self(account_id, bot)
    kw.setdefault("config", SenderConfig(backoff_base=0.05, request_timeout=10.0))
    return Client(session, 1, "hash", server=(dc.host, dc.port), rsa_keys=[dc.public_key_pem], **kw)


async def wait_until(cond: Callable[[], bool], timeout: float = 5.0) -> None:
    async def poll() -> None:
        while not cond():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)
