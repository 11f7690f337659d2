"""TL benchmarks: oxigram native and pure side by side with Telethon and kurigram.

Run: ``pytest benches/bench_tl.py --benchmark-enable --benchmark-columns=min,median,ops``.
CI runs it with ``--benchmark-disable`` (each benchmark executes once), so every benchmark
checks what it produced: the same bytes as Telethon's serialization, or the decoded fields.
The objects come from ``oxigram.bench.tl_objects`` (``oxigram bench`` times the same ones).

Implementations in each group:

=====================  ==========================================================
``oxigram-native``     ``bytes(obj)`` / ``Schema.loads`` over ``oxigram._native.TLCodec``
``oxigram-pure``       the same over ``oxigram._pure.tl.TLCodec`` (pure Python)
``telethon``           Telethon 1.45.0 (layer 229): ``bytes(obj)`` /
                       ``BinaryReader(data).tgread_object()``
``kurigram``           kurigram 2.2.26 (Pyrogram fork, layer 229): ``obj.write()`` /
                       ``TLObject.read(BytesIO(data))``; skipped when not installed
=====================  ==========================================================
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from oxigram.bench import tl_objects as tlo

IMPLS = ["oxigram-native", "oxigram-pure", "telethon", "kurigram"]
MODULES = {"oxigram-native": "oxigram._native", "telethon": "telethon", "kurigram": "pyrogram"}


def need(module: str) -> Any:
    return pytest.importorskip(module, reason=f"{module} (a bench extra) is not installed")


def _need_impl(impl: str) -> None:
    need("telethon")  # the reference bytes
    if impl in MODULES:
        need(MODULES[impl])


def _encoder(impl: str, which: str) -> Callable[[], bytes]:
    _need_impl(impl)
    return tlo.encoder(impl, which)


@pytest.mark.parametrize("impl", IMPLS)
def test_encode_set_bot_callback_answer(benchmark: Any, impl: str) -> None:
    benchmark.group = "tl encode messages.setBotCallbackAnswer"
    encode = _encoder(impl, "set")
    assert benchmark(encode) == bytes(tlo.telethon_request("set"))


@pytest.mark.parametrize("impl", IMPLS)
def test_encode_get_bot_callback_answer(benchmark: Any, impl: str) -> None:
    benchmark.group = "tl encode messages.getBotCallbackAnswer (SRP password)"
    encode = _encoder(impl, "get")
    assert benchmark(encode) == bytes(tlo.telethon_request("get"))


@pytest.mark.parametrize("impl", IMPLS)
def test_encode_get_bot_callback_answer_no_password(benchmark: Any, impl: str) -> None:
    benchmark.group = "tl encode messages.getBotCallbackAnswer (no password)"
    encode = _encoder(impl, "get-nopw")
    assert benchmark(encode) == bytes(tlo.telethon_request("get-nopw"))


@pytest.mark.parametrize("impl", IMPLS)
def test_decode_bot_callback_answer(benchmark: Any, impl: str) -> None:
    benchmark.group = "tl decode messages.botCallbackAnswer"
    _need_impl(impl)
    obj = benchmark(tlo.decoder(impl), tlo.answer_bytes())
    assert tlo.check_answer(obj)
    assert (obj.alert, obj.message, obj.cache_time, obj.url) == (True, tlo.ANSWER, 60, None)


@pytest.mark.parametrize("impl", IMPLS)
def test_decode_updates_100_callback_queries(benchmark: Any, impl: str) -> None:
    benchmark.group = "tl decode updates: 100 updateBotCallbackQuery + 100 users"
    _need_impl(impl)
    obj = benchmark(tlo.decoder(impl), tlo.updates_bytes())
    assert len(obj.updates) == len(obj.users) == tlo.N_UPDATES
    assert tlo.check_updates(obj)


def test_reference_batch_is_telethon_s_serialization() -> None:
    """The shared batch (built with oxigram's pure codec) is byte-for-byte what Telethon
    serializes for the same values, so no implementation decodes a home-made dialect."""
    need("telethon")
    from telethon.tl.types import PeerUser, UpdateBotCallbackQuery, Updates, User
    from telethon.tl.types.messages import BotCallbackAnswer

    n = tlo.N_UPDATES
    updates = [
        UpdateBotCallbackQuery(
            query_id=tlo.QUERY_ID + i,
            user_id=5000 + i,
            peer=PeerUser(5000 + i),
            msg_id=100 + i,
            chat_instance=-987654321 + i,
            data=b"btn:%d" % i,
        )
        for i in range(n)
    ]
    users = [
        User(
            id=5000 + i,
            access_hash=123456789 + i,
            first_name=f"User {i}",
            username=f"user{i}",
            lang_code="en",
        )
        for i in range(n)
    ]
    batch = Updates(updates=updates, users=users, chats=[], date=1700000000, seq=0)
    assert bytes(batch) == tlo.updates_bytes()
    answer = BotCallbackAnswer(cache_time=60, alert=True, message=tlo.ANSWER)
    assert bytes(answer) == tlo.answer_bytes()
