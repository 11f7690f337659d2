"""The TL objects the benchmarks encode and decode, built once for every implementation.

oxigram (native or pure codec), Telethon and kurigram each get the same values: the two
callback requests (``messages.setBotCallbackAnswer``, ``messages.getBotCallbackAnswer`` with
and without an SRP password), the ``messages.botCallbackAnswer`` result and one ``updates``
batch of 100 ``updateBotCallbackQuery`` with their 100 users. ``benches/bench_tl.py`` and
``oxigram bench`` both use this module. Telethon/kurigram builders raise ``ImportError``
when the library is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial
from io import BytesIO
from typing import Any

from .. import _backend
from ..tl import Schema
from ..tl._model import shipped_text

__all__ = [
    "ACCESS_HASH",
    "ANSWER",
    "DATA",
    "MESSAGE",
    "N_UPDATES",
    "QUERY_ID",
    "SRP_A",
    "SRP_M1",
    "USER_ID",
    "answer_bytes",
    "check_answer",
    "check_updates",
    "decoder",
    "encoder",
    "oxigram_schema",
    "telethon_request",
    "updates_bytes",
]

QUERY_ID = 123456789012345
MESSAGE = "You pressed the button!"
USER_ID = 777000123
ACCESS_HASH = -1234567890123456
DATA = b"payload:button:17"
SRP_A = bytes(range(256))
SRP_M1 = bytes(range(32))
ANSWER = "Done: item 17 added to cart"
N_UPDATES = 100

#: ``which`` values of :func:`encoder`: set answer, press with SRP password, press without.
REQUESTS = ("set", "get", "get-nopw")


@cache
def oxigram_schema(impl: str) -> Schema:
    """The shipped schema over the native (``oxigram-native``) or pure codec (an ImportError
    when the native module does not load)."""
    backend = _backend.load("native" if impl == "oxigram-native" else "python")
    schema = Schema(shipped_text(), codec=backend.tl)
    # Compiled now (a schema read through its index compiles its codec on first use), so no
    # benchmark's first call pays for it.
    _ = schema._codec
    return schema


def telethon_request(which: str) -> Any:
    """The Telethon request object for ``which`` (one of :data:`REQUESTS`)."""
    from telethon.tl.functions.messages import (
        GetBotCallbackAnswerRequest,
        SetBotCallbackAnswerRequest,
    )
    from telethon.tl.types import InputCheckPasswordSRP, InputPeerUser

    if which == "set":
        return SetBotCallbackAnswerRequest(
            query_id=QUERY_ID, cache_time=30, alert=True, message=MESSAGE
        )
    return GetBotCallbackAnswerRequest(
        peer=InputPeerUser(user_id=USER_ID, access_hash=ACCESS_HASH),
        msg_id=4242,
        data=DATA,
        password=InputCheckPasswordSRP(srp_id=99, A=SRP_A, M1=SRP_M1) if which == "get" else None,
    )


def _oxigram_request(impl: str, which: str) -> Any:
    s = oxigram_schema(impl)
    if which == "set":
        return s["messages.setBotCallbackAnswer"](
            query_id=QUERY_ID, cache_time=30, alert=True, message=MESSAGE
        )
    password = s["inputCheckPasswordSRP"](srp_id=99, A=SRP_A, M1=SRP_M1)
    return s["messages.getBotCallbackAnswer"](
        peer=s["inputPeerUser"](user_id=USER_ID, access_hash=ACCESS_HASH),
        msg_id=4242,
        data=DATA,
        **({"password": password} if which == "get" else {}),
    )


def _kurigram_request(which: str) -> Any:
    import importlib

    functions: Any = importlib.import_module("pyrogram.raw.functions")
    types: Any = importlib.import_module("pyrogram.raw.types")

    if which == "set":
        return functions.messages.SetBotCallbackAnswer(
            query_id=QUERY_ID, cache_time=30, alert=True, message=MESSAGE
        )
    return functions.messages.GetBotCallbackAnswer(
        peer=types.InputPeerUser(user_id=USER_ID, access_hash=ACCESS_HASH),
        msg_id=4242,
        data=DATA,
        password=types.InputCheckPasswordSRP(srp_id=99, A=SRP_A, M1=SRP_M1)
        if which == "get"
        else None,
    )


def encoder(impl: str, which: str) -> Callable[[], bytes]:
    """A zero-argument callable serializing request ``which`` with ``impl`` (oxigram-native,
    oxigram-pure, telethon, kurigram)."""
    # ``partial(bytes, obj)`` calls ``bytes(obj)`` with no Python frame of ours around it, so
    # every column pays the same (small) harness cost.
    if impl == "telethon":
        return partial(bytes, telethon_request(which))
    if impl == "kurigram":
        return _kurigram_request(which).write  # type: ignore[no-any-return]
    return partial(bytes, _oxigram_request(impl, which))


def reference_bytes(which: str) -> bytes:
    """The expected serialization: Telethon's when installed, else oxigram native's."""
    try:
        return bytes(telethon_request(which))
    except ImportError:
        return bytes(_oxigram_request("oxigram-native", which))


def _answer_obj(s: Schema) -> Any:
    return s["messages.botCallbackAnswer"](cache_time=60, alert=True, message=ANSWER)


def _updates_obj(s: Schema) -> Any:
    updates = [
        s["updateBotCallbackQuery"](
            query_id=QUERY_ID + i,
            user_id=5000 + i,
            peer=s["peerUser"](user_id=5000 + i),
            msg_id=100 + i,
            chat_instance=-987654321 + i,
            data=b"btn:%d" % i,
        )
        for i in range(N_UPDATES)
    ]
    users = [
        s["user"](
            id=5000 + i,
            access_hash=123456789 + i,
            first_name=f"User {i}",
            username=f"user{i}",
            lang_code="en",
        )
        for i in range(N_UPDATES)
    ]
    return s["updates"](updates=updates, users=users, chats=[], date=1700000000, seq=0)


@cache
def answer_bytes() -> bytes:
    """``messages.botCallbackAnswer{alert, message=ANSWER, cache_time=60}``."""
    return bytes(_answer_obj(oxigram_schema("oxigram-pure")))


@cache
def updates_bytes() -> bytes:
    """``updates`` with 100 ``updateBotCallbackQuery`` and their 100 users."""
    return bytes(_updates_obj(oxigram_schema("oxigram-pure")))


def decoder(impl: str) -> Callable[[bytes], Any]:
    """A one-argument callable decoding TL bytes into an object with ``impl``."""
    if impl == "telethon":
        from telethon.extensions import BinaryReader

        return lambda data: BinaryReader(data).tgread_object()
    if impl == "kurigram":
        from pyrogram.raw.core import TLObject

        return lambda data: TLObject.read(BytesIO(data))
    return oxigram_schema(impl).loads


def check_answer(obj: Any) -> bool:
    """Whether ``obj`` is the decoded :func:`answer_bytes`."""
    return (obj.alert, obj.message, obj.cache_time, obj.url) == (True, ANSWER, 60, None) and (
        not obj.has_url and not obj.native_ui
    )


def check_updates(obj: Any) -> bool:
    """Whether ``obj`` is the decoded :func:`updates_bytes` (every field of every entry)."""
    if len(obj.updates) != N_UPDATES or len(obj.users) != N_UPDATES:
        return False
    date = obj.date if isinstance(obj.date, int) else int(obj.date.timestamp())  # Telethon
    if (date, obj.seq, list(obj.chats)) != (1700000000, 0, []):
        return False
    for i, (u, user) in enumerate(zip(obj.updates, obj.users, strict=True)):
        if (u.query_id, u.user_id, u.msg_id, u.data, u.chat_instance, u.game_short_name) != (
            QUERY_ID + i,
            5000 + i,
            100 + i,
            b"btn:%d" % i,
            -987654321 + i,
            None,
        ) or u.peer.user_id != 5000 + i:
            return False
        if (user.id, user.access_hash, user.first_name, user.username, user.lang_code) != (
            5000 + i,
            123456789 + i,
            f"User {i}",
            f"user{i}",
            "en",
        ) or (bool(user.bot), user.phone) != (False, None):
            return False
    return True
