"""Bad input for every function of ``oxigram.crypto``: the exact class and the exact message
of ``oxigram/_native.pyi``, on whichever backend is selected."""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from oxigram import crypto, errors
from oxigram.errors import (
    DHSecurityError,
    FactorizationError,
    InvalidInputError,
    InvalidTypeError,
    MessageSecurityError,
    OxigramError,
    RSASecurityError,
    SecurityError,
    SRPSecurityError,
)

h = bytes.fromhex


def expect(
    cls: type[BaseException], message: str, fn: Callable[..., Any], *args: Any, **kwargs: Any
) -> BaseException:
    """Calls fn and checks it raises exactly ``cls`` (not a subclass) with exactly ``message``."""
    with pytest.raises(BaseException) as info:
        fn(*args, **kwargs)
    exc = info.value
    assert type(exc) is cls, (
        f"expected {cls.__name__}({message!r}), got {type(exc).__name__}({exc})"
    )
    assert str(exc) == message
    return exc


def big(x: int, size: int = 256) -> bytes:
    return x.to_bytes(size, "big")


# ------------------------------------------------------------------- exception hierarchy


def test_hierarchy() -> None:
    assert issubclass(InvalidInputError, ValueError) and issubclass(InvalidInputError, OxigramError)
    assert issubclass(InvalidTypeError, TypeError) and issubclass(InvalidTypeError, OxigramError)
    assert issubclass(FactorizationError, InvalidInputError)
    for cls in (MessageSecurityError, DHSecurityError, SRPSecurityError, RSASecurityError):
        assert issubclass(cls, SecurityError) and issubclass(cls, OxigramError)
        assert not issubclass(cls, ValueError)


def test_raised_errors_are_stdlib_subclasses() -> None:
    with pytest.raises(ValueError):
        crypto.ige256_encrypt(b"", bytes(32), bytes(32))
    with pytest.raises(TypeError):
        crypto.ige256_encrypt("text", bytes(32), bytes(32))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        crypto.factorize(1)
    with pytest.raises(errors.SecurityError):
        crypto.decrypt_message(bytes(256), bytes(56), sender="client")


# ----------------------------------------------------------------- type errors, table


@dataclass
class Call:
    """A valid call of one function; ``kinds`` names the type class of each argument."""

    name: str
    args: dict[str, Any]
    kinds: dict[str, str]  # "buf", "buf?" (None allowed), "int", "str", "password"
    kwonly: frozenset[str] = field(default_factory=frozenset)

    def invoke(self, **override: Any) -> Any:
        values = {**self.args, **override}
        pos = [v for k, v in values.items() if k not in self.kwonly]
        kw = {k: v for k, v in values.items() if k in self.kwonly}
        pos = [v.get() if isinstance(v, Lazy) else v for v in pos]
        kw = {k: v.get() if isinstance(v, Lazy) else v for k, v in kw.items()}
        return getattr(crypto, self.name)(*pos, **kw)


KEY = bytes(range(256))

# Telegram's 2048-bit DH/SRP prime, read from the shared vectors by the autouse fixture below
# (the vectors are never copied into the project). Module globals so the call table can use it.
P = b""
P_INT = 0
B_OK = b""


@pytest.fixture(autouse=True, scope="module")
def _prime(telegram_prime: bytes) -> None:
    global P, P_INT, B_OK
    P = telegram_prime
    P_INT = int.from_bytes(P, "big")
    B_OK = big(pow(3, 2**1000 + 12345, P_INT))


class Lazy:
    """A table value resolved at call time (the prime is only known once fixtures ran)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def get(self) -> Any:
        return globals()[self.name]


LP, LP_INT, LB_OK = Lazy("P"), Lazy("P_INT"), Lazy("B_OK")


def value_of(expr: str) -> int:
    """Named big numbers relative to the prime, for parametrize ids that read well."""
    names = {"p": P_INT, "p2": 2**1984, "max": 2**2048 - 1}
    return int(eval(expr, {"__builtins__": {}}, names))


HEADER_BODY = bytes(8) + bytes(8) + struct.pack("<qiI", 1 << 32, 1, 4) + b"\x01\x02\x03\x04"


def _calls() -> list[Call]:
    return [
        Call(
            "ige256_encrypt",
            {"data": bytes(16), "key": bytes(32), "iv": bytes(32)},
            {"data": "buf", "key": "buf", "iv": "buf"},
        ),
        Call(
            "ige256_decrypt",
            {"data": bytes(16), "key": bytes(32), "iv": bytes(32)},
            {"data": "buf", "key": "buf", "iv": "buf"},
        ),
        Call("auth_key_id", {"auth_key": KEY}, {"auth_key": "buf"}),
        Call(
            "message_kdf",
            {"auth_key": KEY, "msg_key": bytes(16), "sender": "client"},
            {"auth_key": "buf", "msg_key": "buf", "sender": "str"},
            frozenset({"sender"}),
        ),
        Call(
            "encrypt_message",
            {"auth_key": KEY, "payload": HEADER_BODY, "sender": "client", "padding": bytes(12)},
            {"auth_key": "buf", "payload": "buf", "sender": "str", "padding": "buf?"},
            frozenset({"sender", "padding"}),
        ),
        Call(
            "decrypt_message",
            {"auth_key": KEY, "packet": bytes(56), "sender": "client"},
            {"auth_key": "buf", "packet": "buf", "sender": "str"},
            frozenset({"sender"}),
        ),
        Call(
            "srp_password_hash",
            {"password": "pw", "salt1": b"s1", "salt2": b"s2"},
            {"password": "password", "salt1": "buf", "salt2": "buf"},
        ),
        Call(
            "srp_verifier",
            {"password": "pw", "salt1": b"s1", "salt2": b"s2", "g": 3, "p": LP},
            {"password": "password", "salt1": "buf", "salt2": "buf", "g": "int", "p": "buf"},
        ),
        Call(
            "srp_answer",
            {
                "password": "pw",
                "salt1": b"s1",
                "salt2": b"s2",
                "g": 3,
                "p": LP,
                "srp_B": LB_OK,
                "a": None,
            },
            {
                "password": "password",
                "salt1": "buf",
                "salt2": "buf",
                "g": "int",
                "p": "buf",
                "srp_B": "buf",
                "a": "buf?",
            },
        ),
        Call("factorize", {"pq": 15}, {"pq": "int"}),
        Call(
            "powmod",
            {"base": 2, "exp": 10, "mod": 1000},
            {"base": "int", "exp": "int", "mod": "int"},
        ),
        Call("check_dh_prime", {"dh_prime": LP, "g": 3}, {"dh_prime": "buf", "g": "int"}),
        Call(
            "dh_keypair",
            {"g": 3, "dh_prime": LP, "secret": None},
            {"g": "int", "dh_prime": "buf", "secret": "buf?"},
        ),
        Call(
            "dh_shared_key",
            {"peer_public": LB_OK, "secret": bytes(255) + b"\x05", "dh_prime": LP},
            {"peer_public": "buf", "secret": "buf", "dh_prime": "buf"},
        ),
        Call("rsa_fingerprint", {"n": LP_INT, "e": 65537}, {"n": "int", "e": "int"}),
        Call(
            "rsa_encrypt_legacy",
            {"data": b"x" * 35, "n": LP_INT, "e": 65537, "random_padding": bytes(200)},
            {"data": "buf", "n": "int", "e": "int", "random_padding": "buf?"},
            frozenset({"random_padding"}),
        ),
        Call(
            "rsa_pad_encrypt",
            {
                "data": b"x" * 44,
                "n": LP_INT,
                "e": 65537,
                "random_padding": bytes(148),
                "temp_keys": None,
            },
            {"data": "buf", "n": "int", "e": "int", "random_padding": "buf?"},
            frozenset({"random_padding", "temp_keys"}),
        ),
        Call(
            "rsa_decrypt",
            {"encrypted": big(5), "n": LP_INT, "d": 3},
            {"encrypted": "buf", "n": "int", "d": "int"},
        ),
        Call(
            "rsa_pad_decrypt",
            {"encrypted": big(5), "n": LP_INT, "d": 3},
            {"encrypted": "buf", "n": "int", "d": "int"},
        ),
        Call(
            "tmp_aes_key_iv",
            {"new_nonce": bytes(32), "server_nonce": bytes(16)},
            {"new_nonce": "buf", "server_nonce": "buf"},
        ),
        Call(
            "new_nonce_hash",
            {"new_nonce": bytes(32), "number": 1, "auth_key": KEY},
            {"new_nonce": "buf", "number": "int", "auth_key": "buf"},
        ),
        Call(
            "server_salt",
            {"new_nonce": bytes(32), "server_nonce": bytes(16)},
            {"new_nonce": "buf", "server_nonce": "buf"},
        ),
    ]


CALLS = _calls()

BAD_FOR_BUFFER: list[Any] = ["text", 16, None, [1, 2, 3], 1.5, object()]
BAD_FOR_INT: list[Any] = ["3", 3.0, None, [3], b"\x03"]
BAD_FOR_STR: list[Any] = [0, None, b"client", ["client"]]
BAD_FOR_PASSWORD: list[Any] = [0, None, ["pw"], 1.5]


def _type_cases() -> list[Any]:
    cases = []
    for call in CALLS:
        for arg, kind in call.kinds.items():
            if kind in ("buf", "buf?"):
                bads = [b for b in BAD_FOR_BUFFER if not (kind == "buf?" and b is None)]
                template = "{arg} must be bytes, bytearray or memoryview, not {t}"
            elif kind == "int":
                bads = BAD_FOR_INT
                template = "{arg} must be int, not {t}"
            elif kind == "str":
                bads = BAD_FOR_STR
                template = "{arg} must be str, not {t}"
            else:
                bads = BAD_FOR_PASSWORD
                template = "{arg} must be str, bytes, bytearray or memoryview, not {t}"
            for bad in bads:
                message = template.format(arg=arg, t=type(bad).__name__)
                cases.append(
                    pytest.param(
                        call, arg, bad, message, id=f"{call.name}-{arg}-{type(bad).__name__}"
                    )
                )
    return cases


def test_valid_calls_pass() -> None:
    # the table's baseline calls are valid: each type case below changes one argument only
    for call in CALLS:
        if call.name in ("decrypt_message", "rsa_pad_decrypt"):
            continue  # their baselines are well-typed but fail the security checks
        call.invoke()


@pytest.mark.parametrize(("call", "arg", "bad", "message"), _type_cases())
def test_wrong_type(call: Call, arg: str, bad: Any, message: str) -> None:
    exc = expect(InvalidTypeError, message, call.invoke, **{arg: bad})
    assert isinstance(exc, TypeError)


def test_bool_is_an_int() -> None:
    assert crypto.powmod(True, 5, 7) == 1
    assert crypto.powmod(3, True, 7) == 3
    assert crypto.new_nonce_hash(bytes(32), True, KEY) == crypto.new_nonce_hash(bytes(32), 1, KEY)


def test_int_subclass_is_an_int() -> None:
    class MyInt(int):
        pass

    assert crypto.powmod(MyInt(3), MyInt(4), MyInt(100)) == 81


def test_str_subclass_sender() -> None:
    class S(str):
        pass

    packet = crypto.encrypt_message(KEY, HEADER_BODY, sender=S("client"), padding=bytes(12))  # type: ignore[arg-type]
    assert crypto.decrypt_message(KEY, packet, sender="client") == HEADER_BODY


def test_keyword_only_arguments() -> None:
    with pytest.raises(TypeError):
        crypto.encrypt_message(KEY, HEADER_BODY, "client")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        crypto.decrypt_message(KEY, bytes(56))  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        crypto.message_kdf(KEY, bytes(16), "client")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        crypto.rsa_pad_encrypt(b"x", 2**2047 + 1, 65537, None)  # type: ignore[call-arg]


def test_first_bad_argument_names_the_error() -> None:
    # "Argument checks happen in the order the arguments are listed"
    expect(
        InvalidInputError,
        "data length must be a positive multiple of 16, not 0",
        crypto.ige256_encrypt,
        b"",
        "key",
        5,
    )
    expect(
        InvalidInputError,
        "key must be 32 bytes, not 1",
        crypto.ige256_decrypt,
        bytes(16),
        b"k",
        b"i",
    )
    expect(
        InvalidTypeError,
        "data must be bytes, bytearray or memoryview, not str",
        crypto.ige256_encrypt,
        "d",
        b"k",
        None,
    )
    expect(
        InvalidInputError,
        "auth_key must be 256 bytes, not 0",
        crypto.message_kdf,
        b"",
        "bad",
        sender=None,
    )
    expect(
        InvalidInputError, "new_nonce must be 32 bytes, not 1", crypto.new_nonce_hash, b"n", 9, b""
    )
    expect(
        InvalidInputError,
        "number must be 1, 2 or 3, not 9",
        crypto.new_nonce_hash,
        bytes(32),
        9,
        b"",
    )


# ------------------------------------------------------------------------------ AES-IGE


IGE = [crypto.ige256_encrypt, crypto.ige256_decrypt]
IGE_IDS = ["encrypt", "decrypt"]


@pytest.mark.parametrize("fn", IGE, ids=IGE_IDS)
@pytest.mark.parametrize("n", [0, 1, 15, 17, 31, 33, 1000])
def test_ige_data_length(fn: Callable[..., bytes], n: int) -> None:
    exc = expect(
        InvalidInputError,
        f"data length must be a positive multiple of 16, not {n}",
        fn,
        bytes(n),
        bytes(32),
        bytes(32),
    )
    assert isinstance(exc, ValueError)


@pytest.mark.parametrize("fn", IGE, ids=IGE_IDS)
@pytest.mark.parametrize("n", [0, 16, 24, 31, 33, 64])
def test_ige_key_length(fn: Callable[..., bytes], n: int) -> None:
    expect(InvalidInputError, f"key must be 32 bytes, not {n}", fn, bytes(32), bytes(n), bytes(32))


@pytest.mark.parametrize("fn", IGE, ids=IGE_IDS)
@pytest.mark.parametrize("n", [0, 16, 31, 33, 48])
def test_ige_iv_length(fn: Callable[..., bytes], n: int) -> None:
    expect(InvalidInputError, f"iv must be 32 bytes, not {n}", fn, bytes(32), bytes(32), bytes(n))


@pytest.mark.parametrize("fn", IGE, ids=IGE_IDS)
def test_ige_length_checks_use_bytes_of_memoryview(fn: Callable[..., bytes]) -> None:
    # a memoryview over 4-byte items is 32 bytes long, not 8 items long
    import array

    key = memoryview(array.array("I", range(8))).cast("B")
    assert len(fn(bytes(16), key, bytes(32))) == 16
    expect(
        InvalidInputError,
        "key must be 32 bytes, not 31",
        fn,
        bytes(16),
        memoryview(bytes(40))[3:34],
        bytes(32),
    )


# ------------------------------------------------------------------------ auth key, kdf


@pytest.mark.parametrize("n", [0, 1, 128, 255, 257, 512])
def test_auth_key_length_everywhere(n: int) -> None:
    message = f"auth_key must be 256 bytes, not {n}"
    expect(InvalidInputError, message, crypto.auth_key_id, bytes(n))
    expect(InvalidInputError, message, crypto.message_kdf, bytes(n), bytes(16), sender="client")
    expect(
        InvalidInputError, message, crypto.encrypt_message, bytes(n), HEADER_BODY, sender="server"
    )
    expect(InvalidInputError, message, crypto.decrypt_message, bytes(n), bytes(56), sender="client")
    expect(InvalidInputError, message, crypto.new_nonce_hash, bytes(32), 2, bytes(n))


@pytest.mark.parametrize("n", [0, 8, 15, 17, 32])
def test_message_kdf_msg_key_length(n: int) -> None:
    expect(
        InvalidInputError,
        f"msg_key must be 16 bytes, not {n}",
        crypto.message_kdf,
        KEY,
        bytes(n),
        sender="server",
    )


@pytest.mark.parametrize("sender", ["", "Client", "SERVER", "bot", "client ", "x=0"])
def test_sender_value(sender: str) -> None:
    message = f"sender must be 'client' or 'server', not {sender!r}"
    expect(InvalidInputError, message, crypto.message_kdf, KEY, bytes(16), sender=sender)
    expect(InvalidInputError, message, crypto.encrypt_message, KEY, HEADER_BODY, sender=sender)
    expect(InvalidInputError, message, crypto.decrypt_message, KEY, bytes(56), sender=sender)


def test_sender_repr_with_quote() -> None:
    sender = "it's"
    expect(
        InvalidInputError,
        f"sender must be 'client' or 'server', not {sender!r}",
        crypto.message_kdf,
        KEY,
        bytes(16),
        sender=sender,
    )


# ------------------------------------------------------------------------ encrypt_message


def payload(body: bytes, length: int | None = None) -> bytes:
    length = len(body) if length is None else length
    return b"S" * 8 + b"I" * 8 + struct.pack("<qiI", 7 << 32, 3, length) + body


@pytest.mark.parametrize("n", [0, 1, 24, 31])
def test_encrypt_payload_too_short(n: int) -> None:
    expect(
        InvalidInputError,
        f"payload must be 32 to 16777216 bytes, not {n}",
        crypto.encrypt_message,
        KEY,
        bytes(n),
        sender="client",
    )


def test_encrypt_payload_too_long() -> None:
    n = 16777216 + 4
    expect(
        InvalidInputError,
        f"payload must be 32 to 16777216 bytes, not {n}",
        crypto.encrypt_message,
        KEY,
        bytes(n),
        sender="client",
    )


@pytest.mark.parametrize(("body_len", "field"), [(8, 12), (8, 4), (0, 4), (4, 0), (16, 1000)])
def test_encrypt_length_field_mismatch(body_len: int, field: int) -> None:
    expect(
        InvalidInputError,
        f"payload length field is {field} but the body is {body_len} bytes",
        crypto.encrypt_message,
        KEY,
        payload(bytes(body_len), field),
        sender="client",
    )


@pytest.mark.parametrize("body_len", [1, 2, 3, 5, 7, 10])
def test_encrypt_body_not_multiple_of_4(body_len: int) -> None:
    expect(
        InvalidInputError,
        f"message body length {body_len} is not a multiple of 4",
        crypto.encrypt_message,
        KEY,
        payload(bytes(body_len)),
        sender="server",
    )


@pytest.mark.parametrize("pad", [0, 4, 11, 13, 14, 15, 27, 1036, 1052, 2044])
def test_encrypt_padding_rules(pad: int) -> None:
    body = payload(bytes(4))  # 36 bytes: valid paddings are 12, 28, ..., 1020
    expect(
        InvalidInputError,
        f"padding must be 12 to 1024 bytes making the total a multiple of 16, not {pad}",
        crypto.encrypt_message,
        KEY,
        body,
        sender="client",
        padding=bytes(pad),
    )


@pytest.mark.parametrize(
    ("body_len", "pad"), [(4, 12), (4, 28), (4, 1020), (0, 16), (0, 1024), (16, 1024), (8, 24)]
)
def test_encrypt_padding_edges_accepted(body_len: int, pad: int) -> None:
    p = payload(bytes(body_len))
    packet = crypto.encrypt_message(KEY, p, sender="client", padding=bytes(pad))
    assert len(packet) == 24 + len(p) + pad
    assert crypto.decrypt_message(KEY, packet, sender="client") == p


def test_encrypt_minimum_and_empty_body_payload() -> None:
    p = payload(b"")
    assert len(p) == 32
    packet = crypto.encrypt_message(KEY, p, sender="server")
    assert crypto.decrypt_message(KEY, packet, sender="server") == p


# ------------------------------------------------------------------------ decrypt_message


@pytest.fixture(scope="module")
def packet() -> bytes:
    return crypto.encrypt_message(
        KEY, payload(bytes(range(32))), sender="client", padding=bytes(range(16))
    )


def test_packet_baseline(packet: bytes) -> None:
    assert len(packet) == 24 + 64 + 16
    assert crypto.decrypt_message(KEY, packet, sender="client") == payload(bytes(range(32)))


def _tampered(packet: bytes, pos: int) -> bytes:
    b = bytearray(packet)
    b[pos] ^= 0x01
    return bytes(b)


def test_tampered_auth_key_id(packet: bytes) -> None:
    for pos in range(8):
        expect(
            MessageSecurityError,
            "auth_key_id mismatch",
            crypto.decrypt_message,
            KEY,
            _tampered(packet, pos),
            sender="client",
        )


def test_tampered_msg_key(packet: bytes) -> None:
    for pos in range(8, 24):
        expect(
            MessageSecurityError,
            "msg_key mismatch",
            crypto.decrypt_message,
            KEY,
            _tampered(packet, pos),
            sender="client",
        )


def test_tampered_ciphertext(packet: bytes) -> None:
    for pos in range(24, len(packet)):
        expect(
            MessageSecurityError,
            "msg_key mismatch",
            crypto.decrypt_message,
            KEY,
            _tampered(packet, pos),
            sender="client",
        )


def test_wrong_key_or_sender(packet: bytes) -> None:
    other = bytes(reversed(KEY))
    expect(
        MessageSecurityError,
        "auth_key_id mismatch",
        crypto.decrypt_message,
        other,
        packet,
        sender="client",
    )
    expect(
        MessageSecurityError,
        "msg_key mismatch",
        crypto.decrypt_message,
        KEY,
        packet,
        sender="server",
    )
    # any change to the key changes SHA1(auth_key), so auth_key_id is checked first
    k = bytearray(KEY)
    k[100] ^= 1
    expect(
        MessageSecurityError,
        "auth_key_id mismatch",
        crypto.decrypt_message,
        bytes(k),
        packet,
        sender="client",
    )


@pytest.mark.parametrize("n", [0, 1, 8, 23, 24, 25, 40, 55])
def test_packet_too_short(packet: bytes, n: int) -> None:
    expect(
        MessageSecurityError,
        f"packet length {n} is too short",
        crypto.decrypt_message,
        KEY,
        packet[:n],
        sender="client",
    )


@pytest.mark.parametrize("n", [57, 60, 71, 73, 87, 89, 103])
def test_packet_length_not_blocks(packet: bytes, n: int) -> None:
    data = (packet + bytes(64))[:n]
    expect(
        MessageSecurityError,
        f"packet length {n} is not 24 plus a positive multiple of 16",
        crypto.decrypt_message,
        KEY,
        data,
        sender="client",
    )


def test_truncated_and_extended_by_blocks(packet: bytes) -> None:
    expect(
        MessageSecurityError,
        "msg_key mismatch",
        crypto.decrypt_message,
        KEY,
        packet[:-16],
        sender="client",
    )
    expect(
        MessageSecurityError,
        "msg_key mismatch",
        crypto.decrypt_message,
        KEY,
        packet[:56],
        sender="client",
    )
    expect(
        MessageSecurityError,
        "msg_key mismatch",
        crypto.decrypt_message,
        KEY,
        packet + packet[-16:],
        sender="client",
    )


def craft(plaintext: bytes, sender: str = "client", auth_key: bytes = KEY) -> bytes:
    """A packet whose msg_key is valid for ``plaintext``, whatever the plaintext says."""
    assert len(plaintext) % 16 == 0
    x = 0 if sender == "client" else 8
    msg_key = hashlib.sha256(auth_key[88 + x : 120 + x] + plaintext).digest()[8:24]
    aes_key, aes_iv = crypto.message_kdf(auth_key, msg_key, sender=sender)  # type: ignore[arg-type]
    return (
        crypto.auth_key_id(auth_key) + msg_key + crypto.ige256_encrypt(plaintext, aes_key, aes_iv)
    )


def plain(total: int, length_field: int, signed: bool = False) -> bytes:
    head = (
        b"S" * 8
        + b"I" * 8
        + struct.pack("<qi", 9 << 32, 1)
        + struct.pack("<i" if signed else "<I", length_field)
    )
    return (
        head + bytes(range(256))[: total - 32] * ((total - 32) // 256 + 1)
        if False
        else head + bytes(total - 32)
    )


def test_crafted_valid_packet_accepted() -> None:
    pt = plain(48, 4)
    assert crypto.decrypt_message(KEY, craft(pt), sender="client") == pt[:36]
    pt = plain(48, 0)
    assert crypto.decrypt_message(KEY, craft(pt, "server"), sender="server") == pt[:32]
    pt = plain(1088, 32)  # padding of exactly 1024
    assert crypto.decrypt_message(KEY, craft(pt), sender="client") == pt[:64]


@pytest.mark.parametrize(
    ("total", "length"), [(64, 36), (64, 33), (64, 64), (48, 20), (1088, 2000), (64, 0x7FFFFFFC)]
)
def test_crafted_length_does_not_fit(total: int, length: int) -> None:
    expect(
        MessageSecurityError,
        f"message length {length} does not fit in {total} decrypted bytes",
        crypto.decrypt_message,
        KEY,
        craft(plain(total, length)),
        sender="client",
    )


@pytest.mark.parametrize("length", [-1, -4, -(2**31)])
def test_crafted_negative_length(length: int) -> None:
    expect(
        MessageSecurityError,
        f"message length {length} does not fit in 64 decrypted bytes",
        crypto.decrypt_message,
        KEY,
        craft(plain(64, length, signed=True), "server"),
        sender="server",
    )


@pytest.mark.parametrize("length", [1, 2, 3, 5, 6, 7, 18])
def test_crafted_length_not_multiple_of_4(length: int) -> None:
    expect(
        MessageSecurityError,
        f"message length {length} is not a multiple of 4",
        crypto.decrypt_message,
        KEY,
        craft(plain(64, length)),
        sender="client",
    )


@pytest.mark.parametrize(
    ("total", "length", "pad"),
    [
        (48, 8, 8),
        (48, 16, 0),
        (64, 28, 4),
        (1088, 16, 1040),
        (1088, 0, 1056),
        (2080, 1024, 1024 + 0),
    ],
)
def test_crafted_padding_out_of_range(total: int, length: int, pad: int) -> None:
    assert total - 32 - length == pad
    if 12 <= pad <= 1024:
        # the boundary case is valid: the check is inclusive
        assert (
            crypto.decrypt_message(KEY, craft(plain(total, length)), sender="client")
            == plain(total, length)[: 32 + length]
        )
        return
    expect(
        MessageSecurityError,
        f"padding of {pad} bytes is outside 12..1024",
        crypto.decrypt_message,
        KEY,
        craft(plain(total, length)),
        sender="client",
    )


# ------------------------------------------------------------------------------- SRP


def srp(**override: Any) -> tuple[bytes, bytes]:
    args: dict[str, Any] = {
        "password": "pw",
        "salt1": b"salt1",
        "salt2": b"salt2",
        "g": 3,
        "p": P,
        "srp_B": B_OK,
        "a": None,
    }
    args.update(override)
    return crypto.srp_answer(**args)


@pytest.mark.parametrize("n", [0, 1, 128, 255, 257])
def test_srp_p_length(n: int) -> None:
    p = (P * 2)[:n]
    expect(SRPSecurityError, f"p must be 256 bytes, not {n}", srp, p=p)
    expect(
        SRPSecurityError, f"p must be 256 bytes, not {n}", crypto.srp_verifier, "pw", b"", b"", 3, p
    )


def _not_safe_prime() -> bytes:
    """A 2048-bit prime p with (p-1)/2 composite, found deterministically."""
    gmpy2 = pytest.importorskip("gmpy2")
    c = gmpy2.next_prime(2**2047 + 2**1000)
    while gmpy2.is_prime((c - 1) // 2):
        c = gmpy2.next_prime(c)
    return big(int(c))


@pytest.mark.parametrize(
    "case",
    [
        "all_ones",
        "p_plus_2",
        "p_plus_1_even",
        "prime_not_safe",
        "leading_zero",
        "zero",
        "p_times_1_shifted",
    ],
)
def test_srp_p_not_safe_prime(case: str) -> None:
    values = {
        "all_ones": b"\xff" * 256,  # 2^2048-1, divisible by 3
        "p_plus_2": big(P_INT + 2),
        "p_plus_1_even": big(P_INT + 1),
        "leading_zero": b"\x00" + P[1:],
        "zero": bytes(256),
        "p_times_1_shifted": big(P_INT >> 1),  # 2047-bit value in 256 bytes
    }
    p = _not_safe_prime() if case == "prime_not_safe" else values[case]
    expect(SRPSecurityError, "p is not a 2048-bit safe prime", srp, p=p)
    expect(
        SRPSecurityError,
        "p is not a 2048-bit safe prime",
        crypto.srp_verifier,
        "pw",
        b"",
        b"",
        3,
        p,
    )


@pytest.mark.parametrize("g", [0, 1, 2, 5, 6, 8, 9, -3, 2**70])
def test_srp_bad_generator(g: int) -> None:
    # for this p (p % 8 == 3, p % 5 == 3, p % 24 == 11) only 3, 4 and 7 are valid generators
    expect(SRPSecurityError, f"g = {g} is not a valid generator for p", srp, g=g)
    expect(
        SRPSecurityError,
        f"g = {g} is not a valid generator for p",
        crypto.srp_verifier,
        "pw",
        b"",
        b"",
        g,
        P,
    )


@pytest.mark.parametrize("g", [3, 4, 7])
def test_srp_good_generators(g: int) -> None:
    v = crypto.srp_verifier("pw", b"s", b"t", g, P)
    x = int.from_bytes(crypto.srp_password_hash("pw", b"s", b"t"), "big")
    assert v == big(pow(g, x, P_INT))


@pytest.mark.parametrize("n", [0, 257, 300])
def test_srp_B_length(n: int) -> None:
    expect(SRPSecurityError, f"srp_B must be 1 to 256 bytes, not {n}", srp, srp_B=b"\x01" * n)


@pytest.mark.parametrize("expr", ["0", "1", "p-1", "p", "p+1", "max", "p+2**100"])
@pytest.mark.parametrize("width", ["256", "minimal"])
def test_srp_B_out_of_range(expr: str, width: str) -> None:
    value = value_of(expr)
    raw = big(value) if width == "256" else big(value).lstrip(b"\x00") or b"\x00"
    expect(SRPSecurityError, "srp_B is out of range", srp, srp_B=raw)


@pytest.mark.parametrize("n", [0, 1, 32, 255, 257])
def test_srp_a_length(n: int) -> None:
    exc = expect(InvalidInputError, f"a must be 256 bytes, not {n}", srp, a=b"\x07" * n)
    assert isinstance(exc, ValueError)


@pytest.mark.parametrize("a", [0, 1, 2, 100], ids=["a=0", "a=1", "a=2", "a=100"])
def test_srp_A_out_of_range(a: int) -> None:
    expect(SRPSecurityError, "A is out of range", srp, a=big(a))


def _srp_k_v(password: str, salt1: bytes, salt2: bytes, g: int) -> tuple[int, int]:
    """k and v computed independently of oxigram (spec formulas, hashlib)."""

    def sh(data: bytes, salt: bytes) -> bytes:
        return hashlib.sha256(salt + data + salt).digest()

    ph1 = sh(sh(password.encode(), salt1), salt2)
    x = int.from_bytes(sh(hashlib.pbkdf2_hmac("sha512", ph1, salt1, 100000), salt2), "big")
    k = int.from_bytes(hashlib.sha256(P + big(g)).digest(), "big")
    return k, pow(g, x, P_INT)


@pytest.fixture(scope="module")
def kv() -> tuple[int, int]:
    return _srp_k_v("pw", b"salt1", b"salt2", 3)


@pytest.mark.parametrize(
    ("t_name", "ok"),
    [
        ("0", False),
        ("1", False),
        ("2^1984-1", False),
        ("2^1984", True),
        ("p-2^1984", True),
        ("p-2^1984+1", False),
        ("p-1", False),
    ],
)
def test_srp_B_minus_kv_range(kv: tuple[int, int], t_name: str, ok: bool) -> None:
    k, v = kv
    t = {
        "0": 0,
        "1": 1,
        "2^1984-1": 2**1984 - 1,
        "2^1984": 2**1984,
        "p-2^1984": P_INT - 2**1984,
        "p-2^1984+1": P_INT - 2**1984 + 1,
        "p-1": P_INT - 1,
    }[t_name]
    B = (k * v + t) % P_INT
    assert 1 < B < P_INT - 1
    a = big(2**2000 + 99)
    if ok:
        a_pub, m1 = srp(srp_B=big(B), a=a)
        assert a_pub == big(pow(3, 2**2000 + 99, P_INT)) and len(m1) == 32
    else:
        expect(SRPSecurityError, "B - k*v is out of range", srp, srp_B=big(B), a=a)


def test_srp_check_order() -> None:
    # p length before g, g before B, B before a
    expect(SRPSecurityError, "p must be 256 bytes, not 3", srp, p=b"abc", g=9, srp_B=b"", a=b"")
    expect(SRPSecurityError, "g = 9 is not a valid generator for p", srp, g=9, srp_B=b"", a=b"")
    expect(SRPSecurityError, "srp_B must be 1 to 256 bytes, not 0", srp, srp_B=b"", a=b"")
    expect(SRPSecurityError, "srp_B is out of range", srp, srp_B=b"\x01", a=b"")
    expect(InvalidInputError, "a must be 256 bytes, not 0", srp, a=b"")


def test_srp_password_type_messages() -> None:
    for bad in (1, None, ["x"], 2.5, {"a": 1}):
        t = type(bad).__name__
        msg = f"password must be str, bytes, bytearray or memoryview, not {t}"
        expect(InvalidTypeError, msg, crypto.srp_password_hash, bad, b"", b"")
        expect(InvalidTypeError, msg, crypto.srp_verifier, bad, b"", b"", 3, P)
        expect(InvalidTypeError, msg, crypto.srp_answer, bad, b"", b"", 3, P, B_OK)


def test_srp_password_surrogate_str() -> None:
    # a str that cannot be encoded as UTF-8: both backends must raise a clear error, not crash
    with pytest.raises((InvalidInputError, UnicodeEncodeError)):
        crypto.srp_password_hash("\ud800", b"", b"")


# ---------------------------------------------------------------------------- factorize


@pytest.mark.parametrize("pq", [-(2**70), -5, -1, 0, 1, 2, 3, 2**64, 2**64 + 1, 2**200])
def test_factorize_out_of_range(pq: int) -> None:
    exc = expect(FactorizationError, f"pq must be in 4..2**64-1, not {pq}", crypto.factorize, pq)
    assert isinstance(exc, InvalidInputError) and isinstance(exc, ValueError)


@pytest.mark.parametrize(
    "pq", [5, 7, 97, 65537, 2**31 - 1, 2**61 - 1, 1000000007, 18446744073709551557]
)
def test_factorize_prime(pq: int) -> None:
    expect(FactorizationError, f"pq = {pq} is prime", crypto.factorize, pq)


@pytest.mark.parametrize(
    ("pq", "expected"),
    [
        (4, (2, 2)),
        (6, (2, 3)),
        (9, (3, 3)),
        (15, (3, 5)),
        (2 * 4294967291, (2, 4294967291)),
        (4294967291**2, (4294967291, 4294967291)),
        (3**40, (3, 3**39)),
        (2**64 - 1, (3, (2**64 - 1) // 3)),
        (2**63, (2, 2**62)),
        (1000000007 * 1000000009, (1000000007, 1000000009)),
        (4294967291 * 4294967279, (4294967279, 4294967291)),
    ],
)
def test_factorize_edges(pq: int, expected: tuple[int, int]) -> None:
    assert crypto.factorize(pq) == expected


# ------------------------------------------------------------------------------ powmod


def test_powmod_errors() -> None:
    expect(InvalidInputError, "base must be non-negative", crypto.powmod, -1, 2, 5)
    expect(InvalidInputError, "base must be non-negative", crypto.powmod, -(2**3000), 2, 5)
    expect(InvalidInputError, "exp must be non-negative", crypto.powmod, 2, -1, 5)
    expect(InvalidInputError, "exp must be non-negative", crypto.powmod, 2, -(2**3000), 5)
    expect(InvalidInputError, "mod must be positive", crypto.powmod, 2, 2, 0)
    expect(InvalidInputError, "mod must be positive", crypto.powmod, 2, 2, -7)
    expect(InvalidInputError, "base must be non-negative", crypto.powmod, -1, -1, 0)


@pytest.mark.parametrize(
    ("base", "exp", "mod"),
    [
        (0, 0, 1),
        (5, 0, 1),
        (0, 0, 7),
        (0, 5, 7),
        (7, 0, 13),
        (2, 10, 1000),
        (2**4000 + 1, 3, 2**2048 - 1),
        (3, 2**2048 + 5, "p"),
        (3, "p-2", "p"),
        ("p+5", 2**512, "p"),
        (123456789, 987654321, 2**2048),
        (123456789, 987654321, 2**64),
        (5, 117, 2),
    ],
)
def test_powmod_values(base: int | str, exp: int | str, mod: int | str) -> None:
    b, e, m = (value_of(x) if isinstance(x, str) else x for x in (base, exp, mod))
    assert crypto.powmod(b, e, m) == pow(b, e, m)


# ---------------------------------------------------------------------------------- DH


@pytest.mark.parametrize("n", [0, 128, 255, 257])
def test_dh_prime_length(n: int) -> None:
    p = (P * 2)[:n]
    expect(DHSecurityError, f"dh_prime must be 256 bytes, not {n}", crypto.check_dh_prime, p, 3)
    expect(DHSecurityError, f"dh_prime must be 256 bytes, not {n}", crypto.dh_keypair, 3, p)
    expect(
        DHSecurityError,
        f"dh_prime must be 256 bytes, not {n}",
        crypto.dh_shared_key,
        B_OK,
        bytes(256),
        p,
    )


@pytest.mark.parametrize("case", ["all_ones", "p_plus_2", "leading_zero", "half", "prime_not_safe"])
def test_dh_prime_not_safe(case: str) -> None:
    values = {
        "all_ones": b"\xff" * 256,
        "p_plus_2": big(P_INT + 2),
        "leading_zero": b"\x00" + P[1:],
        "half": big(P_INT >> 1),
    }
    p = _not_safe_prime() if case == "prime_not_safe" else values[case]
    expect(DHSecurityError, "dh_prime is not a 2048-bit safe prime", crypto.check_dh_prime, p, 3)
    expect(DHSecurityError, "dh_prime is not a 2048-bit safe prime", crypto.dh_keypair, 3, p)


@pytest.mark.parametrize("g", [0, 1, 2, 5, 6, 8, -1, 2**70])
def test_dh_bad_generator(g: int) -> None:
    expect(
        DHSecurityError,
        f"g = {g} is not a valid generator for dh_prime",
        crypto.check_dh_prime,
        P,
        g,
    )
    expect(
        DHSecurityError, f"g = {g} is not a valid generator for dh_prime", crypto.dh_keypair, g, P
    )


@pytest.mark.parametrize("g", [3, 4, 7])
def test_dh_good_generator(g: int) -> None:
    crypto.check_dh_prime(P, g)  # no exception
    secret = big(2**2040 + 12345)
    assert crypto.dh_keypair(g, P, secret) == (secret, big(pow(g, 2**2040 + 12345, P_INT)))


@pytest.mark.parametrize("n", [0, 32, 255, 257])
def test_dh_secret_length(n: int) -> None:
    expect(
        InvalidInputError,
        f"secret must be 256 bytes, not {n}",
        crypto.dh_keypair,
        3,
        P,
        b"\x05" * n,
    )
    expect(
        InvalidInputError,
        f"secret must be 256 bytes, not {n}",
        crypto.dh_shared_key,
        B_OK,
        b"\x05" * n,
        P,
    )


@pytest.mark.parametrize("s", [0, 1, 2, 1000], ids=["0", "1", "2", "1000"])
def test_dh_public_out_of_range(s: int) -> None:
    expect(DHSecurityError, "g^secret is out of range", crypto.dh_keypair, 3, P, big(s))


@pytest.mark.parametrize("expr", ["0", "1", "2", "p2-1", "p-p2+1", "p-2", "p-1", "p", "p+1", "max"])
def test_dh_peer_public_out_of_range(expr: str) -> None:
    expect(
        DHSecurityError,
        "peer public value is out of range",
        crypto.dh_shared_key,
        big(value_of(expr)),
        big(2**2000 + 3),
        P,
    )


@pytest.mark.parametrize("short", [b"", b"\x01", b"\x02"])
def test_dh_peer_public_short_out_of_range(short: bytes) -> None:
    expect(
        DHSecurityError,
        "peer public value is out of range",
        crypto.dh_shared_key,
        short,
        big(2**2000 + 3),
        P,
    )


@pytest.mark.parametrize("expr", ["p2", "p-p2", "2**2000+7", "p2+1", "p-p2-1"])
def test_dh_peer_public_bounds_accepted(expr: str) -> None:
    value = value_of(expr)
    secret = 2**2000 + 3
    out = crypto.dh_shared_key(big(value), big(secret), P)
    assert out == big(pow(value, secret, P_INT))
    # big-endian minimal length is the same number
    assert crypto.dh_shared_key(big(value).lstrip(b"\x00"), big(secret), P) == out


# -------------------------------------------------------------------------------- RSA


@pytest.mark.parametrize("k", [236, 255, 256, 1000])
def test_rsa_legacy_data_too_long(rsa_key: Any, k: int) -> None:
    expect(
        InvalidInputError,
        f"data must be at most 235 bytes, not {k}",
        crypto.rsa_encrypt_legacy,
        bytes(k),
        rsa_key.n,
        rsa_key.e,
    )


@pytest.mark.parametrize(("k", "pad"), [(100, 134), (100, 136), (0, 0), (235, 1), (10, 300)])
def test_rsa_legacy_padding_length(rsa_key: Any, k: int, pad: int) -> None:
    expect(
        InvalidInputError,
        f"random_padding must be {235 - k} bytes, not {pad}",
        crypto.rsa_encrypt_legacy,
        bytes(k),
        rsa_key.n,
        rsa_key.e,
        random_padding=bytes(pad),
    )


@pytest.mark.parametrize("k", [0, 100, 235])
def test_rsa_legacy_roundtrip(rsa_key: Any, k: int) -> None:
    data = bytes(range(k % 256))[:k] if k < 256 else bytes(k)
    pad = b"\x5a" * (235 - k)
    out = crypto.rsa_encrypt_legacy(data, rsa_key.n, rsa_key.e, random_padding=pad)
    assert len(out) == 256
    m = pow(int.from_bytes(out, "big"), rsa_key.d, rsa_key.n)
    assert big(m, 255) == hashlib.sha1(data).digest() + data + pad
    assert crypto.rsa_decrypt(out, rsa_key.n, rsa_key.d) == big(m)
    r1 = crypto.rsa_encrypt_legacy(data, rsa_key.n, rsa_key.e)
    r2 = crypto.rsa_encrypt_legacy(data, rsa_key.n, rsa_key.e, random_padding=None)
    for r in (r1, r2):
        m = pow(int.from_bytes(r, "big"), rsa_key.d, rsa_key.n)
        assert big(m, 255)[: 20 + k] == hashlib.sha1(data).digest() + data
    if k < 235:  # with no padding to draw, the encryption is deterministic
        assert r1 != r2


@pytest.mark.parametrize("k", [145, 192, 256])
def test_rsa_pad_data_too_long(rsa_key: Any, k: int) -> None:
    expect(
        InvalidInputError,
        f"data must be at most 144 bytes, not {k}",
        crypto.rsa_pad_encrypt,
        bytes(k),
        rsa_key.n,
        rsa_key.e,
    )


@pytest.mark.parametrize(("k", "pad"), [(144, 47), (144, 49), (0, 0), (100, 91), (100, 200)])
def test_rsa_pad_padding_length(rsa_key: Any, k: int, pad: int) -> None:
    expect(
        InvalidInputError,
        f"random_padding must be {192 - k} bytes, not {pad}",
        crypto.rsa_pad_encrypt,
        bytes(k),
        rsa_key.n,
        rsa_key.e,
        random_padding=bytes(pad),
    )


@pytest.mark.parametrize("k", [0, 16, 31, 33, 64])
def test_rsa_pad_temp_key_length(rsa_key: Any, k: int) -> None:
    expect(
        InvalidInputError,
        f"temp_key must be 32 bytes, not {k}",
        crypto.rsa_pad_encrypt,
        bytes(100),
        rsa_key.n,
        rsa_key.e,
        random_padding=bytes(92),
        temp_keys=[bytes(k)],
    )


def test_rsa_pad_roundtrip(rsa_key: Any) -> None:
    data = bytes(range(100))
    pad = bytes(range(92))
    keys = [bytes([i]) * 32 for i in range(1, 6)]
    out = crypto.rsa_pad_encrypt(data, rsa_key.n, rsa_key.e, random_padding=pad, temp_keys=keys)
    assert len(out) == 256 and int.from_bytes(out, "big") < rsa_key.n
    assert crypto.rsa_pad_decrypt(out, rsa_key.n, rsa_key.d) == data + pad
    # random padding and keys: still decrypts to data | padding
    out2 = crypto.rsa_pad_encrypt(data, rsa_key.n, rsa_key.e)
    assert crypto.rsa_pad_decrypt(out2, rsa_key.n, rsa_key.d)[:100] == data


@pytest.mark.parametrize("k", [0, 128, 255, 257])
def test_rsa_decrypt_length(rsa_key: Any, k: int) -> None:
    for fn in (crypto.rsa_decrypt, crypto.rsa_pad_decrypt):
        expect(
            RSASecurityError,
            f"encrypted data must be 256 bytes, not {k}",
            fn,
            bytes(k),
            rsa_key.n,
            rsa_key.d,
        )


def test_rsa_decrypt_not_below_modulus(rsa_key: Any) -> None:
    for value in (rsa_key.n, rsa_key.n + 1, 2**2048 - 1):
        for fn in (crypto.rsa_decrypt, crypto.rsa_pad_decrypt):
            expect(
                RSASecurityError,
                "encrypted value is not below the modulus",
                fn,
                big(value),
                rsa_key.n,
                rsa_key.d,
            )
    assert crypto.rsa_decrypt(big(rsa_key.n - 1), rsa_key.n, rsa_key.d) == big(rsa_key.n - 1)


def test_rsa_pad_decrypt_tampered(rsa_key: Any) -> None:
    out = bytearray(crypto.rsa_pad_encrypt(b"hello", rsa_key.n, rsa_key.e))
    out[200] ^= 0x10
    expect(
        RSASecurityError,
        "RSA_PAD hash mismatch",
        crypto.rsa_pad_decrypt,
        bytes(out),
        rsa_key.n,
        rsa_key.d,
    )
    plain_rsa = crypto.rsa_encrypt_legacy(b"hello", rsa_key.n, rsa_key.e)
    expect(
        RSASecurityError,
        "RSA_PAD hash mismatch",
        crypto.rsa_pad_decrypt,
        plain_rsa,
        rsa_key.n,
        rsa_key.d,
    )


# ---------------------------------------------------------------- handshake key helpers


@pytest.mark.parametrize("k", [0, 16, 31, 33, 64])
def test_new_nonce_length(k: int) -> None:
    msg = f"new_nonce must be 32 bytes, not {k}"
    expect(InvalidInputError, msg, crypto.tmp_aes_key_iv, bytes(k), bytes(16))
    expect(InvalidInputError, msg, crypto.server_salt, bytes(k), bytes(16))
    expect(InvalidInputError, msg, crypto.new_nonce_hash, bytes(k), 1, KEY)


@pytest.mark.parametrize("k", [0, 8, 15, 17, 32])
def test_server_nonce_length(k: int) -> None:
    msg = f"server_nonce must be 16 bytes, not {k}"
    expect(InvalidInputError, msg, crypto.tmp_aes_key_iv, bytes(32), bytes(k))
    expect(InvalidInputError, msg, crypto.server_salt, bytes(32), bytes(k))


@pytest.mark.parametrize("number", [0, 4, -1, 255, 256, 2**64])
def test_new_nonce_hash_number(number: int) -> None:
    expect(
        InvalidInputError,
        f"number must be 1, 2 or 3, not {number}",
        crypto.new_nonce_hash,
        bytes(32),
        number,
        KEY,
    )


def test_rsa_fingerprint_values() -> None:
    # independent oracle: TL-serialized minimal big-endian n and e, SHA1, low 64 bits signed LE
    def tl(b: bytes) -> bytes:
        out = bytes([len(b)]) + b if len(b) < 254 else b"\xfe" + len(b).to_bytes(3, "little") + b
        return out + bytes(-len(out) % 4)

    for n, e in ((P_INT, 65537), (P_INT, 3), (2**64 + 13, 17), (255, 1)):
        nb = n.to_bytes((n.bit_length() + 7) // 8, "big")
        eb = e.to_bytes((e.bit_length() + 7) // 8, "big")
        expected = struct.unpack("<q", hashlib.sha1(tl(nb) + tl(eb)).digest()[12:20])[0]
        assert crypto.rsa_fingerprint(n, e) == expected


@pytest.mark.parametrize("name", ["srp_password_hash", "srp_verifier", "srp_answer"])
def test_password_with_a_lone_surrogate(name: str) -> None:
    # "\ud800" is a valid Python str that UTF-8 cannot encode: an input error, not
    # UnicodeEncodeError, and the same on both backends.
    args: dict[str, Any] = {"password": "pw\ud800", "salt1": b"s1", "salt2": b"s2"}
    if name != "srp_password_hash":
        args |= {"g": 3, "p": LP}
    if name == "srp_answer":
        args["srp_B"] = b"\x02"
    expect(
        InvalidInputError,
        "password is not encodable as UTF-8 (it contains a lone surrogate, U+D800-U+DFFF)",
        getattr(crypto, name),
        **args,
    )
