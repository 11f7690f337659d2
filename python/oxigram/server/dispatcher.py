"""From a decoded request to the bytes of its ``rpc_result``: wrappers, injected faults,
login checks, routing to the method handlers, and the errors for everything else; and the
answer to a message that could not be used at all (:func:`skipped_answer`), so that its
sender fails at once instead of waiting out its timeout."""

from __future__ import annotations

import logging
import re
from typing import Any

from ..errors import (
    MalformedMessageError,
    MsgIdParityError,
    TLDecodeError,
    UnknownConstructorError,
)
from ..mtproto.session import rpc_error, rpc_result
from .context import Context
from .faults import Faults
from .methods import HANDLERS, PUBLIC
from .ratelog import RateLimitedLog
from .rpc import RpcError
from .tlobjects import TLObject, dumps, functions, types

__all__ = ["dispatch", "skipped_answer", "unknown_method_error"]

log = logging.getLogger(__name__)
#: One line per 10 s for the messages skipped DC-wide (a hostile client buys no log flood).
_skipped_log = RateLimitedLog(log, 10.0)

#: bad_msg_notification codes (core.telegram.org/mtproto/service_messages_about_messages).
BAD_MSG_ID_BITS = 18
BAD_CONTAINER = 64

#: The wrappers a request may come in (``type(obj) in``: one lookup per request).
_WRAPPERS = frozenset(
    {
        functions.InvokeWithLayer,
        functions.InitConnection,
        functions.InvokeWithoutUpdates,
        functions.InvokeAfterMsg,
        functions.InvokeAfterMsgs,
        functions.InvokeWithBusinessConnection,
    }
)
#: Methods an account's key may call on any DC (others, from a key logged in on a DC that
#: is no longer the account's home, get ``USER_MIGRATE_X``).
ANY_DC = frozenset({*PUBLIC, "auth.exportAuthorization", "auth.logOut"})
#: Wrappers nested deeper than this are refused (a bound on hostile input).
MAX_WRAPPING = 8


def _error_name(method: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", method.upper()).strip("_")


def unknown_method_error(constructor_id: int) -> str:
    return f"INPUT_METHOD_INVALID_{constructor_id:08X}"


def unwrap(ctx: Context, obj: Any) -> Any:
    """Strips the connection wrappers; ``invokeWithLayer`` sets the key's layer,
    ``invokeWithBusinessConnection`` the business account the request acts for; the request
    subscribes its session to updates unless ``invokeWithoutUpdates`` is among them."""
    without_updates = False
    for _ in range(MAX_WRAPPING):
        kind = type(obj)
        if kind not in _WRAPPERS:
            ctx.session.requested(without_updates=without_updates)
            return obj
        if kind is functions.InvokeWithLayer:
            ctx.dc.set_layer(ctx.record, obj.layer)
        elif kind is functions.InvokeWithoutUpdates:
            without_updates = True
        elif kind is functions.InvokeWithBusinessConnection:
            ctx.enter_business(obj.connection_id)
        obj = obj.query
    raise RpcError(400, "INPUT_REQUEST_TOO_LONG")


async def run(ctx: Context, obj: Any, faults: Faults) -> tuple[str, Any]:
    """The method name and its result (a TL object, or the bytes of an injected one), or
    raises :class:`RpcError`."""
    method = unwrap(ctx, obj)
    name = getattr(method, "_tl_name", "")
    injected = faults.take_error(name)
    if injected is not None:
        raise RpcError(*injected)
    raw = faults.take_result(name)
    if raw is not None:
        return name, raw
    handler = HANDLERS.get(name)
    if handler is None:
        if isinstance(method, TLObject) and method._tl_is_function:
            raise RpcError(400, f"METHOD_NOT_IMPLEMENTED_{_error_name(name)}")
        raise RpcError(400, unknown_method_error(getattr(method, "_tl_id", 0)))
    record = ctx.record
    uid = record.user_id
    if uid is None:
        if name not in PUBLIC:
            raise RpcError(401, "AUTH_KEY_UNREGISTERED")
    elif not record.imported and name not in ANY_DC:
        account = ctx.state.store.accounts.get(uid)
        home = account.home_dc if account is not None else None
        if home is not None and home != ctx.dc.dc_id:
            raise RpcError(303, f"USER_MIGRATE_{home}")
    return name, await handler(ctx, method)


async def dispatch(ctx: Context, obj: Any, faults: Faults) -> tuple[str, bytes]:
    """The method name and the serialized ``rpc_result`` (maybe an ``rpc_error``)."""
    name = getattr(obj, "_tl_name", "?")
    try:
        name, result = await run(ctx, obj, faults)
        return name, rpc_result(ctx.msg_id, result)
    except RpcError as fail:
        log.debug("%s -> %d %s", name, fail.code, fail.message)
        return name, rpc_error(ctx.msg_id, fail.code, fail.message)
    except Exception:
        log.exception("internal error in %s", name)
        return name, rpc_error(ctx.msg_id, 500, "INTERNAL_SERVER_ERROR")


def skipped_answer(msg_id: int, error: Exception) -> bytes | None:
    """What the DC answers to a message it had to skip (``SkippedMessage``), or None.

    * A body that does not decode: ``rpc_error(400, INPUT_FETCH_FAIL)``, Telegram's answer to a
      request it cannot deserialize ("Failed deserializing TL payload", core.telegram.org/api/
      errors; observed for malformed ``users.getUsers`` vectors, DrKLO/Telegram#1157, and
      LonamiWebs/Telethon#767); an unknown method constructor gets
      ``INPUT_METHOD_INVALID_<id>``. Either way the caller's typed error comes at once.
    * A wrong envelope inside a container: ``bad_msg_notification`` 18 for msg_id bits, 64 for
      a container inside a container or an inner msg_id not below the container's.

    Replays are not answered here (the connection answers them from the stored answers).
    """
    _skipped_log.log(logging.WARNING, "skipped", "skipped message %d: %r", msg_id, error)
    if isinstance(error, UnknownConstructorError):
        return rpc_error(msg_id, 400, unknown_method_error(error.constructor_id))
    if isinstance(error, TLDecodeError):
        return rpc_error(msg_id, 400, "INPUT_FETCH_FAIL")
    if isinstance(error, MsgIdParityError):
        code = BAD_MSG_ID_BITS
    elif isinstance(error, MalformedMessageError):
        code = BAD_CONTAINER
    else:
        return None
    return dumps(types.Bad_msg_notification(bad_msg_id=msg_id, bad_msg_seqno=0, error_code=code))
