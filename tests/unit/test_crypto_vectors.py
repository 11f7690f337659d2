"""Every vector of ../shared/vectors through ``oxigram.crypto`` on the selected backend.

CI runs this file twice, with ``OXIGRAM_BACKEND=native`` and ``=python``. Vectors are
parametrized by name (see ``conftest.PARAMETRIZED``) so a failure names the vector.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable
from typing import Any, Literal

import pytest

from oxigram import crypto
from oxigram.errors import InvalidInputError

Vector = dict[str, Any]
Buffer = bytes | bytearray | memoryview

h = bytes.fromhex

BUFFER_KINDS: list[Callable[[bytes], Buffer]] = [bytes, bytearray, memoryview]
KIND_IDS = ["bytes", "bytearray", "memoryview"]


def as_kind(kind: Callable[[bytes], Buffer], *values: bytes) -> list[Buffer]:
    return [kind(v) for v in values]


def tl_bytes(data: bytes) -> bytes:
    """TL ``bytes`` serialization (for the fingerprint oracle)."""
    if len(data) < 254:
        out = bytes([len(data)]) + data
    else:
        out = b"\xfe" + len(data).to_bytes(3, "little") + data
    return out + bytes(-len(out) % 4)


def minimal_be(x: int) -> bytes:
    return x.to_bytes((x.bit_length() + 7) // 8, "big")


# ---------------------------------------------------------------------------- AES-IGE


@pytest.mark.parametrize("kind", BUFFER_KINDS, ids=KIND_IDS)
def test_ige256_encrypt_vector(aes_ige_vector: Vector, kind: Callable[[bytes], Buffer]) -> None:
    data, key, iv = as_kind(
        kind,
        h(aes_ige_vector["plaintext_hex"]),
        h(aes_ige_vector["key_hex"]),
        h(aes_ige_vector["iv_hex"]),
    )
    out = crypto.ige256_encrypt(data, key, iv)
    assert type(out) is bytes
    assert out == h(aes_ige_vector["ciphertext_hex"])


@pytest.mark.parametrize("kind", BUFFER_KINDS, ids=KIND_IDS)
def test_ige256_decrypt_vector(aes_ige_vector: Vector, kind: Callable[[bytes], Buffer]) -> None:
    data, key, iv = as_kind(
        kind,
        h(aes_ige_vector["ciphertext_hex"]),
        h(aes_ige_vector["key_hex"]),
        h(aes_ige_vector["iv_hex"]),
    )
    out = crypto.ige256_decrypt(data, key, iv)
    assert type(out) is bytes
    assert out == h(aes_ige_vector["plaintext_hex"])


def test_ige256_does_not_modify_inputs(aes_ige_vector: Vector) -> None:
    data = bytearray(h(aes_ige_vector["plaintext_hex"]))
    key = bytearray(h(aes_ige_vector["key_hex"]))
    iv = bytearray(h(aes_ige_vector["iv_hex"]))
    crypto.ige256_encrypt(data, key, iv)
    crypto.ige256_decrypt(data, key, iv)
    assert data == h(aes_ige_vector["plaintext_hex"])
    assert key == h(aes_ige_vector["key_hex"])
    assert iv == h(aes_ige_vector["iv_hex"])


def test_ige256_rejects_aes128_vector_key(aes128_vector: Vector) -> None:
    # The AES-128 vectors of OpenSSL's igetest are not Telegram's cipher: a 16-byte key is refused.
    key = h(aes128_vector["key_hex"])
    for fn in (crypto.ige256_encrypt, crypto.ige256_decrypt):
        with pytest.raises(InvalidInputError) as info:
            fn(h(aes128_vector["plaintext_hex"]), key, h(aes128_vector["iv_hex"]))
        assert str(info.value) == f"key must be 32 bytes, not {len(key)}"


def test_ige256_slices_of_memoryview(aes_ige_vector: Vector) -> None:
    # A contiguous slice of a larger buffer is a valid memoryview input.
    pt = h(aes_ige_vector["plaintext_hex"])
    big = memoryview(b"\xaa" * 7 + pt + b"\xbb" * 5)
    out = crypto.ige256_encrypt(
        big[7 : 7 + len(pt)], h(aes_ige_vector["key_hex"]), h(aes_ige_vector["iv_hex"])
    )
    assert out == h(aes_ige_vector["ciphertext_hex"])


# ---------------------------------------------------------------------- MTProto messages


Sender = Literal["client", "server"]


def _sender(v: Vector) -> Sender:
    assert v["x"] in (0, 8)
    return "client" if v["x"] == 0 else "server"


def _payload(v: Vector) -> bytes:
    """salt | session_id | msg_id | seq_no | length | body (the plaintext minus padding)."""
    body = h(v["message_data_hex"])
    payload = (
        h(v["server_salt_hex"])
        + h(v["session_id_hex"])
        + struct.pack("<qiI", v["msg_id"], v["seq_no"], len(body))
        + body
    )
    assert h(v["plaintext_hex"]) == payload + h(v["padding_hex"])
    return payload


@pytest.mark.parametrize("kind", BUFFER_KINDS, ids=KIND_IDS)
def test_encrypt_message_vector(mtproto_vector: Vector, kind: Callable[[bytes], Buffer]) -> None:
    auth_key, payload, padding = as_kind(
        kind,
        h(mtproto_vector["auth_key_hex"]),
        _payload(mtproto_vector),
        h(mtproto_vector["padding_hex"]),
    )
    out = crypto.encrypt_message(auth_key, payload, sender=_sender(mtproto_vector), padding=padding)
    assert type(out) is bytes
    assert out == h(mtproto_vector["packet_hex"])


@pytest.mark.parametrize("kind", BUFFER_KINDS, ids=KIND_IDS)
def test_decrypt_message_vector(mtproto_vector: Vector, kind: Callable[[bytes], Buffer]) -> None:
    auth_key, packet = as_kind(
        kind, h(mtproto_vector["auth_key_hex"]), h(mtproto_vector["packet_hex"])
    )
    out = crypto.decrypt_message(auth_key, packet, sender=_sender(mtproto_vector))
    assert type(out) is bytes
    assert out == _payload(mtproto_vector)


def test_decrypt_message_vector_wrong_sender(mtproto_vector: Vector) -> None:
    from oxigram.errors import MessageSecurityError

    other: Sender = "server" if _sender(mtproto_vector) == "client" else "client"
    with pytest.raises(MessageSecurityError) as info:
        crypto.decrypt_message(
            h(mtproto_vector["auth_key_hex"]), h(mtproto_vector["packet_hex"]), sender=other
        )
    assert str(info.value) == "msg_key mismatch"


def test_message_kdf_vector(mtproto_vector: Vector) -> None:
    out = crypto.message_kdf(
        h(mtproto_vector["auth_key_hex"]),
        h(mtproto_vector["msg_key_hex"]),
        sender=_sender(mtproto_vector),
    )
    assert type(out) is tuple
    assert out == (h(mtproto_vector["aes_key_hex"]), h(mtproto_vector["aes_iv_hex"]))


def test_message_msg_key_and_ige_vector(mtproto_vector: Vector) -> None:
    # The packet's msg_key and ciphertext match the documented construction, piece by piece.
    auth_key = h(mtproto_vector["auth_key_hex"])
    x = mtproto_vector["x"]
    plaintext = h(mtproto_vector["plaintext_hex"])
    msg_key = hashlib.sha256(auth_key[88 + x : 120 + x] + plaintext).digest()[8:24]
    assert msg_key == h(mtproto_vector["msg_key_hex"])
    packet = h(mtproto_vector["packet_hex"])
    assert packet[8:24] == msg_key
    cipher = crypto.ige256_encrypt(
        plaintext, h(mtproto_vector["aes_key_hex"]), h(mtproto_vector["aes_iv_hex"])
    )
    assert packet[24:] == cipher


@pytest.mark.parametrize("kind", BUFFER_KINDS, ids=KIND_IDS)
def test_auth_key_id_vector(mtproto_vector: Vector, kind: Callable[[bytes], Buffer]) -> None:
    out = crypto.auth_key_id(kind(h(mtproto_vector["auth_key_hex"])))
    assert type(out) is bytes
    assert out == h(mtproto_vector["auth_key_id_hex"])
    assert out == h(mtproto_vector["packet_hex"])[:8]


def test_encrypt_message_random_padding_vector(mtproto_vector: Vector) -> None:
    # padding=None: the shortest valid padding (12..27 bytes) of fresh random bytes each time
    auth_key = h(mtproto_vector["auth_key_hex"])
    payload = _payload(mtproto_vector)
    sender: Sender = _sender(mtproto_vector)
    shortest = 12 + (-(len(payload) + 12) % 16)
    packets = set()
    for _ in range(20):
        packet = crypto.encrypt_message(auth_key, payload, sender=sender)
        assert len(packet) - 24 - len(payload) == shortest
        assert packet[:8] == h(mtproto_vector["auth_key_id_hex"])
        assert crypto.decrypt_message(auth_key, packet, sender=sender) == payload
        packets.add(packet)
    assert len(packets) == 20, "random padding repeated: the padding bytes are not random"


# ---------------------------------------------------------------------------------- SRP


def _srp_password(v: Vector) -> str:
    assert v["password_utf8"].encode() == h(v["password_hex"])
    return str(v["password_utf8"])


@pytest.mark.parametrize("password_kind", ["str", "bytes"])
def test_srp_answer_vector(srp_vector: Vector, password_kind: str) -> None:
    password: str | bytes = _srp_password(srp_vector)
    if password_kind == "bytes":
        password = h(srp_vector["password_hex"])
    a_pub, m1 = crypto.srp_answer(
        password,
        h(srp_vector["salt1_hex"]),
        h(srp_vector["salt2_hex"]),
        srp_vector["g"],
        h(srp_vector["p_hex"]),
        h(srp_vector["srp_B_hex"]),
        h(srp_vector["a_hex"]),
    )
    assert (type(a_pub), type(m1)) == (bytes, bytes)
    assert a_pub == h(srp_vector["A_hex"])
    assert m1 == h(srp_vector["M1_hex"])


def test_srp_answer_vector_memoryview_args(srp_vector: Vector) -> None:
    a_pub, m1 = crypto.srp_answer(
        memoryview(h(srp_vector["password_hex"])),  # type: ignore[arg-type]
        bytearray(h(srp_vector["salt1_hex"])),
        memoryview(h(srp_vector["salt2_hex"])),
        srp_vector["g"],
        bytearray(h(srp_vector["p_hex"])),
        memoryview(h(srp_vector["srp_B_hex"])),
        bytearray(h(srp_vector["a_hex"])),
    )
    assert (a_pub, m1) == (h(srp_vector["A_hex"]), h(srp_vector["M1_hex"]))


def test_srp_answer_random_a_vector(srp_vector: Vector) -> None:
    # a=None: A is g^a for a fresh a, different each call; M1 differs with it.
    args = (
        _srp_password(srp_vector),
        h(srp_vector["salt1_hex"]),
        h(srp_vector["salt2_hex"]),
        srp_vector["g"],
        h(srp_vector["p_hex"]),
        h(srp_vector["srp_B_hex"]),
    )
    A1, M1a = crypto.srp_answer(*args)
    A2, M1b = crypto.srp_answer(*args)
    p = int.from_bytes(h(srp_vector["p_hex"]), "big")
    for A, M1 in ((A1, M1a), (A2, M1b)):
        assert len(A) == 256 and len(M1) == 32
        assert 2**1984 <= int.from_bytes(A, "big") <= p - 2**1984
    assert A1 != A2 and M1a != M1b


def test_srp_password_hash_vector(srp_vector: Vector) -> None:
    x = crypto.srp_password_hash(
        _srp_password(srp_vector), h(srp_vector["salt1_hex"]), h(srp_vector["salt2_hex"])
    )
    assert type(x) is bytes
    assert x == h(srp_vector["x_hex"])
    x_bytes = crypto.srp_password_hash(
        h(srp_vector["password_hex"]), h(srp_vector["salt1_hex"]), h(srp_vector["salt2_hex"])
    )
    assert x_bytes == x


def test_srp_verifier_vector(srp_vector: Vector) -> None:
    v = crypto.srp_verifier(
        _srp_password(srp_vector),
        h(srp_vector["salt1_hex"]),
        h(srp_vector["salt2_hex"]),
        srp_vector["g"],
        h(srp_vector["p_hex"]),
    )
    assert type(v) is bytes
    assert v == h(srp_vector["v_hex"])
    assert len(v) == 256


def test_srp_vector_server_side_consistency(srp_vector_with_b: Vector) -> None:
    # Where the vector gives b, B = k*v + g^b mod p must hold with our v (the server's view).
    srp_vector = srp_vector_with_b
    p_bytes = h(srp_vector["p_hex"])
    p = int.from_bytes(p_bytes, "big")
    g = srp_vector["g"]
    v = int.from_bytes(
        crypto.srp_verifier(
            _srp_password(srp_vector),
            h(srp_vector["salt1_hex"]),
            h(srp_vector["salt2_hex"]),
            g,
            p_bytes,
        ),
        "big",
    )
    k = int.from_bytes(hashlib.sha256(p_bytes + g.to_bytes(256, "big")).digest(), "big")
    b = int.from_bytes(h(srp_vector["b_hex"]), "big")
    assert (k * v + pow(g, b, p)) % p == int.from_bytes(h(srp_vector["srp_B_hex"]), "big")


@pytest.mark.parametrize("kind", BUFFER_KINDS, ids=KIND_IDS)
def test_srp_password_hash_ph2_vector(ph2_vector: Vector, kind: Callable[[bytes], Buffer]) -> None:
    x = crypto.srp_password_hash(
        kind(ph2_vector["password_utf8"].encode()),  # type: ignore[arg-type]
        kind(h(ph2_vector["salt1_hex"])),
        kind(h(ph2_vector["salt2_hex"])),
    )
    assert x == h(ph2_vector["x_hex"])


# ----------------------------------------------------------------------------------- pq


def test_factorize_vector(pq_vector: Vector) -> None:
    p, q = crypto.factorize(pq_vector["pq"])
    assert (type(p), type(q)) == (int, int)
    assert (p, q) == (pq_vector["p"], pq_vector["q"])
    assert p < q
    assert int.from_bytes(h(pq_vector["pq_hex"]), "big") == pq_vector["pq"]
    assert minimal_be(p) == h(pq_vector["p_hex"]) and minimal_be(q) == h(pq_vector["q_hex"])


def test_factorize_vector_swapped_order_is_stable(pq_vector: Vector) -> None:
    # Pollard-Brent may find either factor first; the answer is always (smaller, larger).
    for _ in range(5):
        assert crypto.factorize(pq_vector["pq"]) == (pq_vector["p"], pq_vector["q"])


# ------------------------------------------------------------------ auth-key exchange


@pytest.fixture(scope="module")
def sample(vectors: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    return vectors("auth_key_sample")


def test_sample_factorize(sample: dict[str, Any]) -> None:
    assert crypto.factorize(sample["pq"]) == (sample["p"], sample["q"])


@pytest.mark.parametrize("kind", BUFFER_KINDS, ids=KIND_IDS)
def test_sample_tmp_aes_key_iv(sample: dict[str, Any], kind: Callable[[bytes], Buffer]) -> None:
    out = crypto.tmp_aes_key_iv(
        kind(h(sample["new_nonce_hex"])), kind(h(sample["server_nonce_hex"]))
    )
    assert type(out) is tuple
    assert out == (h(sample["tmp_aes_key_hex"]), h(sample["tmp_aes_iv_hex"]))


def test_sample_decrypt_server_dh_answer(sample: dict[str, Any]) -> None:
    key, iv = crypto.tmp_aes_key_iv(h(sample["new_nonce_hex"]), h(sample["server_nonce_hex"]))
    answer = crypto.ige256_decrypt(h(sample["server_DH_params_ok_encrypted_answer_hex"]), key, iv)
    assert answer == h(sample["answer_with_hash_hex"])
    inner = h(sample["server_DH_inner_data_hex"])
    assert answer[:20] == hashlib.sha1(inner).digest()
    assert answer[20 : 20 + len(inner)] == inner
    # and back
    assert crypto.ige256_encrypt(answer, key, iv) == h(
        sample["server_DH_params_ok_encrypted_answer_hex"]
    )


def _sample_dh_prime(sample: dict[str, Any]) -> bytes:
    """dh_prime from server_DH_inner_data: id(4) nonce(16) server_nonce(16) g(4) bytes(dh_prime)."""
    inner = h(sample["server_DH_inner_data_hex"])
    assert inner[36:40] == struct.pack("<i", sample["g"])
    assert inner[40] == 0xFE and int.from_bytes(inner[41:44], "little") == 256
    return inner[44:300]


def test_sample_check_dh_prime(sample: dict[str, Any]) -> None:
    # returns None (raises on a bad prime); the second call hits the cached verdict
    crypto.check_dh_prime(_sample_dh_prime(sample), sample["g"])
    crypto.check_dh_prime(bytearray(_sample_dh_prime(sample)), sample["g"])


@pytest.mark.parametrize("kind", BUFFER_KINDS, ids=KIND_IDS)
def test_sample_dh_keypair_and_shared_key(
    sample: dict[str, Any], kind: Callable[[bytes], Buffer]
) -> None:
    dh_prime = _sample_dh_prime(sample)
    b = h(sample["b_hex"])
    secret, public = crypto.dh_keypair(sample["g"], kind(dh_prime), kind(b))
    assert secret == b
    assert public == h(sample["g_b_hex"])
    # the client's view: g_a from server_DH_inner_data, after g and dh_prime
    g_a = h(sample["server_DH_inner_data_hex"])[300 + 4 : 300 + 4 + 256]
    assert h(sample["server_DH_inner_data_hex"])[300:304] == b"\xfe\x00\x01\x00"
    auth_key = crypto.dh_shared_key(kind(g_a), kind(b), kind(dh_prime))
    assert type(auth_key) is bytes
    assert auth_key == h(sample["auth_key_hex"])


def test_sample_dh_keypair_random_secret(sample: dict[str, Any]) -> None:
    dh_prime = _sample_dh_prime(sample)
    s1, pub1 = crypto.dh_keypair(sample["g"], dh_prime)
    s2, pub2 = crypto.dh_keypair(sample["g"], dh_prime, None)
    p = int.from_bytes(dh_prime, "big")
    for s, pub in ((s1, pub1), (s2, pub2)):
        assert len(s) == 256 and len(pub) == 256
        assert pow(sample["g"], int.from_bytes(s, "big"), p) == int.from_bytes(pub, "big")
        assert 2**1984 <= int.from_bytes(pub, "big") <= p - 2**1984
    assert s1 != s2


def test_sample_auth_key_id(sample: dict[str, Any]) -> None:
    assert crypto.auth_key_id(h(sample["auth_key_hex"])) == h(sample["auth_key_id_hex"])


@pytest.mark.parametrize("kind", BUFFER_KINDS, ids=KIND_IDS)
def test_sample_new_nonce_hash1(sample: dict[str, Any], kind: Callable[[bytes], Buffer]) -> None:
    out = crypto.new_nonce_hash(
        kind(h(sample["new_nonce_hex"])), 1, kind(h(sample["auth_key_hex"]))
    )
    assert type(out) is bytes
    assert out == h(sample["dh_gen_ok_new_nonce_hash1_hex"])


def test_sample_new_nonce_hash_2_and_3(sample: dict[str, Any]) -> None:
    # numbers 2 and 3 differ only in the byte after new_nonce (spec formula, aux hash from the key)
    new_nonce = h(sample["new_nonce_hex"])
    auth_key = h(sample["auth_key_hex"])
    aux = hashlib.sha1(auth_key).digest()[:8]
    assert aux == h(sample["auth_key_aux_hash_hex"])
    for number in (1, 2, 3):
        expected = hashlib.sha1(new_nonce + bytes([number]) + aux).digest()[4:20]
        assert crypto.new_nonce_hash(new_nonce, number, auth_key) == expected


def test_sample_server_salt(sample: dict[str, Any]) -> None:
    out = crypto.server_salt(h(sample["new_nonce_hex"]), h(sample["server_nonce_hex"]))
    assert type(out) is bytes
    assert out == h(sample["server_salt_hex"])


def test_sample_first_message_uses_salt(
    sample: dict[str, Any], vectors: Callable[[str], dict[str, Any]]
) -> None:
    # The docs' auth_key and salt feed the first client packet of mtproto_msg.json.
    msg = next(
        v for v in vectors("mtproto_msg")["vectors"] if v["auth_key_hex"] == sample["auth_key_hex"]
    )
    assert h(msg["server_salt_hex"]) == crypto.server_salt(
        h(sample["new_nonce_hex"]), h(sample["server_nonce_hex"])
    )


@pytest.fixture(scope="module")
def rsa_pad_vector(sample: dict[str, Any]) -> dict[str, Any]:
    vector: dict[str, Any] = sample["rsa_pad_vector"]
    return vector


@pytest.mark.parametrize("kind", BUFFER_KINDS, ids=KIND_IDS)
def test_rsa_pad_encrypt_vector(
    rsa_pad_vector: dict[str, Any], kind: Callable[[bytes], Buffer]
) -> None:
    out = crypto.rsa_pad_encrypt(
        kind(h(rsa_pad_vector["data_hex"])),
        int(rsa_pad_vector["rsa_n_decimal"]),
        rsa_pad_vector["rsa_e"],
        random_padding=kind(h(rsa_pad_vector["random_padding_hex"])),
        temp_keys=[
            kind(h(rsa_pad_vector["temp_key_attempt0_hex"])),
            kind(h(rsa_pad_vector["temp_key_attempt1_hex"])),
        ],
    )
    assert type(out) is bytes
    assert out == h(rsa_pad_vector["encrypted_data_hex"])


def test_rsa_pad_encrypt_vector_tuple_of_keys(rsa_pad_vector: dict[str, Any]) -> None:
    # temp_keys is any Sequence; with attempt1 first, attempt0 is never needed.
    out = crypto.rsa_pad_encrypt(
        h(rsa_pad_vector["data_hex"]),
        int(rsa_pad_vector["rsa_n_decimal"]),
        rsa_pad_vector["rsa_e"],
        random_padding=h(rsa_pad_vector["random_padding_hex"]),
        temp_keys=(h(rsa_pad_vector["temp_key_attempt1_hex"]),),
    )
    assert out == h(rsa_pad_vector["encrypted_data_hex"])


def test_rsa_pad_encrypt_vector_first_key_only_is_retried(rsa_pad_vector: dict[str, Any]) -> None:
    # attempt0 alone is rejected (key_aes_encrypted >= n): a random key follows, so the result
    # is a valid but different ciphertext below n.
    n = int(rsa_pad_vector["rsa_n_decimal"])
    out = crypto.rsa_pad_encrypt(
        h(rsa_pad_vector["data_hex"]),
        n,
        rsa_pad_vector["rsa_e"],
        random_padding=h(rsa_pad_vector["random_padding_hex"]),
        temp_keys=[h(rsa_pad_vector["temp_key_attempt0_hex"])],
    )
    assert len(out) == 256
    assert int.from_bytes(out, "big") < n
    assert out != h(rsa_pad_vector["encrypted_data_hex"])


def test_rsa_fingerprint_vector_key(rsa_pad_vector: dict[str, Any]) -> None:
    n = int(rsa_pad_vector["rsa_n_decimal"])
    e = rsa_pad_vector["rsa_e"]
    digest = hashlib.sha1(tl_bytes(minimal_be(n)) + tl_bytes(minimal_be(e))).digest()
    expected = struct.unpack("<q", digest[-8:])[0]
    out = crypto.rsa_fingerprint(n, e)
    assert type(out) is int
    assert out == expected
    assert -(2**63) <= out < 2**63
