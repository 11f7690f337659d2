"""auth.* and account.getPassword: bot tokens, phone + code, 2FA (server-side SRP)."""

from __future__ import annotations

import os
from typing import Any

from ... import tl
from ..model import LOGIN_CODE, Account
from ..rpc import Context, Handler, RpcError
from ..srp import G, P
from ..views import user_tl

__all__ = ["HANDLERS", "PUBLIC"]


def _authorized(ctx: Context, account: Account) -> Any:
    ctx.dc.bind_key(ctx.record, account.id)
    return tl.from_dict({"_": "auth.authorization", "user": user_tl(account.id, account)})


async def import_bot_authorization(ctx: Context, req: Any) -> Any:
    account = ctx.dc.store.by_token(req.bot_auth_token)
    if account is None:
        raise RpcError(400, "ACCESS_TOKEN_INVALID")
    return _authorized(ctx, account)


async def send_code(ctx: Context, req: Any) -> Any:
    account = ctx.dc.store.by_phone(req.phone_number)
    if account is None:
        raise RpcError(400, "PHONE_NUMBER_INVALID")
    code_hash = os.urandom(9).hex()
    ctx.dc.login_codes[ctx.record.key_id] = (account.id, code_hash)
    return tl.from_dict(
        {
            "_": "auth.sentCode",
            "type": {"_": "auth.sentCodeTypeApp", "length": len(LOGIN_CODE)},
            "phone_code_hash": code_hash,
        }
    )


async def sign_in(ctx: Context, req: Any) -> Any:
    pending = ctx.dc.login_codes.get(ctx.record.key_id)
    account = ctx.dc.store.by_phone(req.phone_number)
    if account is None:
        raise RpcError(400, "PHONE_NUMBER_INVALID")
    if pending is None or pending != (account.id, req.phone_code_hash):
        raise RpcError(400, "PHONE_CODE_EXPIRED")
    if req.phone_code is None:
        raise RpcError(400, "PHONE_CODE_EMPTY")
    if req.phone_code != LOGIN_CODE:
        raise RpcError(400, "PHONE_CODE_INVALID")
    del ctx.dc.login_codes[ctx.record.key_id]
    if account.secret is not None:
        ctx.dc.password_logins[ctx.record.key_id] = account.id
        raise RpcError(401, "SESSION_PASSWORD_NEEDED")
    return _authorized(ctx, account)


def _password_account(ctx: Context) -> Account:
    account = ctx.account
    if account is None:
        uid = ctx.dc.password_logins.get(ctx.record.key_id)
        account = ctx.dc.store.accounts.get(uid) if uid is not None else None
    if account is None:
        raise RpcError(401, "AUTH_KEY_UNREGISTERED")
    return account


async def get_password(ctx: Context, req: Any) -> Any:
    account = _password_account(ctx)
    new_algo = {
        "_": "passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow",
        "salt1": os.urandom(32),
        "salt2": os.urandom(16),
        "g": G,
        "p": P,
    }
    d: dict[str, Any] = {
        "_": "account.password",
        "new_algo": new_algo,
        "new_secure_algo": {"_": "securePasswordKdfAlgoSHA512", "salt": os.urandom(8)},
        "secure_random": os.urandom(32),
    }
    if account.secret is not None:
        challenge = ctx.dc.callbacks.new_srp(account)
        d.update(
            has_password=True,
            current_algo={**new_algo, "salt1": account.secret.salt1, "salt2": account.secret.salt2},
            srp_B=challenge.B,
            srp_id=challenge.srp_id,
        )
    return tl.from_dict(d)


async def check_password(ctx: Context, req: Any) -> Any:
    account = _password_account(ctx)
    ctx.dc.callbacks.check_password(account, req.password)
    ctx.dc.password_logins.pop(ctx.record.key_id, None)
    return _authorized(ctx, account)


async def log_out(ctx: Context, req: Any) -> Any:
    ctx.me()
    ctx.dc.bind_key(ctx.record, None)
    return tl.from_dict({"_": "auth.loggedOut"})


HANDLERS: dict[str, Handler] = {
    "auth.importBotAuthorization": import_bot_authorization,
    "auth.sendCode": send_code,
    "auth.signIn": sign_in,
    "account.getPassword": get_password,
    "auth.checkPassword": check_password,
    "auth.logOut": log_out,
}
PUBLIC = set(HANDLERS) - {"auth.logOut"}
