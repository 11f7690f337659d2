"""``LocalDC``: one local DC (an engine over its own state) and the test API
(ARCHITECTURE.md, "Decisions that still hold: Local DC").

The facade only starts and stops the two parts, checks the test's arguments (bad ones raise
:class:`~oxigram.errors.InvalidInputError`) and hands the work to the state (accounts,
messages), the engine (keys, sessions, faults) and ``messaging`` (pushes).
"""

from __future__ import annotations

import math
import os
import secrets
import string
from collections import Counter
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any

from .. import crypto
from ..errors import InvalidInputError
from ..mtproto.rsa_keys import RsaPrivateKey, RsaPublicKey, generate_rsa_key, public_key_to_pem
from . import srp
from .callbacks import CallbackHub
from .delivery import Delivery, DeliveryMode
from .engine import MAX_FRAME, Engine
from .messaging import create_message, edit_message
from .model import Account, Bot, Button, InlineMessage, StoredMessage, User, markup_from_buttons
from .sessions import AnswerCache
from .state import State
from .store import Store

__all__ = ["LocalDC", "default_rsa_key"]

_DEFAULT_KEY: RsaPrivateKey | None = None


def default_rsa_key() -> RsaPrivateKey:
    """An RSA-2048 key generated once per process (~1 s) and shared by every DC."""
    global _DEFAULT_KEY
    if _DEFAULT_KEY is None:
        _DEFAULT_KEY = generate_rsa_key()
    return _DEFAULT_KEY


def _check_timeout(seconds: float) -> float:
    if not (math.isfinite(seconds) and seconds > 0):
        raise InvalidInputError(f"answer_timeout must be more than 0 seconds, not {seconds}")
    return seconds


def _check_port(port: int) -> int:
    if not 0 <= port <= 65535:
        raise InvalidInputError(f"a port is 0 to 65535, not {port}")
    return port


class LocalDC:
    """An MTProto 2.0 server on ``host:port`` (port 0: any free port), DC ``dc_id`` (2).

    ``peers`` maps other DC ids to their ``(host, port)``; ``help.getConfig`` lists them
    (clients follow ``*_MIGRATE_X`` there). ``test_mode``: behave as one of Telegram's test
    servers (a handshake must name DC ``10000 + id``; the other mode gets transport error
    -444, as on Telegram). ``delivery``: which sessions of a bot get each update, ``"all"``
    (default), ``"recent"`` or ``"random"`` (``delivery_seed``: a repeatable choice); see
    :mod:`oxigram.server.delivery`. See ARCHITECTURE.md, "Decisions that still hold: Local
    DC".
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        db: str | os.PathLike[str] | None = None,
        answer_timeout: float = 5.0,
        rsa_key: RsaPrivateKey | None = None,
        max_frame: int = MAX_FRAME,
        dc_id: int = 2,
        peers: Mapping[int, tuple[str, int]] | None = None,
        test_mode: bool = False,
        delivery: DeliveryMode | str = DeliveryMode.ALL,
        delivery_seed: int | None = None,
    ) -> None:
        if dc_id < 1:
            raise InvalidInputError(f"a DC id is 1 or more, not {dc_id}")
        if max_frame < 1:
            raise InvalidInputError(f"max_frame must be at least 1 byte, not {max_frame}")
        try:
            mode = DeliveryMode(delivery)
        except ValueError:
            choices = ", ".join(m.value for m in DeliveryMode)
            raise InvalidInputError(f"delivery is one of {choices}, not {delivery!r}") from None
        store = Store(db)
        self.state = State(
            store,
            answer_timeout=_check_timeout(answer_timeout),
            delivery=Delivery(mode, delivery_seed),
        )
        self.engine = Engine(
            self.state,
            dc_id=dc_id,
            rsa_key=rsa_key if rsa_key is not None else default_rsa_key(),
            host=host,
            port=_check_port(port),
            keys=store.keys,
            max_frame=max_frame,
            test_mode=test_mode,
        )
        for peer_id, (peer_host, peer_port) in (peers or {}).items():
            self.add_peer_dc(peer_id, peer_host, peer_port)
        store.open()

    # ------------------------------------------------------------------------ identity

    @property
    def host(self) -> str:
        return self.engine.host

    @property
    def port(self) -> int:
        return self.engine.port

    @property
    def dc_id(self) -> int:
        return self.engine.dc_id

    @property
    def peers(self) -> dict[int, tuple[str, int]]:
        return self.engine.peers

    @property
    def test_mode(self) -> bool:
        return self.engine.test_mode

    @property
    def handshake_dc_ids(self) -> Counter[int]:
        """How many handshakes named each DC id (``10000 + id`` from a test-mode client)."""
        return self.engine.handshake_dc_ids

    @property
    def rsa_key(self) -> RsaPrivateKey:
        return self.engine.rsa_key

    @property
    def rsa_public_key(self) -> RsaPublicKey:
        return self.engine.rsa_key.public

    @property
    def public_key_pem(self) -> str:
        return public_key_to_pem(self.engine.rsa_key)

    @property
    def fingerprint(self) -> int:
        return self.engine.rsa_key.fingerprint

    # ----------------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        self.state.store.open()
        await self.engine.start()

    async def stop(self) -> None:
        await self.engine.stop()
        self.state.store.close()

    async def restart(self) -> None:
        """Stops and starts on the same port; the state is kept (a database is re-read)."""
        await self.stop()
        self.state.store.reload()
        await self.start()

    async def __aenter__(self) -> LocalDC:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ------------------------------------------------------- what tests look at

    @property
    def store(self) -> Store:
        return self.state.store

    @property
    def callbacks(self) -> CallbackHub:
        return self.state.callbacks

    @property
    def delivery(self) -> Delivery:
        """The delivery mode of bot updates, and where one-session pushes went."""
        return self.state.delivery

    @property
    def answer_timeout(self) -> float:
        """How long a press waits for its bot's answer (may be changed while running)."""
        return self.state.callbacks.answer_timeout

    @answer_timeout.setter
    def answer_timeout(self, seconds: float) -> None:
        self.state.callbacks.answer_timeout = _check_timeout(seconds)

    @property
    def stats(self) -> Counter[str]:
        return self.engine.stats

    @property
    def answers(self) -> AnswerCache:
        return self.engine.sessions.answers

    @property
    def connections(self) -> int:
        return self.engine.connections

    # ---------------------------------------------------------------------- test API

    @property
    def users(self) -> list[User]:
        return [a.public() for a in self.store.accounts.values() if not a.bot]  # type: ignore[misc]

    @property
    def bots(self) -> list[Bot]:
        return [a.public() for a in self.store.accounts.values() if a.bot]  # type: ignore[misc]

    def add_bot(self, username: str, token: str | None = None) -> Bot:
        name = username.lstrip("@")
        if not name:
            raise InvalidInputError("a bot needs a username")
        if token is not None and not token:
            raise InvalidInputError("a bot token cannot be empty")
        uid, access_hash = self.store.new_account_id()
        if token is None:
            alphabet = string.ascii_letters + string.digits
            token = f"{uid}:" + "".join(secrets.choice(alphabet) for _ in range(32))
        account = Account(uid, access_hash, name, bot=True, username=name, token=token)
        self.store.add_account(account)
        return Bot(uid, name, token, access_hash)

    def add_user(
        self, phone: str, first_name: str, password: str | None = None, username: str | None = None
    ) -> User:
        digits = "".join(c for c in phone if c.isdigit())
        if not digits:
            raise InvalidInputError(f"a phone number needs digits, not {phone!r}")
        uid, access_hash = self.store.new_account_id()
        secret = srp.new_secret(password) if password is not None else None
        account = Account(
            uid,
            access_hash,
            first_name,
            username=username.lstrip("@") if username else None,
            phone=digits,
            password=password,
            secret=secret,
        )
        self.store.add_account(account)
        public = account.public()
        assert isinstance(public, User)
        return public

    def import_auth_key(self, auth_key: bytes, user_id: int | None = None) -> bytes:
        """Registers an auth key made elsewhere (tests skip the handshake this way), logged
        in as ``user_id`` when given; returns its auth_key_id."""
        key = bytes(auth_key)
        key_id = crypto.auth_key_id(key)  # InvalidInputError unless 256 bytes
        if user_id is not None:
            self._account(user_id)
        record = self.engine.keys.add(key, key_id)
        if user_id is not None:
            self.engine.bind_key(record, user_id)
        return key_id

    def _account(self, user_id: int) -> Account:
        account = self.store.accounts.get(user_id)
        if account is None:
            raise InvalidInputError(f"no account with id {user_id}")
        return account

    def send_message(
        self,
        from_id: int,
        to_id: int,
        text: str,
        buttons: Sequence[Any] | Any = None,
        *,
        push: bool = True,
    ) -> int:
        """A private message ``from_id`` -> ``to_id`` (updates pushed to both sides; without
        ``push`` only stored, with its pts steps: ``getDifference`` returns it, and a test
        pushes what it likes with :meth:`push_raw`)."""
        self._account(from_id)
        self._account(to_id)
        markup = markup_from_buttons(buttons)
        msg, _ = create_message(
            self.state, from_id, to_id, text, markup, game=_game(buttons), push=push
        )
        return msg.id

    def add_inline_message(
        self, bot_id: int, from_id: int, to_id: int, text: str, buttons: Sequence[Any] | Any = None
    ) -> InlineMessage:
        """A message ``from_id`` -> ``to_id`` sent via ``bot_id`` in inline mode."""
        if not self._account(bot_id).bot:
            raise InvalidInputError(f"account {bot_id} is not a bot")
        self._account(from_id)
        self._account(to_id)
        markup = markup_from_buttons(buttons)
        inline_id = int.from_bytes(os.urandom(8), "little", signed=True)
        access_hash = int.from_bytes(os.urandom(8), "little", signed=True)
        msg, _ = create_message(
            self.state,
            from_id,
            to_id,
            text,
            markup,
            via_bot_id=bot_id,
            inline=(inline_id, access_hash),
            game=_game(buttons),
        )
        return InlineMessage(msg.id, self.dc_id, inline_id, access_hash)

    def edit_message(
        self, msg_id: int, text: str | None = None, buttons: Sequence[Any] | Any = None
    ) -> None:
        msg = self.store.messages.get(msg_id)
        if msg is None:
            raise InvalidInputError(f"no message with id {msg_id}")
        edit_message(self.state, msg, text, markup_from_buttons(buttons))

    def get_message(self, msg_id: int) -> StoredMessage | None:
        return self.store.messages.get(msg_id)

    def pts(self, user_id: int) -> int:
        """The account's current pts (what ``updates.getState`` answers)."""
        self._account(user_id)
        return self.store.current_pts(user_id)

    def advance_pts(self, user_id: int, count: int = 1) -> int:
        """Takes ``count`` pts steps of the account for updates the DC does not model (what
        bytes sent with :meth:`push_raw` stand for): ``getState`` moves past them,
        ``getDifference`` returns nothing for them. Returns the new pts."""
        self._account(user_id)
        if count < 1:
            raise InvalidInputError(f"count must be at least 1, not {count}")
        for _ in range(count):
            pts = self.store.bump_pts(user_id, "raw", 0)
        return pts

    def push_raw(self, user_id: int, data: bytes) -> int:
        """Sends ``data``, any serialized TL object (e.g. an ``updates`` holding a
        constructor of no layer), as one message to every live session of ``user_id``;
        returns how many got it. The DC does not look inside."""
        self._account(user_id)
        body = bytes(data)
        if len(body) < 4 or len(body) % 4:
            raise InvalidInputError(
                f"a serialized object is a multiple of 4 bytes (4 or more), not {len(body)}"
            )
        return self.state.push(user_id, body)

    # ------------------------------------------------------------------ fault injection

    def drop_connections(self) -> int:
        """Closes every connection now; returns how many."""
        return self.engine.drop_connections()

    def forget_sessions(self) -> None:
        """Forgets every MTProto session (clients get ``new_session_created``)."""
        self.engine.sessions.clear()

    def rotate_salt(self, *, keep_old: bool = False) -> int:
        """A new server salt; without ``keep_old`` the next message gets ``bad_server_salt``."""
        return self.engine.rotate_salt(keep_old=keep_old)

    def delay_next_response(self, seconds: float, method: str | None = None) -> None:
        self.engine.faults.delay(seconds, method)

    def withhold(self, method: str | None = None, count: int = 1) -> None:
        self.engine.faults.withhold(method, count)

    def inject_error(self, method: str, code: int, message: str, count: int = 1) -> None:
        """The next ``count`` calls of ``method`` (e.g. ``"help.getConfig"``, wrappers
        stripped) are answered ``rpc_error(code, message)`` without running, e.g.
        ``dc.inject_error("auth.sendCode", 303, "PHONE_MIGRATE_4")`` or
        ``(..., 420, "FLOOD_WAIT_1")``."""
        self.engine.faults.inject_error(method, code, message, count)

    def inject_result(self, method: str, data: bytes, count: int = 1) -> None:
        """The next ``count`` calls of ``method`` (wrappers stripped) are answered with
        ``data``, a serialized result, without running: e.g. an ``updates.difference``
        holding a constructor of no layer, for ``"updates.getDifference"``."""
        self.engine.faults.inject_result(method, data, count)

    def clear_faults(self) -> None:
        """Forgets every delay, withheld answer and injected error or result not yet used."""
        self.engine.faults.clear()

    # ------------------------------------------------------------------------ other DCs

    def add_peer_dc(self, dc_id: int, host: str, port: int) -> None:
        """Names another DC in ``help.getConfig``'s ``dc_options`` (for migrations)."""
        if dc_id == self.dc_id:
            raise InvalidInputError(f"DC {dc_id} is this DC")
        if dc_id < 1:
            raise InvalidInputError(f"a DC id is 1 or more, not {dc_id}")
        try:
            number = int(port)
        except (TypeError, ValueError):
            raise InvalidInputError(f"a port is a number, not {port!r}") from None
        self.engine.peers[dc_id] = (host, _check_port(number))


def _game(buttons: Any) -> str | None:
    """The short name of the first game button in ``buttons`` (rows or a flat row), if any."""
    if buttons is None or not isinstance(buttons, (list, tuple)):
        return None
    flat = [b for row in buttons for b in (row if isinstance(row, (list, tuple)) else [row])]
    for b in flat:
        if isinstance(b, Button) and b.kind == "game":
            return b.short_name
    return None
