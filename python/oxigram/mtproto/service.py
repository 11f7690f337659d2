"""The names and ids of the MTProto service layer (``mtproto.tl``) that mtproto/ and network/
match on.

The rule for this layer: messages are built with the generated classes of the shipped schema
(``tl.types.Pong(msg_id=..., ping_id=...)``, ``tl.functions.Ping(ping_id=...)``), whatever
API layer the client loaded: ``mtproto.tl`` is not versioned with the API, a loaded layer
gets the same service part (``tl.load_schema``), and an object serializes with its own
schema, so the bytes are the same. Objects the session decodes come from its schema (the
client's, possibly a loaded layer) and are matched by constructor name against the constants
here (on the per-message path: one string comparison). The auth-key exchange decodes with
the shipped schema itself, so ``handshake.py`` checks classes (``isinstance``) instead.

Each constant comes from a stub class, so no name is spelled as a string and a typo is a
mypy error; a constant is the TL name in upper case (``BAD_MSG_NOTIFICATION`` is
``bad_msg_notification``), an id constant adds ``_ID``.
"""

from __future__ import annotations

from typing import Final

from ..tl import functions, types

# Sent by the server (or both sides).
PONG: Final = types.Pong._tl_name
MSGS_ACK: Final = types.Msgs_ack._tl_name
BAD_SERVER_SALT: Final = types.Bad_server_salt._tl_name
BAD_MSG_NOTIFICATION: Final = types.Bad_msg_notification._tl_name
NEW_SESSION_CREATED: Final = types.New_session_created._tl_name
FUTURE_SALTS: Final = types.Future_salts._tl_name
MSG_DETAILED_INFO: Final = types.Msg_detailed_info._tl_name
MSG_NEW_DETAILED_INFO: Final = types.Msg_new_detailed_info._tl_name
MSGS_STATE_REQ: Final = types.Msgs_state_req._tl_name
MSG_RESEND_REQ: Final = types.Msg_resend_req._tl_name
MSG_RESEND_ANS_REQ: Final = types.Msg_resend_ans_req._tl_name
MSGS_ALL_INFO: Final = types.Msgs_all_info._tl_name
RPC_ERROR: Final = types.Rpc_error._tl_name
# Sent by the client.
PING: Final = functions.Ping._tl_name
PING_DELAY_DISCONNECT: Final = functions.Ping_delay_disconnect._tl_name
HTTP_WAIT: Final = types.Http_wait._tl_name

MSGS_ACK_ID: Final = types.Msgs_ack._tl_id
BAD_MSG_NOTIFICATION_ID: Final = types.Bad_msg_notification._tl_id
BAD_SERVER_SALT_ID: Final = types.Bad_server_salt._tl_id
PONG_ID: Final = types.Pong._tl_id
FUTURE_SALTS_ID: Final = types.Future_salts._tl_id
MSGS_STATE_INFO_ID: Final = types.Msgs_state_info._tl_id
DESTROY_SESSION_OK_ID: Final = types.Destroy_session_ok._tl_id
DESTROY_SESSION_NONE_ID: Final = types.Destroy_session_none._tl_id
