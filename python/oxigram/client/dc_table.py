"""Where a client dials, and which RSA keys it trusts for a new auth key.

A DC's address comes from the session (the ``dc_options`` of the last ``help.getConfig``,
kept by the client) and, when the session has none yet, from a :class:`DcTable`: by default
Telegram's built-in one (:func:`telegram_table`: the addresses and public keys the official
apps ship, ``mtproto/telegram_dcs.py`` and ``mtproto/telegram_keys.py``). A table naming a
local DC and its key sends the very same code path there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..mtproto.rsa_keys import RsaPublicKey
from ..mtproto.telegram_dcs import telegram_dcs
from ..mtproto.telegram_keys import telegram_public_keys
from .storage import DcAddress

__all__ = ["DcTable", "config_addresses", "find_address", "telegram_table"]


@dataclass(frozen=True)
class DcTable:
    """The addresses to dial before the session knows better, and the public keys to trust
    when creating an auth key."""

    addresses: tuple[DcAddress, ...]
    rsa_keys: tuple[RsaPublicKey, ...]

    def address(self, dc_id: int, *, ipv6: bool = False) -> tuple[str, int] | None:
        return find_address(self.addresses, dc_id, ipv6=ipv6)


@cache
def telegram_table(*, test: bool = False) -> DcTable:
    """Telegram's production DCs and key, or (``test``) its test DCs and test key."""
    addresses: list[DcAddress] = []
    for dc in telegram_dcs(test=test):
        addresses.append(DcAddress(dc.id, dc.ipv4, dc.port))
        addresses.append(DcAddress(dc.id, dc.ipv6, dc.port, ipv6=True))
    return DcTable(tuple(addresses), telegram_public_keys(test=test))


def find_address(
    addresses: Sequence[DcAddress], dc_id: int, *, ipv6: bool = False
) -> tuple[str, int] | None:
    """The first address of DC ``dc_id`` (IPv6 first when ``ipv6``, else IPv4 only)."""
    found = [a for a in addresses if a.dc_id == dc_id and (ipv6 or not a.ipv6)]
    found.sort(key=lambda a: a.ipv6 != ipv6)  # stable: the list's order within each family
    return (found[0].host, found[0].port) if found else None


def config_addresses(dc_options: Iterable[Any]) -> list[DcAddress]:
    """The addresses a client may dial among a ``config``'s ``dc_options``: not a CDN, not
    media-only, not for obfuscated TCP only, no proxy secret. ``static`` ones (meant for
    connecting through a proxy, core.telegram.org/constructor/dcOption) come after the others
    of their DC."""
    usable = [
        opt
        for opt in dc_options
        if not (
            getattr(opt, "cdn", False)
            or getattr(opt, "media_only", False)
            or getattr(opt, "tcpo_only", False)
            or getattr(opt, "secret", None)
        )
    ]
    usable.sort(key=lambda opt: bool(getattr(opt, "static", False)))
    return [
        DcAddress(
            int(opt.id), str(opt.ip_address), int(opt.port), bool(getattr(opt, "ipv6", False))
        )
        for opt in usable
    ]
