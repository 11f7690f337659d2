"""The callback API as :class:`~oxigram.client.Client` methods (mixed into the client)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .buttons import inline_markup
from .callback_data import CallbackData, CallbackDataFilter
from .callback_stats import CallbackStats
from .callbacks import CallbackConfig, CallbackHandler, CallbackRouter, Predicate
from .pressing import CallbackAnswer, Message, request_callback_answer

if TYPE_CHECKING:
    from .client import Client

__all__ = ["CallbackMethods"]


class CallbackMethods:
    """``on_callback_query``, ``callback_stats``, ``request_callback_answer``,
    ``send_message`` and ``get_message`` (a :class:`Message` whose buttons can be clicked)."""

    _callbacks: CallbackRouter | None

    def _self(self) -> Client:
        from .client import Client

        assert isinstance(self, Client)
        return self

    @property
    def callbacks(self) -> CallbackRouter:
        """The bot-side router; ``client.callbacks.config`` is its :class:`CallbackConfig`."""
        if self._callbacks is None:
            self._callbacks = CallbackRouter(self._self(), CallbackConfig())
        return self._callbacks

    @property
    def callback_stats(self) -> CallbackStats:
        """Press-to-answer statistics (count, answered by handler / auto / deadline, p50,
        p99)."""
        return self.callbacks.stats

    def on_callback_query(
        self,
        *,
        data: bytes | str | None = None,
        prefix: bytes | str | None = None,
        regex: str | bytes | re.Pattern[bytes] | None = None,
        predicate: Predicate | None = None,
        cls: type[CallbackData] | CallbackDataFilter[Any] | None = None,
        deadline: float | bool | None = False,
    ) -> Callable[[CallbackHandler], CallbackHandler]:
        """Decorator: ``handler(query)`` for presses whose data equals ``data``, starts with
        ``prefix``, matches ``regex`` (``query.match``), unpacks as ``cls`` (a
        :class:`CallbackData` class or ``Cls.filter(...)``; ``query.typed``) and satisfies
        ``predicate`` (sync or async). ``deadline``: seconds for this handler (``None``: no
        deadline answer; default: ``callbacks.config.deadline``)."""

        def register(handler: CallbackHandler) -> CallbackHandler:
            return self.callbacks.add(
                handler,
                data=data,
                prefix=prefix,
                regex=regex,
                predicate=predicate,
                cls=cls,
                deadline=deadline,
            )

        return register

    async def request_callback_answer(
        self,
        peer: Any,
        msg_id: int,
        data: bytes | str | CallbackData | None = None,
        *,
        game: bool = False,
        password: str | Any = None,
        timeout: float | None = None,
    ) -> CallbackAnswer:
        """Presses a button: ``messages.getBotCallbackAnswer``. ``peer``: username, chat id,
        Update, Message or InputPeer. ``password``: the 2FA password (SRP proof computed off
        the event loop) or an ``InputCheckPasswordSRP``. Never re-sent."""
        return await request_callback_answer(
            self._self(), peer, msg_id, data, game=game, password=password, timeout=timeout
        )

    async def send_message(self, peer: Any, text: str, *, buttons: Sequence[Any] = ()) -> Any:
        """``messages.sendMessage`` with an inline keyboard (rows of ``Button``s)."""
        import os

        c = self._self()
        s = c.schema
        return await c.invoke(
            s["messages.sendMessage"](
                peer=await c.get_input_peer(peer),
                message=text,
                random_id=int.from_bytes(os.urandom(8), "little", signed=True),
                reply_markup=inline_markup(buttons) if buttons else None,
            )
        )

    async def get_message(self, msg_id: int) -> Message | None:
        """The message ``msg_id`` of a private chat or basic group, clickable."""
        c = self._self()
        s = c.schema
        res = await c.invoke(s["messages.getMessages"](id=[s["inputMessageID"](id=msg_id)]))
        msgs = [m for m in res.messages if getattr(m, "_tl_name", "") == "message"]
        return Message(c, msgs[0]) if msgs else None
