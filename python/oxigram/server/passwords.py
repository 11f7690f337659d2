"""2FA challenges: the SRP ``B`` values ``account.getPassword`` hands out, per account, and
the check of a proof against them (``auth.checkPassword`` and password buttons).

An ``srp_id`` stays usable for ``SRP_TTL`` seconds and the last ``SRP_KEEP`` of an account
are kept, so concurrent presses with a password work.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from . import srp
from .model import Account
from .rpc import RpcError
from .tlobjects import types

__all__ = ["SRP_KEEP", "SRP_TTL", "Passwords"]

#: How long an ``srp_id`` from ``account.getPassword`` stays usable, and how many are kept.
SRP_TTL = 300.0
SRP_KEEP = 32


class Passwords:
    def __init__(self) -> None:
        self._challenges: dict[int, OrderedDict[int, tuple[srp.SrpChallenge, float]]] = {}

    def new_challenge(self, account: Account) -> srp.SrpChallenge:
        assert account.secret is not None
        challenge = srp.new_challenge(account.secret)
        kept = self._challenges.setdefault(account.id, OrderedDict())
        kept[challenge.srp_id] = (challenge, time.monotonic())
        while len(kept) > SRP_KEEP:
            kept.popitem(last=False)
        return challenge

    def check(self, account: Account, proof: types.TypeInputCheckPasswordSRP | None) -> None:
        """Raises the RPC error of ``auth.checkPassword`` unless ``proof`` is right."""
        if account.secret is None:
            raise RpcError(400, "PASSWORD_MISSING")
        if not isinstance(proof, types.InputCheckPasswordSRP):
            raise RpcError(400, "PASSWORD_HASH_INVALID")
        entry = self._challenges.get(account.id, OrderedDict()).get(proof.srp_id)
        if entry is None or time.monotonic() - entry[1] > SRP_TTL:
            raise RpcError(400, "SRP_ID_INVALID")
        if not srp.verify(account.secret, entry[0], proof.A, proof.M1):
            raise RpcError(400, "PASSWORD_HASH_INVALID")
