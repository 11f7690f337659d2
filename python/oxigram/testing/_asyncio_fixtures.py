"""The async fixtures when pytest-asyncio runs the async tests: made on its loop."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..client import Client
    from .sandbox import Sandbox

# Imported by name: pytest-asyncio is optional, and only loaded when it is active.
fixture: Callable[[Callable[..., Any]], Any] = importlib.import_module("pytest_asyncio").fixture


@fixture
async def oxigram_sandbox() -> AsyncIterator[Sandbox]:
    """The local DC and the clients logged in on it (closed after the test)."""
    from .sandbox import Sandbox

    async with Sandbox() as sandbox:
        yield sandbox


@fixture
async def bot(oxigram_sandbox: Sandbox) -> Client:
    """A client logged in as a new bot, ``@test_bot``."""
    return await oxigram_sandbox.bot()


@fixture
async def user(oxigram_sandbox: Sandbox) -> Client:
    """A client logged in as a new user, Alice."""
    return await oxigram_sandbox.user()
