"""Argument coercion and validation with the exact messages of ``oxigram/_native.pyi``.

Every public function of the pure backend goes through these helpers, one argument at a
time in the order the arguments are listed, so the first bad argument names the error, as
the native module does.
"""

from __future__ import annotations

from typing import Literal

from ..errors import InvalidInputError, InvalidTypeError, OxigramError

__all__ = [
    "as_buffer",
    "as_int",
    "as_sender",
    "check_len",
    "sender_offset",
]


def as_buffer(value: object, name: str) -> bytes:
    """bytes, bytearray or memoryview -> an immutable bytes copy."""
    if isinstance(value, bytes):
        return bytes(value)  # also turns a bytes subclass into plain bytes
    if isinstance(value, bytearray):
        return bytes(value)
    if isinstance(value, memoryview):
        # tobytes() flattens any shape and item size into its raw bytes, in C order.
        return value.tobytes()
    raise InvalidTypeError(
        f"{name} must be bytes, bytearray or memoryview, not {type(value).__name__}"
    )


def as_int(value: object, name: str) -> int:
    """An int (bool included, as the contract says) -> a plain int."""
    if isinstance(value, int):
        return int(value)
    raise InvalidTypeError(f"{name} must be int, not {type(value).__name__}")


def check_len(
    data: bytes, name: str, size: int, error: type[OxigramError] = InvalidInputError
) -> bytes:
    """``"<name> must be <size> bytes, not <n>"`` unless ``len(data) == size``."""
    if len(data) != size:
        raise error(f"{name} must be {size} bytes, not {len(data)}")
    return data


Sender = Literal["client", "server"]


def as_sender(value: object, name: str = "sender") -> Sender:
    if not isinstance(value, str):
        raise InvalidTypeError(f"{name} must be str, not {type(value).__name__}")
    if value == "client":
        return "client"
    if value == "server":
        return "server"
    raise InvalidInputError(f"{name} must be 'client' or 'server', not {value!r}")


def sender_offset(sender: Sender) -> int:
    """MTProto 2.0's x: 0 for what the client sends, 8 for what the server sends."""
    return 0 if sender == "client" else 8
