"""Decoding a realistic ``updates.difference`` (layer 229): oxigram native and pure side by
side with Telethon and kurigram, all four decoding the same bytes.

Run: ``pytest benches/bench_difference.py --benchmark-enable --benchmark-columns=min,median``.
Issue 15's target: native at least 10x Telethon and at least 10x kurigram.

The payload (``oxigram.bench.difference``, the row ``oxigram bench`` prints too): 100
messages in private chats, groups and channels, with entities of eight kinds, 34 photos and 33
documents (several sizes and thumbnails each), inline keyboards on 45, replies, forwards, views
and reactions; six other updates, 41 users and 8 chats; ~1,700 objects in 73 KB.
Implementations as in ``bench_tl.py``: ``Schema.loads`` over the native or pure codec,
Telethon's ``BinaryReader.tgread_object()``, kurigram's ``TLObject.read(BytesIO(data))``. Each
benchmark checks what it decoded (messages, media, keyboards, users, chats, state: see
``difference.summary``); with ``--benchmark-disable`` each runs once, as a test.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

import pytest

from oxigram.bench import tl_objects as tlo
from oxigram.bench.difference import (
    N_MESSAGES,
    difference_bytes,
    expected_summary,
    summary,
)

IMPLS = ["oxigram-native", "oxigram-pure", "telethon", "kurigram"]
MODULES = {"oxigram-native": "oxigram._native", "telethon": "telethon", "kurigram": "pyrogram"}
GROUP = "tl decode updates.difference: 100 messages with media, entities, keyboards + 49 peers"


def _need(module: str) -> None:
    pytest.importorskip(module, reason=f"{module} (a bench extra) is not installed")


@pytest.mark.parametrize("impl", IMPLS)
def test_decode_difference(benchmark: Any, impl: str) -> None:
    benchmark.group = GROUP
    if impl in MODULES:
        _need(MODULES[impl])
    obj = benchmark(tlo.decoder(impl), difference_bytes())
    assert summary(obj) == expected_summary()


@pytest.mark.parametrize("impl", ["telethon", "kurigram"])
def test_anchors_decode_the_same_layer(impl: str) -> None:
    """Telethon and kurigram decode the payload and serialize their objects back to the same
    bytes: they know every constructor in it by the same id and fields (layer 229 both), so
    the four columns decode one payload, not four dialects of it."""
    _need(MODULES[impl])
    data = difference_bytes()
    obj = tlo.decoder(impl)(data)
    again = bytes(obj) if impl == "telethon" else obj.write()
    assert again == data


def test_payload_is_what_the_docstring_says() -> None:
    obj = tlo.decoder("oxigram-pure")(difference_bytes())
    messages = obj.new_messages
    media = Counter(type(m.media).__name__ for m in messages if m.media is not None)
    peers = Counter(type(m.peer_id).__name__ for m in messages)
    assert len(messages) == N_MESSAGES
    assert media == {"MessageMediaPhoto": 34, "MessageMediaDocument": 33}
    assert peers == {"PeerUser": 40, "PeerChannel": 40, "PeerChat": 20}
    assert sum(m.reply_markup is not None for m in messages) == 45
    assert sum(m.reply_to is not None for m in messages) == 25
    assert sum(m.fwd_from is not None for m in messages) == 10
    entity_kinds = {type(e).__name__ for m in messages for e in m.entities}
    assert len(entity_kinds) == 8
    assert (len(obj.other_updates), len(obj.users), len(obj.chats)) == (6, 41, 8)
    # The bytes behind the README's figures: a change to the payload shows here first.
    data = difference_bytes()
    assert len(data) == 73_488
    assert hashlib.sha256(data).hexdigest() == (
        "80434d50e39577065a4c5974fb881813647745427541e69304abee5476bb7808"
    )
