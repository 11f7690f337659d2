"""Telegram's RSA public keys for the auth-key exchange, shipped as data.

The server lists the fingerprints of the keys it holds in ``resPQ``; the client encrypts
``p_q_inner_data`` with a key it has under one of them (``ClientHandshake`` picks the first
offered fingerprint it knows). Telegram publishes its keys in the source of its own clients;
the ones below are the keys those clients use today, one for the production servers and one for
the test servers, byte for byte the same PEM text in each of:

* TDLib ``td/telegram/net/PublicRsaKeySharedMain.cpp``, ``PublicRsaKeySharedMain::create``
  (github.com/tdlib/td, master, 2025);
* Telegram Desktop ``Telegram/SourceFiles/mtproto/mtproto_dc_options.cpp``, ``kPublicRSAKeys``
  and ``kTestPublicRSAKeys`` (github.com/telegramdesktop/tdesktop, since commit 881eb4510ebf
  "Separate test and production RSA keys", 2021-07-13; unchanged at 929032d598f7, 2025-09-06);
* Telegram for Android ``TMessagesProj/jni/tgnet/Handshake.cpp`` (github.com/DrKLO/Telegram),
  which also prints their fingerprints: ``0xd09d1d85de64fd85`` (production) and
  ``0xb25898df208d2603`` (test).

core.telegram.org/mtproto/samples-auth_key shows a production ``resPQ`` offering the production
fingerprint (wire bytes ``85 FD 64 DE 85 1D 9D D0``) and a client picking it.

Older production keys (the first one, fingerprint ``0xc3b42b026ce86b21``, and four that
Telegram Desktop shipped in X.509 form from 2017 until commit eea48c7139bf in 2021) are left
out: the official clients no longer carry them. A caller who needs one passes it as PEM.
"""

from __future__ import annotations

from functools import cache

from .rsa_keys import RsaPublicKey, public_key_from_pem

__all__ = ["PRODUCTION_KEY_PEM", "TEST_KEY_PEM", "telegram_public_keys"]

PRODUCTION_KEY_PEM = """\
-----BEGIN RSA PUBLIC KEY-----
MIIBCgKCAQEA6LszBcC1LGzyr992NzE0ieY+BSaOW622Aa9Bd4ZHLl+TuFQ4lo4g
5nKaMBwK/BIb9xUfg0Q29/2mgIR6Zr9krM7HjuIcCzFvDtr+L0GQjae9H0pRB2OO
62cECs5HKhT5DZ98K33vmWiLowc621dQuwKWSQKjWf50XYFw42h21P2KXUGyp2y/
+aEyZ+uVgLLQbRA1dEjSDZ2iGRy12Mk5gpYc397aYp438fsJoHIgJ2lgMv5h7WY9
t6N/byY9Nw9p21Og3AoXSL2q/2IJ1WRUhebgAdGVMlV1fkuOQoEzR7EdpqtQD9Cs
5+bfo3Nhmcyvk5ftB0WkJ9z6bNZ7yxrP8wIDAQAB
-----END RSA PUBLIC KEY-----
"""

TEST_KEY_PEM = """\
-----BEGIN RSA PUBLIC KEY-----
MIIBCgKCAQEAyMEdY1aR+sCR3ZSJrtztKTKqigvO/vBfqACJLZtS7QMgCGXJ6XIR
yy7mx66W0/sOFa7/1mAZtEoIokDP3ShoqF4fVNb6XeqgQfaUHd8wJpDWHcR2OFwv
plUUI1PLTktZ9uW2WE23b+ixNwJjJGwBDJPQEQFBE+vfmH0JP503wr5INS1poWg/
j25sIWeYPHYeOrFp/eXaqhISP6G+q2IeTaWTXpwZj4LzXq5YOpk4bYEQ6mvRq7D1
aHWfYmlEGepfaYR8Q0YqvvhYtMte3ITnuSJs171+GDqpdKcSwHnd6FudwGO4pcCO
j4WcDuXc2CTHgH8gFTNhp/Y8/SpDOhvn9QIDAQAB
-----END RSA PUBLIC KEY-----
"""


@cache
def telegram_public_keys(*, test: bool = False) -> tuple[RsaPublicKey, ...]:
    """Telegram's current public keys for the production servers, or the test servers; fit
    for ``ClientHandshake(rsa_keys=...)`` as they are."""
    return (public_key_from_pem(TEST_KEY_PEM if test else PRODUCTION_KEY_PEM),)
