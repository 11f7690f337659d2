"""``LocalDC``: the in-process MTProto server and its test API (ARCHITECTURE.md, "Local DC")."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import string
from collections import Counter, OrderedDict
from collections.abc import Callable, Coroutine, Mapping, Sequence
from types import TracebackType
from typing import Any

from .. import crypto
from ..mtproto.rsa_keys import RsaPrivateKey, RsaPublicKey, generate_rsa_key, public_key_to_pem
from . import srp
from .callbacks import CallbackHub
from .connection import Connection, DCProtocol
from .faults import Faults
from .messaging import create_message, edit_message
from .model import (
    Account,
    AuthKeyRecord,
    Bot,
    InlineMessage,
    StoredMessage,
    User,
    markup_from_buttons,
)
from .sessions import AnswerCache, ServerSession
from .store import Store

__all__ = ["LocalDC", "default_rsa_key"]

log = logging.getLogger(__name__)

_DEFAULT_KEY: RsaPrivateKey | None = None
#: Sessions kept server-wide (least recently created are forgotten first).
MAX_SESSIONS = 8192
#: Frame size bound (Telegram's own limit is about 1 MiB of payload).
MAX_FRAME = 2 * 1024 * 1024


def default_rsa_key() -> RsaPrivateKey:
    """An RSA-2048 key generated once per process (~1 s) and shared by every DC."""
    global _DEFAULT_KEY
    if _DEFAULT_KEY is None:
        _DEFAULT_KEY = generate_rsa_key()
    return _DEFAULT_KEY


class LocalDC:
    """An MTProto 2.0 server on ``host:port`` (port 0: any free port), DC ``dc_id`` (2).

    ``peers`` maps other DC ids to their ``(host, port)``; ``help.getConfig`` lists them
    (clients follow ``*_MIGRATE_X`` there). See ARCHITECTURE.md, "Local DC".
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
    ) -> None:
        self.host = host
        self.port = port
        self.dc_id = dc_id
        self.peers: dict[int, tuple[str, int]] = {}
        for peer_id, (peer_host, peer_port) in (peers or {}).items():
            self.add_peer_dc(peer_id, peer_host, peer_port)
        self.answer_timeout = answer_timeout
        self.rsa_key = rsa_key if rsa_key is not None else default_rsa_key()
        self.max_frame = max_frame
        self.store = Store(db)
        self.callbacks = CallbackHub(self)
        self.faults = Faults()
        self.stats: Counter[str] = Counter()
        self.login_codes: dict[bytes, tuple[int, str]] = {}
        self.password_logins: dict[bytes, int] = {}
        self._sessions: OrderedDict[tuple[bytes, int], ServerSession] = OrderedDict()
        #: user id -> its sessions, for push(); rebuilt after any change to the sessions or
        #: to which account a key is bound (a scan of every session per press was the DC's
        #: cost growing with K, ARCHITECTURE.md, "Benchmarks").
        self._by_user: dict[int, list[ServerSession]] | None = None
        self.answers = AnswerCache()
        self._connections: set[Connection] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        #: Requests waiting for a future (a press for its bot's answer), see park().
        self._parked: dict[Coroutine[Any, Any, Any], asyncio.Future[Any]] = {}
        self._server: asyncio.Server | None = None
        self.store.open()

    # ------------------------------------------------------------------------ identity

    @property
    def rsa_public_key(self) -> RsaPublicKey:
        return self.rsa_key.public

    @property
    def public_key_pem(self) -> str:
        return public_key_to_pem(self.rsa_key)

    @property
    def fingerprint(self) -> int:
        return self.rsa_key.fingerprint

    # ----------------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        if self._server is not None:
            return
        self.store.open()
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: DCProtocol(self), self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("local DC listening on %s:%d", self.host, self.port)

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for conn in list(self._connections):
            conn.close()
        self._cancel_parked()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=5)
        if server is not None:
            try:
                await asyncio.wait_for(server.wait_closed(), 5)
            except asyncio.TimeoutError:
                log.warning("server did not close in time")
        self._sessions.clear()
        self._by_user = None
        self.answers.clear()
        self.store.close()

    async def restart(self) -> None:
        """Stops and starts on the same port; the state is kept (a database is re-read)."""
        await self.stop()
        if self.store.path is not None:
            old = self.store
            self.store = Store(old.path)
            self.store.open()
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

    def connection_opened(self, conn: Connection) -> None:
        self._connections.add(conn)
        self.stats["connections"] += 1

    def connection_closed(self, conn: Connection) -> None:
        self._connections.discard(conn)

    def park(
        self,
        coro: Coroutine[Any, Any, Any],
        fut: asyncio.Future[Any],
        step: Callable[[Coroutine[Any, Any, Any], Any], None],
    ) -> None:
        """``coro`` waits for ``fut``: ``step(coro, fut)`` resumes it when ``fut`` is done
        (unless :meth:`stop` ended it first)."""
        self._parked[coro] = fut

        def wake(done: asyncio.Future[Any]) -> None:
            if self._parked.pop(coro, None) is not None:
                step(coro, done)

        fut.add_done_callback(wake)

    def _cancel_parked(self) -> None:
        """Ends the parked requests as a task cancellation would (their ``finally`` runs)."""
        while self._parked:
            coro, _ = self._parked.popitem()
            try:
                coro.throw(asyncio.CancelledError())
            except (StopIteration, asyncio.CancelledError):
                continue
            except Exception:
                log.exception("error while cancelling a request")
                continue
            coro.close()  # it waited again: give up on it

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # ----------------------------------------------------------- sessions and pushes

    def session_for(self, record: AuthKeyRecord, session_id: int) -> ServerSession:
        key = (record.key_id, session_id)
        ss = self._sessions.get(key)
        if ss is None:
            ss = ServerSession(record, session_id, self.store.salt)
            self._sessions[key] = ss
            self._by_user = None
            while len(self._sessions) > MAX_SESSIONS:
                old_key, _ = self._sessions.popitem(last=False)
                self.answers.forget(old_key)
        return ss

    def push(self, user_id: int, updates: Any, *, skip: ServerSession | None = None) -> int:
        """Sends ``updates`` to every live session logged in as ``user_id``; returns how many."""
        if self._by_user is None:
            index: dict[int, list[ServerSession]] = {}
            for each in self._sessions.values():
                if each.record.user_id is not None:
                    index.setdefault(each.record.user_id, []).append(each)
            self._by_user = index
        sent = 0
        for ss in list(self._by_user.get(user_id, ())):
            if ss is skip or ss.record.user_id != user_id or not ss.live:
                continue
            if ss.send(updates):
                sent += 1
        return sent

    def bind_key(self, record: AuthKeyRecord, user_id: int | None) -> None:
        record.user_id = user_id
        self._by_user = None
        self.store.save_auth_key(record)

    def set_layer(self, record: AuthKeyRecord, layer: int) -> None:
        if record.layer != layer:
            record.layer = layer
            self.store.save_auth_key(record)

    @property
    def connections(self) -> int:
        return len(self._connections)

    # ---------------------------------------------------------------------- test API

    @property
    def users(self) -> list[User]:
        return [a.public() for a in self.store.accounts.values() if not a.bot]  # type: ignore[misc]

    @property
    def bots(self) -> list[Bot]:
        return [a.public() for a in self.store.accounts.values() if a.bot]  # type: ignore[misc]

    def add_bot(self, username: str, token: str | None = None) -> Bot:
        uid, access_hash = self.store.new_account_id()
        if token is None:
            alphabet = string.ascii_letters + string.digits
            token = f"{uid}:" + "".join(secrets.choice(alphabet) for _ in range(32))
        name = username.lstrip("@")
        account = Account(uid, access_hash, name, bot=True, username=name, token=token)
        self.store.add_account(account)
        return Bot(uid, name, token, access_hash)

    def add_user(
        self, phone: str, first_name: str, password: str | None = None, username: str | None = None
    ) -> User:
        uid, access_hash = self.store.new_account_id()
        digits = "".join(c for c in phone if c.isdigit())
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
        key_id = crypto.auth_key_id(key)
        record = self.store.add_auth_key(key, key_id, None)
        if user_id is not None:
            self._account(user_id)
            self.bind_key(record, user_id)
        return key_id

    def _account(self, user_id: int) -> Account:
        account = self.store.accounts.get(user_id)
        if account is None:
            raise KeyError(f"no account {user_id}")
        return account

    def send_message(
        self, from_id: int, to_id: int, text: str, buttons: Sequence[Any] | Any = None
    ) -> int:
        """A private message ``from_id`` -> ``to_id`` (updates pushed to both sides)."""
        self._account(from_id)
        self._account(to_id)
        msg, _ = create_message(
            self, from_id, to_id, text, markup_from_buttons(buttons), game=_game_name(buttons)
        )
        return msg.id

    def add_inline_message(
        self, bot_id: int, from_id: int, to_id: int, text: str, buttons: Sequence[Any] | Any = None
    ) -> InlineMessage:
        """A message ``from_id`` -> ``to_id`` sent via ``bot_id`` in inline mode."""
        if not self._account(bot_id).bot:
            raise ValueError(f"{bot_id} is not a bot")
        self._account(from_id)
        self._account(to_id)
        inline_id = int.from_bytes(os.urandom(8), "little", signed=True)
        access_hash = int.from_bytes(os.urandom(8), "little", signed=True)
        msg, _ = create_message(
            self,
            from_id,
            to_id,
            text,
            markup_from_buttons(buttons),
            via_bot_id=bot_id,
            inline=(inline_id, access_hash),
            game=_game_name(buttons),
        )
        return InlineMessage(msg.id, self.dc_id, inline_id, access_hash)

    def edit_message(
        self, msg_id: int, text: str | None = None, buttons: Sequence[Any] | Any = None
    ) -> None:
        msg = self.store.messages[msg_id]
        edit_message(self, msg, text, markup_from_buttons(buttons))

    def get_message(self, msg_id: int) -> StoredMessage | None:
        return self.store.messages.get(msg_id)

    # ------------------------------------------------------------------ fault injection

    def drop_connections(self) -> int:
        """Closes every connection now; returns how many."""
        conns = list(self._connections)
        for conn in conns:
            conn.close()
        return len(conns)

    def forget_sessions(self) -> None:
        """Forgets every MTProto session (clients get ``new_session_created``)."""
        self._sessions.clear()
        self._by_user = None
        self.answers.clear()

    def rotate_salt(self, *, keep_old: bool = False) -> int:
        """A new server salt; without ``keep_old`` the next message gets ``bad_server_salt``."""
        salt = int.from_bytes(os.urandom(8), "little", signed=True)
        self.store.set_salt(salt)
        for ss in self._sessions.values():
            ss.set_salt(salt, keep_old=keep_old)
        return salt

    def delay_next_response(self, seconds: float, method: str | None = None) -> None:
        self.faults.delay(seconds, method)

    def withhold(self, method: str | None = None, count: int = 1) -> None:
        self.faults.withhold(method, count)

    def inject_error(self, method: str, code: int, message: str, count: int = 1) -> None:
        """The next ``count`` calls of ``method`` (e.g. ``"help.getConfig"``, wrappers
        stripped) are answered ``rpc_error(code, message)`` without running, e.g.
        ``dc.inject_error("auth.sendCode", 303, "PHONE_MIGRATE_4")`` or
        ``(..., 420, "FLOOD_WAIT_1")``."""
        self.faults.inject_error(method, code, message, count)

    # ------------------------------------------------------------------------ other DCs

    def add_peer_dc(self, dc_id: int, host: str, port: int) -> None:
        """Names another DC in ``help.getConfig``'s ``dc_options`` (for migrations)."""
        if dc_id == self.dc_id:
            raise ValueError(f"DC {dc_id} is this DC")
        self.peers[dc_id] = (host, int(port))


def _game_name(buttons: Any) -> str | None:
    if buttons is None or not isinstance(buttons, (list, tuple)):
        return None
    from .model import Button

    flat = [b for row in buttons for b in (row if isinstance(row, (list, tuple)) else [row])]
    for b in flat:
        if isinstance(b, Button) and b.kind == "game":
            return b.short_name
    return None
