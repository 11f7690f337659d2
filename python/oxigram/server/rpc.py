"""The error a method handler raises to answer its request with ``rpc_error(code, message)``."""

from __future__ import annotations

__all__ = ["RpcError"]


class RpcError(Exception):
    """Answer the request with ``rpc_error(code, message)``."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code} {message}")
        self.code = code
        self.message = message
