"""The local DC's MTProto layer: transports, handshakes, sessions, service messages,
wrappers and the errors for unknown methods and keys (raw client on the sans-IO layer)."""

from __future__ import annotations

import asyncio
import os
import struct

import pytest
from mtclient import RawClient, RpcCallError, login_bot, run

from oxigram import tl
from oxigram.mtproto.rsa_keys import RsaPrivateKey
from oxigram.server import LocalDC

KINDS = ["abridged", "intermediate", "padded_intermediate", "full", "obfuscated2"]


def _layer_wrapped(query: dict[str, object], layer: int = tl.LAYER) -> object:
    return tl.from_dict(
        {
            "_": "invokeWithLayer",
            "layer": layer,
            "query": {
                "_": "initConnection",
                "api_id": 1,
                "device_model": "t",
                "system_version": "1",
                "app_version": "1",
                "system_lang_code": "en",
                "lang_pack": "",
                "lang_code": "en",
                "query": query,
            },
        }
    )


def test_every_transport_with_a_real_handshake_then_other_connections_reuse_the_key(
    rsa_key: RsaPrivateKey,
) -> None:
    async def main() -> None:
        async with LocalDC(rsa_key=rsa_key) as dc:
            # one real handshake; the key is server-wide, so every other transport reuses it
            async with RawClient(dc.port, dc.rsa_public_key, kind="intermediate") as first:
                config = await first.invoke(_layer_wrapped({"_": "help.getConfig"}))
                assert config.this_dc == 2
                assert config.dc_options[0].port == dc.port
                assert config.dc_options[0].ip_address == "127.0.0.1"
                key = first.auth_key
                assert key is not None and len(key) == 256
                assert first.new_sessions == 1
            assert dc.stats["handshakes"] == 1
            for kind in KINDS:
                async with RawClient(dc.port, dc.rsa_public_key, kind=kind, auth_key=key) as c:
                    config = await c.call("help.getConfig")
                    assert config.this_dc == 2, kind
                    assert c.bad_salts == 1  # salt 0 -> bad_server_salt -> resent
            assert dc.stats["handshakes"] == 1

    run(main())


def test_obfuscated2_and_full_handshake(rsa_key: RsaPrivateKey) -> None:
    async def main() -> None:
        async with LocalDC(rsa_key=rsa_key) as dc:
            for kind in ("obfuscated2", "full"):
                async with RawClient(dc.port, dc.rsa_public_key, kind=kind) as c:
                    assert (await c.call("help.getNearestDc")).this_dc == 2
            # a second handshake on a connection that already made one (Telethon's retry)
            async with RawClient(dc.port, dc.rsa_public_key, kind="abridged") as c:
                first = c.auth_key
                await c.handshake()
                assert c.auth_key != first
                assert (await c.call("help.getNearestDc")).this_dc == 2
            assert dc.stats["handshakes"] == 4

    run(main())


def test_service_messages_containers_gzip_and_wrappers(rsa_key: RsaPrivateKey) -> None:
    async def main() -> None:
        async with LocalDC(rsa_key=rsa_key) as dc:
            bot = dc.add_bot("svc_bot")
            key = os.urandom(256)
            dc.import_auth_key(key)
            async with RawClient(dc.port, dc.rsa_public_key, auth_key=key) as c:
                # before login: 401 for user methods, config works
                with pytest.raises(RpcCallError) as err:
                    await c.call("updates.getState")
                assert (err.value.code, err.value.message) == (401, "AUTH_KEY_UNREGISTERED")
                # ping answered with a top-level pong (after the salt was learnt)
                assert await c.ping(7) > 0
                auth = await login_bot(c, bot.token)
                assert auth.user.id == bot.id and auth.user.bot
                record = next(iter(dc.engine.keys.records.values()))
                assert record.layer == tl.LAYER
                # several requests in one container, answered separately
                futures = c.send(
                    tl.from_dict({"_": "updates.getState"}),
                    tl.from_dict({"_": "help.getConfig"}),
                    tl.from_dict({"_": "users.getUsers", "id": [{"_": "inputUserSelf"}]}),
                )
                state, config, users = await asyncio.wait_for(asyncio.gather(*futures), 10)
                assert state.pts >= 1 and config.this_dc == 2 and users[0].id == bot.id
                # wrappers unwrapped
                for wrapped in (
                    {"_": "invokeWithoutUpdates", "query": {"_": "updates.getState"}},
                    {"_": "invokeAfterMsg", "msg_id": 4, "query": {"_": "updates.getState"}},
                ):
                    assert (await c.invoke(tl.from_dict(wrapped))).pts >= 1
                # a gzipped request (big, compressible username)
                name = "a" * 2000
                assert c.session is not None
                c.session.gzip_threshold = 512
                with pytest.raises(RpcCallError) as err:
                    await c.call("contacts.resolveUsername", username=name)
                assert err.value.message == "USERNAME_NOT_OCCUPIED"
            # a new connection, new session, no initConnection: the layer is remembered
            async with RawClient(dc.port, dc.rsa_public_key, auth_key=key) as c:
                assert (await c.call("updates.getState")).pts >= 1
                assert c.new_sessions == 1

    run(main())


def test_unknown_and_unimplemented_methods_are_400_naming_them(rsa_key: RsaPrivateKey) -> None:
    async def main() -> None:
        async with LocalDC(rsa_key=rsa_key) as dc:
            user = dc.add_user("15550100", "U")
            key = os.urandom(256)
            dc.import_auth_key(key, user.id)
            async with RawClient(dc.port, dc.rsa_public_key, auth_key=key) as c:
                with pytest.raises(RpcCallError) as err:
                    await c.call("messages.readHistory", peer={"_": "inputPeerSelf"}, max_id=0)
                assert err.value.code == 400
                assert err.value.message == "METHOD_NOT_IMPLEMENTED_MESSAGES_READHISTORY"
                # a constructor the schema does not know at all
                with pytest.raises(RpcCallError) as err:
                    await c.invoke(struct.pack("<I", 0x12345678) + bytes(8))
                assert err.value.message == "INPUT_METHOD_INVALID_12345678"
                # a type sent as if it were a method
                with pytest.raises(RpcCallError) as err:
                    await c.call("inputPeerSelf")
                assert err.value.message.startswith("INPUT_METHOD_INVALID_")
                assert (await c.call("updates.getState")).pts >= 1  # still served

    run(main())


def test_unknown_auth_key_gets_404_and_others_keep_working(rsa_key: RsaPrivateKey) -> None:
    async def main() -> None:
        async with LocalDC(rsa_key=rsa_key) as dc:
            good = os.urandom(256)
            dc.import_auth_key(good)
            async with RawClient(dc.port, dc.rsa_public_key, auth_key=good) as ok:
                async with RawClient(dc.port, dc.rsa_public_key, auth_key=os.urandom(256)) as bad:
                    bad.send(tl.from_dict({"_": "help.getConfig"}))
                    await asyncio.wait_for(bad.closed.wait(), 10)
                    assert bad.transport_error == 404
                assert (await ok.call("help.getNearestDc")).this_dc == 2

    run(main())


def test_salt_rotation_forgotten_sessions_and_ping_delay_disconnect(
    rsa_key: RsaPrivateKey,
) -> None:
    async def main() -> None:
        async with LocalDC(rsa_key=rsa_key) as dc:
            key = os.urandom(256)
            dc.import_auth_key(key)
            async with RawClient(dc.port, dc.rsa_public_key, auth_key=key) as c:
                await c.call("help.getNearestDc")
                assert c.bad_salts == 1 and c.new_sessions == 1
                dc.rotate_salt()
                await c.call("help.getNearestDc")
                assert c.bad_salts == 2
                dc.forget_sessions()
                await c.call("help.getNearestDc")
                assert c.new_sessions == 2
                # fault injection: a delayed and a withheld answer
                dc.withhold("help.getNearestDc")
                with pytest.raises(asyncio.TimeoutError):
                    await c.call("help.getNearestDc", timeout=0.5)
                dc.delay_next_response(0.3, "help.getNearestDc")
                loop = asyncio.get_running_loop()
                start = loop.time()
                await c.call("help.getNearestDc")
                assert loop.time() - start >= 0.25
                # ping_delay_disconnect: the server closes after the delay without pings
                await c.ping(delay=1)
                await asyncio.wait_for(c.closed.wait(), 5)
            async with RawClient(dc.port, dc.rsa_public_key, auth_key=key) as c:
                await c.call("help.getNearestDc")
                assert dc.drop_connections() == 1
                await asyncio.wait_for(c.closed.wait(), 5)

    run(main())
