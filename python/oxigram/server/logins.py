"""Logins in progress, by auth key: the code ``auth.sendCode`` sent, and the accounts whose
``auth.signIn`` asked for their 2FA password (``account.getPassword`` and
``auth.checkPassword`` then work on a key that is not logged in yet)."""

from __future__ import annotations

import os

__all__ = ["Logins"]


class Logins:
    def __init__(self) -> None:
        self._codes: dict[bytes, tuple[int, str]] = {}
        self._password_wanted: dict[bytes, int] = {}

    def send_code(self, key_id: bytes, account_id: int) -> str:
        """Records a code sent for ``account_id`` to ``key_id``; returns its
        ``phone_code_hash`` (a newer code replaces an older one)."""
        code_hash = os.urandom(9).hex()
        self._codes[key_id] = (account_id, code_hash)
        return code_hash

    def code_sent(self, key_id: bytes, account_id: int, code_hash: str) -> bool:
        """Whether the last code sent to ``key_id`` was for ``account_id`` with ``code_hash``."""
        return self._codes.get(key_id) == (account_id, code_hash)

    def code_used(self, key_id: bytes) -> None:
        self._codes.pop(key_id, None)

    def want_password(self, key_id: bytes, account_id: int) -> None:
        """``key_id`` gave the right code for ``account_id``, which has 2FA."""
        self._password_wanted[key_id] = account_id

    def password_wanted(self, key_id: bytes) -> int | None:
        """The account ``key_id`` is logging in to, when it still owes the password."""
        return self._password_wanted.get(key_id)

    def password_given(self, key_id: bytes) -> None:
        self._password_wanted.pop(key_id, None)
