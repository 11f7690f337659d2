"""oxigram's pytest plugin: a local DC, logged-in bots and users as fixtures.

Registered through the ``pytest11`` entry point (``-p no:oxigram`` turns it off). Loading
it starts nothing and imports neither the client nor the server: they come with the first
test that asks for one of these fixtures (each one function-scoped, closed after the test):

* ``local_dc``: a started :class:`~oxigram.server.LocalDC` on 127.0.0.1 (any free port),
  with its test API (``add_bot``, ``add_user``, ``send_message``, ``answer_timeout``...);
* ``bot`` / ``user``: a ``Client`` logged in as a new bot (``@test_bot``) / user (Alice)
  over TCP, with a real handshake and login;
* ``make_bot(username=None, *, setup=None)`` / ``make_user(first_name=None, *,
  password=None, username=None)``: async factories for more of them;
* ``oxigram_sandbox``: the :class:`~oxigram.testing.Sandbox` behind all of them.

Async tests run in one of two ways. With pytest-asyncio active, the async fixtures are
pytest-asyncio fixtures and pytest-asyncio runs the tests (mark them ``@pytest.mark.asyncio``
or set ``asyncio_mode = auto``). Without it, this plugin runs every ``async def`` test that
uses one of these fixtures on a new event loop per test (``oxigram_loop``), within
``oxigram_timeout`` seconds (ini option, default 60); sync tests may use the fixtures with
``oxigram_loop.run_until_complete(...)``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ..client import Client
    from ..server import LocalDC
    from .sandbox import Sandbox

__all__ = ["local_dc", "make_bot", "make_user"]

DEFAULT_TIMEOUT = 60.0


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "oxigram_timeout",
        "seconds an async test using oxigram's fixtures may run when oxigram runs it "
        f"(without pytest-asyncio); default {DEFAULT_TIMEOUT:g}",
        default=str(DEFAULT_TIMEOUT),
    )


def pytest_configure(config: pytest.Config) -> None:
    # The async fixtures follow whoever runs the async tests, so that they are made on the
    # loop the test runs on.
    if config.pluginmanager.has_plugin("asyncio"):
        config.pluginmanager.import_plugin("oxigram.testing._asyncio_fixtures")
    else:
        config.pluginmanager.import_plugin("oxigram.testing._loop_fixtures")


@pytest.fixture
def local_dc(oxigram_sandbox: Sandbox) -> LocalDC:
    """A started local DC on 127.0.0.1 (stopped after the test)."""
    return oxigram_sandbox.dc


@pytest.fixture
def make_bot(oxigram_sandbox: Sandbox) -> Callable[..., Awaitable[Client]]:
    """``await make_bot(username=None, *, setup=None)``: one more logged-in bot."""
    return oxigram_sandbox.bot


@pytest.fixture
def make_user(oxigram_sandbox: Sandbox) -> Callable[..., Awaitable[Client]]:
    """``await make_user(first_name=None, *, password=None, username=None)``: one more
    logged-in user."""
    return oxigram_sandbox.user
