"""Native and pure TL codecs agree: same objects from the same bytes, the same exception class
and message (and attributes) on hostile input, the same bytes or error on encode."""

from __future__ import annotations

import functools
import gzip
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oxigram.errors import (
    LimitExceededError,
    TLEncodeError,
    TrailingBytesError,
    UnexpectedEndError,
    UnknownConstructorError,
    WrongTypeError,
)
from tl_support import from_vector, load_codec_module, shipped, tl_vectors

VALID = [bytes.fromhex(v["hex"]) for v in tl_vectors()["vectors"]]


def both() -> tuple[Any, Any]:
    load_codec_module("oxigram._native")
    return shipped("oxigram._pure.tl"), shipped("oxigram._native")


def outcome(schema: Any, data: bytes, exact: bool = True) -> tuple[str, Any]:
    try:
        value = schema.loads(data, exact=exact)
    except Exception as exc:  # the class, message and attributes are compared
        return type(exc).__name__, (
            str(exc),
            getattr(exc, "constructor_id", None),
            getattr(exc, "offset", None),
        )
    return "ok", value.to_dict() if hasattr(value, "to_dict") else value


def test_hostile_inputs_same_error() -> None:
    pure, native = both()
    user_peer = bytes.fromhex("2217515902f2052a01000000")  # peerUser
    cases: list[tuple[bytes, type[Exception]]] = [
        (b"", UnexpectedEndError),
        (b"\x01\x02", UnexpectedEndError),
        (VALID[0][:-1], UnexpectedEndError),
        (b"\xde\xad\xbe\xef", UnknownConstructorError),
        (VALID[0] + b"\0\0\0\0", TrailingBytesError),
        # updateShort#78d4dec1 with a Peer where an Update belongs
        (bytes.fromhex("c1ded478") + user_peer + b"\0\0\0\0", WrongTypeError),
        # msgs_ack with a count of 2**30 longs
        (bytes.fromhex("59b4d66215c4b51c00000040"), LimitExceededError),
        (bytes.fromhex("59b4d66215c4b51cffffffff"), LimitExceededError),
        # rpc_error with a string claiming 0xffffff bytes
        (bytes.fromhex("19ca4421") + b"\0\0\0\0" + b"\xfe\xff\xff\xff", LimitExceededError),
        # inputPeerUserFromMessage nested 100 deep
        (bytes.fromhex("1c0a7ba8") * 100, LimitExceededError),
    ]
    for data, cls in cases:
        a, b = outcome(pure, data), outcome(native, data)
        assert a == b, data.hex()
        assert a[0] == cls.__name__, (data.hex(), a)
    with pytest.raises(UnknownConstructorError) as info:
        native.loads(b"\0\0\0\0" + b"\xde\xad\xbe\xef")
    assert (info.value.constructor_id, info.value.offset) == (0, 0)
    assert "0x00000000" in str(info.value) and "offset 0" in str(info.value)


def test_gzip_packed_is_unpacked() -> None:
    pure, native = both()
    inner = VALID[9]  # an updates
    raw = gzip.compress(inner)
    packed = bytes.fromhex("a1cf7230") + bytes([254]) + len(raw).to_bytes(3, "little") + raw
    packed += b"\0" * (-len(packed) % 4)
    for s in (pure, native):
        assert s.dumps(s.loads(packed)) == inner
    assert outcome(pure, packed[:-8]) == outcome(native, packed[:-8])


@given(st.binary(max_size=200))
def test_random_bytes(data: bytes) -> None:
    pure, native = both()
    assert outcome(pure, data) == outcome(native, data)


@given(st.sampled_from(VALID), st.data())
def test_mutated_vectors(valid: bytes, data: st.DataObject) -> None:
    pure, native = both()
    buf = bytearray(valid)
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(buf) - 1))
        buf[i] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(buf)))
    for chunk in (bytes(buf), bytes(buf[:cut])):
        assert outcome(pure, chunk) == outcome(native, chunk)
        assert outcome(pure, chunk, False) == outcome(native, chunk, False)


@pytest.mark.parametrize(
    "d",
    [
        {"_": "messages.setBotCallbackAnswer", "query_id": 2**63, "cache_time": 0},
        {"_": "messages.setBotCallbackAnswer", "query_id": "x", "cache_time": 0},
        {"_": "messages.setBotCallbackAnswer", "query_id": 1, "cache_time": 2**31},
        {"_": "messages.setBotCallbackAnswer", "query_id": 1, "cache_time": 0, "message": 5},
        {
            "_": "messages.getBotCallbackAnswer",
            "peer": {"_": "peerUser", "user_id": 1},
            "msg_id": 1,
        },
        {"_": "req_pq_multi", "nonce": b"short"},
        {"_": "req_pq_multi", "nonce": 2**128},
        {"_": "req_pq_multi", "nonce": -(2**127)},
        {"_": "req_pq_multi", "nonce": True},  # a bool is an int to Python, not a nonce
        {"_": "user", "id": 1, "bot": True},  # bit 14 also carries bot_info_version
        {"_": "messages.deleteMessages", "id": (1, "2")},
        {"_": "rpc_error", "error_code": 1, "error_message": "\ud800"},
    ],
)
def test_encode_errors_same(d: dict[str, Any]) -> None:
    pure, native = both()
    results = []
    for s in (pure, native):
        try:
            results.append(("ok", s.dumps(s.from_dict(from_vector(d)))))
        except TLEncodeError as exc:
            results.append(("err", str(exc)))
    assert results[0] == results[1]


def test_round_trip_every_constructor_minimal() -> None:
    """Every constructor of the shipped schema with generated values, both backends."""
    pure, native = both()
    for name in pure.names():
        obj_p, obj_n = (make(s, name) for s in (pure, native))
        data = pure.dumps(obj_p)
        assert native.dumps(obj_n) == data, name
        assert pure.loads(data) == obj_p, name
        assert native.loads(data).to_dict() == obj_p.to_dict(), name


SAMPLE = {
    "int": 7,
    "long": -5,
    "double": 1.5,
    "string": "s",
    "bytes": b"b",
    "int128": 3,
    "int256": -3,
    "Bool": True,
    "true": True,
}


@functools.cache
def descriptions(schema: Any) -> dict[str, Any]:
    """name -> (id, name, is_function, fields, result) of every constructor of ``schema``."""
    return {c[1]: c for c in schema._codec.constructors()}


def make(schema: Any, name: str, depth: int = 0) -> Any:
    ctor = descriptions(schema)[name]
    kwargs = {}
    for fname, ftype, flag, _ in ctor[3]:
        if ftype == "#" or (flag and depth > 1):
            continue
        kwargs[fname] = value(schema, ftype, depth)
    return schema[name](**kwargs)


def value(schema: Any, ty: str, depth: int) -> Any:
    if ty in SAMPLE:
        return SAMPLE[ty]
    if ty.lower().startswith("vector<"):
        return [value(schema, ty[7:-1], depth)] if depth < 3 else []
    if ty.startswith("!") or ty == "Object":
        return make(schema, "help.getConfig", depth + 1)
    if ty.rsplit(".", 1)[-1][:1].islower():
        return make(schema, ty, depth + 1)
    ctors = [c for c in descriptions(schema).values() if not c[2] and c[4] == ty]
    simplest = min(ctors, key=lambda c: len(c[3]))
    return make(schema, simplest[1], depth + 1)


def test_nesting_limits_same_error() -> None:
    """Vectors nested in Object positions count as nesting on decode, and a cyclic object is
    a TLEncodeError on encode (never a recursion crash), with the same message."""
    pure, native = both()
    nested = bytes.fromhex("15c4b51c01000000") * 5000 + bytes.fromhex("15c4b51c00000000")
    a, b = outcome(pure, nested), outcome(native, nested)
    assert a == b
    assert a[0] == LimitExceededError.__name__
    results = []
    for s in (pure, native):
        peer = s.from_dict({"_": "inputPeerSelf"})
        cyclic = s["inputPeerUserFromMessage"](peer=peer, msg_id=1, user_id=2)
        cyclic.peer = cyclic
        loop: list[Any] = []
        loop.append(loop)
        for obj in (cyclic, s["rpc_result"](req_msg_id=1, result=loop)):
            with pytest.raises(TLEncodeError) as info:
                s.dumps(obj)
            results.append(str(info.value))
    assert results[:2] == results[2:]
    assert "nesting deeper than 64 levels" in results[0]


def test_bytes_method_same_behaviour() -> None:
    """``bytes(obj)`` goes through each codec's ``bytes_method()`` (a native descriptor or the
    pure closure): same bytes, same errors, same fallback for a subclass, per schema."""
    results = []
    for schema in both():
        cls = schema["messages.setBotCallbackAnswer"]
        ok = bytes(cls(query_id=1, cache_time=0, message="hi"))
        assert ok == schema.dumps(cls(query_id=1, cache_time=0, message="hi"))
        with pytest.raises(TLEncodeError) as bad:
            bytes(cls(query_id="x", cache_time=0))
        with pytest.raises(TLEncodeError) as bad_str:
            bytes(cls(query_id=1, cache_time=0, message=1.5))

        class Sub(cls):  # type: ignore[misc,valid-type]
            pass

        with pytest.raises(TLEncodeError) as sub:
            bytes(Sub(query_id=1, cache_time=0))
        results.append((ok, str(bad.value), str(bad_str.value), str(sub.value)))
    assert results[0] == results[1]


class _Str(str):
    pass


class _Int(int):
    pass


def _fallback_cases(s: Any) -> list[Any]:
    """Objects off the native encoder's fast path (exact built-ins, every field in the
    instance dict): each must encode, or fail, exactly as the pure codec does."""
    set_answer = s["messages.setBotCallbackAnswer"]
    get_answer = s["messages.getBotCallbackAnswer"]
    peer = s["inputPeerUser"](user_id=1, access_hash=-2)
    srp = s["inputCheckPasswordSRP"]
    no_default = set_answer(query_id=1, cache_time=0)
    del no_default.__dict__["message"]  # read from the class default instead
    late_name = set_answer(query_id=1, cache_time=0)
    setattr(late_name, "".join(["mess", "age"]), "built key")  # equal, not identical, key
    return [
        set_answer(query_id=1, cache_time=0, alert=1),  # truthy, not True
        set_answer(query_id=1, cache_time=0, alert=0),
        set_answer(query_id=1, cache_time=0, alert="yes"),
        set_answer(query_id=_Int(5), cache_time=True, message=_Str("sub")),
        set_answer(query_id=1, cache_time=0, message=bytearray(b"raw")),
        set_answer(query_id=1, cache_time=0, message=memoryview(b"view")),
        set_answer(query_id=1, cache_time=0, message="\ud800"),
        set_answer(query_id=2**63, cache_time=0),
        set_answer(query_id=1, cache_time=-(2**31) - 1),
        set_answer(query_id=1, cache_time=None),
        set_answer(query_id=1, cache_time=0, message="é" * 300),
        no_default,
        late_name,
        get_answer(peer=peer, msg_id=1, data=b"d", password=srp(srp_id=1, A=b"a", M1=b"m")),
        get_answer(peer=s["peerUser"](user_id=1), msg_id=1),  # Peer where InputPeer belongs
        get_answer(peer=peer, msg_id=1, password=peer),
        get_answer(peer=peer, msg_id=1, data=None, game=True),
        s["user"](id=1, bot=True, bot_info_version=None),  # a shared bit makes it required
        s["user"](id=1, bot=False, bot_info_version=3),
        s["messages.deleteMessages"](id=(1, 2, 3)),
        s["messages.deleteMessages"](id=[1, _Int(2)]),
        s["messages.deleteMessages"](id=[1, 2**31]),
        s["messages.deleteMessages"](id={1, 2}),
        s["msgs_ack"](msg_ids=[]),
        s["req_pq_multi"](nonce=2**100),
        s["inputGeoPoint"](lat=1, long=2.5),
        s["inputGeoPoint"](lat=1.5, long=float("inf"), accuracy_radius=3),
        s["invokeWithLayer"](layer=229, query=[True, peer]),
        s["invokeWithLayer"](layer=229, query=False),
        s.loads(s.dumps(set_answer(query_id=9, cache_time=1, message="decoded"))),
    ]


def test_encode_fast_path_fallbacks_same() -> None:
    pure, native = both()
    results = []
    for s in (pure, native):
        out = []
        for obj in _fallback_cases(s):
            try:
                out.append(("ok", bytes(obj), s.dumps(obj)))
            except TLEncodeError as exc:
                out.append(("err", type(exc).__name__, str(exc)))
        results.append(out)
    for i, (a, b) in enumerate(zip(*results, strict=True)):
        assert a == b, i
    kinds = [r[0] for r in results[0]]
    assert "ok" in kinds and "err" in kinds


def test_bytes_method_objects_behave_like_bound_methods() -> None:
    """The native ``__bytes__`` reuses its bound objects between calls: a bound one that is
    held keeps its own object (and keeps it alive), ``bytes()`` keeps nothing alive, and the
    class attribute takes the object as its argument, as with the pure closure."""
    import gc
    import weakref

    for schema in both():
        cls = schema["messages.setBotCallbackAnswer"]
        a = cls(query_id=1, cache_time=0, message="a")
        b = cls(query_id=2, cache_time=0, message="b")
        held = a.__bytes__
        assert bytes(b) != bytes(a)
        assert [bytes(cls(query_id=i, cache_time=i)) for i in range(20)]  # churn the reuse
        assert held() == bytes(a) == cls.__bytes__(a) == type(a).__bytes__(a)
        with pytest.raises(TypeError):
            held(1)
        ref = weakref.ref(a)
        del a
        gc.collect()
        assert ref() is not None  # held by `held`
        del held
        gc.collect()
        assert ref() is None
        c = cls(query_id=3, cache_time=0)
        assert bytes(c)
        ref = weakref.ref(c)
        del c
        assert ref() is None  # bytes() kept no reference (no collection needed)
        d = cls(query_id=4, cache_time=0)
        d.again = d.__bytes__  # a cycle through the bound object, freed by the GC
        ref = weakref.ref(d)
        del d
        gc.collect()
        assert ref() is None


def test_decode_goes_through_a_class_s_own_setattr() -> None:
    """A class given a ``__setattr__`` after it was made (and after a first decode) sees the
    decoded fields through it on both backends: the native decoder stores attributes
    directly only for classes with the default ``__setattr__``, checked per object."""
    results = []
    for s in both():
        cls = s["messages.botCallbackAnswer"]
        data = s.dumps(cls(alert=True, message="hi", cache_time=21))
        assert s.loads(data).cache_time == 21

        def doubling(self: Any, name: str, value: Any) -> None:
            if name == "message" and value == "boom":
                raise RuntimeError("no boom here")
            object.__setattr__(self, name, value * 2 if name == "cache_time" else value)

        cls.__setattr__ = doubling
        try:
            obj = s.loads(data)
            with pytest.raises(RuntimeError) as info:
                s.loads(s.dumps(cls(message="boom", cache_time=1)))
        finally:
            del cls.__setattr__  # the class is the shipped schema's, shared by later tests
        results.append((type(obj).__name__, obj.cache_time, obj.message, str(info.value)))
    assert results[0] == results[1] == ("BotCallbackAnswer", 42, "hi", "no boom here")
