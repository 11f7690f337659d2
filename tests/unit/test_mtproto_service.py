"""mtproto/service.py: each constant is the name (or id) its own name says, in the shipped
schema and in a full layer loaded at run time."""

from __future__ import annotations

import pytest

from oxigram import tl
from oxigram.mtproto import service
from tl_support import SHARED_TL


def constants(suffix: str) -> dict[str, object]:
    return {
        k: v
        for k, v in vars(service).items()
        if k.isupper() and k.endswith("_ID") == (suffix == "_ID")
    }


def test_there_are_constants_of_both_kinds() -> None:
    assert "PONG" in constants("") and "PONG_ID" in constants("_ID")


@pytest.mark.parametrize("const", sorted(constants("")))
def test_name_constant_is_the_name_it_says(const: str) -> None:
    name = constants("")[const]
    assert name == const.lower()  # mtproto.tl spells its names in snake case
    assert name in tl.schema


@pytest.mark.parametrize("const", sorted(constants("_ID")))
def test_id_constant_is_the_id_of_the_name_it_says(const: str) -> None:
    assert constants("_ID")[const] == tl.schema[const[:-3].lower()]._tl_id


def test_a_loaded_layer_has_the_same_service_constructors() -> None:
    # The rule of the module: service messages are built from the shipped classes whatever
    # layer is loaded, because a loaded layer gets the same mtproto.tl.
    full = tl.load_schema(SHARED_TL / "main_api.tl")
    for const, name in constants("").items():
        assert isinstance(name, str)
        assert full[name]._tl_id == tl.schema[name]._tl_id, const
        assert full[name]._tl_fields == tl.schema[name]._tl_fields, const
