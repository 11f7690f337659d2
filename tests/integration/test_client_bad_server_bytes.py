"""The client's side of "any exception from a peer's bytes ends that connection only": what
the server sent makes the decoding step raise something that is no ``Exception`` (what a
panicking native decode raised, pyo3's ``PanicException``); the client drops that connection,
reconnects, and the requests go on. It used to end the reader task silently: every later
request waited out its timeout."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest

from oxigram.client import Client, MemorySession
from oxigram.client.storage import DcInfo
from oxigram.mtproto.session import Session
from oxigram.network.sender import SenderConfig
from oxigram.server import LocalDC


class PanicLike(BaseException):
    """Stands for pyo3's ``PanicException``: a ``BaseException`` that is no ``Exception``."""


def test_a_decode_that_raises_anything_reconnects_instead_of_ending_the_reader(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = Session.unpack
    armed = [False]

    def unpack(self: Session, packet: bytes) -> Any:
        if armed[0]:
            armed[0] = False
            raise PanicLike("PyObject pointer is null")
        return real(self, packet)

    monkeypatch.setattr(Session, "unpack", unpack)

    async def main() -> None:
        async with LocalDC() as dc:
            key = os.urandom(256)
            dc.import_auth_key(key)
            session = MemorySession()
            session.set_dc(DcInfo(dc.dc_id, dc.host, dc.port, key))
            config = SenderConfig(backoff_base=0.05, request_timeout=10.0)
            server = (dc.host, dc.port)
            keys = [dc.public_key_pem]
            async with Client(session, 1, "hash", server=server, rsa_keys=keys, config=config) as c:
                assert (await c.help.getNearestDc()).this_dc == 2
                sender = c.sender
                assert sender is not None
                armed[0] = True
                # the answer's packet raises: the connection is replaced, the request re-sent
                # (read-only) and answered on the new one
                assert (await c.help.getNearestDc()).this_dc == 2
                assert sender.reconnects == 1
                assert (await c.help.getNearestDc()).this_dc == 2

    asyncio.run(asyncio.wait_for(main(), 30))
