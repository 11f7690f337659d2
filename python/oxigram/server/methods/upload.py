"""upload.getFile: a document's bytes, in parts, on the DC that keeps it (elsewhere
``FILE_MIGRATE_X``, as Telegram answers for a file living on another DC)."""

from __future__ import annotations

import time

from ..context import Context, Handler, handler_table
from ..rpc import RpcError
from ..tlobjects import functions, types

__all__ = ["HANDLERS", "MAX_PART", "PUBLIC"]

#: The largest part (Telegram: 1 MiB; a limit divides it and is a multiple of 1 KiB).
MAX_PART = 1024 * 1024


async def get_file(ctx: Context, req: functions.upload.GetFile) -> types.upload.File:
    ctx.me()
    loc = req.location
    if not isinstance(loc, types.InputDocumentFileLocation):
        raise RpcError(400, "LOCATION_INVALID")
    stored = ctx.state.store.files.get(loc.id)
    if stored is None or stored.access_hash != loc.access_hash:
        raise RpcError(400, "LOCATION_INVALID")
    if stored.dc_id != ctx.dc.dc_id:
        raise RpcError(303, f"FILE_MIGRATE_{stored.dc_id}")
    offset, limit = req.offset, req.limit
    if offset < 0 or offset % 1024:
        raise RpcError(400, "OFFSET_INVALID")
    if limit <= 0 or limit % 1024 or MAX_PART % limit:
        raise RpcError(400, "LIMIT_INVALID")
    return types.upload.File(
        type=types.storage.FileUnknown(),
        mtime=int(time.time()),
        bytes=stored.data[offset : offset + limit],
    )


HANDLERS: dict[str, Handler] = handler_table({functions.upload.GetFile: get_file})
PUBLIC: set[str] = set()
