"""Accounts, messages and the callback flow on the local DC, through the raw client."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest
from mtclient import RawClient, RpcCallError, login_bot, login_user, run

from oxigram import crypto, tl
from oxigram.mtproto.rsa_keys import RsaPrivateKey
from oxigram.server import Button, LocalDC

PASSWORD = "correct horse"


def _peer(account: Any) -> dict[str, Any]:
    return {"_": "inputPeerUser", "user_id": account.id, "access_hash": account.access_hash}


async def _srp(c: RawClient, password: str) -> Any:
    pw = await c.call("account.getPassword")
    algo = pw.current_algo
    A, M1 = crypto.srp_answer(password, algo.salt1, algo.salt2, algo.g, algo.p, pw.srp_B)
    assert len(algo.p) == 256 and len(pw.srp_B) == 256
    return tl.from_dict({"_": "inputCheckPasswordSRP", "srp_id": pw.srp_id, "A": A, "M1": M1})


async def _answer_next(bot: RawClient, **answer: Any) -> Any:
    """Waits for the next callback query pushed to ``bot`` and answers it."""
    while True:
        upd = await bot.next_update()
        for u in getattr(upd, "updates", []):
            if u._tl_name in ("updateBotCallbackQuery", "updateInlineBotCallbackQuery"):
                await bot.call("messages.setBotCallbackAnswer", query_id=u.query_id, **answer)
                return upd


def test_logins_2fa_messages_pts_and_difference(rsa_key: RsaPrivateKey) -> None:
    async def main() -> None:
        async with LocalDC(rsa_key=rsa_key) as dc:
            bot = dc.add_bot("pts_bot")
            alice = dc.add_user("+1 555 0200", "Alice", password=PASSWORD, username="alice")
            bob = dc.add_user("15550201", "Bob")
            kb, ka, kb2 = os.urandom(256), os.urandom(256), os.urandom(256)
            for k in (kb, ka, kb2):
                dc.import_auth_key(k)
            async with (
                RawClient(dc.port, dc.rsa_public_key, auth_key=kb) as cb,
                RawClient(dc.port, dc.rsa_public_key, auth_key=ka) as ca,
                RawClient(dc.port, dc.rsa_public_key, auth_key=kb2) as cbob,
            ):
                with pytest.raises(RpcCallError, match="ACCESS_TOKEN_INVALID"):
                    await login_bot(cb, "1:nope")
                await login_bot(cb, bot.token)
                # 2FA login: code, then SESSION_PASSWORD_NEEDED, then SRP
                with pytest.raises(RpcCallError) as err:
                    await login_user(ca, "15550200", code="00000")
                assert err.value.message == "PHONE_CODE_INVALID"
                with pytest.raises(RpcCallError) as err:
                    await login_user(ca, "15550200")
                assert (err.value.code, err.value.message) == (401, "SESSION_PASSWORD_NEEDED")
                wrong = await _srp(ca, "wrong")
                with pytest.raises(RpcCallError, match="PASSWORD_HASH_INVALID"):
                    await ca.call("auth.checkPassword", password=wrong)
                stale = tl.from_dict({"_": "inputCheckPasswordSRP", "srp_id": 1, "A": b"\x02",
                                      "M1": bytes(32)})  # fmt: skip
                with pytest.raises(RpcCallError, match="SRP_ID_INVALID"):
                    await ca.call("auth.checkPassword", password=stale)
                auth = await ca.call("auth.checkPassword", password=await _srp(ca, PASSWORD))
                assert auth.user.id == alice.id and auth.user.self
                await login_user(cbob, bob.phone)

                state = await ca.call("updates.getState")
                assert state.pts >= 1
                resolved = await ca.call("contacts.resolveUsername", username="pts_bot")
                assert resolved.users[0].bot and resolved.users[0].access_hash == bot.access_hash
                full = await ca.call("users.getFullUser", id={"_": "inputUserSelf"})
                assert full.full_user.id == alice.id

                # a server-side bot message: pushed to both sides with per-account pts
                mid = dc.send_message(bot.id, alice.id, "hi", buttons=[Button.callback("a", b"a")])
                pushed = await ca.next_update()
                (new,) = pushed.updates
                assert new.message.id == mid and new.pts == state.pts + 1 and new.pts_count == 1
                assert {u.id for u in pushed.users} == {bot.id, alice.id}
                assert new.message.reply_markup.rows[0].buttons[0].type.data == b"a"
                assert (await cb.next_update()).updates[0].message.out

                # messages.sendMessage from a user: the sender's answer, the recipient's push
                sent = await ca.call(
                    "messages.sendMessage", peer=_peer(bob), message="hello bob", random_id=42
                )
                assert sent.updates[0]._tl_name == "updateMessageID"
                assert sent.updates[0].random_id == 42
                got = await cbob.next_update()
                assert got.updates[0].message.message == "hello bob"
                assert not got.updates[0].message.out
                # edit by the bot, seen by alice
                await cb.call("messages.editMessage", peer=_peer(alice), id=mid, message="edited")
                edit = await ca.next_update()
                assert edit.updates[0]._tl_name == "updateEditMessage"
                assert edit.updates[0].message.message == "edited"
                with pytest.raises(RpcCallError, match="MESSAGE_AUTHOR_REQUIRED"):
                    await ca.call("messages.editMessage", peer=_peer(bot), id=mid, message="x")
                # getMessages: as each side sees it, with the users
                msgs = await ca.call(
                    "messages.getMessages", id=[{"_": "inputMessageID", "id": mid}]
                )
                assert msgs.messages[0].message == "edited" and not msgs.messages[0].out
                assert bot.id in {u.id for u in msgs.users}
                other = await cbob.call(
                    "messages.getMessages", id=[{"_": "inputMessageID", "id": mid}]
                )
                assert other.messages[0]._tl_name == "messageEmpty"
                # getDifference from the old state returns what happened since
                diff = await ca.call("updates.getDifference", pts=state.pts, date=state.date, qts=0)
                assert [m.id for m in diff.new_messages] == [mid, sent.updates[1].message.id]
                assert diff.other_updates[0]._tl_name == "updateEditMessage"
                assert diff.state.pts == state.pts + 3
                empty = await ca.call(
                    "updates.getDifference", pts=diff.state.pts, date=diff.state.date, qts=0
                )
                assert empty._tl_name == "updates.differenceEmpty"

    run(main())


def test_callback_answers_and_every_error(rsa_key: RsaPrivateKey) -> None:
    async def main() -> None:
        async with LocalDC(rsa_key=rsa_key, answer_timeout=0.5) as dc:
            bot = dc.add_bot("cb_bot")
            alice = dc.add_user("15550300", "Alice", password=PASSWORD)
            bob = dc.add_user("15550301", "Bob")
            keys = {a.id: os.urandom(256) for a in (bot, alice, bob)}
            for uid, k in keys.items():
                dc.import_auth_key(k, uid)
            rows = [
                [Button.callback("t", b"t"), Button.callback("pw", b"pw", requires_password=True)],
                [Button.url("u", "https://example.org"), Button.game("g", short_name="tetris")],
            ]
            mid = dc.send_message(bot.id, alice.id, "keys", buttons=rows)
            bob_mid = dc.send_message(bot.id, bob.id, "keys", buttons=rows)
            async with (
                RawClient(dc.port, dc.rsa_public_key, auth_key=keys[bot.id]) as cb,
                RawClient(dc.port, dc.rsa_public_key, auth_key=keys[bot.id]) as cb2,
                RawClient(dc.port, dc.rsa_public_key, auth_key=keys[alice.id]) as ca,
                RawClient(dc.port, dc.rsa_public_key, auth_key=keys[bob.id]) as cbob,
            ):
                for c in (cb, cb2):
                    await c.call("updates.getState")  # learn the salt, open the session
                while not cb.updates.empty():
                    cb.updates.get_nowait()
                while not cb2.updates.empty():
                    cb2.updates.get_nowait()

                def press(client: RawClient, msg_id: int = mid, **kw: Any) -> Any:
                    peer = _peer(bot)
                    return client.call("messages.getBotCallbackAnswer", peer=peer,
                                       msg_id=msg_id, **kw)  # fmt: skip

                # text, alert and url answers; the press reaches every session of the bot
                task = asyncio.ensure_future(press(ca, data=b"t"))
                upd = await _answer_next(cb, message="toast", cache_time=5)
                (q,) = upd.updates
                assert q.data == b"t" and q.user_id == alice.id and q.msg_id == mid
                assert [u.id for u in upd.users] == [alice.id]
                other = await cb2.next_update()
                assert other.updates[0].query_id == q.query_id
                answer = await task
                assert answer.message == "toast" and not answer.alert and answer.cache_time == 5
                # late / second answer
                with pytest.raises(RpcCallError, match="QUERY_ID_INVALID"):
                    await cb.call("messages.setBotCallbackAnswer", query_id=q.query_id,
                                  cache_time=0)  # fmt: skip
                task = asyncio.ensure_future(press(ca, data=b"t"))
                await _answer_next(cb, message="boom", alert=True, cache_time=0)
                assert (await task).alert
                await cb2.next_update()
                task = asyncio.ensure_future(press(ca, data=b"t"))
                await _answer_next(cb, url="https://t.me/cb_bot?start=go", cache_time=0)
                answer = await task
                assert answer.has_url and answer.url == "https://t.me/cb_bot?start=go"
                await cb2.next_update()

                # the bot-side errors
                task = asyncio.ensure_future(press(ca, data=b"t"))
                upd = await cb.next_update()
                qid = upd.updates[0].query_id
                for fields, error in (
                    ({"message": "x" * 201}, "MESSAGE_TOO_LONG"),
                    ({"url": "https://example.org"}, "URL_INVALID"),
                ):
                    with pytest.raises(RpcCallError, match=error):
                        await cb.call("messages.setBotCallbackAnswer", query_id=qid,
                                      cache_time=0, **fields)  # fmt: skip
                with pytest.raises(RpcCallError, match="USER_BOT_REQUIRED"):
                    await ca.call("messages.setBotCallbackAnswer", query_id=qid, cache_time=0)
                await cb.call("messages.setBotCallbackAnswer", query_id=qid, cache_time=0,
                              message="x" * 200)  # fmt: skip
                assert (await task).message == "x" * 200
                await cb2.next_update()

                # nobody answers -> BOT_RESPONSE_TIMEOUT after answer_timeout
                with pytest.raises(RpcCallError, match="BOT_RESPONSE_TIMEOUT"):
                    await press(ca, data=b"t")
                late = (await cb.next_update()).updates[0].query_id
                with pytest.raises(RpcCallError, match="QUERY_ID_INVALID"):
                    await cb.call("messages.setBotCallbackAnswer", query_id=late, cache_time=0)
                await cb2.next_update()

                # the user-side errors
                with pytest.raises(RpcCallError, match="DATA_INVALID"):
                    await press(ca, data=b"nope")
                with pytest.raises(RpcCallError, match="MESSAGE_ID_INVALID"):
                    await press(ca, msg_id=999)
                with pytest.raises(RpcCallError, match="MESSAGE_ID_INVALID"):
                    await press(ca, msg_id=bob_mid)  # bob's chat, not alice's
                with pytest.raises(RpcCallError, match="PEER_ID_INVALID"):
                    await ca.call("messages.getBotCallbackAnswer", msg_id=mid, data=b"t",
                                  peer={"_": "inputPeerUser", "user_id": bot.id,
                                        "access_hash": bot.access_hash + 1})  # fmt: skip
                # password buttons: checked by the server, never shown to the bot
                with pytest.raises(RpcCallError, match="PASSWORD_MISSING"):
                    await press(cbob, msg_id=bob_mid, data=b"pw")
                with pytest.raises(RpcCallError, match="PASSWORD_HASH_INVALID"):
                    await press(ca, data=b"pw", password=await _srp(ca, "wrong"))
                with pytest.raises(RpcCallError, match="PASSWORD_HASH_INVALID"):
                    await press(ca, data=b"pw")
                bad_id = await _srp(ca, PASSWORD)
                bad_id.srp_id += 1
                with pytest.raises(RpcCallError, match="SRP_ID_INVALID"):
                    await press(ca, data=b"pw", password=bad_id)
                assert cb.updates.empty()  # none of the failed presses reached the bot
                task = asyncio.ensure_future(
                    press(ca, data=b"pw", password=await _srp(ca, PASSWORD))
                )
                upd = await _answer_next(cb, message="secret", cache_time=0)
                assert upd.updates[0].data == b"pw"
                assert (await task).message == "secret"
                await cb2.next_update()

                # game button: game_short_name, any http(s) url accepted
                task = asyncio.ensure_future(press(ca, game=True))
                upd = await _answer_next(cb, url="https://games.example/tetris", cache_time=0)
                assert upd.updates[0].game_short_name == "tetris"
                assert (await task).url == "https://games.example/tetris"

    run(main())


def test_inline_message_callbacks_and_edit(rsa_key: RsaPrivateKey) -> None:
    async def main() -> None:
        async with LocalDC(rsa_key=rsa_key, answer_timeout=2) as dc:
            bot = dc.add_bot("inline_bot")
            alice = dc.add_user("15550400", "Alice")
            bob = dc.add_user("15550401", "Bob")
            keys = {a.id: os.urandom(256) for a in (bot, alice, bob)}
            for uid, k in keys.items():
                dc.import_auth_key(k, uid)
            inline = dc.add_inline_message(
                bot.id, alice.id, bob.id, "via bot", buttons=[Button.callback("x", b"x")]
            )
            async with (
                RawClient(dc.port, dc.rsa_public_key, auth_key=keys[bot.id]) as cb,
                RawClient(dc.port, dc.rsa_public_key, auth_key=keys[alice.id]) as ca,
                RawClient(dc.port, dc.rsa_public_key, auth_key=keys[bob.id]) as cbob,
            ):
                await cb.call("updates.getState")
                await ca.call("updates.getState")
                peer = {"_": "inputPeerUser", "user_id": alice.id,
                        "access_hash": alice.access_hash}  # fmt: skip
                task = asyncio.ensure_future(
                    cbob.call(
                        "messages.getBotCallbackAnswer", peer=peer, msg_id=inline.msg_id, data=b"x"
                    )
                )
                upd = await _answer_next(cb, message="inline ok", cache_time=0)
                (q,) = upd.updates
                assert q._tl_name == "updateInlineBotCallbackQuery"
                assert q.msg_id == inline.input_id and q.user_id == bob.id
                assert (await task).message == "inline ok"
                ok = await cb.call("messages.editInlineBotMessage", id=inline.input_id,
                                   message="edited inline")  # fmt: skip
                assert ok is True
                edit = await ca.next_update()
                assert edit.updates[0].message.message == "edited inline"
                assert edit.updates[0].message.via_bot_id == bot.id
                with pytest.raises(RpcCallError, match="USER_BOT_REQUIRED"):
                    await ca.call("messages.editInlineBotMessage", id=inline.input_id,
                                  message="no")  # fmt: skip
                forged = tl.from_dict({"_": "inputBotInlineMessageID", "dc_id": 2,
                                       "id": inline.id, "access_hash": 1})  # fmt: skip
                with pytest.raises(RpcCallError, match="MESSAGE_ID_INVALID"):
                    await cb.call("messages.editInlineBotMessage", id=forged, message="no")

    run(main())
