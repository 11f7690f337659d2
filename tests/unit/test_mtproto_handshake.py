"""Auth-key exchange: the docs' sample replayed through ClientHandshake, client against
server in memory (RSA_PAD and legacy, retry, fail), and every check's typed error."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest

from oxigram import crypto, tl
from oxigram.errors import (
    DHSecurityError,
    HandshakeError,
    HandshakeSecurityError,
    InvalidInputError,
    UnknownFingerprintError,
)
from oxigram.mtproto.handshake import (
    TELEGRAM_DH_PRIME,
    ClientHandshake,
    ClientRandom,
    ServerHandshake,
    ServerRandom,
    pack_plain,
    unpack_plain,
)
from oxigram.mtproto.rsa_keys import (
    RsaPrivateKey,
    RsaPublicKey,
    generate_rsa_key,
    private_key_from_pem,
    private_key_to_pem,
    public_key_from_pem,
    public_key_to_pem,
)

Vectors = Callable[[str], dict[str, Any]]


def h(x: str) -> bytes:
    return bytes.fromhex(x)


@pytest.fixture(scope="module")
def server_key(rsa_key: Any) -> RsaPrivateKey:
    return RsaPrivateKey(n=rsa_key.n, e=rsa_key.e, d=rsa_key.d)


def body_of(packet: bytes) -> Any:
    return tl.loads(unpack_plain(packet)[1])


def reencode(packet: bytes, **changes: Any) -> bytes:
    """The same unencrypted message with some fields of its body replaced."""
    msg_id, body = unpack_plain(packet)
    d = tl.loads(body).to_dict()
    d.update(changes)
    return pack_plain(msg_id, tl.dumps(tl.from_dict(d)))


# ------------------------------------------------------------------------- the docs' sample


def test_sample_exchange_replayed_by_the_client(vectors: Vectors, rsa_key_near_top: Any) -> None:
    s = vectors("auth_key_sample")
    clock = 1707425104.0
    # The docs' server key is not published; any key will do under the docs' fingerprint,
    # since its encrypted_data is not reproducible anyway (temp_key unpublished). With n
    # near 2^2048 the given temp_key is accepted at once, so RSA_PAD is deterministic.
    grammers = s["rsa_pad_vector"]
    key = RsaPublicKey(rsa_key_near_top.n, rsa_key_near_top.e)
    fixed = ClientRandom(
        nonce=h(s["nonce_hex"]),
        new_nonce=h(s["new_nonce_hex"]),
        rsa_padding=h(s["rsa_pad_random_padding_bytes_hex"]),
        temp_keys=[h(grammers["temp_key_attempt1_hex"])],
        dh_secrets=[h(s["b_hex"])],
        dh_padding=h(s["client_DH_padding_hex"]),
    )
    client = ClientHandshake(
        {s["server_public_key_fingerprint_int64"]: key}, fixed=fixed, clock=lambda: clock
    )

    req_pq = client.start()
    assert req_pq[20:] == h(s["req_pq_multi_packet_hex"])[20:]
    assert req_pq[:8] == bytes(8) and req_pq[16:20] == (20).to_bytes(4, "little")

    # resPQ as printed has a wrong length field (documented quirk): refused as is...
    res_pq_printed = h(s["res_pq_packet_hex"])
    with pytest.raises(HandshakeError, match="does not fit"):
        unpack_plain(res_pq_printed)
    # ...and accepted with the right one.
    res_pq = pack_plain(int.from_bytes(res_pq_printed[8:16], "little"), res_pq_printed[20:])
    req_dh = client.receive(res_pq)
    assert req_dh is not None
    assert client.inner_data == h(s["p_q_inner_data_dc_hex"])
    sent = body_of(req_dh)
    assert sent._tl_name == "req_DH_params"
    assert int.from_bytes(sent.p, "big") == s["p"] and int.from_bytes(sent.q, "big") == s["q"]
    assert sent.public_key_fingerprint == s["server_public_key_fingerprint_int64"]
    expected_rsa = crypto.rsa_pad_encrypt(
        client.inner_data,
        key.n,
        key.e,
        random_padding=fixed.rsa_padding,
        temp_keys=list(fixed.temp_keys),
    )
    assert sent.encrypted_data == expected_rsa

    tmp_key, tmp_iv = crypto.tmp_aes_key_iv(fixed.new_nonce, h(s["server_nonce_hex"]))  # type: ignore[arg-type]
    assert (tmp_key.hex(), tmp_iv.hex()) == (s["tmp_aes_key_hex"], s["tmp_aes_iv_hex"])
    encrypted_answer = h(s["server_DH_params_ok_encrypted_answer_hex"])
    answer_with_hash = crypto.ige256_decrypt(encrypted_answer, tmp_key, tmp_iv)
    assert answer_with_hash == h(s["answer_with_hash_hex"])
    inner = h(s["server_DH_inner_data_hex"])
    assert answer_with_hash[:20] == hashlib.sha1(inner).digest()

    ok = tl.from_dict(
        {
            "_": "server_DH_params_ok",
            "nonce": h(s["nonce_hex"]),
            "server_nonce": h(s["server_nonce_hex"]),
            "encrypted_answer": encrypted_answer,
        }
    )
    set_dh = client.receive(pack_plain(1, tl.dumps(ok)))
    assert set_dh is not None
    sent = body_of(set_dh)
    assert sent._tl_name == "set_client_DH_params"
    assert sent.encrypted_data == h(s["set_client_DH_params_encrypted_data_hex"])
    plain = crypto.ige256_decrypt(sent.encrypted_data, tmp_key, tmp_iv)
    assert plain[20:].startswith(h(s["client_DH_inner_data_hex"]))
    assert h(s["g_b_hex"]) in plain

    # A wrong new_nonce_hash1 is refused; the published one finishes the exchange.
    gen = {"_": "dh_gen_ok", "nonce": h(s["nonce_hex"]), "server_nonce": h(s["server_nonce_hex"])}
    bad = tl.from_dict({**gen, "new_nonce_hash1": bytes(16)})
    with pytest.raises(HandshakeSecurityError, match="new_nonce_hash1"):
        client.receive(pack_plain(5, tl.dumps(bad)))
    good = tl.from_dict({**gen, "new_nonce_hash1": h(s["dh_gen_ok_new_nonce_hash1_hex"])})
    assert client.receive(pack_plain(5, tl.dumps(good))) is None
    result = client.result
    assert result.auth_key == h(s["auth_key_hex"])
    assert result.auth_key_id == h(s["auth_key_id_hex"])
    assert result.server_salt == int.from_bytes(h(s["server_salt_hex"]), "little", signed=True)
    assert result.time_offset == s["server_time"] - int(clock)
    assert result.dc_id == 2


# ------------------------------------------------------------------------ client vs server


def run(client: ClientHandshake, server: ServerHandshake) -> None:
    packet: bytes | None = client.start()
    while packet is not None:
        packet = client.receive(server.receive(packet))


@pytest.mark.parametrize("legacy", [False, True], ids=["rsa_pad", "legacy"])
def test_client_and_server_agree(server_key: RsaPrivateKey, legacy: bool) -> None:
    client = ClientHandshake([server_key.public], legacy=legacy, clock=lambda: 1000.0)
    server = ServerHandshake(server_key, clock=lambda: 1042.0)
    run(client, server)
    assert server.scheme == ("legacy" if legacy else "rsa_pad")
    c, s = client.result, server.result
    assert c.auth_key == s.auth_key and len(c.auth_key) == 256
    assert c.auth_key_id == s.auth_key_id == crypto.auth_key_id(c.auth_key)
    assert c.server_salt == s.server_salt
    assert c.time_offset == 42
    assert s.dc_id == (None if legacy else 2)


def test_retry_then_ok_and_a_second_exchange_on_the_same_server(
    server_key: RsaPrivateKey,
) -> None:
    taken: list[bytes] = []

    def key_id_taken(key_id: bytes) -> bool:
        taken.append(key_id)
        return len(taken) == 1  # the first key "collides"

    server = ServerHandshake(server_key, key_id_taken=key_id_taken)
    client = ClientHandshake([server_key.public])
    run(client, server)
    assert len(taken) == 2 and client.result.auth_key_id == taken[1] != taken[0]
    assert client.result == server.result
    # a client may start over on the same connection (Telethon does after a bad key)
    again = ClientHandshake([server_key.public])
    run(again, server)
    assert again.result.auth_key == server.result.auth_key != client.result.auth_key


def test_dh_gen_fail_is_a_typed_error(server_key: RsaPrivateKey) -> None:
    server = ServerHandshake(server_key, key_id_taken=lambda k: True, max_retries=0)
    with pytest.raises(HandshakeError, match="dh_gen_fail"):
        run(ClientHandshake([server_key.public]), server)


def test_server_answers_a_repeated_request_identically(server_key: RsaPrivateKey) -> None:
    client = ClientHandshake([server_key.public])
    server = ServerHandshake(server_key)
    first = client.start()
    res_pq = server.receive(first)
    assert server.receive(first) == res_pq
    req_dh = client.receive(res_pq)
    assert req_dh is not None
    answer = server.receive(req_dh)
    assert server.receive(req_dh) == answer


# ---------------------------------------------------------------------------- failure paths

NONCE = bytes(range(16))
NEW_NONCE = bytes(range(100, 132))


def client_at_dh_params(server_key: RsaPrivateKey) -> tuple[ClientHandshake, bytes]:
    """A client that sent req_DH_params to a deterministic server; returns it with the
    server_nonce."""
    client = ClientHandshake(
        [server_key.public], fixed=ClientRandom(nonce=NONCE, new_nonce=NEW_NONCE)
    )
    server_nonce = bytes(range(50, 66))
    server = ServerHandshake(
        server_key, fixed=ServerRandom(server_nonce=server_nonce, pq_factors=(1000003, 1000033))
    )
    assert client.receive(server.receive(client.start())) is not None
    return client, server_nonce


def forged_answer(sn: bytes, /, **inner: Any) -> bytes:
    """server_DH_params_ok as a server knowing new_nonce would build it."""
    fields = {
        "_": "server_DH_inner_data",
        "nonce": NONCE,
        "server_nonce": sn,
        "g": 3,
        "dh_prime": TELEGRAM_DH_PRIME,
        "g_a": (3**2000 % int.from_bytes(TELEGRAM_DH_PRIME, "big")).to_bytes(256, "big"),
        "server_time": 1,
    }
    fields.update(inner)
    digest = fields.pop("sha1", None)
    data = tl.dumps(tl.from_dict(fields))
    plain = (digest or hashlib.sha1(data).digest()) + data
    plain += bytes(-len(plain) % 16)
    key, iv = crypto.tmp_aes_key_iv(NEW_NONCE, sn)
    ok = tl.from_dict(
        {
            "_": "server_DH_params_ok",
            "nonce": NONCE,
            "server_nonce": sn,
            "encrypted_answer": crypto.ige256_encrypt(plain, key, iv),
        }
    )
    return pack_plain(1, tl.dumps(ok))


def test_forged_answer_is_accepted_when_correct(server_key: RsaPrivateKey) -> None:
    client, sn = client_at_dh_params(server_key)
    assert client.receive(forged_answer(sn)) is not None


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"sha1": bytes(20)}, HandshakeSecurityError, "SHA1 mismatch"),
        ({"nonce": bytes(16)}, HandshakeSecurityError, "nonce mismatch"),
        ({"server_nonce": bytes(16)}, HandshakeSecurityError, "server_nonce mismatch"),
        ({"dh_prime": b"\xff" * 256}, DHSecurityError, "safe prime"),
        ({"g": 2}, DHSecurityError, "generator"),
        ({"g_a": (2).to_bytes(256, "big")}, DHSecurityError, "g_a is out of range"),
        ({"g_a": TELEGRAM_DH_PRIME[:-1] + b"\x00"}, DHSecurityError, "g_a is out of range"),
    ],
    ids=["sha1", "nonce", "server_nonce", "prime", "generator", "g_a_low", "g_a_high"],
)
def test_client_checks_on_the_dh_answer(
    server_key: RsaPrivateKey, change: dict[str, Any], error: type[Exception], match: str
) -> None:
    client, sn = client_at_dh_params(server_key)
    with pytest.raises(error, match=match):
        client.receive(forged_answer(sn, **change))


def test_client_checks_on_res_pq(server_key: RsaPrivateKey) -> None:
    client = ClientHandshake([server_key.public])
    server = ServerHandshake(server_key)
    res_pq = server.receive(client.start())
    with pytest.raises(HandshakeSecurityError, match="nonce mismatch"):
        client.receive(reencode(res_pq, nonce=5))
    stranger = ClientHandshake([RsaPublicKey(n=server_key.n - 2, e=3)])
    res_pq = server.receive(stranger.start())
    with pytest.raises(UnknownFingerprintError) as info:
        stranger.receive(res_pq)
    assert info.value.fingerprints == (server_key.fingerprint,)


def test_client_refuses_out_of_order_packets(server_key: RsaPrivateKey) -> None:
    client = ClientHandshake([server_key.public])
    client.start()
    ok = tl.from_dict({"_": "dh_gen_ok", "nonce": 1, "server_nonce": 2, "new_nonce_hash1": 3})
    with pytest.raises(HandshakeError, match="expected resPQ"):
        client.receive(pack_plain(1, tl.dumps(ok)))
    with pytest.raises(HandshakeError, match="not an unencrypted"):
        client.receive(b"\x01" * 40)


def test_server_checks(server_key: RsaPrivateKey) -> None:
    client = ClientHandshake([server_key.public])
    server = ServerHandshake(server_key)
    req_dh = client.receive(server.receive(client.start()))
    assert req_dh is not None
    with pytest.raises(UnknownFingerprintError):
        server.receive(reencode(req_dh, public_key_fingerprint=1234))
    with pytest.raises(HandshakeSecurityError, match="nonce mismatch"):
        server.receive(reencode(req_dh, server_nonce=7))
    with pytest.raises(HandshakeSecurityError, match="wrong p, q"):
        server.receive(reencode(req_dh, p=b"\x05"))
    with pytest.raises(HandshakeError, match="unexpected set_client_DH_params"):
        wrong = {"_": "set_client_DH_params", "nonce": 1, "server_nonce": 2, "encrypted_data": b""}
        server.receive(pack_plain(4, tl.dumps(tl.from_dict(wrong))))


def test_server_checks_g_b_and_retry_id(server_key: RsaPrivateKey) -> None:
    _, sn = client_at_dh_params(server_key)
    server = ServerHandshake(
        server_key, fixed=ServerRandom(server_nonce=sn, pq_factors=(1000003, 1000033))
    )
    fresh = ClientHandshake(
        [server_key.public], fixed=ClientRandom(nonce=NONCE, new_nonce=NEW_NONCE)
    )
    server.receive(fresh.receive(server.receive(fresh.start())) or b"")
    key, iv = crypto.tmp_aes_key_iv(NEW_NONCE, sn)

    def set_params(g_b: bytes, retry_id: int = 0) -> bytes:
        data = tl.dumps(
            tl.from_dict(
                {
                    "_": "client_DH_inner_data",
                    "nonce": NONCE,
                    "server_nonce": sn,
                    "retry_id": retry_id,
                    "g_b": g_b,
                }
            )
        )
        plain = hashlib.sha1(data).digest() + data
        plain += bytes(-len(plain) % 16)
        req = {
            "_": "set_client_DH_params",
            "nonce": NONCE,
            "server_nonce": sn,
            "encrypted_data": crypto.ige256_encrypt(plain, key, iv),
        }
        return pack_plain(4, tl.dumps(tl.from_dict(req)))

    with pytest.raises(DHSecurityError, match="g_b is out of range"):
        server.receive(set_params((2).to_bytes(256, "big")))
    with pytest.raises(HandshakeSecurityError, match="retry_id"):
        server.receive(set_params((2).to_bytes(256, "big"), retry_id=99))


# ------------------------------------------------------------------------------- RSA keys


def test_generated_key_pem_round_trip_and_interop() -> None:
    key = generate_rsa_key()
    assert key.n.bit_length() == 2048 and key.p * key.q == key.n
    pem = public_key_to_pem(key)
    assert pem.startswith("-----BEGIN RSA PUBLIC KEY-----\n")
    assert public_key_from_pem(pem) == key.public
    assert private_key_from_pem(private_key_to_pem(key)) == key
    rsa = pytest.importorskip("rsa")  # what Telethon's add_key uses
    assert rsa.PublicKey.load_pkcs1(pem.encode()).n == key.n
    telethon_rsa = pytest.importorskip("telethon.crypto.rsa")
    assert telethon_rsa._compute_fingerprint(rsa.PublicKey.load_pkcs1(pem.encode())) == (
        key.fingerprint
    )


def test_pem_errors() -> None:
    with pytest.raises(InvalidInputError, match="no 'RSA PUBLIC KEY'"):
        public_key_from_pem("nothing here")
    with pytest.raises(InvalidInputError):
        public_key_from_pem("-----BEGIN RSA PUBLIC KEY-----\nMAA=\n-----END RSA PUBLIC KEY-----")
    with pytest.raises(InvalidInputError):
        generate_rsa_key(100)
