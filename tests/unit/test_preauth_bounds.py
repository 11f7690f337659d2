"""Before an auth key exists: an unencrypted frame is bounded as soon as its auth_key_id is
in (every framing, obfuscated2 too), and the server handshake decodes only the constructor
its step expects, refused by its first four bytes otherwise."""

from __future__ import annotations

import struct
from typing import Any

import pytest

from oxigram import tl
from oxigram.errors import FrameTooLargeError, HandshakeError
from oxigram.mtproto.handshake import ClientHandshake, ServerHandshake, pack_plain
from oxigram.mtproto.obfuscated2 import Obfuscated2
from oxigram.mtproto.rsa_keys import RsaPrivateKey
from oxigram.mtproto.transports import Frame, accept_transport, client_transport

#: Bytes before a 5,000-byte payload: the tag or obfuscated2 header, then the frame header.
HEAD = {"abridged": 5, "intermediate": 8, "padded_intermediate": 8, "full": 8, "obfuscated2": 68}
KINDS = tuple(HEAD)


def _server_side(kind: str, first: bytes) -> Any:
    transport = accept_transport(first)
    assert transport is not None
    return transport


@pytest.mark.parametrize("kind", KINDS)
def test_a_big_unencrypted_frame_is_refused_before_its_body_arrives(kind: str) -> None:
    client = client_transport(kind)
    plain = bytes(8) + bytes(4992)  # auth_key_id 0, 5,000 bytes
    wire = client.pack(plain)
    head = HEAD[kind]
    server = _server_side(kind, wire[: head + 7])
    server.max_plain = 4096
    assert list(server) == []  # auth_key_id not complete: nothing to say yet
    server.feed(wire[head + 7 : head + 8])
    with pytest.raises(
        FrameTooLargeError, match=r"unencrypted frame of 50\d\d bytes exceeds the 4096"
    ):
        list(server)


@pytest.mark.parametrize("kind", KINDS)
def test_encrypted_and_small_unencrypted_frames_pass(kind: str) -> None:
    client = client_transport(kind)
    encrypted = b"\x01" + bytes(4999)
    small = bytes(8) + bytes(392)
    wire = client.pack(encrypted) + client.pack(small)
    server = _server_side(kind, wire)
    server.max_plain = 4096
    payloads = [p.payload for p in server if isinstance(p, Frame)]
    if kind == "padded_intermediate":  # random padding stays on the payload
        payloads = [p[: len(q)] for p, q in zip(payloads, (encrypted, small), strict=True)]
    assert payloads == [encrypted, small]


def test_obfuscated2_passes_the_bound_to_its_framing() -> None:
    wire = Obfuscated2.client("intermediate").pack(bytes(5000))
    server = _server_side("obfuscated2", wire)
    assert isinstance(server, Obfuscated2)
    server.max_plain = 512
    assert server.inner.max_plain == 512
    with pytest.raises(FrameTooLargeError):
        list(server)


# ------------------------------------------------------------------------------ handshake


def _vector_of_gzip(copies: int) -> bytes:
    packed = struct.pack("<I", 0x3072CFA1) + b"\x04\x1f\x8b\x08\x00" + bytes(3)  # cut gzip
    return struct.pack("<Ii", 0x1CB5C415, copies) + packed * copies


def test_the_server_handshake_refuses_an_unexpected_constructor_before_decoding(
    rsa_key: Any,
) -> None:
    key = RsaPrivateKey(n=rsa_key.n, e=rsa_key.e, d=rsa_key.d)
    server = ServerHandshake(key)
    with pytest.raises(HandshakeError, match="unexpected constructor 1cb5c415 in state 'req_pq'"):
        server.receive(pack_plain(1 << 62, _vector_of_gzip(16)))
    with pytest.raises(HandshakeError, match="unexpected constructor 3072cfa1"):
        server.receive(pack_plain(1 << 62, _vector_of_gzip(1)[8:]))
    # a step out of order is named, as before
    set_params = {"_": "set_client_DH_params", "nonce": 1, "server_nonce": 2, "encrypted_data": b""}
    with pytest.raises(HandshakeError, match="unexpected set_client_DH_params in state 'req_pq'"):
        server.receive(pack_plain(1 << 62, tl.dumps(tl.from_dict(set_params))))
    # mid-exchange: the next step or a new start, nothing else
    client = ClientHandshake([key.public])
    req_dh = client.receive(server.receive(client.start()))
    assert req_dh is not None
    with pytest.raises(HandshakeError, match="unexpected constructor 1cb5c415 in state 'req_dh"):
        server.receive(pack_plain(1 << 62, _vector_of_gzip(2)))
    assert client.receive(server.receive(req_dh)) is not None  # the exchange goes on
