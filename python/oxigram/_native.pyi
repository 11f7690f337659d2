"""Stub of ``oxigram._native``, the Rust extension. ``oxigram._pure`` has the same names and
signatures (checked by ``tests/parity/test_surface.py``).

Conventions shared by both backends:

* ``Buffer`` arguments accept ``bytes``, ``bytearray`` and ``memoryview`` (contiguous).
  Anything else raises ``InvalidTypeError("<arg> must be bytes, bytearray or memoryview,
  not <type name>")``. ``int`` arguments given another type (``bool`` is accepted as an int)
  raise ``InvalidTypeError("<arg> must be int, not <type name>")``. ``str`` arguments
  (``sender``) given another type raise ``InvalidTypeError("<arg> must be str, not <type
  name>")``. ``<type name>`` is ``type(obj).__name__``.
* Big numbers of the protocol (``p``, ``g_a``, ``srp_B``, ``A``, ...) are big-endian bytes, as
  TL carries them; RSA key parts and ``factorize``/``powmod`` use Python ints.
* Randomness is a parameter: when a ``None``-able random argument is ``None``, the OS random
  source is used; given, it makes the call deterministic.
* Argument checks happen in the order the arguments are listed, so the first bad argument
  names the error. Exact messages are given below; both backends produce the same text.
"""

from collections.abc import Callable, Sequence
from typing import Literal, TypeAlias

Buffer: TypeAlias = bytes | bytearray | memoryview
Sender: TypeAlias = Literal["client", "server"]

# ---------------------------------------------------------------------------------- AES-IGE

def ige256_encrypt(data: Buffer, key: Buffer, iv: Buffer) -> bytes:
    """AES-256-IGE encryption as Telegram uses it: ``iv[:16]`` is the previous ciphertext
    block, ``iv[16:]`` the previous plaintext block; no padding.

    Errors (``InvalidInputError``), checked in this order:
    ``"data length must be a positive multiple of 16, not {n}"``,
    ``"key must be 32 bytes, not {n}"``, ``"iv must be 32 bytes, not {n}"``.
    """

def ige256_decrypt(data: Buffer, key: Buffer, iv: Buffer) -> bytes:
    """AES-256-IGE decryption; the inverse of :func:`ige256_encrypt`, same errors."""

# ---------------------------------------------------------------------------------- AES-CTR

class AesCtr256:
    """A running AES-256-CTR stream, as the obfuscated2 transport uses it (one per direction,
    for the whole connection). ``oxigram._pure.AesCtr256`` is its pure twin.

    ``iv`` is the first counter block, a 128-bit big-endian integer incremented by one per
    16-byte block (wrapping at 2^128), as in OpenSSL's ``EVP_aes_256_ctr`` and NIST SP 800-38A.
    The keystream continues across :meth:`update` calls, partial blocks included, so any split
    of a stream gives the bytes of one call. Calls from several threads are serialized; each
    consumes its own stretch of keystream.

    Errors, checked in this order: ``key`` then ``iv`` not a buffer (``InvalidTypeError``, see
    the conventions above); ``"key must be 32 bytes, not {n}"``, ``"iv must be 16 bytes, not
    {n}"`` (``InvalidInputError``).
    """

    def __init__(self, key: Buffer, iv: Buffer) -> None: ...
    def update(self, data: Buffer) -> bytes:
        """Encrypts (or decrypts: the same operation) the next ``len(data)`` bytes of the
        stream. A non-buffer ``data`` raises ``InvalidTypeError`` and consumes nothing."""

# ------------------------------------------------------------------- MTProto 2.0 messages

def auth_key_id(auth_key: Buffer) -> bytes:
    """The 8-byte auth_key_id: SHA1(auth_key)[12:20].
    ``"auth_key must be 256 bytes, not {n}"`` (``InvalidInputError``)."""

def message_kdf(auth_key: Buffer, msg_key: Buffer, *, sender: Sender) -> tuple[bytes, bytes]:
    """MTProto 2.0 ``(aes_key, aes_iv)`` from ``msg_key``; x = 0 for "client", 8 for "server".

    Errors: ``"auth_key must be 256 bytes, not {n}"``, ``"msg_key must be 16 bytes, not {n}"``
    (``InvalidInputError``); ``"sender must be 'client' or 'server', not {sender!r}"``
    (``InvalidInputError``) or ``"sender must be str, not {type}"`` (``InvalidTypeError``).
    """

def encrypt_message(
    auth_key: Buffer, payload: Buffer, *, sender: Sender, padding: Buffer | None = None
) -> bytes:
    """Encrypts one MTProto 2.0 message in one call.

    ``payload`` = salt(8) | session_id(8) | msg_id(8) | seq_no(4) | length(4, LE) | body,
    without padding. Returns auth_key_id(8) | msg_key(16) | AES-256-IGE(payload | padding).
    ``padding`` must be 12..1024 bytes making ``len(payload) + len(padding)`` a multiple of 16;
    when ``None``, the shortest valid padding (12..27 bytes) of random bytes is used, as
    Telethon and TDLib do: longer padding only costs bandwidth on every message.

    Errors (``InvalidInputError``) in this order: ``"auth_key must be 256 bytes, not {n}"``;
    ``"payload must be 32 to 16777216 bytes, not {n}"``;
    ``"payload length field is {L} but the body is {n} bytes"``;
    ``"message body length {n} is not a multiple of 4"``;
    ``"sender must be 'client' or 'server', not {sender!r}"``;
    ``"padding must be 12 to 1024 bytes making the total a multiple of 16, not {n}"``.
    """

def decrypt_message(auth_key: Buffer, packet: Buffer, *, sender: Sender) -> bytes:
    """Decrypts and checks one MTProto 2.0 packet; ``sender`` is who sent it.

    Returns the payload without padding (salt | session_id | msg_id | seq_no | length | body).
    ``InvalidInputError``: ``"auth_key must be 256 bytes, not {n}"``, the ``sender`` errors.
    ``MessageSecurityError``, checked in this order:
    ``"packet length {n} is not 24 plus a positive multiple of 16"``
    (also when shorter than 24 + 32, i.e. ``n < 56``: ``"packet length {n} is too short"``,
    checked first), ``"auth_key_id mismatch"``, ``"msg_key mismatch"``,
    ``"message length {L} does not fit in {n} decrypted bytes"`` (L > n - 32 or L < 0),
    ``"message length {L} is not a multiple of 4"``,
    ``"padding of {k} bytes is outside 12..1024"``.
    """

# -------------------------------------------------------------------------------- 2FA SRP

def srp_password_hash(password: str | Buffer, salt1: Buffer, salt2: Buffer) -> bytes:
    """x = PH2(password, salt1, salt2), 32 bytes (PBKDF2-HMAC-SHA512, 100000 iterations).
    A ``str`` password is encoded as UTF-8. Non-str/bytes-like password:
    ``"password must be str, bytes, bytearray or memoryview, not {type}"`` (InvalidTypeError);
    a ``str`` with a lone surrogate: ``"password is not encodable as UTF-8 (it contains a lone
    surrogate, U+D800-U+DFFF)"`` (InvalidInputError). The same for every ``password`` below."""

def srp_verifier(password: str | Buffer, salt1: Buffer, salt2: Buffer, g: int, p: Buffer) -> bytes:
    """v = g^x mod p as 256 big-endian bytes (what a server stores). Checks p and g like
    :func:`srp_answer`."""

def srp_answer(
    password: str | Buffer,
    salt1: Buffer,
    salt2: Buffer,
    g: int,
    p: Buffer,
    srp_B: Buffer,
    a: Buffer | None = None,
) -> tuple[bytes, bytes]:
    """Telegram's SRP for 2FA
    (``passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow``): returns
    ``(A, M1)``, 256 and 32 bytes. Releases the GIL. ``a`` is 256 bytes, random when ``None``.

    Checks, in this order (``SRPSecurityError`` unless noted):
    ``"p must be 256 bytes, not {n}"``;
    ``"p is not a 2048-bit safe prime"``;
    ``"g = {g} is not a valid generator for p"`` (the rule of core.telegram.org/mtproto/auth_key
    for g in 2..7; any other g fails); the p/g verdict is cached per (p, g);
    ``"srp_B must be 1 to 256 bytes, not {n}"``;
    ``"srp_B is out of range"`` (needs 1 < B < p - 1);
    ``"a must be 256 bytes, not {n}"`` (``InvalidInputError``);
    ``"A is out of range"`` when a given ``a`` yields A outside [2^1984, p - 2^1984]
    (a random ``a`` is drawn again instead);
    ``"u is zero"``;
    ``"B - k*v is out of range"`` when t = (B - k*v) mod p lies outside [2^1984, p - 2^1984].
    Short ``srp_B`` is left-padded to 256 bytes before hashing.
    """

# ---------------------------------------------------------------- handshake: pq, RSA, DH

TELEGRAM_DH_PRIME: bytes
"""Telegram's 2048-bit safe prime (core.telegram.org/mtproto/auth_key), 256 big-endian bytes,
used with g = 3 for the DH handshake and 2FA SRP. Its safe-prime verdict is known in advance,
so :func:`check_dh_prime` and the SRP functions accept it without running the primality test."""

def factorize(pq: int) -> tuple[int, int]:
    """Splits pq into (p, q) with p <= q and p * q == pq, p the smallest prime factor...
    (Pollard-Brent). ``FactorizationError``: ``"pq must be in 4..2**64-1, not {pq}"``,
    ``"pq = {pq} is prime"``."""

def powmod(base: int, exp: int, mod: int) -> int:
    """base ** exp % mod for non-negative base, exp and mod >= 1 (Montgomery for odd mod).
    ``InvalidInputError``: ``"base must be non-negative"``, ``"exp must be non-negative"``,
    ``"mod must be positive"``."""

def check_dh_prime(dh_prime: Buffer, g: int) -> None:
    """Raises ``DHSecurityError`` unless dh_prime is a 2048-bit safe prime (256 bytes, top
    bit set) and g in 2..7 generates its order-(p-1)/2 subgroup. Messages:
    ``"dh_prime must be 256 bytes, not {n}"``, ``"dh_prime is not a 2048-bit safe prime"``,
    ``"g = {g} is not a valid generator for dh_prime"``. The verdict is cached per (p, g)."""

def dh_keypair(g: int, dh_prime: Buffer, secret: Buffer | None = None) -> tuple[bytes, bytes]:
    """Returns ``(secret, public)``: a 256-byte secret (random when None) and g^secret mod p
    (256 bytes). Checks dh_prime and g like :func:`check_dh_prime`; a public value outside
    [2^1984, p - 2^1984] raises ``DHSecurityError("g^secret is out of range")`` for a given
    secret (a random one is drawn again). ``"secret must be 256 bytes, not {n}"``
    (``InvalidInputError``)."""

def dh_shared_key(peer_public: Buffer, secret: Buffer, dh_prime: Buffer) -> bytes:
    """peer_public^secret mod dh_prime, 256 bytes: the auth_key. ``DHSecurityError``:
    ``"dh_prime must be 256 bytes, not {n}"``,
    ``"peer public value is out of range"`` (needs 1 < x < p - 1 and 2^1984 <= x <= p - 2^1984);
    ``InvalidInputError``: ``"secret must be 256 bytes, not {n}"``."""

def rsa_fingerprint(n: int, e: int) -> int:
    """Telegram's key fingerprint: the low 64 bits of SHA1(TL bytes(n) | TL bytes(e)) (n, e
    big-endian, minimal length), as a signed 64-bit int (how TL ``long`` carries it).
    ``InvalidInputError``: ``"n must be non-negative"``, ``"e must be non-negative"``."""

def rsa_encrypt_legacy(
    data: Buffer, n: int, e: int, *, random_padding: Buffer | None = None
) -> bytes:
    """Legacy handshake encryption: RSA(SHA1(data) | data | padding to 255 bytes), 256 bytes
    big-endian. ``InvalidInputError``, in order: ``"data must be at most 235 bytes, not {k}"``,
    ``"n must be a 2048-bit modulus"``, ``"e must be positive"``,
    ``"random_padding must be {need} bytes, not {k}"``."""

def rsa_pad_encrypt(
    data: Buffer,
    n: int,
    e: int,
    *,
    random_padding: Buffer | None = None,
    temp_keys: Sequence[Buffer] | None = None,
) -> bytes:
    """RSA_PAD (core.telegram.org/mtproto/auth_key step 4.1): 256 bytes. ``temp_keys`` are
    tried in order (then random ones) until key_aes_encrypted < n. ``InvalidInputError``:
    ``"data must be at most 144 bytes, not {k}"``, ``"n must be a 2048-bit modulus"``,
    ``"e must be positive"``, ``"random_padding must be {need} bytes, not {k}"``,
    ``"temp_key must be 32 bytes, not {k}"``."""

def rsa_decrypt(encrypted: Buffer, n: int, d: int) -> bytes:
    """Raw RSA for the server role: encrypted^d mod n as 256 bytes. In order:
    ``RSASecurityError("encrypted data must be 256 bytes, not {k}")``,
    ``InvalidInputError("n must be a 2048-bit modulus")``,
    ``InvalidInputError("d must be positive")``,
    ``RSASecurityError("encrypted value is not below the modulus")``."""

def rsa_pad_decrypt(encrypted: Buffer, n: int, d: int) -> bytes:
    """Undoes RSA_PAD for the server role; returns the 192-byte data_with_padding.
    Errors of :func:`rsa_decrypt`, then ``RSASecurityError("RSA_PAD hash mismatch")``."""

def tmp_aes_key_iv(new_nonce: Buffer, server_nonce: Buffer) -> tuple[bytes, bytes]:
    """The handshake's (tmp_aes_key, tmp_aes_iv), 32 bytes each. ``InvalidInputError``:
    ``"new_nonce must be 32 bytes, not {k}"``, ``"server_nonce must be 16 bytes, not {k}"``."""

def new_nonce_hash(new_nonce: Buffer, number: int, auth_key: Buffer) -> bytes:
    """new_nonce_hash1/2/3: SHA1(new_nonce | byte number | auth_key_aux_hash)[4:20].
    ``InvalidInputError``: ``"new_nonce must be 32 bytes, not {k}"``,
    ``"number must be 1, 2 or 3, not {number}"``, ``"auth_key must be 256 bytes, not {k}"``."""

def server_salt(new_nonce: Buffer, server_nonce: Buffer) -> bytes:
    """The first server salt: new_nonce[0:8] XOR server_nonce[0:8], 8 bytes. Same length
    errors as :func:`tmp_aes_key_iv`."""

# ---- TL

# (field name, type, flags word name or "", bit or -1)
TLField: TypeAlias = tuple[str, str, str, int]
# (constructor id, name, is_function, fields, result type)
TLConstructor: TypeAlias = tuple[int, str, bool, list[TLField], str]

class TLCodec:
    """A TL codec over one schema (``oxigram._pure.tl.TLCodec`` is its pure twin).

    ``TLCodec(text)`` parses the ``.tl`` text, checks every constructor id against the CRC32
    of its normalized declaration (``TLSchemaError`` naming the line otherwise) and resolves
    every field type. After :meth:`bind`, :meth:`decode` builds instances of the classes the
    factory makes (without calling ``__init__``; only present fields are set) and :meth:`encode`
    walks their attributes. Errors (classes of ``oxigram.errors``, same text on both backends):
    ``UnexpectedEndError`` ``"unexpected end of data at offset {pos}: {need} bytes needed,
    {left} left"``; ``UnknownConstructorError`` ``"unknown constructor id 0x{id:08x} at offset
    {pos}"`` (with ``.constructor_id`` and ``.offset``); ``WrongTypeError`` ``"constructor
    {name} (0x{id:08x}) at offset {pos} is not of type {type}"``; ``LimitExceededError`` for
    vector counts or string lengths beyond the input and nesting deeper than 64;
    ``TrailingBytesError`` ``"{k} trailing bytes after the object at offset {pos}"``;
    ``TLEncodeError`` ``"{constructor}.{field}: ..."`` for bad values.
    """

    def __init__(self, text: str) -> None: ...
    @staticmethod
    def parse_schema(text: str) -> tuple[int, list[TLConstructor]]:
        """Parses ``.tl`` text into ``(layer or -1, constructors)`` without compiling."""
    @property
    def layer(self) -> int:
        """The schema's ``// LAYER N``, or -1."""
    def constructors(self) -> list[TLConstructor]:
        """The parsed constructors in schema order."""
    def headers(self) -> list[tuple[int, str, bool, str]]:
        """``(id, name, is_function, result)`` per constructor, in schema order."""
    def constructor(self, index: int) -> TLConstructor:
        """Constructor ``index`` of :meth:`constructors`."""
    def bind(self, factory: Callable[[int], type]) -> None:
        """The class factory: ``factory(i)`` makes the class of constructor ``i`` (in
        :meth:`constructors` order), once, on first use."""
    def class_of(self, index: int) -> type:
        """The class of constructor ``index``, made by the factory on first use."""
    @staticmethod
    def bytes_method() -> object:
        """The ``__bytes__`` of the bound classes: a method descriptor that encodes an
        instance with the codec that bound its class, without a Python frame."""
    def encode(self, obj: object) -> bytes:
        """``obj`` boxed: constructor id, then fields; flag words computed.

        An object of another codec's classes (a class whose own namespace holds
        ``_tl_declaration``, the :meth:`constructor` tuple of its schema; ``oxigram.tl``'s
        classes do) is encoded as this schema's constructor of the same name when that has
        the same id and fields; otherwise ``TLEncodeError`` ``"{path}: constructor {name}
        (0x{id:08x}) is not in this schema (layer {n})"`` (no layer part without a
        ``// LAYER`` line), ``"{path}: {name} has id 0x{ours:08x} in this schema and
        0x{theirs:08x} in the object's schema"`` or ``"{path}: {name} (0x{id:08x}) fields
        differ: ({ours}) in this schema, ({theirs}) in the object's schema"`` (fields written
        ``name:type`` / ``name:flags.N?type``)."""
    def decode(
        self,
        data: Buffer,
        exact: bool = True,
        *,
        max_inflated: int = 16777216,
        max_elements: int = 1000000,
    ) -> object:
        """One boxed value (object, Bool or vector); ``gzip_packed`` is unpacked.

        The decode budget bounds what one message may cost, checked as the input is read
        and before anything is allocated for it: ``max_inflated`` bytes for all of its
        ``gzip_packed`` together (default 16 MiB), ``max_elements`` elements built (default
        1,000,000): an object costs one plus its constructor's fields (flag words excepted),
        charged before its body is read; a vector item one, charged with the count (after
        the count is checked against the bytes left). The defaults fit Telegram's largest
        answers (``upload.getFile`` parts of 1 MiB; difference, history or contact lists
        that inflate to a few MiB and build a few 10^5 elements) twice over; at worst (the
        smallest objects) a decode builds ~330,000 objects: ~0.15 s (native) and < 100 MB.
        Beyond them, ``LimitExceededError``: ``"gzip_packed at offset {pos} unpacks past
        the decode budget of {max_inflated} bytes"``, ``"vector of {n} elements at offset
        {pos} exceeds the decode budget of {max_elements} elements"``, ``"{constructor} at
        offset {pos} exceeds the decode budget of {max_elements} elements"`` (offsets
        within the unpacked payload inside a ``gzip_packed``). Budget arguments:
        ``InvalidTypeError "{name} must be int, not {type}"``, ``InvalidInputError "{name}
        must be >= 0, not {value}"``; values beyond 2**64 - 1 count as 2**64 - 1.

        A ``gzip_packed`` is read as zlib reads a gzip member (header checks, CRC-32 and
        length checked, a back-reference before the start of the output refused):
        ``TLDecodeError "gzip_packed at offset {pos} holds bad compressed data"``. The
        native codec unpacks one of 4 KiB or more with the GIL released. An allocation that
        fails is a ``MemoryError``; no decode raises anything but these and ``TLDecodeError``
        classes."""
    def decode_prefix(
        self,
        data: Buffer,
        offset: int = 0,
        *,
        max_inflated: int = 16777216,
        max_elements: int = 1000000,
    ) -> tuple[object, int]:
        """One boxed value at ``offset``; returns it and the offset after it. ``offset`` must
        be an int (``InvalidTypeError "offset must be int, not {type}"``); one outside the
        data, however large or negative, is ``TLDecodeError "offset {offset} is outside the
        data"``. The budget is :meth:`decode`'s."""

# ---- typed callback data

def callback_data_pack(prefix: str, spec: str, values: Sequence[object]) -> bytes:
    """Packs ``values`` (a tuple or list, one per field) as ``prefix | ':' | fields``.

    ``spec`` is ``"name:kind,..."`` with kinds ``i`` (signed 64-bit int, zigzag varint),
    ``e<N>`` (enum index below N, 1 <= N <= 1000000, varint), ``s`` (str: varint length +
    UTF-8), ``b`` (bytes: varint length + raw) and ``?`` (bool: one byte). Checks, in order:
    ``prefix``/``spec`` types (``InvalidTypeError "prefix must be str, not {type}"``);
    ``InvalidInputError``: ``"prefix must be 1 to 32 bytes without ':'"``,
    ``"spec field {i} must be name:kind with kind i, e<N> (N in 1..1000000), s, b or ?"``,
    ``"spec field {i}: duplicate name {name}"``; ``values`` type
    (``"values must be tuple or list, not {type}"``); ``"expected {n} values, got {m}"``; then
    per value: ``InvalidTypeError "{name} must be int|str|bool|bytes, bytearray or memoryview,
    not {type}"``, ``"{name} does not fit in a signed 64-bit int"``,
    ``"{name} must be in 0..{N-1}"``; finally ``CallbackDataTooLongError "callback data is {n}
    bytes, {k} over the 64-byte limit (prefix {p}, {name} {size}, ...)"``."""

def callback_data_unpack(prefix: str, spec: str, data: Buffer) -> tuple[object, ...]:
    """The values packed by :func:`callback_data_pack` (ints, enum indexes, str, bytes,
    bool). Spec errors as above, then ``data`` type, then ``CallbackDataError``:
    ``"data does not start with '{prefix}:'"``, ``"data ends inside field {name}"``,
    ``"field {name}: varint overflows 64 bits"``, ``"field {name}: varint is not minimal"``,
    ``"field {name}: {v} is not in 0..{N-1}"``, ``"field {name} is not valid UTF-8"``,
    ``"field {name}: bool byte must be 0 or 1, not {b}"``,
    ``"{k} trailing bytes after the last field"``."""
