"""TL benchmarks: oxigram native and pure side by side with Telethon and kurigram.

Run: ``pytest benches/bench_tl.py --benchmark-enable --benchmark-columns=min,median,ops``.
CI runs it with ``--benchmark-disable`` (each benchmark executes once), so every benchmark
checks what it produced: the same bytes as Telethon's serialization, or the decoded fields.

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
from functools import cache
from io import BytesIO
from typing import Any

import pytest

from oxigram.tl import Schema
from oxigram.tl._model import shipped_text

IMPLS = ["oxigram-native", "oxigram-pure", "telethon", "kurigram"]

QUERY_ID = 123456789012345
MESSAGE = "You pressed the button!"
USER_ID = 777000123
ACCESS_HASH = -1234567890123456
DATA = b"payload:button:17"
SRP_A = bytes(range(256))
SRP_M1 = bytes(range(32))
ANSWER = "Done: item 17 added to cart"
N_UPDATES = 100


@cache
def oxigram_schema(impl: str) -> Schema:
    if impl == "oxigram-native":
        try:
            from oxigram import _native as module
        except ImportError as exc:
            pytest.skip(f"oxigram._native is not importable: {exc}")
    else:
        from oxigram._pure import tl as module
    return Schema(shipped_text(), codec=module)


def need(module: str) -> Any:
    return pytest.importorskip(module, reason=f"{module} (a bench extra) is not installed")


# ------------------------------------------------------------------------ Telethon values


def telethon_set() -> Any:
    from telethon.tl.functions.messages import SetBotCallbackAnswerRequest

    return SetBotCallbackAnswerRequest(
        query_id=QUERY_ID, cache_time=30, alert=True, message=MESSAGE
    )


def telethon_get(password: bool = True) -> Any:
    from telethon.tl.functions.messages import GetBotCallbackAnswerRequest
    from telethon.tl.types import InputCheckPasswordSRP, InputPeerUser

    return GetBotCallbackAnswerRequest(
        peer=InputPeerUser(user_id=USER_ID, access_hash=ACCESS_HASH),
        msg_id=4242,
        data=DATA,
        password=InputCheckPasswordSRP(srp_id=99, A=SRP_A, M1=SRP_M1) if password else None,
    )


@cache
def answer_bytes() -> bytes:
    need("telethon")
    from telethon.tl.types.messages import BotCallbackAnswer

    return bytes(BotCallbackAnswer(cache_time=60, alert=True, message=ANSWER))


@cache
def updates_bytes() -> bytes:
    need("telethon")
    from telethon.tl.types import PeerUser, UpdateBotCallbackQuery, Updates, User

    updates = [
        UpdateBotCallbackQuery(
            query_id=QUERY_ID + i,
            user_id=5000 + i,
            peer=PeerUser(5000 + i),
            msg_id=100 + i,
            chat_instance=-987654321 + i,
            data=b"btn:%d" % i,
        )
        for i in range(N_UPDATES)
    ]
    users = [
        User(
            id=5000 + i,
            access_hash=123456789 + i,
            first_name=f"User {i}",
            username=f"user{i}",
            lang_code="en",
        )
        for i in range(N_UPDATES)
    ]
    return bytes(Updates(updates=updates, users=users, chats=[], date=1700000000, seq=0))


# ------------------------------------------------------------------------------ encoders


def make_encoder(impl: str, which: str) -> Callable[[], bytes]:
    if impl == "telethon":
        need("telethon")
        obj = telethon_set() if which == "set" else telethon_get(which == "get")
        return lambda: bytes(obj)
    if impl == "kurigram":
        need("pyrogram")
        from pyrogram.raw import functions, types

        if which == "set":
            kobj: Any = functions.messages.SetBotCallbackAnswer(
                query_id=QUERY_ID, cache_time=30, alert=True, message=MESSAGE
            )
        else:
            kobj = functions.messages.GetBotCallbackAnswer(
                peer=types.InputPeerUser(user_id=USER_ID, access_hash=ACCESS_HASH),
                msg_id=4242,
                data=DATA,
                password=types.InputCheckPasswordSRP(srp_id=99, A=SRP_A, M1=SRP_M1)
                if which == "get"
                else None,
            )
        return kobj.write  # type: ignore[no-any-return]
    s = oxigram_schema(impl)
    if which == "set":
        obj = s["messages.setBotCallbackAnswer"](
            query_id=QUERY_ID, cache_time=30, alert=True, message=MESSAGE
        )
    else:
        password = s["inputCheckPasswordSRP"](srp_id=99, A=SRP_A, M1=SRP_M1)
        obj = s["messages.getBotCallbackAnswer"](
            peer=s["inputPeerUser"](user_id=USER_ID, access_hash=ACCESS_HASH),
            msg_id=4242,
            data=DATA,
            **({"password": password} if which == "get" else {}),
        )
    return lambda: bytes(obj)


@pytest.mark.parametrize("impl", IMPLS)
def test_encode_set_bot_callback_answer(benchmark: Any, impl: str) -> None:
    benchmark.group = "tl encode messages.setBotCallbackAnswer"
    need("telethon")
    encode = make_encoder(impl, "set")
    assert benchmark(encode) == bytes(telethon_set())


@pytest.mark.parametrize("impl", IMPLS)
def test_encode_get_bot_callback_answer(benchmark: Any, impl: str) -> None:
    benchmark.group = "tl encode messages.getBotCallbackAnswer (SRP password)"
    need("telethon")
    encode = make_encoder(impl, "get")
    assert benchmark(encode) == bytes(telethon_get())


@pytest.mark.parametrize("impl", IMPLS)
def test_encode_get_bot_callback_answer_no_password(benchmark: Any, impl: str) -> None:
    benchmark.group = "tl encode messages.getBotCallbackAnswer (no password)"
    need("telethon")
    encode = make_encoder(impl, "get-nopw")
    assert benchmark(encode) == bytes(telethon_get(password=False))


# ------------------------------------------------------------------------------ decoders


def make_decoder(impl: str) -> Callable[[bytes], Any]:
    if impl == "telethon":
        need("telethon")
        from telethon.extensions import BinaryReader

        return lambda data: BinaryReader(data).tgread_object()
    if impl == "kurigram":
        need("pyrogram")
        from pyrogram.raw.core import TLObject

        return lambda data: TLObject.read(BytesIO(data))
    return oxigram_schema(impl).loads


@pytest.mark.parametrize("impl", IMPLS)
def test_decode_bot_callback_answer(benchmark: Any, impl: str) -> None:
    benchmark.group = "tl decode messages.botCallbackAnswer"
    data = answer_bytes()
    decode = make_decoder(impl)
    obj = benchmark(decode, data)
    assert (obj.alert, obj.message, obj.cache_time, obj.url) == (True, ANSWER, 60, None)
    assert not obj.has_url and not obj.native_ui


@pytest.mark.parametrize("impl", IMPLS)
def test_decode_updates_100_callback_queries(benchmark: Any, impl: str) -> None:
    benchmark.group = "tl decode updates: 100 updateBotCallbackQuery + 100 users"
    data = updates_bytes()
    decode = make_decoder(impl)
    obj = benchmark(decode, data)
    assert len(obj.updates) == len(obj.users) == N_UPDATES
    date = obj.date if isinstance(obj.date, int) else int(obj.date.timestamp())  # telethon
    assert (date, obj.seq, obj.chats) == (1700000000, 0, [])
    for i, (u, user) in enumerate(zip(obj.updates, obj.users, strict=True)):
        assert (u.query_id, u.user_id, u.msg_id, u.data) == (
            QUERY_ID + i,
            5000 + i,
            100 + i,
            b"btn:%d" % i,
        )
        assert (u.chat_instance, u.game_short_name, u.peer.user_id) == (
            -987654321 + i,
            None,
            5000 + i,
        )
        assert (user.id, user.access_hash, user.first_name) == (
            5000 + i,
            123456789 + i,
            f"User {i}",
        )
        assert (user.username, user.lang_code, user.bot, user.phone) == (
            f"user{i}",
            "en",
            False,
            None,
        )
