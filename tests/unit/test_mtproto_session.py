"""Encrypted sessions: the server vectors decoded by a client session, client <-> server in
memory, and the rules that reject or recover (tamper, replay, window, salt, time, containers)."""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

import pytest

from oxigram import crypto, tl
from oxigram.errors import (
    LimitExceededError,
    MalformedMessageError,
    MessageSecurityError,
    MessageTimeError,
    MsgIdParityError,
    ReplayedMessageError,
    UnknownConstructorError,
    WrongSessionError,
)
from oxigram.mtproto import events as ev
from oxigram.mtproto.messages import Inner, decrypt, pack_container
from oxigram.mtproto.session import Outgoing, Session, rpc_error, rpc_result

Vectors = Callable[[str], dict[str, Any]]
NOW = 1707425106.0
KEY = bytes(range(256))
SALT = 0x1122334455667788


def h(x: str) -> bytes:
    return bytes.fromhex(x)


def le(x: str) -> int:
    return int.from_bytes(h(x), "little", signed=True)


class Clock:
    def __init__(self, t: float = NOW) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def pair(clock: Clock | None = None) -> tuple[Session, Session]:
    clock = clock or Clock()
    client = Session(KEY, salt=SALT, clock=clock)
    server = Session(KEY, role="server", session_id=client.session_id, salt=SALT, clock=clock)
    return client, server


def obj(d: dict[str, Any]) -> Any:
    return tl.from_dict(d)


GET_CONFIG = {"_": "help.getConfig"}


# ----------------------------------------------------------------------------- vectors


def test_server_vectors_decoded_by_a_client_session(mtproto_vector: dict[str, Any]) -> None:
    v = mtproto_vector
    sid = le(v["session_id_hex"])
    if v["direction"] == "server_to_client":
        client = Session(h(v["auth_key_hex"]), session_id=sid, clock=Clock())
        events = client.unpack(h(v["packet_hex"]))
        (event,) = events
        assert isinstance(event, ev.RpcResult)
        expected = tl.loads(h(v["message_data_hex"]))
        assert event.req_msg_id == expected.req_msg_id
        assert event.result == expected.result
        assert client.pending_acks == (v["msg_id"],)  # seq_no odd: content-related
    else:
        server = Session(
            h(v["auth_key_hex"]),
            role="server",
            session_id=sid,
            salt=le(v["server_salt_hex"]),
            clock=Clock(),
        )
        events = server.unpack(h(v["packet_hex"]))
        assert isinstance(events[0], ev.NewSession)
        assert events[1] == ev.Request(v["msg_id"], tl.loads(h(v["message_data_hex"])))


@pytest.mark.parametrize("index", [0, 1])
def test_client_packs_the_client_vectors_byte_for_byte(vectors: Vectors, index: int) -> None:
    client_vectors = [
        v for v in vectors("mtproto_msg")["vectors"] if v["direction"] == "client_to_server"
    ]
    assert len(client_vectors) == 2
    v = client_vectors[index]
    padding = h(v["padding_hex"])
    client = Session(
        h(v["auth_key_hex"]),
        session_id=le(v["session_id_hex"]),
        salt=le(v["server_salt_hex"]),
        clock=Clock(1707425105.5),
        random_bytes=lambda n: padding,
        gzip_threshold=1 << 30,
    )
    packed = client.pack(h(v["message_data_hex"]))
    assert packed.msg_ids == (v["msg_id"],)
    assert packed.packet == h(v["packet_hex"])


# ------------------------------------------------------------------------- round trips


def test_round_trip_request_result_and_acks() -> None:
    client, server = pair()
    sent = client.pack(obj(GET_CONFIG))
    (req_id,) = sent.msg_ids
    assert req_id % 4 == 0 and sent.container_id is None
    events = server.unpack(sent.packet)
    assert isinstance(events[0], ev.NewSession) and server.needs_flush
    assert events[1] == ev.Request(req_id, obj(GET_CONFIG))
    reply = server.pack(rpc_result(req_id, True))
    assert reply.container_id is not None  # new_session_created went with it
    got = client.unpack(reply.packet)
    assert got[0] == ev.NewSession(got[0].first_msg_id, got[0].unique_id, SALT)  # type: ignore[union-attr]
    assert got[1] == ev.RpcResult(req_id, True)
    assert len(client.pending_acks) == 2  # new_session_created and rpc_result
    # the acks ride with the next request, in a container
    nxt = client.pack(obj({"_": "ping", "ping_id": 7}))
    assert nxt.container_id is not None and nxt.container_id > nxt.msg_ids[0]
    assert client.pending_acks == ()
    events = server.unpack(nxt.packet)
    assert ev.Ping(nxt.msg_ids[0], 7, None) in events
    assert any(isinstance(e, ev.Acked) and len(e.msg_ids) == 2 for e in events)
    pong = server.flush()
    assert pong is not None
    assert client.unpack(pong.packet) == [ev.Pong(nxt.msg_ids[0], 7)]


def test_server_ids_parity_and_monotonic_ids() -> None:
    client, server = pair()
    ids = [client.pack(obj(GET_CONFIG)).msg_ids[0] for _ in range(50)]
    assert ids == sorted(set(ids)) and all(i % 4 == 0 for i in ids)
    server.unpack(client.pack(obj(GET_CONFIG)).packet)
    server.flush()
    resp = server.pack(rpc_result(ids[0], True)).msg_ids[0]
    push = server.pack(obj({"_": "updatesTooLong"})).msg_ids[0]
    assert resp % 4 == 1 and push % 4 == 3 and push > resp


def test_seq_no_rule() -> None:
    client, _ = pair()
    for expected in (1, 3, 5):
        plain = decrypt(KEY, client.pack(obj(GET_CONFIG)).packet, sender="client")
        assert plain.seq_no == expected
    client._pending_acks.append(1)
    plain = decrypt(KEY, client.flush().packet, sender="client")  # type: ignore[union-attr]
    assert plain.seq_no == 6  # msgs_ack is not content-related


def test_large_requests_are_gzipped_and_unpacked() -> None:
    client, server = pair()
    big = obj(
        {
            "_": "messages.setBotCallbackAnswer",
            "query_id": 1,
            "cache_time": 0,
            "message": "x" * 4000,
        }
    )
    packed = client.pack(big)
    plain = decrypt(KEY, packed.packet, sender="client")
    assert plain.body[:4] == struct.pack("<I", 0x3072CFA1) and len(plain.body) < 1000
    assert server.unpack(packed.packet)[-1] == ev.Request(packed.msg_ids[0], big)
    server.flush()
    answer = obj({"_": "messages.botCallbackAnswer", "cache_time": 0, "message": "y" * 3000})
    reply = server.pack(rpc_result(packed.msg_ids[0], answer))
    assert client.unpack(reply.packet) == [ev.RpcResult(packed.msg_ids[0], answer)]


def test_rpc_error_routed_to_its_request() -> None:
    client, server = pair()
    req = client.pack(obj(GET_CONFIG)).msg_ids[0]
    reply = server.pack(Outgoing(rpc_error(req, 420, "FLOOD_WAIT_3")))
    assert client.unpack(reply.packet) == [ev.RpcError(req, 420, "FLOOD_WAIT_3")]


# ------------------------------------------------------------------------ rejections


def test_tampered_packet() -> None:
    client, server = pair()
    packet = bytearray(server.pack(rpc_result(4, True)).packet)
    packet[40] ^= 1
    with pytest.raises(MessageSecurityError, match="msg_key mismatch"):
        client.unpack(bytes(packet))
    with pytest.raises(MessageSecurityError, match="auth_key_id mismatch"):
        Session(bytes(256)).unpack(server.pack(rpc_result(4, True)).packet)


def test_replayed_packet() -> None:
    client, server = pair()
    packet = server.pack(rpc_result(4, True)).packet
    client.unpack(packet)
    with pytest.raises(ReplayedMessageError):
        client.unpack(packet)
    # and on the server side
    request = client.pack(obj(GET_CONFIG)).packet
    server.unpack(request)
    with pytest.raises(ReplayedMessageError):
        server.unpack(request)


def test_replay_window_is_bounded_but_old_ids_stay_refused() -> None:
    clock = Clock()
    client = Session(KEY, salt=SALT, clock=clock, replay_window=4)
    server = Session(KEY, role="server", session_id=client.session_id, salt=SALT, clock=clock)
    packets = [server.pack(rpc_result(4, True)).packet for _ in range(10)]
    for p in packets:
        client.unpack(p)
    assert len(client._seen._set) == 4
    with pytest.raises(ReplayedMessageError):
        client.unpack(packets[0])


def test_out_of_window_and_wrong_session_and_parity() -> None:
    clock = Clock()
    client, server = pair(clock)
    clock.t = NOW - 301
    old = server.pack(rpc_result(4, True)).packet
    clock.t = NOW + 31
    new = server.pack(rpc_result(4, True)).packet
    clock.t = NOW
    with pytest.raises(MessageTimeError, match="in the past"):
        client.unpack(old)
    with pytest.raises(MessageTimeError, match="in the future"):
        client.unpack(new)
    other = Session(KEY, role="server", session_id=client.session_id + 1, clock=clock)
    with pytest.raises(WrongSessionError):
        client.unpack(other.pack(rpc_result(4, True)).packet)
    # a "server" packet with a client-style (even) msg_id
    fake = Session(KEY, role="client", session_id=client.session_id, clock=clock)
    payload = fake._encrypt(fake.msg_ids.next(), 1, b"\xb5\x75\x72\x99")
    with pytest.raises(MessageSecurityError):  # sender x=0 cannot even decrypt as server
        client.unpack(payload)
    body = tl.dumps(obj({"_": "updatesTooLong"}))
    header = struct.pack("<qqqii", 0, client.session_id, int(NOW) << 32 | 8, 1, len(body))
    packet = crypto.encrypt_message(KEY, header + body, sender="server")
    with pytest.raises(MsgIdParityError):
        client.unpack(packet)


def test_window_only_after_time_sync() -> None:
    clock = Clock()
    server = Session(KEY, role="server", session_id=5, salt=SALT, clock=clock)
    clock.t = NOW + 3600  # the server is an hour ahead of us
    packet = server.pack(obj({"_": "updatesTooLong"})).packet
    clock.t = NOW
    unsynced = Session(KEY, session_id=5, clock=clock, time_synced=False)
    assert unsynced.unpack(packet) == [
        ev.Update(unsynced._seen._order[0], obj({"_": "updatesTooLong"}))
    ]
    assert abs(unsynced.msg_ids.time_offset - 3600) < 1
    with pytest.raises(MessageTimeError):
        Session(KEY, session_id=5, clock=clock).unpack(packet)


def test_ids_stay_above_those_sent_before_the_first_time_sync() -> None:
    # The offset a new session starts with (stored by an earlier one) was 1 s ahead: the
    # server's clock, adopted from the first answer, moves ours back. The ids already sent
    # stay below the next ones; a repeated one would be dropped by the server as a replay.
    clock = Clock()
    client = Session(KEY, salt=SALT, clock=clock, time_offset=1.0, time_synced=False)
    server = Session(KEY, role="server", session_id=client.session_id, salt=SALT, clock=clock)
    first = client.pack(obj(GET_CONFIG))
    assert ev.Request(first.msg_ids[0], obj(GET_CONFIG)) in server.unpack(first.packet)
    client.unpack(server.pack(rpc_result(first.msg_ids[0], True)).packet)
    assert abs(client.msg_ids.time_offset) < 0.1
    clock.t = NOW + 1.0 - client.msg_ids.time_offset  # our clock would give `first` again
    again = client.pack(obj(GET_CONFIG))
    assert min(again.msg_ids) > first.msg_ids[0]
    assert [e for e in server.unpack(again.packet) if isinstance(e, ev.Request)] == [
        ev.Request(again.msg_ids[0], obj(GET_CONFIG))
    ]


# ----------------------------------------------------------------------- recovery


def test_bad_server_salt_adopts_salt_and_asks_for_resend_of_the_container() -> None:
    clock = Clock()
    client = Session(KEY, salt=111, clock=clock)
    server = Session(KEY, role="server", session_id=client.session_id, salt=SALT, clock=clock)
    client._pending_acks.append(77)
    sent = client.pack(obj(GET_CONFIG), obj({"_": "updates.getState"}))
    assert sent.container_id is not None
    events = server.unpack(sent.packet)
    assert events == [ev.BadMessage((sent.container_id,), 48)]
    notice = server.flush()
    assert notice is not None
    got = client.unpack(notice.packet)
    assert got == [ev.ResendRequest(sent.msg_ids, 48)]
    assert client.salt == SALT and client.pending_acks == (77,)
    again = client.pack(obj(GET_CONFIG), obj({"_": "updates.getState"}))
    events = server.unpack(again.packet)
    assert [e for e in events if isinstance(e, ev.Request)] == [
        ev.Request(again.msg_ids[0], obj(GET_CONFIG)),
        ev.Request(again.msg_ids[1], obj({"_": "updates.getState"})),
    ]


@pytest.mark.parametrize("skew", [-400.0, 100.0], ids=["client_late_16", "client_early_17"])
def test_bad_msg_time_fix_and_resend(skew: float) -> None:
    server_clock = Clock()
    client_clock = Clock(NOW + skew)
    client = Session(KEY, salt=SALT, clock=client_clock)
    server = Session(
        KEY, role="server", session_id=client.session_id, salt=SALT, clock=server_clock
    )
    sent = client.pack(obj(GET_CONFIG))
    code = 16 if skew < 0 else 17
    assert server.unpack(sent.packet) == [ev.BadMessage(sent.msg_ids, code)]
    notice = server.flush()
    assert notice is not None
    assert client.unpack(notice.packet) == [ev.ResendRequest(sent.msg_ids, code)]
    assert abs(client.msg_ids.time_offset + skew) < 1
    again = client.pack(obj(GET_CONFIG))
    assert ev.Request(again.msg_ids[0], obj(GET_CONFIG)) in server.unpack(again.packet)


def test_other_bad_msg_codes_fail_the_request() -> None:
    client, server = pair()
    req = client.pack(obj(GET_CONFIG)).msg_ids[0]
    note = obj(
        {"_": "bad_msg_notification", "bad_msg_id": req, "bad_msg_seqno": 1, "error_code": 35}
    )
    assert client.unpack(server.pack(note).packet) == [ev.BadMessage((req,), 35)]


def test_new_session_created_adopts_salt() -> None:
    client, server = pair()
    created = obj(
        {"_": "new_session_created", "first_msg_id": 4, "unique_id": 9, "server_salt": 999}
    )
    assert client.unpack(server.pack(created).packet) == [ev.NewSession(4, 9, 999)]
    assert client.salt == 999


# ---------------------------------------------------------------------- containers


def server_container(server: Session, inner: list[tuple[bytes, int]]) -> bytes:
    msgs = [Inner(server.msg_ids.next(), seq, body) for body, seq in inner]
    return server._encrypt(server.msg_ids.next(), 0, pack_container(msgs))


def test_unknown_constructor_inside_a_container_is_skipped_alone() -> None:
    client, server = pair()
    good = rpc_result(4, True)
    unknown = struct.pack("<I", 0x0BADF00D) + bytes(8)
    bad_result = struct.pack("<Iq", 0xF35C6D01, 8) + unknown
    update = tl.dumps(obj({"_": "updatesTooLong"}))
    events = client.unpack(
        server_container(server, [(good, 1), (unknown, 1), (bad_result, 1), (update, 1)])
    )
    assert events[0] == ev.RpcResult(4, True)
    assert isinstance(events[1], ev.SkippedMessage)
    assert isinstance(events[1].error, UnknownConstructorError)
    assert isinstance(events[2], ev.RpcDecodeError) and events[2].req_msg_id == 8
    assert isinstance(events[3], ev.Update)
    assert len(client.pending_acks) == 4


def test_an_update_push_that_does_not_decode_is_reported_with_its_container() -> None:
    # A known outer constructor with something unknown inside (a vector element cannot be
    # skipped): an UndecodableUpdate naming the container, the unknown id and its offset, so
    # the client can treat the loss as a gap; plain or gzip_packed alike.
    client, server = pair()
    status = obj({"_": "updateUserStatus", "user_id": 1, "status": {"_": "userStatusEmpty"}})
    data = tl.dumps(
        obj(
            {
                "_": "updates",
                "updates": [status, status],
                "users": [],
                "chats": [],
                "date": 1,
                "seq": 0,
            }
        )
    )
    at = data.rindex(struct.pack("<I", 0x09D05049))  # userStatusEmpty, in the second update
    data = data[:at] + struct.pack("<I", 0x0BADC0DE) + data[at + 4 :]
    short = tl.dumps(obj({"_": "updateShort", "update": {"_": "updateConfig"}, "date": 1}))
    short = short[:4] + struct.pack("<I", 0x0BADC0DE) + short[8:]
    events = client.unpack(
        server_container(server, [(data, 1), (tl.gzip_packed(data, threshold=0), 1), (short, 1)])
    )
    assert [type(e) for e in events] == [ev.UndecodableUpdate] * 3
    first, packed, lone = events
    assert isinstance(first, ev.UndecodableUpdate) and isinstance(lone, ev.UndecodableUpdate)
    assert (first.container, first.constructor_id, first.offset) == ("updates", 0x0BADC0DE, at)
    assert first.layer == tl.schema.layer
    assert isinstance(packed, ev.UndecodableUpdate)
    assert (packed.container, packed.offset) == ("updates", at)  # offset in the unpacked
    assert (lone.container, lone.offset) == ("updateShort", 4)
    assert len(client.pending_acks) == 3


def test_nested_duplicate_and_malformed_containers() -> None:
    client, server = pair()
    nested = pack_container([Inner(server.msg_ids.next(), 1, rpc_result(4, True))])
    dup_id = server.msg_ids.next()
    body = pack_container(
        [
            Inner(dup_id, 1, rpc_result(4, True)),
            Inner(dup_id, 1, rpc_result(8, True)),
            Inner(server.msg_ids.next(), 0, nested),
        ]
    )
    events = client.unpack(server._encrypt(server.msg_ids.next(), 0, body))
    assert events[0] == ev.RpcResult(4, True)
    assert isinstance(events[1], ev.SkippedMessage)
    assert isinstance(events[1].error, ReplayedMessageError)
    assert isinstance(events[2], ev.SkippedMessage)
    assert isinstance(events[2].error, MalformedMessageError)
    too_many = struct.pack("<Ii", 0x73F1F8DC, 1025)
    with pytest.raises(MalformedMessageError, match="1025 messages"):
        client.unpack(server._encrypt(server.msg_ids.next(), 0, too_many))
    truncated = struct.pack("<Ii", 0x73F1F8DC, 1) + struct.pack("<qii", 1, 1, 400)
    with pytest.raises(MalformedMessageError, match="does not fit"):
        client.unpack(server._encrypt(server.msg_ids.next(), 0, truncated))
    # the server answers a broken container with bad_msg_notification 64
    bad = client._encrypt(client.msg_ids.next(), 0, truncated)
    srv_events = server.unpack(bad)
    assert isinstance(srv_events[-1], ev.BadMessage) and srv_events[-1].code == 64


def test_a_message_s_gzip_packed_share_one_decode_budget() -> None:
    # An rpc_result gzip_packed whole, holding another gzip_packed: what the outer one
    # expands to is taken from the budget the inner one is decoded with.
    client, server = pair()
    req = client.pack(obj(GET_CONFIG)).msg_ids[0]
    mib = 1024 * 1024

    def reply(outer_mib: int, inner_mib: int) -> bytes:
        answers = [
            tl.dumps(obj({"_": "messages.botCallbackAnswer", "cache_time": 0, "message": m}))
            for m in ("x" * (outer_mib * mib - 64), "y" * (inner_mib * mib))
        ]
        result = struct.pack("<Ii", 0x1CB5C415, 2) + answers[0]
        result += tl.gzip_packed(answers[1], threshold=0)
        body = tl.gzip_packed(struct.pack("<Iq", 0xF35C6D01, req) + result, threshold=0)
        return server._encrypt(server.msg_ids.next(), 1, body)

    (ok,) = client.unpack(reply(6, 8))
    assert isinstance(ok, ev.RpcResult) and len(ok.result) == 2
    (over,) = client.unpack(reply(9, 8))
    assert isinstance(over, ev.RpcDecodeError) and over.req_msg_id == req
    assert isinstance(over.error, LimitExceededError)
    assert "unpacks past the decode budget" in str(over.error)
