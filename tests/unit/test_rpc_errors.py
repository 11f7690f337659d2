"""RPC errors: one typed class per known name, grouped by code, built by rpc_error_from."""

from __future__ import annotations

import pickle

import pytest

from oxigram import errors
from oxigram.errors import rpc_error_from

ISSUE6_NAMES = [
    "BOT_RESPONSE_TIMEOUT",
    "CHANNEL_INVALID",
    "CHANNEL_PRIVATE",
    "DATA_INVALID",
    "INPUT_FETCH_FAIL",
    "MESSAGE_ID_INVALID",
    "PEER_ID_INVALID",
    "AUTH_KEY_DUPLICATED",
    "QUERY_ID_INVALID",
    "MESSAGE_TOO_LONG",
    "URL_INVALID",
    "USER_BOT_REQUIRED",
    "PASSWORD_HASH_INVALID",
    "PASSWORD_MISSING",
    "SRP_ID_INVALID",
    "SRP_PASSWORD_CHANGED",
    "FLOOD_WAIT_X",
    "AUTH_KEY_UNREGISTERED",
    "SESSION_PASSWORD_NEEDED",
    "PHONE_CODE_INVALID",
    "PHONE_MIGRATE_X",
    "USER_MIGRATE_X",
    "FILE_MIGRATE_X",
    "NETWORK_MIGRATE_X",
]


@pytest.mark.parametrize("name", ISSUE6_NAMES)
def test_every_listed_name_has_its_own_class(name: str) -> None:
    known = errors.known_errors()
    assert name in known
    cls = known[name]
    assert name == cls.NAME
    assert getattr(errors, cls.__name__) is cls
    message = name.replace("_X", "_7")
    exc = rpc_error_from(cls.CODE or 400, message, "messages.getBotCallbackAnswer")
    assert type(exc) is cls
    assert exc.message == message
    assert exc.request == "messages.getBotCallbackAnswer"
    assert isinstance(exc, errors.RPCError)
    assert isinstance(exc, errors.OxigramError)


def test_flood_wait_carries_seconds() -> None:
    exc = rpc_error_from(420, "FLOOD_WAIT_31")
    assert isinstance(exc, errors.FloodWaitError)
    assert isinstance(exc, errors.FloodError)
    assert exc.seconds == 31
    assert exc.code == 420
    assert exc.name == "FLOOD_WAIT_X"


def test_migrate_carries_dc() -> None:
    exc = rpc_error_from(303, "PHONE_MIGRATE_4", "auth.sendCode")
    assert isinstance(exc, errors.PhoneMigrateError)
    assert isinstance(exc, errors.SeeOtherError)
    assert exc.dc_id == 4
    assert "auth.sendCode" in str(exc)


def test_code_classes_group_names() -> None:
    assert isinstance(rpc_error_from(401, "AUTH_KEY_UNREGISTERED"), errors.UnauthorizedError)
    assert isinstance(rpc_error_from(400, "PASSWORD_HASH_INVALID"), errors.BadRequestError)
    assert isinstance(rpc_error_from(406, "AUTH_KEY_DUPLICATED"), errors.NotAcceptableError)
    assert isinstance(rpc_error_from(400, "BOT_RESPONSE_TIMEOUT"), errors.BadRequestError)


def test_unknown_name_gets_its_code_class() -> None:
    exc = rpc_error_from(400, "SOMETHING_NEW")
    assert type(exc) is errors.BadRequestError
    assert exc.message == "SOMETHING_NEW"
    exc = rpc_error_from(420, "NEW_FLOOD_13")
    assert type(exc) is errors.FloodError
    assert exc.seconds == 13


def test_unknown_code_is_generic() -> None:
    exc = rpc_error_from(599, "WHATEVER")
    assert type(exc) is errors.UnknownRPCError
    assert exc.code == 599


def test_negative_codes() -> None:
    exc = rpc_error_from(-503, "Timeout")
    assert type(exc) is errors.RPCTimeoutError
    assert exc.message == "Timeout"
    exc = rpc_error_from(-3002, "All workers are busy")
    assert type(exc) is errors.WorkersBusyError


def test_name_wins_over_code() -> None:
    exc = rpc_error_from(500, "FLOOD_WAIT_2")
    assert isinstance(exc, errors.FloodWaitError)
    assert exc.code == 500


def test_pickle_round_trip() -> None:
    exc = rpc_error_from(420, "FLOOD_WAIT_9", "help.getConfig")
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is errors.FloodWaitError
    assert (back.code, back.message, back.request, back.seconds) == (
        420,
        "FLOOD_WAIT_9",
        "help.getConfig",
        9,
    )
