"""``Client`` and the tests' ``RecordingPort`` implement the client port member for member
(``Client.__getattr__`` makes mypy accept any protocol, so this checks what it cannot), and a
real client that is not connected leaves a press open instead of swallowing it."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pytest

from oxigram.client import Client, ClientPort
from oxigram.client.callbacks import CallbackQuery
from oxigram.errors import NotConnectedError
from port_support import RecordingPort, callback_update

MEMBERS = {name: value for name, value in vars(ClientPort).items() if not name.startswith("_")}


def _shape(fn: Any) -> list[tuple[str, Any, Any]]:
    """Parameter names, kinds and defaults (annotations are strings, spelled per module)."""
    return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]


def test_the_port_lists_what_features_use() -> None:
    assert sorted(MEMBERS) == [
        "dc_id",
        "get_input_channel",
        "get_input_peer",
        "invoke",
        "is_connected",
        "make",
        "password_check",
        "remember_entities",
        "request_timeout",
        "schema",
    ]


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: Client(None, 1, "hash"), id="Client"),
        pytest.param(RecordingPort, id="RecordingPort"),
    ],
)
@pytest.mark.parametrize("name", sorted(MEMBERS))
def test_implements_the_port(make: Any, name: str) -> None:
    impl = make()
    member = MEMBERS[name]
    # getattr_static: defined by the class or the instance, not made up by __getattr__
    found = inspect.getattr_static(impl, name)
    if isinstance(member, property):
        assert not callable(found) or isinstance(found, property), name
        getattr(impl, name)  # readable before connect
        return
    assert inspect.isfunction(found), name
    assert inspect.iscoroutinefunction(found) == inspect.iscoroutinefunction(member), name
    assert _shape(found) == _shape(member), name


def test_a_client_that_is_not_connected_leaves_the_press_open() -> None:
    async def main() -> None:
        client = Client(None, 1, "hash")
        assert not client.is_connected()
        client.remember_entities([], [])  # nothing to remember into yet: no error
        outcome: list[Any] = []

        @client.on_callback_query()
        async def handler(q: CallbackQuery) -> None:
            try:
                await q.answer("hi")
            except NotConnectedError:
                outcome.append(("not connected", q.answered))

        client.callbacks.feed(callback_update(1), asyncio.get_running_loop().time())
        await asyncio.sleep(0.05)
        assert outcome == [("not connected", False)]
        assert client.callback_stats.failed == 2  # the handler's answer, then the auto one
        await client.close()

    asyncio.run(asyncio.wait_for(main(), 10))
