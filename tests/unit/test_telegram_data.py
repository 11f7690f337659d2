"""The Telegram data the package ships: the RSA keys against their published fingerprints, the
docs' sample exchange picking the shipped production key, and the built-in DC table."""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Callable
from typing import Any

import pytest

from oxigram import tl
from oxigram.errors import InvalidInputError, UnknownFingerprintError
from oxigram.mtproto.handshake import ClientHandshake, ClientRandom, pack_plain, unpack_plain
from oxigram.mtproto.telegram_dcs import (
    DEFAULT_DC_ID,
    PRODUCTION_DCS,
    TEST_DCS,
    TelegramDc,
    handshake_dc_id,
    telegram_dc,
    telegram_dcs,
)
from oxigram.mtproto.telegram_keys import telegram_public_keys

Vectors = Callable[[str], dict[str, Any]]

# The fingerprints Telegram publishes beside its keys, as unsigned 64-bit numbers: Telegram for
# Android, TMessagesProj/jni/tgnet/Handshake.cpp (github.com/DrKLO/Telegram),
# serverPublicKeysFingerprints. The production one is also the fingerprint the client of
# core.telegram.org/mtproto/samples-auth_key picks (wire bytes 85 FD 64 DE 85 1D 9D D0).
PUBLISHED_FINGERPRINTS = {"production": 0xD09D1D85DE64FD85, "test": 0xB25898DF208D2603}


def as_tl_long(unsigned: int) -> int:
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


def docs_res_pq(s: dict[str, Any]) -> bytes:
    # The page prints resPQ with a wrong length field (see test_mtproto_handshake).
    printed = bytes.fromhex(s["res_pq_packet_hex"])
    return pack_plain(int.from_bytes(printed[8:16], "little"), printed[20:])


def docs_client(s: dict[str, Any], *, test: bool, dc_id: int = 2) -> ClientHandshake:
    fixed = ClientRandom(
        nonce=bytes.fromhex(s["nonce_hex"]), new_nonce=bytes.fromhex(s["new_nonce_hex"])
    )
    return ClientHandshake(telegram_public_keys(test=test), dc_id=dc_id, fixed=fixed)


# ----------------------------------------------------------------------------------- keys


@pytest.mark.parametrize("which", ["production", "test"])
def test_shipped_keys_have_the_published_fingerprints(which: str) -> None:
    keys = telegram_public_keys(test=which == "test")
    assert [key.fingerprint for key in keys] == [as_tl_long(PUBLISHED_FINGERPRINTS[which])]
    assert all(key.n.bit_length() == 2048 and key.e == 65537 for key in keys)


def test_production_and_test_keys_differ() -> None:
    assert set(telegram_public_keys()).isdisjoint(telegram_public_keys(test=True))


def test_docs_sample_server_is_answered_with_the_shipped_production_key(vectors: Vectors) -> None:
    s = vectors("auth_key_sample")
    client = docs_client(s, test=False)
    client.start()
    req_dh = client.receive(docs_res_pq(s))
    assert req_dh is not None
    assert client.fingerprint == s["server_public_key_fingerprint_int64"]
    assert client.fingerprint == as_tl_long(PUBLISHED_FINGERPRINTS["production"])
    assert client.inner_data == bytes.fromhex(s["p_q_inner_data_dc_hex"])
    sent = tl.loads(unpack_plain(req_dh)[1])
    assert sent.public_key_fingerprint == client.fingerprint
    assert len(sent.encrypted_data) == 256


def test_test_keys_are_not_offered_by_the_production_sample(vectors: Vectors) -> None:
    s = vectors("auth_key_sample")
    client = docs_client(s, test=True)
    client.start()
    with pytest.raises(UnknownFingerprintError) as info:
        client.receive(docs_res_pq(s))
    assert as_tl_long(PUBLISHED_FINGERPRINTS["production"]) in info.value.fingerprints
    assert len(info.value.fingerprints) == 3


def test_a_test_dc_handshake_carries_the_shifted_dc_id(vectors: Vectors) -> None:
    s = vectors("auth_key_sample")
    # The sample's server is a production one; only the inner data's dc field matters here.
    client = docs_client(s, test=False, dc_id=telegram_dc(2, test=True).handshake_id)
    client.start()
    client.receive(docs_res_pq(s))
    inner = tl.loads(client.inner_data)
    assert inner._tl_name == "p_q_inner_data_dc"
    assert inner.dc == 10002


# ------------------------------------------------------------------------------------ DCs


@pytest.mark.parametrize("test", [False, True], ids=["production", "test"])
def test_dc_table_is_well_formed(test: bool) -> None:
    dcs = telegram_dcs(test=test)
    assert [dc.id for dc in dcs] == ([1, 2, 3] if test else [1, 2, 3, 4, 5])
    for dc in dcs:
        assert dc.test is test and dc.port == 443
        assert isinstance(ipaddress.ip_address(dc.ipv4), ipaddress.IPv4Address)
        v6 = ipaddress.ip_address(dc.ipv6)
        assert isinstance(v6, ipaddress.IPv6Address) and str(v6) == dc.ipv6
        # Telegram's IPv6 plan: the fourth group names the DC, the last one the environment
        # (::a production, ::e test), as in every source the table was taken from.
        groups = v6.exploded.split(":")
        assert groups[3] == f"f00{dc.id}"
        assert groups[7] == ("000e" if test else "000a")
        assert telegram_dc(dc.id, test=test) is dc


def test_production_and_test_dcs_are_distinct_hosts() -> None:
    production = {dc.ipv4 for dc in PRODUCTION_DCS} | {dc.ipv6 for dc in PRODUCTION_DCS}
    test = {dc.ipv4 for dc in TEST_DCS} | {dc.ipv6 for dc in TEST_DCS}
    assert production.isdisjoint(test)
    assert telegram_dc(DEFAULT_DC_ID).id == DEFAULT_DC_ID


def test_handshake_dc_ids() -> None:
    assert [dc.handshake_id for dc in PRODUCTION_DCS] == [1, 2, 3, 4, 5]
    assert [dc.handshake_id for dc in TEST_DCS] == [10001, 10002, 10003]
    assert handshake_dc_id(4, media=True) == -4
    assert handshake_dc_id(2, test=True, media=True) == -10002
    for bad in (0, -2, 10000):
        with pytest.raises(InvalidInputError, match="DC id"):
            handshake_dc_id(bad)


def test_unknown_dcs_and_frozen_entries() -> None:
    with pytest.raises(InvalidInputError, match="no test DC 4"):
        telegram_dc(4, test=True)
    with pytest.raises(InvalidInputError, match="no production DC 6"):
        telegram_dc(6)
    with pytest.raises(dataclasses.FrozenInstanceError):
        PRODUCTION_DCS[0].ipv4 = "127.0.0.1"  # type: ignore[misc]
    assert TelegramDc(7, "127.0.0.1", "::1").handshake_id == 7
