"""Differential test against Telethon 1.45 (layer 229): random values for the callback
constructors encode to the bytes Telethon's classes give, and Telethon's bytes decode to the
same values with ours, on the selected backend."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oxigram import tl

tt = pytest.importorskip("telethon.tl.types", reason="telethon (a test extra) is not installed")
tf = pytest.importorskip("telethon.tl.functions.messages")
ttm = pytest.importorskip("telethon.tl.types.messages")

INT = st.integers(-(2**31), 2**31 - 1)
LONG = st.integers(-(2**63), 2**63 - 1)
TEXT = st.text(max_size=300)
DATA = st.binary(max_size=300)


def opt(s: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | s


def pair(name: str, tele: Any, **fields: Any) -> tuple[Any, Any]:
    """Our object and Telethon's, from the same field values (Telethon's nested objects are
    given as (ours, theirs) pairs too)."""
    ours = {k: v[0] if isinstance(v, tuple) else v for k, v in fields.items()}
    theirs = {k: v[1] if isinstance(v, tuple) else v for k, v in fields.items()}
    return tl.schema[name](**{k: v for k, v in ours.items() if v is not None}), tele(**theirs)


def input_peers() -> st.SearchStrategy[tuple[Any, Any]]:
    leaf = st.one_of(
        st.just(pair("inputPeerEmpty", tt.InputPeerEmpty)),
        st.just(pair("inputPeerSelf", tt.InputPeerSelf)),
        st.builds(lambda i: pair("inputPeerChat", tt.InputPeerChat, chat_id=i), LONG),
        st.builds(
            lambda i, h: pair("inputPeerUser", tt.InputPeerUser, user_id=i, access_hash=h),
            LONG,
            LONG,
        ),
        st.builds(
            lambda i, h: pair("inputPeerChannel", tt.InputPeerChannel, channel_id=i, access_hash=h),
            LONG,
            LONG,
        ),
    )

    def from_message(children: st.SearchStrategy[tuple[Any, Any]]) -> Any:
        return st.one_of(
            st.builds(
                lambda p, m, u: pair(
                    "inputPeerUserFromMessage",
                    tt.InputPeerUserFromMessage,
                    peer=p,
                    msg_id=m,
                    user_id=u,
                ),
                children,
                INT,
                LONG,
            ),
            st.builds(
                lambda p, m, c: pair(
                    "inputPeerChannelFromMessage",
                    tt.InputPeerChannelFromMessage,
                    peer=p,
                    msg_id=m,
                    channel_id=c,
                ),
                children,
                INT,
                LONG,
            ),
        )

    return st.recursive(leaf, from_message, max_leaves=3)


PEERS = st.one_of(
    st.builds(lambda i: pair("peerUser", tt.PeerUser, user_id=i), LONG),
    st.builds(lambda i: pair("peerChat", tt.PeerChat, chat_id=i), LONG),
    st.builds(lambda i: pair("peerChannel", tt.PeerChannel, channel_id=i), LONG),
)
PASSWORDS = st.one_of(
    st.just(pair("inputCheckPasswordEmpty", tt.InputCheckPasswordEmpty)),
    st.builds(
        lambda i, a, m: pair(
            "inputCheckPasswordSRP", tt.InputCheckPasswordSRP, srp_id=i, A=a, M1=m
        ),
        LONG,
        st.binary(min_size=256, max_size=256),
        st.binary(min_size=32, max_size=32),
    ),
)
INLINE_IDS = st.one_of(
    st.builds(
        lambda d, i, h: pair(
            "inputBotInlineMessageID", tt.InputBotInlineMessageID, dc_id=d, id=i, access_hash=h
        ),
        INT,
        LONG,
        LONG,
    ),
    st.builds(
        lambda d, o, i, h: pair(
            "inputBotInlineMessageID64",
            tt.InputBotInlineMessageID64,
            dc_id=d,
            owner_id=o,
            id=i,
            access_hash=h,
        ),
        INT,
        LONG,
        INT,
        LONG,
    ),
)

SET_ANSWER = st.builds(
    lambda q, c, a, m, u: pair(
        "messages.setBotCallbackAnswer",
        tf.SetBotCallbackAnswerRequest,
        query_id=q,
        cache_time=c,
        alert=a,
        message=m,
        url=u,
    ),
    LONG,
    INT,
    st.booleans(),
    opt(TEXT),
    opt(TEXT),
)
GET_ANSWER = st.builds(
    lambda g, p, m, d, pw: pair(
        "messages.getBotCallbackAnswer",
        tf.GetBotCallbackAnswerRequest,
        game=g,
        peer=p,
        msg_id=m,
        data=d,
        password=pw,
    ),
    st.booleans(),
    input_peers(),
    INT,
    opt(DATA),
    opt(PASSWORDS),
)
ANSWER = st.builds(
    lambda a, h, n, m, u, c: pair(
        "messages.botCallbackAnswer",
        ttm.BotCallbackAnswer,
        alert=a,
        has_url=h,
        native_ui=n,
        message=m,
        url=u,
        cache_time=c,
    ),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    opt(TEXT),
    opt(TEXT),
    INT,
)
CALLBACK_QUERY = st.builds(
    lambda q, u, p, m, c, d, g: pair(
        "updateBotCallbackQuery",
        tt.UpdateBotCallbackQuery,
        query_id=q,
        user_id=u,
        peer=p,
        msg_id=m,
        chat_instance=c,
        data=d,
        game_short_name=g,
    ),
    LONG,
    LONG,
    PEERS,
    INT,
    LONG,
    opt(DATA),
    opt(TEXT),
)
INLINE_QUERY = st.builds(
    lambda q, u, m, c, d, g: pair(
        "updateInlineBotCallbackQuery",
        tt.UpdateInlineBotCallbackQuery,
        query_id=q,
        user_id=u,
        msg_id=m,
        chat_instance=c,
        data=d,
        game_short_name=g,
    ),
    LONG,
    LONG,
    INLINE_IDS,
    LONG,
    opt(DATA),
    opt(TEXT),
)
UPDATE = CALLBACK_QUERY | INLINE_QUERY


def updates_of(items: list[tuple[Any, Any]], date: int, seq: int) -> tuple[Any, Any]:
    ours = tl.schema["updates"](
        updates=[o for o, _ in items], users=[], chats=[], date=date, seq=seq
    )
    return ours, tt.Updates(updates=[t for _, t in items], users=[], chats=[], date=date, seq=seq)


WRAPPERS = st.one_of(
    st.builds(lambda u, d: pair("updateShort", tt.UpdateShort, update=u, date=d), UPDATE, INT),
    st.builds(updates_of, st.lists(UPDATE, max_size=5), INT, INT),
)
ALL = SET_ANSWER | GET_ANSWER | ANSWER | UPDATE | WRAPPERS


def telethon_value(v: Any) -> Any:
    """Telethon's decoded value in our terms (dates are datetimes there)."""
    import datetime

    if isinstance(v, datetime.datetime):
        return int(v.timestamp())
    if isinstance(v, list):
        return [telethon_value(x) for x in v]
    if hasattr(v, "to_dict"):
        return {k: telethon_value(x) for k, x in v.to_dict().items()}
    return v


def same(ours: Any, theirs: Any) -> None:
    """Every field of ours equals Telethon's (absent optionals are None/False in both)."""
    t = telethon_value(theirs)
    for name in ours._tl_fields:
        mine, other = getattr(ours, name), t.get(name)
        if isinstance(mine, list):
            assert len(mine) == len(other), name
            for a, b in zip(mine, theirs.__dict__[name], strict=True):
                same(a, b)
        elif hasattr(mine, "_tl_fields"):
            same(mine, getattr(theirs, name))
        else:
            assert mine == (other or False if name in ours._tl_true else other), name


@given(ALL)
def test_encode_matches_telethon(objs: tuple[Any, Any]) -> None:
    ours, theirs = objs
    assert bytes(ours) == bytes(theirs)
    assert tl.dumps(ours) == bytes(theirs)


@given(ALL)
def test_decode_telethon_bytes(objs: tuple[Any, Any]) -> None:
    ours, theirs = objs
    back = tl.loads(bytes(theirs))
    assert back == ours
    same(back, theirs)
