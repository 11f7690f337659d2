"""Telegram's data centres: the addresses a client dials before it knows better.

The official apps hard-code one IPv4 and one IPv6 address per DC, for the production servers
(DC 1-5) and the test servers (DC 1-3), and replace them with ``help.getConfig``'s
``dc_options`` once connected. This table is those built-in addresses, as data.

Sources (all agree on every value below):

* TDLib ``td/telegram/net/ConnectionCreator.cpp``, ``ConnectionCreator::get_default_dc_options``
  (github.com/tdlib/td, master, 2025), which also dials ports 80 and 5222 on the same hosts;
* Telegram Desktop ``Telegram/SourceFiles/mtproto/mtproto_dc_options.cpp``, ``kBuiltInDcs``,
  ``kBuiltInDcsIPv6``, ``kBuiltInDcsTest``, ``kBuiltInDcsIPv6Test`` (github.com/
  telegramdesktop/tdesktop, commit 929032d598f7, 2025-09-06), port 443;
* gotd ``telegram/dcs/test.go`` (github.com/gotd/td) for the test DCs, and Telethon 1.45
  ``telethon/client/telegrambaseclient.py`` (``DEFAULT_IPV4_IP``, ``DEFAULT_IPV6_IP``,
  ``DEFAULT_PORT``) for DC 2.

Both official apps also list ``95.161.76.100`` as a second IPv4 address of production DC 2.
Third-party libraries that copied a ``help.getConfig`` answer carry other hosts of DC 1 and
DC 5 (``149.154.175.53`` and ``91.108.56.x`` in Pyrogram ``pyrogram/session/internals/
data_center.py``, gotd ``telegram/dcs/prod.go``, grammers ``lib/grammers-session/src/
dc_options.rs``); ``help.getConfig`` is the live answer either way.

The handshake tells the server which DC it believes it is talking to: the ``dc`` field of
``p_q_inner_data_dc`` is the DC id, plus 10000 on the test servers, negated for a media-only DC
(core.telegram.org/mtproto/auth_key, step 4; TDLib ``td/telegram/net/SessionProxy.cpp``;
Telegram Desktop ``session_private.cpp`` ``getProtocolDcId`` with ``kTestModeDcIdShift``). A
test id sent to a production DC, or the reverse, is answered with transport error -444 (same
page, step 6). Everywhere else (``*_MIGRATE_X`` errors, ``dcOption.id``, sessions) the id is the
bare one.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InvalidInputError

__all__ = [
    "DEFAULT_DC_ID",
    "PRODUCTION_DCS",
    "TEST_DCS",
    "TEST_DC_SHIFT",
    "TelegramDc",
    "handshake_dc_id",
    "telegram_dc",
    "telegram_dcs",
]

#: Where a new session starts (Telethon ``DEFAULT_DC_ID``, grammers ``DEFAULT_DC``); the
#: server answers ``*_MIGRATE_X`` when the account lives elsewhere.
DEFAULT_DC_ID = 2

#: What the test servers add to a DC id in the handshake.
TEST_DC_SHIFT = 10000


def handshake_dc_id(dc_id: int, *, test: bool = False, media: bool = False) -> int:
    """The ``dc`` value of ``p_q_inner_data_dc`` for DC ``dc_id``: ``10000 + dc_id`` on the
    test servers, negated for a media-only DC."""
    if not 0 < dc_id < TEST_DC_SHIFT:
        raise InvalidInputError(f"a DC id is between 1 and {TEST_DC_SHIFT - 1}, not {dc_id}")
    shifted = dc_id + TEST_DC_SHIFT if test else dc_id
    return -shifted if media else shifted


@dataclass(frozen=True)
class TelegramDc:
    """One built-in DC address pair. ``test`` tells the test servers from production."""

    id: int
    ipv4: str
    ipv6: str
    port: int = 443
    test: bool = False

    @property
    def handshake_id(self) -> int:
        """The ``dc`` this DC expects in ``p_q_inner_data_dc``."""
        return handshake_dc_id(self.id, test=self.test)


PRODUCTION_DCS: tuple[TelegramDc, ...] = (
    TelegramDc(1, "149.154.175.50", "2001:b28:f23d:f001::a"),
    TelegramDc(2, "149.154.167.51", "2001:67c:4e8:f002::a"),
    TelegramDc(3, "149.154.175.100", "2001:b28:f23d:f003::a"),
    TelegramDc(4, "149.154.167.91", "2001:67c:4e8:f004::a"),
    TelegramDc(5, "149.154.171.5", "2001:b28:f23f:f005::a"),
)

TEST_DCS: tuple[TelegramDc, ...] = (
    TelegramDc(1, "149.154.175.10", "2001:b28:f23d:f001::e", test=True),
    TelegramDc(2, "149.154.167.40", "2001:67c:4e8:f002::e", test=True),
    TelegramDc(3, "149.154.175.117", "2001:b28:f23d:f003::e", test=True),
)


def telegram_dcs(*, test: bool = False) -> tuple[TelegramDc, ...]:
    """The built-in DCs of the production servers, or of the test servers."""
    return TEST_DCS if test else PRODUCTION_DCS


def telegram_dc(dc_id: int, *, test: bool = False) -> TelegramDc:
    """The built-in address of DC ``dc_id``; ``InvalidInputError`` for an unknown id."""
    for dc in telegram_dcs(test=test):
        if dc.id == dc_id:
            return dc
    which = "test" if test else "production"
    raise InvalidInputError(f"Telegram has no {which} DC {dc_id}")
