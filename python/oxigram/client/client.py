"""The client: ``Client(session, api_id, api_hash)``.

It connects to Telegram (home DC 2 until the session or a migration says otherwise;
``test_mode=True``: Telegram's test DCs), or wherever ``server=(host, port)`` and
``rsa_keys=[...]`` point (a local DC). Addresses come from the session once
``help.getConfig`` has named them, else from a :class:`~.dc_table.DcTable` (``dc_table=``,
default Telegram's). ``async with client:`` connects (creating the auth key if the session has
none);
``await client.invoke(obj)`` sends any TL function; ``client.<ns>.<method>(**kwargs)`` builds
the function of the loaded schema by name (MadelineProto style: ``client.messages.
getBotCallbackAnswer(peer="@bot", msg_id=1)``), converting peer arguments (see
:mod:`.peers`). ``login_bot`` / ``login_user`` log in; ``on_update`` registers handlers.

``Client`` implements :class:`~.port.ClientPort` (what features may use of it) and exposes
each feature module (``callbacks``, ``pressing``, ``messages``) through thin methods that pass
``self``: the rule is in the package docstring (``oxigram.client``).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import platform
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from .. import crypto, tl
from ..errors import (
    AuthKeyUnregisteredError,
    FileMigrateError,
    InvalidInputError,
    LoginError,
    NetworkMigrateError,
    NotConnectedError,
    OxigramError,
    PeerNotFoundError,
    PhoneMigrateError,
    SeeOtherError,
    SessionExpiredError,
    SessionPasswordNeededError,
    SessionRevokedError,
    UndecodableResultError,
    UserMigrateError,
    UsernameInvalidError,
    UsernameNotOccupiedError,
)
from ..mtproto.events import UndecodableUpdate
from ..mtproto.rsa_keys import RsaPublicKey, public_key_from_pem
from ..mtproto.telegram_dcs import DEFAULT_DC_ID
from ..mtproto.transports import TransportKind
from ..network.sender import AuthState, Sender, SenderConfig
from ..tl import types
from .callback_data import CallbackData, CallbackDataFilter
from .callback_stats import CallbackStats
from .callbacks import CallbackConfig, CallbackHandler, CallbackRouter, Predicate
from .dc_table import DcTable, config_addresses, find_address, telegram_table
from .dcs import DcSenders, dc_key_after_auth
from .files import download_file
from .messages import get_message, send_message
from .peers import PeerResolver
from .pressing import CallbackAnswer, Message, request_callback_answer
from .storage import DcInfo, DcKey, MemorySession, SessionStorage, SQLiteSession, UpdateState
from .tlobjects import UPDATES_TYPE, Builders, is_updates, isa
from .update_state import UpdateMachine
from .update_stats import UpdateStats
from .updates import Handler, UpdateDispatcher

__all__ = ["Client"]

log = logging.getLogger(__name__)

Value = Any  # a value, or a (sync or async) callable returning it


async def _value(v: Value, *args: Any) -> Any:
    if callable(v):
        v = v(*args)
    if inspect.isawaitable(v):
        v = await v
    return v


class _Namespace:
    """``client.messages``: attribute access builds calls to ``messages.*`` functions."""

    def __init__(self, client: Client, ns: str) -> None:
        self._client = client
        self._ns = ns

    def __getattr__(self, method: str) -> Callable[..., Awaitable[Any]]:
        name = f"{self._ns}.{method}"
        if name not in self._client.schema or not self._client.schema[name]._tl_is_function:
            raise AttributeError(f"the loaded schema has no function {name}")
        return self._client._method(name)

    def __dir__(self) -> Iterable[str]:
        prefix = self._ns + "."
        return [
            n[len(prefix) :]
            for n in self._client.schema.names()
            if n.startswith(prefix) and self._client.schema[n]._tl_is_function
        ]


def _load_keys(keys: Iterable[RsaPublicKey | str | bytes]) -> list[RsaPublicKey]:
    out: list[RsaPublicKey] = []
    for k in keys:
        out.append(k if isinstance(k, RsaPublicKey) else public_key_from_pem(k))
    return out


class Client:
    """An MTProto client for one account on one DC.

    ``session``: a path (SQLite file), a :class:`SessionStorage`, or ``None`` (memory).
    Where it connects: the session's DC when it has one, else DC ``dc_id`` (2); at the
    address ``help.getConfig`` last named for it (kept in the session), else the one in
    ``dc_table`` (default: Telegram's built-in table, :func:`~.dc_table.telegram_table`).
    ``test_mode``: Telegram's test servers (their table and key, and the handshake's DC id
    offset they require). ``server``: ``(host, port)`` of the home DC instead (a local DC);
    ``rsa_keys``: the public keys to trust instead of the table's (``RsaPublicKey`` or PEM,
    PKCS#1 or SubjectPublicKeyInfo). ``use_ipv6``: dial IPv6 addresses when known.
    ``transport``: abridged, intermediate, padded_intermediate, full or obfuscated2.
    ``schema``: a loaded schema (default: the shipped layer). ``max_concurrent_updates``
    bounds running handlers. ``device_model``, ``system_version``, ``app_version``,
    ``lang_code``, ``system_lang_code`` (default: ``lang_code``) and ``lang_pack`` go into
    ``initConnection`` (Telegram shows the first three in the account's list of sessions).
    ``dc_idle_timeout``: seconds after which an unused connection to a DC other than home
    is closed (``None``: never); its key stays in the session. ``receive_updates=False``: a
    session that only sends requests (a scale-out worker): every request, on the home DC
    too, goes in ``invokeWithoutUpdates``, so the server never gives it the account's
    updates, and none are fetched.
    """

    def __init__(
        self,
        session: str | os.PathLike[str] | SessionStorage | None,
        api_id: int,
        api_hash: str,
        *,
        server: tuple[str, int] | None = None,
        rsa_keys: Iterable[RsaPublicKey | str | bytes] = (),
        test_mode: bool = False,
        dc_table: DcTable | None = None,
        use_ipv6: bool = False,
        transport: TransportKind | str = TransportKind.INTERMEDIATE,
        schema: tl.Schema | None = None,
        dc_id: int = DEFAULT_DC_ID,
        config: SenderConfig | None = None,
        flood_sleep_threshold: float | None = None,
        request_timeout: float | None = None,
        max_concurrent_updates: int = 16,
        gap_timeout: float = 0.5,
        device_model: str | None = None,
        system_version: str | None = None,
        app_version: str = "oxigram",
        lang_code: str = "en",
        system_lang_code: str | None = None,
        lang_pack: str = "",
        dc_idle_timeout: float | None = 300.0,
        receive_updates: bool = True,
    ) -> None:
        self._session_arg = session
        self.storage: SessionStorage | None = (
            session if isinstance(session, SessionStorage) else None
        )
        self.api_id = api_id
        self.api_hash = api_hash
        self.test_mode = bool(test_mode)
        self.dc_table = dc_table if dc_table is not None else telegram_table(test=self.test_mode)
        self.use_ipv6 = use_ipv6
        self._pinned = server  # server=: the home DC's address, whatever the session says
        self.server = server  # the address in use
        self.rsa_keys = _load_keys(rsa_keys) or list(self.dc_table.rsa_keys)
        self.schema = schema if schema is not None else tl.schema
        self._make = Builders(self.schema)
        self.dc_id = dc_id
        self.config = config or SenderConfig()
        self.config.transport = transport
        if flood_sleep_threshold is not None:
            self.config.flood_sleep_threshold = flood_sleep_threshold
        if request_timeout is not None:
            self.config.request_timeout = request_timeout
        self._init_fields: dict[str, Any] = {
            "api_id": api_id,
            "device_model": device_model or platform.machine() or "unknown",
            "system_version": system_version or platform.system() or "unknown",
            "app_version": app_version,
            "system_lang_code": system_lang_code if system_lang_code is not None else lang_code,
            "lang_pack": lang_pack,
            "lang_code": lang_code,
        }
        self.receive_updates = receive_updates
        self._max_concurrent = max_concurrent_updates
        self._gap_timeout = gap_timeout
        self.sender: Sender | None = None
        self._handlers: list[Handler] = []
        self._migration_lock = asyncio.Lock()
        self.updates_dispatcher: UpdateDispatcher | None = None
        #: Counters of the update stream (applied, undecodable, skipped, ...), kept across
        #: connections.
        self.update_stats = UpdateStats()
        self.peers: PeerResolver | None = None
        self._callbacks: CallbackRouter | None = None  # bot side, made on first use
        #: The connections to the DCs other than home (``invoke(..., dc_id=N)``).
        self.dcs = DcSenders(self, lambda: self.storage, idle_timeout=dc_idle_timeout)

    # ================================================================== life cycle

    async def __aenter__(self) -> Client:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def connect(self) -> None:
        if self.sender is not None:
            return
        if self.storage is None or self.storage.closed:
            arg = self._session_arg
            self.storage = (
                MemorySession()
                if arg is None or isinstance(arg, SessionStorage)
                else SQLiteSession(arg)
            )
        storage = self.storage
        self.dc_id, self.server = self._home(storage.dc)
        host, port = self.server
        dc = storage.dc
        if dc is None or (dc.dc_id, dc.host, dc.port) != (self.dc_id, host, port):
            key = dc.auth_key if dc is not None else None
            storage.set_dc(DcInfo(self.dc_id, host, port, key, dc.salt if dc else 0))
            dc = storage.dc
        assert dc is not None
        auth = AuthState(dc.auth_key, dc.salt, dc.time_offset) if dc.auth_key else None
        self.peers = PeerResolver(storage, self._resolve_username, schema=self.schema)
        machine = UpdateMachine(storage.update_state, schema=self.schema, stats=self.update_stats)
        dispatcher = UpdateDispatcher(
            machine,
            storage,
            self.invoke,
            remember=self.peers.remember,
            input_channel=self._input_channel,
            max_concurrent=self._max_concurrent,
            gap_timeout=self._gap_timeout,
        )
        dispatcher.handlers = self._handlers
        self.updates_dispatcher = dispatcher
        sender = self._new_sender(host, port, auth)
        await sender.connect()
        self.sender = sender
        if storage.dc_addresses_expire <= time.time():
            await self._refresh_dc_addresses()
        if storage.self_user is not None:
            await self._resume_login()

    async def _resume_login(self) -> None:
        """Starts updates for the stored login, or drops a login the server no longer
        knows (a DC restarted without its state: it answers -404 to the old key and the
        sender makes a new one, which is not logged in; or the key was logged out): one
        warning, and ``login_bot`` / ``login_user`` then run as on a new session."""
        d, storage, sender = self.updates_dispatcher, self.storage, self.sender
        assert d is not None and storage is not None and sender is not None
        stored = storage.dc.auth_key if storage.dc is not None else None
        try:
            if d.machine.state is not None or not self.receive_updates:
                # else _start_updates' getState checks it
                await self.invoke(self.make.updates_get_state())
            await self._start_updates()
        except (AuthKeyUnregisteredError, SessionRevokedError, SessionExpiredError) as exc:
            log.warning(
                "DC %d no longer knows this session's login (%s): continuing with a new "
                "auth key, log in again",
                self.dc_id,
                exc.NAME,
            )
            d.machine.state = None  # the new login fetches its own
            storage.forget_auth_key()
            if sender.auth is not None and sender.auth.auth_key != stored:
                self._on_auth(sender.auth)  # the key the sender made after the -404
                return
            self.sender = None  # the server still has this key: replace it
            await sender.close()
            assert self.server is not None
            new = self._new_sender(*self.server, None)
            await new.connect()
            self.sender = new

    def _home(self, dc: DcInfo | None) -> tuple[int, tuple[str, int]]:
        """The DC to connect to and its address. The session's DC, if it has one, unless
        ``server=`` names the address (then only a session that moved to another DC at
        login keeps that DC); else ``dc_id``."""
        pinned = self._pinned
        if dc is not None and (pinned is None or (dc.auth_key and dc.dc_id != self.dc_id)):
            assert self.storage is not None
            known = find_address(self.storage.dc_addresses, dc.dc_id, ipv6=self.use_ipv6)
            return dc.dc_id, known or (dc.host, dc.port)
        if pinned is not None:
            return self.dc_id, pinned
        address = self._address(self.dc_id)
        if address is None:
            raise InvalidInputError(f"no address known for DC {self.dc_id}: pass server=")
        return self.dc_id, address

    def _address(self, dc_id: int) -> tuple[str, int] | None:
        """DC ``dc_id``'s address as the session last heard it, else from the table (only
        while the session has heard none: a DC the server does not name is none of ours)."""
        known = self.storage.dc_addresses if self.storage is not None else ()
        if known:
            return find_address(known, dc_id, ipv6=self.use_ipv6)
        return self.dc_table.address(dc_id, ipv6=self.use_ipv6)

    async def _refresh_dc_addresses(self) -> None:
        """``help.getConfig`` once, so the session learns the DCs' live addresses (kept by
        ``_after_result``); a failure leaves the known ones (the connection works)."""
        try:
            await self.invoke(self.make.help_get_config(), timeout=self.config.connect_timeout)
        except OxigramError as exc:
            log.warning("help.getConfig failed (%r): keeping the known DC addresses", exc)

    def _keep_dc_addresses(self, config: types.Config) -> None:
        addresses = config_addresses(config.dc_options)
        if addresses and self.storage is not None and not self.storage.closed:
            self.storage.set_dc_addresses(addresses, int(config.expires))

    async def close(self) -> None:
        if self._callbacks is not None:
            await self._callbacks.stop()
        if self.updates_dispatcher is not None:
            await self.updates_dispatcher.stop()
        await self.dcs.close()
        if self.sender is not None:
            await self.sender.close()
            self.sender = None
        if self.storage is not None and not isinstance(self._session_arg, SessionStorage):
            self.storage.close()

    def _new_sender(self, host: str, port: int, auth: AuthState | None) -> Sender:
        """The home DC's sender: the same as any DC's, taking the account's updates unless
        ``receive_updates=False``."""
        return self.new_dc_sender(self.dc_id, host, port, auth, updates=self.receive_updates)

    def new_dc_sender(
        self, dc_id: int, host: str, port: int, auth: AuthState | None, *, updates: bool = False
    ) -> Sender:
        """A sender to DC ``dc_id``: its updates reach the handlers, and its keys go to the
        session as home's, only while ``dc_id`` is home (another DC's sender, for
        ``DcSenders``, becomes home by a migration; ``updates=False`` until then:
        ``_move_home`` turns it on)."""

        def on_update(obj: Any) -> None:
            if self.dc_id == dc_id:
                self._on_update(obj)

        def on_new_session() -> None:
            d = self.updates_dispatcher
            if self.dc_id == dc_id and d is not None:
                d.request_difference()

        def on_undecodable(event: UndecodableUpdate) -> None:
            if self.dc_id == dc_id:
                self._on_undecodable(event)

        return Sender(
            host,
            port,
            rsa_keys=self.rsa_keys,
            dc_id=dc_id,
            test_mode=self.test_mode,
            auth=auth,
            schema=self.schema,
            wrap_first=self._wrap_first,
            config=self.config,
            on_update=on_update,
            on_new_session=on_new_session,
            on_auth=lambda auth: self._on_dc_auth(dc_id, auth),
            on_undecodable=on_undecodable,
            updates=updates,
        )

    def _on_dc_auth(self, dc_id: int, auth: AuthState | None) -> None:
        if dc_id == self.dc_id:
            self._on_auth(auth)
            return
        storage = self.storage
        if storage is None or storage.closed:
            return
        if auth is None:
            storage.forget_dc_key(dc_id)
        else:
            storage.set_dc_key(dc_key_after_auth(storage.dc_key(dc_id), dc_id, auth))

    async def dc_address(self, dc_id: int) -> tuple[str, int] | None:
        """DC ``dc_id``'s address as ``help.getConfig`` named it (asked again when the
        known ones have expired or do not name it)."""
        storage = self.storage
        address = self._address(dc_id)
        if storage is not None and (address is None or storage.dc_addresses_expire <= time.time()):
            await self._refresh_dc_addresses()
            address = self._address(dc_id) or address
        return address

    def _wrap_first(self, body: Any) -> Any:
        make = self.make
        init = make.init_connection(**self._init_fields, query=body)
        return make.invoke_with_layer(layer=self.schema.layer, query=init)

    def _on_auth(self, auth: AuthState | None) -> None:
        storage = self.storage
        if storage is None or storage.closed or self.server is None:
            return
        if auth is None:
            storage.forget_auth_key()
            return
        host, port = self.server
        storage.set_dc(DcInfo(self.dc_id, host, port, auth.auth_key, auth.salt, auth.time_offset))

    def _on_update(self, obj: Any) -> None:
        if self._callbacks is not None:  # callback queries skip the update queue
            self._callbacks.on_raw(obj)
        d = self.updates_dispatcher
        if d is not None and d.enabled:
            d.push(obj)

    def _on_undecodable(self, event: UndecodableUpdate) -> None:
        d = self.updates_dispatcher
        if d is not None and d.enabled:
            d.push_undecodable(event)
        else:
            log.debug("updates not started: dropping an undecodable %s", event.container)

    async def _start_updates(self) -> None:
        d = self.updates_dispatcher
        assert d is not None
        if not self.receive_updates:
            return
        if d.machine.state is None:
            st = await self.invoke(self.make.updates_get_state())
            d.machine.set_state(UpdateState(st.pts, st.qts, st.date, st.seq))
        else:
            d.machine.need_difference = True  # catch up on what happened while away
        d.start()
        if d.machine.need_difference:
            d.request_difference()

    # ================================================================== calls

    def is_connected(self) -> bool:
        """True when :meth:`invoke` can send (connected, not closed, not between DCs)."""
        return self.sender is not None

    @property
    def make(self) -> Builders:
        """The typed builders of :attr:`schema` (:class:`~.tlobjects.Builders`): what the
        client and its features build every request with."""
        make = self._make
        if make.schema is not self.schema:  # the schema attribute was replaced
            make = self._make = Builders(self.schema)
        return make

    @property
    def request_timeout(self) -> float:
        """Seconds a request waits for its result when ``invoke`` gets no ``timeout``."""
        return self.config.request_timeout

    async def invoke(
        self,
        obj: Any,
        *,
        timeout: float | None = None,
        flood_sleep_threshold: float | None = None,
        dc_id: int | None = None,
    ) -> Any:
        """Sends a TL function object; returns its result (RPC errors raise). A FLOOD_WAIT
        up to ``flood_sleep_threshold`` seconds (default: the client's setting) is slept
        through and the call repeated; a longer one raises. ``dc_id``: send it to that DC
        (default: home), over a connection made, and authorized by export/import, on first
        use. ``FILE_MIGRATE_X`` repeats it on DC X; ``USER_MIGRATE_X`` /
        ``NETWORK_MIGRATE_X`` move the home to DC X (logged in there by export/import)
        and repeat it."""
        if self.sender is None:
            raise NotConnectedError("the client is not connected (use `async with client`)")
        if dc_id is not None and dc_id != self.dc_id:
            return await self._invoke_elsewhere(dc_id, obj, timeout, flood_sleep_threshold)
        try:
            result = await self.sender.invoke(
                obj, timeout=timeout, flood_sleep_threshold=flood_sleep_threshold
            )
        except UndecodableResultError:
            d = self.updates_dispatcher
            if getattr(obj, "_tl_type", None) == UPDATES_TYPE and d is not None:
                d.request_difference()  # the pts of the lost Updates: fetch them again
            raise
        except SeeOtherError as exc:
            if isinstance(exc, FileMigrateError) and exc.dc_id > 0 and exc.dc_id != self.dc_id:
                return await self._invoke_elsewhere(exc.dc_id, obj, timeout, flood_sleep_threshold)
            if self._may_move_home(exc):
                await self._move_home(exc.dc_id)
            elif self._may_migrate(exc):
                await self._migrate(exc)
            else:
                raise
            if self.sender is None:
                raise NotConnectedError("the client was closed during a DC migration") from exc
            result = await self.sender.invoke(
                obj, timeout=timeout, flood_sleep_threshold=flood_sleep_threshold
            )
        if result is not True:  # boolTrue (every callback answer): nothing to remember or push
            self._after_result(result)
        return result

    async def _invoke_elsewhere(
        self, dc_id: int, obj: Any, timeout: float | None, flood_sleep_threshold: float | None
    ) -> Any:
        """``obj`` on DC ``dc_id``, not home. ``FILE_MIGRATE_X`` there: on DC X;
        ``USER_MIGRATE_X`` / ``NETWORK_MIGRATE_X``: the home moves to DC X and it goes
        there (as TDLib does for a query to a DC other than its main one)."""
        try:
            result = await self.dcs.invoke(
                dc_id, obj, timeout=timeout, flood_sleep_threshold=flood_sleep_threshold
            )
        except SeeOtherError as exc:
            if isinstance(exc, FileMigrateError):
                if exc.dc_id <= 0 or exc.dc_id == dc_id:
                    raise
            elif self._may_move_home(exc):
                await self._move_home(exc.dc_id)
            else:
                raise
            return await self.invoke(
                obj, timeout=timeout, flood_sleep_threshold=flood_sleep_threshold, dc_id=exc.dc_id
            )
        if result is not True:
            self._after_result(result)
        return result

    async def download_file(
        self, location: Any, *, dc_id: int | None = None, part_size: int = 128 * 1024
    ) -> bytes:
        """The bytes of the file at ``location`` (an ``InputFileLocation``), by
        ``upload.getFile`` in parts of ``part_size`` bytes on DC ``dc_id`` (the file's DC,
        e.g. a ``Document``'s ``dc_id``; default: home, and ``FILE_MIGRATE_X`` moves the
        rest to DC X)."""
        return await download_file(self, location, dc_id=dc_id, part_size=part_size)

    # ================================================================== DC migration

    def _may_move_home(self, exc: SeeOtherError) -> bool:
        """USER_MIGRATE_X / NETWORK_MIGRATE_X of a logged-in session: the account's home is
        DC X now (TDLib moves its main DC on both)."""
        storage = self.storage
        return (
            isinstance(exc, (UserMigrateError, NetworkMigrateError))
            and exc.dc_id > 0
            and storage is not None
            and storage.self_user is not None
        )

    async def _move_home(self, target: int) -> None:
        """Makes DC ``target`` home, staying logged in: its connection is authorized by an
        export from the old home (``DcSenders``), then takes over the update stream (a
        ``getDifference`` there catches up); the old home's key is kept as an unauthorized
        key of that DC."""
        async with self._migration_lock:
            if target == self.dc_id:
                return  # a concurrent call moved us already
            storage, old = self.storage, self.sender
            assert storage is not None and old is not None
            new = await self.dcs.get(target)
            self.dcs.take(target)
            key = storage.dc_key(target)
            assert key is not None  # made by the new sender's handshake, or stored
            log.info("the account moved from DC %d to DC %d", self.dc_id, target)
            old_dc = self.dc_id
            self.dc_id, self.server = target, (new.host, new.port)
            storage.set_dc(
                DcInfo(target, new.host, new.port, key.auth_key, key.salt, key.time_offset)
            )
            storage.forget_dc_key(target)
            if old.auth is not None:
                storage.set_dc_key(
                    DcKey(old_dc, old.auth.auth_key, old.auth.salt, old.auth.time_offset)
                )
            new.updates = self.receive_updates  # its next request subscribes it
            self.sender = new
            await old.close()
            d = self.updates_dispatcher
            if d is not None and d.enabled:
                d.request_difference()  # the updates now come from the new home

    def _may_migrate(self, exc: SeeOtherError) -> bool:
        """Login-time migrations: PHONE/NETWORK/USER_MIGRATE_X before authorization (a new
        key on DC X; a logged-in session moves with ``_move_home`` instead)."""
        storage = self.storage
        return (
            isinstance(exc, (PhoneMigrateError, NetworkMigrateError, UserMigrateError))
            and exc.dc_id > 0
            and storage is not None
            and storage.self_user is None
        )

    async def _migrate(self, exc: SeeOtherError) -> None:
        """Moves to DC ``exc.dc_id`` at its address as ``help.getConfig`` names it: a new
        connection and a new auth key there; the session's home DC becomes it."""
        async with self._migration_lock:
            target = exc.dc_id
            if target == self.dc_id:
                return  # a concurrent call moved us already
            sender = self.sender
            assert sender is not None and self.storage is not None
            if self.storage.dc_addresses_expire <= time.time():
                self._keep_dc_addresses(await sender.invoke(self.make.help_get_config()))
            address = self._address(target)
            if address is None:
                raise exc
            log.info("moving from DC %d to DC %d at %s:%d", self.dc_id, target, *address)
            self.sender = None
            await sender.close()
            self.dc_id, self.server = target, address
            self.storage.set_dc(DcInfo(target, address[0], address[1]))
            new = self._new_sender(address[0], address[1], None)
            await new.connect()
            self.sender = new

    def _after_result(self, result: Any) -> None:
        users = getattr(result, "users", None)
        chats = getattr(result, "chats", None)
        if self.peers is not None and (users or chats):
            self.peers.remember(users or (), chats or ())
        user = getattr(result, "user", None)
        if self.peers is not None and isa(user, types.User):
            self.peers.remember([user], [])
        d = self.updates_dispatcher
        if is_updates(result) and d is not None and d.enabled:
            d.push(result)
        elif isa(result, types.Config):
            self._keep_dc_addresses(result)

    def _method(self, name: str) -> Callable[..., Awaitable[Any]]:
        cls = self.schema[name]

        async def call(_timeout: float | None = None, **kwargs: Any) -> Any:
            return await self.invoke(await self.build(name, **kwargs), timeout=_timeout)

        call.__name__ = name.rpartition(".")[2]
        call.__qualname__ = name
        call.__doc__ = f"Calls {name}({', '.join(cls._tl_fields)})."
        return call

    async def build(self, name: str, **kwargs: Any) -> Any:
        """The function object ``name`` with ``kwargs``, peers converted."""
        cls = self.schema[name]
        types = cls._tl_field_types
        for key, value in list(kwargs.items()):
            tl_type = types.get(key)
            if tl_type is None or value is None:
                continue
            kwargs[key] = await self._convert(tl_type, value)
        try:
            return cls(**kwargs)
        except TypeError as exc:
            raise TypeError(f"{name}: {exc}") from None

    async def _convert(self, tl_type: str, value: Any) -> Any:
        assert self.peers is not None
        if tl_type.startswith("Vector<") and isinstance(value, (list, tuple)):
            inner = tl_type[7:-1]
            return [await self.peers.convert(inner, v) for v in value]
        if isinstance(value, dict) and "_" in value:
            return self.schema.from_dict(value)
        return await self.peers.convert(tl_type, value)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        schema = self.__dict__.get("schema")
        if schema is not None:
            prefix = name + "."
            if any(n.startswith(prefix) for n in schema.names()):
                return _Namespace(self, name)
            if name in schema and schema[name]._tl_is_function:
                return self._method(name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # ================================================================== peers

    async def _resolve_username(self, username: str) -> Any:
        req = self.make.contacts_resolve_username(username=username)
        try:
            return await self.invoke(req)
        except (UsernameNotOccupiedError, UsernameInvalidError) as exc:
            raise PeerNotFoundError(f"no one is called @{username}") from exc

    def _input_channel(self, channel_id: int) -> Any | None:
        assert self.storage is not None
        ent = self.storage.entity(channel_id)
        if ent is None or ent.type != "channel":
            return None
        return self.make.input_channel(channel_id=channel_id, access_hash=ent.access_hash)

    async def get_input_peer(self, peer: Any) -> Any:
        """``peer`` as an InputPeer (see :mod:`oxigram.client.peers`)."""
        if self.peers is None:
            raise NotConnectedError("the client is not connected")
        return await self.peers.input_peer(peer)

    async def get_input_channel(self, peer: Any) -> Any:
        """``peer`` as an InputChannel (``PeerNotFoundError`` when it is no channel)."""
        if self.peers is None:
            raise NotConnectedError("the client is not connected")
        return await self.peers.convert("InputChannel", peer)

    def remember_entities(self, users: Iterable[Any], chats: Iterable[Any]) -> None:
        """Puts ``User`` and ``Chat`` objects in the session's entity cache, so their peers
        resolve later (nothing happens before ``connect``)."""
        if self.peers is not None:
            self.peers.remember(users, chats)

    # ================================================================== updates

    def on_update(self, handler: Handler) -> Handler:
        """Registers ``async def handler(update)`` for every applied update (usable as a
        decorator). Handlers run concurrently, at most ``max_concurrent_updates`` at once."""
        self._handlers.append(handler)
        return handler

    # ================================================================== login

    async def is_authorized(self) -> bool:
        return self.storage is not None and self.storage.self_user is not None

    async def login_bot(self, token: str) -> Any:
        """Logs in as a bot (``auth.importBotAuthorization``); returns the bot's ``User``."""
        auth = await self.invoke(
            self.make.auth_import_bot_authorization(
                flags=0, api_id=self.api_id, api_hash=self.api_hash, bot_auth_token=token
            )
        )
        return await self._logged_in(auth, bot=True)

    async def login_user(
        self, phone: str, code: Value, password: Value = None, *, timeout: float = 300.0
    ) -> Any:
        """Logs in a user: ``auth.sendCode``, then ``auth.signIn`` with ``code`` (a value or a
        callable, sync or async, called with the ``auth.SentCode``), and with 2FA
        ``account.getPassword`` + SRP (computed off the event loop) + ``auth.checkPassword``
        with ``password`` (value or callable). Returns the ``User``."""
        make = self.make
        sent = await self.invoke(
            make.auth_send_code(
                phone_number=phone,
                api_id=self.api_id,
                api_hash=self.api_hash,
                settings=make.code_settings(),
            )
        )
        if isa(sent, types.auth.SentCodeSuccess):
            return await self._logged_in(sent.authorization, bot=False)
        the_code = await asyncio.wait_for(_value(code, sent), timeout)
        try:
            auth = await self.invoke(
                make.auth_sign_in(
                    phone_number=phone,
                    phone_code_hash=sent.phone_code_hash,
                    phone_code=str(the_code),
                )
            )
        except SessionPasswordNeededError:
            if password is None:
                raise
            the_password = await asyncio.wait_for(_value(password), timeout)
            proof = await self.password_check(str(the_password))
            auth = await self.invoke(make.auth_check_password(password=proof))
        return await self._logged_in(auth, bot=False)

    async def password_check(self, password: str) -> Any:
        """``account.getPassword`` and the ``InputCheckPasswordSRP`` proof for ``password``
        (SRP computed in a worker thread)."""
        make = self.make
        pw = await self.invoke(make.account_get_password())
        algo = pw.current_algo
        if not pw.has_password or algo is None:
            return make.input_check_password_empty()
        if not isa(algo, types.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow):
            raise LoginError(f"unsupported password algorithm {algo!r}: update oxigram")
        A, M1 = await asyncio.to_thread(
            crypto.srp_answer, password, algo.salt1, algo.salt2, algo.g, algo.p, pw.srp_B
        )
        return make.input_check_password_srp(srp_id=pw.srp_id, A=A, M1=M1)

    async def _logged_in(self, auth: Any, *, bot: bool) -> Any:
        if not isa(auth, types.auth.Authorization):
            raise LoginError(f"login did not complete: {auth!r} (sign-up is not supported)")
        user = auth.user
        assert self.storage is not None
        self.storage.set_self(int(user.id), bool(getattr(user, "bot", bot)))
        log.info("logged in as %s (%d)", getattr(user, "username", None), user.id)
        d = self.updates_dispatcher
        if d is not None and not d.enabled:
            await self._start_updates()
        return user

    async def get_me(self) -> Any:
        make = self.make
        users = await self.invoke(make.users_get_users(id=[make.input_user_self()]))
        return users[0]

    # ================================================================== callback API
    # Thin methods over the feature modules callbacks.py, pressing.py and messages.py.

    @property
    def callbacks(self) -> CallbackRouter:
        """The bot-side router; ``client.callbacks.config`` is its :class:`CallbackConfig`."""
        if self._callbacks is None:
            self._callbacks = CallbackRouter(self, CallbackConfig())
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
        ephemeral: bool = False,
    ) -> CallbackAnswer:
        """Presses a button: ``messages.getBotCallbackAnswer``. ``peer``: username, chat id,
        Update, Message or InputPeer. ``password``: the 2FA password (SRP proof computed off
        the event loop) or an ``InputCheckPasswordSRP``. ``ephemeral``: the button is on the
        ephemeral message ``msg_id`` (``ephemeral.getCallbackAnswer``; ``peer`` is the chat
        with the bot). Never re-sent."""
        return await request_callback_answer(
            self,
            peer,
            msg_id,
            data,
            game=game,
            password=password,
            timeout=timeout,
            ephemeral=ephemeral,
        )

    async def send_message(self, peer: Any, text: str, *, buttons: Sequence[Any] = ()) -> Any:
        """``messages.sendMessage`` with an inline keyboard (rows of ``Button``s)."""
        return await send_message(self, peer, text, buttons=buttons)

    async def get_message(self, msg_id: int) -> Message | None:
        """The message ``msg_id`` of a private chat or basic group, clickable."""
        return await get_message(self, msg_id)
