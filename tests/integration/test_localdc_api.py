"""The local DC's parts: the test API refuses bad arguments with ``InvalidInputError`` (wrong
types: ``InvalidTypeError``) and changes nothing, and engines with their own DC ids, ports
and keys serve one shared state."""

from __future__ import annotations

import os
from typing import Any

import pytest
from mtclient import RawClient, login_bot, login_user, run

from oxigram import crypto, tl
from oxigram.errors import InvalidInputError, InvalidTypeError
from oxigram.mtproto.rsa_keys import RsaPrivateKey
from oxigram.server import Button, LocalDC
from oxigram.server.engine import Engine


def test_bad_arguments_raise_invalid_input_error(rsa_key: RsaPrivateKey) -> None:
    for kwargs, message in [
        ({"answer_timeout": 0}, "answer_timeout must be more than 0"),
        ({"dc_id": 0}, "a DC id is 1 or more"),
        ({"port": 70000}, "a port is 0 to 65535"),
        ({"max_frame": 0}, "max_frame must be at least 1"),
        ({"peers": {2: ("127.0.0.1", 1)}}, "DC 2 is this DC"),
    ]:
        with pytest.raises(InvalidInputError, match=message):
            LocalDC(rsa_key=rsa_key, **kwargs)

    dc = LocalDC(rsa_key=rsa_key)
    bot = dc.add_bot("api_bot")
    user = dc.add_user("15557000", "Ada")
    before = (len(dc.store.accounts), len(dc.store.messages), len(dc.engine.keys))
    bad_calls: list[tuple[Any, str]] = [
        (lambda: dc.add_bot("@"), "a bot needs a username"),
        (lambda: dc.add_bot("x_bot", token=""), "a bot token cannot be empty"),
        (lambda: dc.add_user("+-", "Nobody"), "a phone number needs digits"),
        (lambda: dc.import_auth_key(b"short"), "auth_key must be 256 bytes"),
        (lambda: dc.import_auth_key(os.urandom(256), 424242), "no account with id 424242"),
        (lambda: dc.send_message(bot.id, 424242, "hi"), "no account with id 424242"),
        (lambda: dc.send_message(424242, user.id, "hi"), "no account with id 424242"),
        (lambda: dc.add_inline_message(user.id, user.id, bot.id, "hi"), "is not a bot"),
        (lambda: dc.add_inline_message(bot.id, user.id, 424242, "hi"), "no account"),
        (lambda: dc.edit_message(424242, "new"), "no message with id 424242"),
        (lambda: dc.delay_next_response(-1.0), "a delay is 0 or more seconds"),
        (lambda: dc.withhold(count=0), "count must be at least 1"),
        (lambda: dc.inject_error("help.getConfig", 400, "X", count=0), "count must be at"),
        (lambda: dc.inject_error("help.getConfig", 400, ""), "needs a message"),
        (lambda: dc.add_peer_dc(2, "127.0.0.1", 1), "DC 2 is this DC"),
        (lambda: dc.add_peer_dc(4, "127.0.0.1", 70000), "a port is 0 to 65535"),
        (lambda: dc.add_peer_dc(4, "127.0.0.1", "x"), "a port is a number"),
        (lambda: Button("Odd", "dance"), "a button is one of callback, url, game"),
    ]
    for call, message in bad_calls:
        with pytest.raises(InvalidInputError, match=message):
            call()
    with pytest.raises(InvalidInputError, match="answer_timeout"):
        dc.answer_timeout = -1.0
    assert dc.answer_timeout == 10.0
    for buttons in (["not a button"], [[Button.callback("ok", b"ok"), 3]], "yes", 7):
        with pytest.raises(InvalidTypeError, match="buttons"):
            dc.send_message(bot.id, user.id, "pick", buttons=buttons)
    not_markup = tl.from_dict({"_": "peerUser", "user_id": 1})
    with pytest.raises(InvalidTypeError, match="a ReplyMarkup, not peerUser"):
        dc.send_message(bot.id, user.id, "pick", buttons=not_markup)
    assert (len(dc.store.accounts), len(dc.store.messages), len(dc.engine.keys)) == before
    assert dc.peers == {}


def _peer(account: Any) -> dict[str, Any]:
    return {"_": "inputPeerUser", "user_id": account.id, "access_hash": account.access_hash}


def test_two_engines_serve_one_state(rsa_key: RsaPrivateKey) -> None:
    """DC 2 (the LocalDC) and DC 4 (a second engine over its state): each its own port and
    keys, both logging in the same accounts; a press on DC 2 reaches the bot on DC 4."""

    async def main() -> None:
        async with LocalDC(rsa_key=rsa_key, answer_timeout=5.0) as dc2:
            dc4 = Engine(dc2.state, dc_id=4, rsa_key=rsa_key)
            await dc4.start()
            try:
                bot = dc2.add_bot("two_dc_bot")
                user = dc2.add_user("15557001", "Bea")
                user_key = os.urandom(256)
                dc2.import_auth_key(user_key)  # DC 2's key, logged in as nobody yet
                bot_key = os.urandom(256)
                bot_key_id = crypto.auth_key_id(bot_key)
                dc4.keys.add(bot_key, bot_key_id)  # DC 4's key
                assert bot_key_id not in dc2.engine.keys and dc4.port != dc2.port
                async with (
                    RawClient(dc2.port, dc2.rsa_public_key, auth_key=user_key) as cu,
                    RawClient(dc4.port, dc2.rsa_public_key, auth_key=bot_key) as cb,
                ):
                    assert (await cu.call("help.getConfig")).this_dc == 2
                    assert (await cb.call("help.getConfig")).this_dc == 4
                    await login_user(cu, user.phone)
                    await login_bot(cb, bot.token)
                    # the same accounts and pts on both
                    assert (await cu.call("updates.getState")).pts == 1
                    assert (await cb.call("updates.getState")).pts == 1
                    msg_id = dc2.send_message(
                        bot.id, user.id, "pick", buttons=[Button.callback("Yes", b"yes")]
                    )
                    pushed = await cb.next_update()  # the bot's copy, pushed on DC 4
                    assert pushed.updates[0].message.id == msg_id
                    press = cu.send(
                        tl.from_dict(
                            {
                                "_": "messages.getBotCallbackAnswer",
                                "peer": _peer(bot),
                                "msg_id": msg_id,
                                "data": b"yes",
                            }
                        )
                    )[0]
                    upd = await cb.next_update()
                    (query,) = upd.updates
                    assert query._tl_name == "updateBotCallbackQuery" and query.data == b"yes"
                    await cb.call(
                        "messages.setBotCallbackAnswer",
                        query_id=query.query_id,
                        message="from DC 4",
                        cache_time=0,
                    )
                    answer = await press
                    assert answer.message == "from DC 4"
                    # keys are each DC's own: DC 4 does not know the user's key
                    async with RawClient(
                        dc4.port, dc2.rsa_public_key, auth_key=user_key
                    ) as stranger:
                        with pytest.raises(ConnectionError):
                            await stranger.call("help.getConfig")
                        assert stranger.transport_error == 404
            finally:
                await dc4.stop()

    run(main())
