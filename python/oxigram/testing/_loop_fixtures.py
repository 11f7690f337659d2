"""The async fixtures without pytest-asyncio: this plugin runs the async tests that use
them, each on a new event loop (``oxigram_loop``) within ``oxigram_timeout`` seconds."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Coroutine, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

if TYPE_CHECKING:
    from ..client import Client
    from .sandbox import Sandbox

T = TypeVar("T")


def timeout_of(config: pytest.Config) -> float:
    value: Any = config.getini("oxigram_timeout")
    return float(value)


def _run(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, T], timeout: float) -> T:
    """Runs ``coro`` on ``loop``, cancelled after ``timeout`` s (a TimeoutError raised by
    the code under test itself passes through unchanged)."""

    async def bounded() -> T:
        task = asyncio.ensure_future(coro)
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if not done:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            raise TimeoutError(f"did not finish within {timeout:g} s (ini: oxigram_timeout)")
        return task.result()

    return loop.run_until_complete(bounded())


def _close(loop: asyncio.AbstractEventLoop) -> None:
    """Cancels what is left on the loop, then closes it."""
    try:
        left = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in left:
            task.cancel()
        if left:
            loop.run_until_complete(asyncio.wait(left, timeout=5))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        loop.close()


def pytest_configure(config: pytest.Config) -> None:
    # Tests marked for pytest-asyncio's strict mode run here too, unchanged.
    config.addinivalue_line(
        "markers", "asyncio: an async test (run by oxigram's plugin without pytest-asyncio)"
    )


@pytest.fixture
def oxigram_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """The event loop the test and oxigram's fixtures run on (new for each test)."""
    loop = asyncio.new_event_loop()
    try:
        yield loop
    finally:
        _close(loop)


@pytest.fixture
def oxigram_sandbox(
    oxigram_loop: asyncio.AbstractEventLoop, pytestconfig: pytest.Config
) -> Iterator[Sandbox]:
    """The local DC and the clients logged in on it (closed after the test)."""
    from .sandbox import Sandbox

    timeout = timeout_of(pytestconfig)
    sandbox = Sandbox()
    _run(oxigram_loop, sandbox.start(), timeout)
    try:
        yield sandbox
    finally:
        _run(oxigram_loop, sandbox.close(), timeout)


@pytest.fixture
def bot(
    oxigram_loop: asyncio.AbstractEventLoop, oxigram_sandbox: Sandbox, pytestconfig: pytest.Config
) -> Client:
    """A client logged in as a new bot, ``@test_bot``."""
    return _run(oxigram_loop, oxigram_sandbox.bot(), timeout_of(pytestconfig))


@pytest.fixture
def user(
    oxigram_loop: asyncio.AbstractEventLoop, oxigram_sandbox: Sandbox, pytestconfig: pytest.Config
) -> Client:
    """A client logged in as a new user, Alice."""
    return _run(oxigram_loop, oxigram_sandbox.user(), timeout_of(pytestconfig))


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Runs an ``async def`` test that uses oxigram's fixtures on their loop."""
    test = pyfuncitem.obj
    if not inspect.iscoroutinefunction(test) or "oxigram_loop" not in pyfuncitem.fixturenames:
        return None
    funcargs = pyfuncitem.funcargs
    loop = funcargs["oxigram_loop"]
    assert isinstance(loop, asyncio.AbstractEventLoop)
    kwargs = {n: funcargs[n] for n in inspect.signature(test).parameters if n in funcargs}
    _run(loop, test(**kwargs), timeout_of(pyfuncitem.config))
    return True
