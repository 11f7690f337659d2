"""Downloading a file: ``upload.getFile`` in parts on the DC that keeps it.

Telegram keeps each file on one DC (a ``Document`` or ``Photo`` says which in ``dc_id``);
another DC answers ``FILE_MIGRATE_X``, which ``Client.invoke`` follows to DC X over that
DC's own connection (authorized by export/import). Give the file's DC when known: every
part then goes straight there.
"""

from __future__ import annotations

from typing import Any

from ..errors import FileMigrateError, InvalidInputError
from .port import ClientPort

__all__ = ["MAX_PART", "download_file"]

#: Telegram's largest part: a part size divides 1 MiB and is a multiple of 4 KiB.
MAX_PART = 1024 * 1024


async def download_file(
    port: ClientPort, location: Any, *, dc_id: int | None = None, part_size: int = 128 * 1024
) -> bytes:
    """Every byte of the file at ``location`` (an ``InputFileLocation``), from DC ``dc_id``
    (default: home)."""
    if part_size <= 0 or part_size % 4096 or MAX_PART % part_size:
        raise InvalidInputError(
            f"part_size divides 1 MiB and is a multiple of 4 KiB, not {part_size}"
        )
    make = port.make
    out = bytearray()
    while True:
        req = make.upload_get_file(location=location, offset=len(out), limit=part_size)
        try:
            part = await port.invoke(req, dc_id=dc_id)
        except FileMigrateError as exc:  # a port that does not follow it: go there once
            if exc.dc_id <= 0 or exc.dc_id == dc_id:
                raise
            dc_id = exc.dc_id
            continue
        data = bytes(part.bytes)
        out += data
        if len(data) < part_size:
            return bytes(out)
