"""auth.* and account.getPassword: bot tokens, phone + code, 2FA (server-side SRP)."""

from __future__ import annotations

import os

from ..context import Context, Handler, handler_table
from ..model import LOGIN_CODE, Account
from ..rpc import RpcError
from ..srp import G, P
from ..tlobjects import functions, types
from ..views import user_tl

__all__ = ["HANDLERS", "PUBLIC"]


def _authorized(ctx: Context, account: Account) -> types.auth.Authorization:
    ctx.dc.bind_key(ctx.record, account.id)
    return types.auth.Authorization(user=user_tl(account.id, account))


def _check_home(ctx: Context, account: Account, error: str) -> None:
    """A login belongs on the account's home DC: elsewhere ``<error>_MIGRATE_<home>``."""
    home = account.home_dc
    if home is not None and home != ctx.dc.dc_id:
        raise RpcError(303, f"{error}_MIGRATE_{home}")


async def import_bot_authorization(
    ctx: Context, req: functions.auth.ImportBotAuthorization
) -> types.auth.Authorization:
    account = ctx.state.store.by_token(req.bot_auth_token)
    if account is None:
        raise RpcError(400, "ACCESS_TOKEN_INVALID")
    _check_home(ctx, account, "USER")
    return _authorized(ctx, account)


async def send_code(
    ctx: Context, req: functions.auth.SendCode | functions.auth.ResendCode
) -> types.auth.SentCode:
    account = ctx.state.store.by_phone(req.phone_number)
    if account is None:
        raise RpcError(400, "PHONE_NUMBER_INVALID")
    _check_home(ctx, account, "PHONE")
    code_hash = ctx.state.logins.send_code(ctx.record.key_id, account.id)
    return types.auth.SentCode(
        type=types.auth.SentCodeTypeApp(length=len(LOGIN_CODE)), phone_code_hash=code_hash
    )


async def resend_code(ctx: Context, req: functions.auth.ResendCode) -> types.auth.SentCode:
    """A new code for a login in progress on this key; a hash this key was not given (a
    client that moved to another DC in between) is ``PHONE_CODE_EXPIRED``."""
    account = ctx.state.store.by_phone(req.phone_number)
    if account is None:
        raise RpcError(400, "PHONE_NUMBER_INVALID")
    _check_home(ctx, account, "PHONE")
    if not ctx.state.logins.code_sent(ctx.record.key_id, account.id, req.phone_code_hash):
        raise RpcError(400, "PHONE_CODE_EXPIRED")
    return await send_code(ctx, req)


async def sign_in(ctx: Context, req: functions.auth.SignIn) -> types.auth.Authorization:
    logins = ctx.state.logins
    key_id = ctx.record.key_id
    account = ctx.state.store.by_phone(req.phone_number)
    if account is None:
        raise RpcError(400, "PHONE_NUMBER_INVALID")
    if not logins.code_sent(key_id, account.id, req.phone_code_hash):
        raise RpcError(400, "PHONE_CODE_EXPIRED")
    if req.phone_code is None:
        raise RpcError(400, "PHONE_CODE_EMPTY")
    if req.phone_code != LOGIN_CODE:
        raise RpcError(400, "PHONE_CODE_INVALID")
    logins.code_used(key_id)
    if account.secret is not None:
        logins.want_password(key_id, account.id)
        raise RpcError(401, "SESSION_PASSWORD_NEEDED")
    return _authorized(ctx, account)


def _password_account(ctx: Context) -> Account:
    account = ctx.account
    if account is None:
        uid = ctx.state.logins.password_wanted(ctx.record.key_id)
        account = ctx.state.store.accounts.get(uid) if uid is not None else None
    if account is None:
        raise RpcError(401, "AUTH_KEY_UNREGISTERED")
    return account


async def get_password(ctx: Context, req: functions.account.GetPassword) -> types.account.Password:
    account = _password_account(ctx)
    new_algo = types.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(
        salt1=os.urandom(32), salt2=os.urandom(16), g=G, p=P
    )
    secure_algo = types.SecurePasswordKdfAlgoSHA512(salt=os.urandom(8))
    secure_random = os.urandom(32)
    if account.secret is None:
        return types.account.Password(
            new_algo=new_algo, new_secure_algo=secure_algo, secure_random=secure_random
        )
    challenge = ctx.state.passwords.new_challenge(account)
    current_algo = types.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow(
        salt1=account.secret.salt1, salt2=account.secret.salt2, g=G, p=P
    )
    return types.account.Password(
        has_password=True,
        current_algo=current_algo,
        srp_B=challenge.B,
        srp_id=challenge.srp_id,
        new_algo=new_algo,
        new_secure_algo=secure_algo,
        secure_random=secure_random,
    )


async def check_password(
    ctx: Context, req: functions.auth.CheckPassword
) -> types.auth.Authorization:
    account = _password_account(ctx)
    ctx.state.passwords.check(account, req.password)
    ctx.state.logins.password_given(ctx.record.key_id)
    return _authorized(ctx, account)


async def export_authorization(
    ctx: Context, req: functions.auth.ExportAuthorization
) -> types.auth.ExportedAuthorization:
    me = ctx.me()
    if req.dc_id == ctx.dc.dc_id or req.dc_id not in ctx.dc.peers:
        raise RpcError(400, "DC_ID_INVALID")
    data = ctx.state.exports.export(me.id, req.dc_id)
    return types.auth.ExportedAuthorization(id=me.id, bytes=data)


async def import_authorization(
    ctx: Context, req: functions.auth.ImportAuthorization
) -> types.auth.Authorization:
    account = ctx.state.store.accounts.get(req.id)
    if account is None or not ctx.state.exports.take(req.id, ctx.dc.dc_id, req.bytes):
        raise RpcError(400, "AUTH_BYTES_INVALID")
    ctx.dc.bind_key(ctx.record, account.id, imported=True)
    return types.auth.Authorization(user=user_tl(account.id, account))


async def log_out(ctx: Context, req: functions.auth.LogOut) -> types.auth.LoggedOut:
    ctx.me()
    ctx.dc.bind_key(ctx.record, None)
    return types.auth.LoggedOut()


HANDLERS: dict[str, Handler] = handler_table(
    {
        functions.auth.ImportBotAuthorization: import_bot_authorization,
        functions.auth.SendCode: send_code,
        functions.auth.ResendCode: resend_code,
        functions.auth.SignIn: sign_in,
        functions.account.GetPassword: get_password,
        functions.auth.CheckPassword: check_password,
        functions.auth.LogOut: log_out,
        functions.auth.ExportAuthorization: export_authorization,
        functions.auth.ImportAuthorization: import_authorization,
    }
)
PUBLIC = set(HANDLERS) - {
    functions.auth.LogOut._tl_name,
    functions.auth.ExportAuthorization._tl_name,
}
