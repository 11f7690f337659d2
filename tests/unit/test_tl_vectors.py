"""Every object in ../shared/vectors/tl.json encodes to the exact bytes and decodes back to the
same dict, on both backends; the primitive encodings too."""

from __future__ import annotations

import struct
from typing import Any

import pytest

from tl_support import (
    codec_modules,
    expected_dict,
    field_types,
    from_vector,
    shipped,
    tl_vectors,
)

VECTORS = tl_vectors()["vectors"]


@pytest.mark.parametrize("codec", codec_modules())
@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_object_vector(codec: str, vector: dict[str, Any]) -> None:
    schema = shipped(codec)
    data = bytes.fromhex(vector["hex"])
    assert vector["fields"]["_"] == vector["tl"]
    obj = schema.from_dict(from_vector(vector["fields"]))
    assert obj._tl_id == int(vector["constructor_id"], 16)
    assert schema.dumps(obj) == data
    assert bytes(obj) == data
    back = schema.loads(data)
    assert back.to_dict() == expected_dict(vector["fields"], field_types(schema))
    assert schema.dumps(back) == data


@pytest.mark.parametrize("codec", codec_modules())
def test_primitives(codec: str) -> None:
    """Each primitive vector, written through a field of that type in a real constructor."""
    schema = shipped(codec)
    prims = tl_vectors()["primitives"]
    checked = 0
    for p in prims:
        wire = bytes.fromhex(p["hex"])
        kind = p["type"]
        if kind in ("bytes/string", "string"):
            # rpc_error#2144ca19 error_code:int error_message:string
            value: Any = bytes.fromhex(p["value_hex"]) if "value_hex" in p else p["value_utf8"]
            obj = schema.from_dict({"_": "rpc_error", "error_code": 0, "error_message": value})
            enc = schema.dumps(obj)
            assert enc[8:] == wire
            back = schema.loads(enc).error_message
            text = value if isinstance(value, str) else value.decode()
            assert back == text
        elif kind == "int":
            obj = schema.from_dict(
                {"_": "rpc_error", "error_code": p["value"], "error_message": ""}
            )
            assert schema.dumps(obj)[4:8] == wire
            assert schema.loads(schema.dumps(obj)).error_code == p["value"]
        elif kind == "long":
            obj = schema.from_dict({"_": "ping", "ping_id": p["value"]})
            assert schema.dumps(obj)[4:] == wire
            assert schema.loads(schema.dumps(obj)).ping_id == p["value"]
        elif kind == "double":
            assert struct.pack("<d", p["value"]) == wire  # no double field in the subset
            # inputGeoPoint#48222faf flags:# lat:double long:double accuracy_radius:flags.0?int
            obj = schema.from_dict({"_": "inputGeoPoint", "lat": p["value"], "long": 0.0})
            assert schema.dumps(obj)[8:16] == wire
            assert schema.loads(schema.dumps(obj)).lat == p["value"]
        elif kind == "Bool":
            assert schema.loads(wire) is p["value"]
        elif kind.startswith("Vector<int>"):
            obj = schema.from_dict({"_": "messages.deleteMessages", "id": p["value"]})
            assert schema.dumps(obj) == wire
            assert schema.loads(wire).id == p["value"]
        else:  # pragma: no cover
            pytest.fail(f"unhandled primitive vector type {kind}")
        checked += 1
    assert checked == len(prims)
