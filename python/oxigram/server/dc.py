"""``LocalDC``: a local DC, or a cluster of them (an engine per DC id over one state), and
the test API
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
from collections.abc import Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any

from .. import crypto
from ..errors import InvalidInputError
from ..mtproto.rsa_keys import RsaPrivateKey, RsaPublicKey, generate_rsa_key, public_key_to_pem
from . import srp
from .business import BusinessConnection
from .callbacks import DEFAULT_ANSWER_TIMEOUT, CallbackHub
from .delivery import Delivery, DeliveryMode
from .engine import MAX_FRAME, Engine
from .ephemeral import EphemeralRecord
from .limits import ConnectionLimits
from .messaging import create_ephemeral, create_message, edit_message
from .model import (
    Account,
    Bot,
    Button,
    InlineMessage,
    StoredFile,
    StoredMessage,
    User,
    markup_from_buttons,
)
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


def _check_ttl(seconds: float) -> float:
    if not (math.isfinite(seconds) and seconds > 0):
        raise InvalidInputError(f"export_ttl must be more than 0 seconds, not {seconds}")
    return seconds


def _rand64() -> int:
    return int.from_bytes(os.urandom(8), "little", signed=True)


def _check_port(port: int) -> int:
    if not 0 <= port <= 65535:
        raise InvalidInputError(f"a port is 0 to 65535, not {port}")
    return port


class LocalDC:
    """An MTProto 2.0 server on ``host:port`` (port 0: any free port), DC ``dc_id`` (2).

    ``dcs``: the DC ids of a cluster run in this process (e.g. ``(1, 2, 3, 4, 5)``), each an
    :class:`Engine` on its own port (``ports``: by DC id; the first DC ``dc_id`` listens on
    ``port``, the others on any free port unless named) with its own auth keys and salt,
    all sharing accounts, messages and updates; ``help.getConfig`` lists them all. Each
    account of a cluster has a home DC (``add_bot`` / ``add_user``: ``dc_id``, default the
    first DC): logins elsewhere get ``PHONE_MIGRATE_X`` / ``USER_MIGRATE_X``, other DCs
    serve it through ``auth.exportAuthorization`` / ``importAuthorization`` (single-use
    bytes expiring after ``export_ttl`` seconds). Without ``dcs`` it is one DC whose
    accounts have no home (any engine over its state serves them, as before clusters).

    ``peers`` maps other DC ids to their ``(host, port)``; ``help.getConfig`` lists them
    (clients follow ``*_MIGRATE_X`` there). ``test_mode``: behave as one of Telegram's test
    servers (a handshake must name DC ``10000 + id``; the other mode gets transport error
    -444, as on Telegram). ``limits``: deadlines and caps of the connections of each DC's
    listener (idle and slow ones, how many, buffered bytes;
    :class:`~oxigram.server.ConnectionLimits`), every DC of a cluster counting towards one
    descriptor budget. ``delivery``: which sessions of a bot get each update, ``"all"``
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
        answer_timeout: float = DEFAULT_ANSWER_TIMEOUT,
        rsa_key: RsaPrivateKey | None = None,
        max_frame: int = MAX_FRAME,
        dc_id: int | None = None,
        dcs: Iterable[int] | None = None,
        ports: Mapping[int, int] | None = None,
        peers: Mapping[int, tuple[str, int]] | None = None,
        test_mode: bool = False,
        export_ttl: float = 60.0,
        limits: ConnectionLimits | None = None,
        delivery: DeliveryMode | str = DeliveryMode.ALL,
        delivery_seed: int | None = None,
    ) -> None:
        ids = sorted(set(dcs)) if dcs is not None else [dc_id if dc_id is not None else 2]
        if not ids:
            raise InvalidInputError("a cluster needs at least one DC id")
        for each in [*ids, *([dc_id] if dc_id is not None else [])]:
            if each < 1:
                raise InvalidInputError(f"a DC id is 1 or more, not {each}")
        first = dc_id if dc_id is not None else (2 if 2 in ids else ids[0])
        if first not in ids:
            raise InvalidInputError(f"dc_id {first} is not one of the cluster's DCs {ids}")
        if max_frame < 1:
            raise InvalidInputError(f"max_frame must be at least 1 byte, not {max_frame}")
        wanted = dict(ports or {})
        for other in wanted:
            if other not in ids:
                raise InvalidInputError(f"ports names DC {other}, not one of {ids}")
        wanted[first] = port
        try:
            mode = DeliveryMode(delivery)
        except ValueError:
            choices = ", ".join(m.value for m in DeliveryMode)
            raise InvalidInputError(f"delivery is one of {choices}, not {delivery!r}") from None
        store = Store(db, dc_id=first)
        self.state = State(
            store,
            answer_timeout=_check_timeout(answer_timeout),
            delivery=Delivery(mode, delivery_seed),
        )
        self.state.exports.ttl = _check_ttl(export_ttl)
        key = rsa_key if rsa_key is not None else default_rsa_key()
        #: The engines of the cluster by DC id (one for a one-DC LocalDC).
        self.engines: dict[int, Engine] = {
            each: Engine(
                self.state,
                dc_id=each,
                rsa_key=key,
                host=host,
                port=_check_port(wanted.get(each, 0)),
                keys=store.keys_for(each),
                max_frame=max_frame,
                test_mode=test_mode,
                limits=limits,
            )
            for each in ids
        }
        self.engine = self.engines[first]
        #: The home DC of new accounts (``None``: no home, a one-DC LocalDC).
        self.default_home: int | None = first if len(ids) > 1 else None
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
    def dc_ids(self) -> list[int]:
        """The cluster's DC ids, in order."""
        return list(self.engines)

    def engine_for(self, dc_id: int | None = None) -> Engine:
        """DC ``dc_id``'s engine (``None``: the first DC's)."""
        if dc_id is None:
            return self.engine
        engine = self.engines.get(dc_id)
        if engine is None:
            raise InvalidInputError(f"DC {dc_id} is not one of this cluster's {self.dc_ids}")
        return engine

    def address(self, dc_id: int | None = None) -> tuple[str, int]:
        """Where DC ``dc_id`` listens (the bound port once started)."""
        engine = self.engine_for(dc_id)
        return engine.host, engine.port

    @property
    def addresses(self) -> dict[int, tuple[str, int]]:
        """Every DC of the cluster: ``{dc_id: (host, port)}``."""
        return {each: (e.host, e.port) for each, e in self.engines.items()}

    @property
    def test_mode(self) -> bool:
        return self.engine.test_mode

    @property
    def handshake_dc_ids(self) -> Counter[int]:
        """How many handshakes named each DC id (``10000 + id`` from a test-mode client),
        over every DC of the cluster."""
        if len(self.engines) == 1:
            return self.engine.handshake_dc_ids
        total: Counter[int] = Counter()
        for engine in self.engines.values():
            total.update(engine.handshake_dc_ids)
        return total

    @property
    def limits(self) -> ConnectionLimits:
        """Deadlines and caps of the connections of each DC's listener."""
        return self.engine.limits

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
        try:
            for engine in self.engines.values():
                await engine.start()
        except BaseException:
            await self.stop()
            raise
        # Ports are known now (0: a free one): each DC names the others in help.getConfig.
        for engine in self.engines.values():
            for other in self.engines.values():
                if other is not engine:
                    engine.peers[other.dc_id] = (other.host, other.port)

    async def stop(self) -> None:
        for engine in self.engines.values():
            await engine.stop()
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
        """Open connections, on every DC of the cluster."""
        return sum(engine.connections for engine in self.engines.values())

    @property
    def export_ttl(self) -> float:
        """Seconds an exported authorization stays importable (may be changed)."""
        return self.state.exports.ttl

    @export_ttl.setter
    def export_ttl(self, seconds: float) -> None:
        self.state.exports.ttl = _check_ttl(seconds)

    # ---------------------------------------------------------------------- test API

    @property
    def users(self) -> list[User]:
        return [a.public() for a in self.store.accounts.values() if not a.bot]  # type: ignore[misc]

    @property
    def bots(self) -> list[Bot]:
        return [a.public() for a in self.store.accounts.values() if a.bot]  # type: ignore[misc]

    def _home(self, dc_id: int | None) -> int | None:
        if dc_id is None:
            return self.default_home
        return self.engine_for(dc_id).dc_id

    def add_bot(self, username: str, token: str | None = None, *, dc_id: int | None = None) -> Bot:
        """A bot living on DC ``dc_id`` (default: the first DC of a cluster)."""
        home = self._home(dc_id)
        name = username.lstrip("@")
        if not name:
            raise InvalidInputError("a bot needs a username")
        if token is not None and not token:
            raise InvalidInputError("a bot token cannot be empty")
        uid, access_hash = self.store.new_account_id()
        if token is None:
            alphabet = string.ascii_letters + string.digits
            token = f"{uid}:" + "".join(secrets.choice(alphabet) for _ in range(32))
        account = Account(
            uid, access_hash, name, bot=True, username=name, token=token, home_dc=home
        )
        self.store.add_account(account)
        return Bot(uid, name, token, access_hash)

    def add_user(
        self,
        phone: str,
        first_name: str,
        password: str | None = None,
        username: str | None = None,
        *,
        dc_id: int | None = None,
    ) -> User:
        """A user living on DC ``dc_id`` (default: the first DC of a cluster)."""
        home = self._home(dc_id)
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
            home_dc=home,
        )
        self.store.add_account(account)
        public = account.public()
        assert isinstance(public, User)
        return public

    def import_auth_key(
        self, auth_key: bytes, user_id: int | None = None, *, dc_id: int | None = None
    ) -> bytes:
        """Registers an auth key made elsewhere (tests skip the handshake this way) on DC
        ``dc_id`` (default: the first), logged in as ``user_id`` when given; returns its
        auth_key_id."""
        engine = self.engine_for(dc_id)
        key = bytes(auth_key)
        key_id = crypto.auth_key_id(key)  # InvalidInputError unless 256 bytes
        if user_id is not None:
            self._account(user_id)
        record = engine.keys.add(key, key_id)
        if user_id is not None:
            engine.bind_key(record, user_id)
        return key_id

    def home_dc(self, user_id: int) -> int | None:
        """The DC the account lives on (``None``: any DC, a one-DC LocalDC)."""
        return self._account(user_id).home_dc

    def move_account(self, user_id: int, dc_id: int) -> None:
        """Moves the account to DC ``dc_id``, as Telegram sometimes does: its keys logged in
        on the old home DC now get ``USER_MIGRATE_<dc_id>``."""
        self.store.move_account(self._account(user_id), self.engine_for(dc_id).dc_id)

    def add_file(
        self,
        data: bytes,
        *,
        dc_id: int | None = None,
        mime_type: str = "application/octet-stream",
    ) -> StoredFile:
        """A document of ``data`` kept on DC ``dc_id`` (default: the first): ``upload.getFile``
        with its ``input_location`` serves it there, in parts, and other DCs answer
        ``FILE_MIGRATE_<dc_id>``. Kept in memory only."""
        home = self.engine_for(dc_id).dc_id
        file_id, access_hash = _rand64(), _rand64()
        while file_id in self.store.files:
            file_id = _rand64()
        stored = StoredFile(file_id, access_hash, home, bytes(data), mime_type, os.urandom(8))
        self.store.files[file_id] = stored
        return stored

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
        self,
        bot_id: int,
        from_id: int,
        to_id: int,
        text: str,
        buttons: Sequence[Any] | Any = None,
        *,
        dc_id: int | None = None,
    ) -> InlineMessage:
        """A message ``from_id`` -> ``to_id`` sent via ``bot_id`` in inline mode, living on
        DC ``dc_id`` (default: the first): its ``inputBotInlineMessageID`` names that DC,
        and only that DC edits it."""
        inline_dc = self.engine_for(dc_id).dc_id
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
            inline_dc=inline_dc,
            game=_game(buttons),
        )
        return InlineMessage(msg.id, inline_dc, inline_id, access_hash)

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

    # ------------------------------------------- business connections, ephemeral messages

    def add_business_connection(self, bot_id: int, user_id: int) -> BusinessConnection:
        """Connects bot ``bot_id`` to the business account ``user_id`` (as the user's
        ``account.updateConnectedBot`` would); the bot then acts for the user through
        ``invokeWithBusinessConnection(connection_id, ...)``. Connecting the pair again
        makes a new connection id."""
        if not self._account(bot_id).bot:
            raise InvalidInputError(f"account {bot_id} is not a bot")
        if self._account(user_id).bot:
            raise InvalidInputError(f"account {user_id} is a bot, not a business account")
        home = self.home_dc(user_id)
        return self.state.business.add(bot_id, user_id, home if home is not None else self.dc_id)

    def send_business_message(
        self, connection_id: str, to_id: int, text: str, buttons: Sequence[Any] | Any = None
    ) -> int:
        """A message the connection's bot sends for its business account to ``to_id`` (as
        ``invokeWithBusinessConnection(messages.sendMessage)`` would); returns its id."""
        conn = self.state.business.get(connection_id)
        if conn is None:
            raise InvalidInputError(f"no business connection {connection_id!r}")
        self._account(to_id)
        markup = markup_from_buttons(buttons)
        msg, _ = create_message(
            self.state, conn.user_id, to_id, text, markup, via_business_bot_id=conn.bot_id
        )
        return msg.id

    def send_ephemeral_message(
        self, bot_id: int, receiver_id: int, text: str, buttons: Sequence[Any] | Any = None
    ) -> int:
        """An ephemeral message of ``bot_id`` that only ``receiver_id`` sees (pushed as
        ``updateNewEphemeralMessage``); returns its id."""
        if not self._account(bot_id).bot:
            raise InvalidInputError(f"account {bot_id} is not a bot")
        if self._account(receiver_id).bot:
            raise InvalidInputError(f"account {receiver_id} is a bot, not a user")
        rec, _ = create_ephemeral(
            self.state, bot_id, receiver_id, text, markup_from_buttons(buttons)
        )
        return rec.id

    def get_ephemeral_message(self, msg_id: int) -> EphemeralRecord | None:
        return self.state.ephemeral.get(msg_id)

    # ------------------------------------------------------------------ fault injection

    def drop_connections(self, dc_id: int | None = None) -> int:
        """Closes every connection now (of DC ``dc_id`` only, when given); returns how many."""
        engines = self.engines.values() if dc_id is None else [self.engine_for(dc_id)]
        return sum(engine.drop_connections() for engine in engines)

    def forget_sessions(self) -> None:
        """Forgets every MTProto session (clients get ``new_session_created``)."""
        for engine in self.engines.values():
            engine.sessions.clear()

    def rotate_salt(self, *, keep_old: bool = False, dc_id: int | None = None) -> int:
        """A new server salt of DC ``dc_id`` (default: the first); without ``keep_old`` the
        next message gets ``bad_server_salt``."""
        return self.engine_for(dc_id).rotate_salt(keep_old=keep_old)

    def delay_next_response(
        self, seconds: float, method: str | None = None, *, dc_id: int | None = None
    ) -> None:
        self.engine_for(dc_id).faults.delay(seconds, method)

    def withhold(
        self, method: str | None = None, count: int = 1, *, dc_id: int | None = None
    ) -> None:
        self.engine_for(dc_id).faults.withhold(method, count)

    def inject_error(
        self, method: str, code: int, message: str, count: int = 1, *, dc_id: int | None = None
    ) -> None:
        """The next ``count`` calls of ``method`` (e.g. ``"help.getConfig"``, wrappers
        stripped) are answered ``rpc_error(code, message)`` without running, e.g.
        ``dc.inject_error("auth.sendCode", 303, "PHONE_MIGRATE_4")`` or
        ``(..., 420, "FLOOD_WAIT_1")``; ``dc_id``: on that DC of a cluster (default: the
        first), e.g. ``NETWORK_MIGRATE_X`` for a DC that sends its clients elsewhere."""
        self.engine_for(dc_id).faults.inject_error(method, code, message, count)

    def inject_result(self, method: str, data: bytes, count: int = 1) -> None:
        """The next ``count`` calls of ``method`` (wrappers stripped) are answered with
        ``data``, a serialized result, without running: e.g. an ``updates.difference``
        holding a constructor of no layer, for ``"updates.getDifference"``."""
        self.engine.faults.inject_result(method, data, count)

    def clear_faults(self) -> None:
        """Forgets every delay, withheld answer and injected error or result not yet used."""
        for engine in self.engines.values():
            engine.faults.clear()

    # ------------------------------------------------------------------------ other DCs

    def add_peer_dc(self, dc_id: int, host: str, port: int) -> None:
        """Names another DC in ``help.getConfig``'s ``dc_options`` (for migrations)."""
        if dc_id in self.engines:
            raise InvalidInputError(
                f"DC {dc_id} is this DC"
                if dc_id == self.dc_id
                else f"DC {dc_id} is one of this cluster's"
            )
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
