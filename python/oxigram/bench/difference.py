"""A realistic ``updates.difference`` at layer 229, built once and decoded by every library.

What a client receives after being offline for a while: 100 new messages (private chats,
basic groups and channels; text with several kinds of entities; a third with a photo, a third
with a document; inline keyboards, replies and forwards on some; views, reactions and edits
on channel posts), a few other updates, the 40-odd users and the chats they name, and the
new state. Everything comes from a seeded generator, so the bytes are the same on every run
and machine.

The payload is built with oxigram's own classes of the shipped schema and serialized by the
pure codec. Telethon 1.45 and kurigram 2.2.26 are layer 229 too and know every constructor
used here by the same id; ``benches/bench_difference.py`` checks that each of them decodes
these bytes and serializes its result back to the same bytes, so all four implementations
decode one identical payload into the same content.

:func:`summary` reads the same fields from any library's decoded object (Telethon's dates,
which it turns into ``datetime``, are read back as ints), so each benchmark checks what it
decoded against :func:`expected_summary`.
"""

from __future__ import annotations

import random
from datetime import datetime
from functools import cache
from typing import Any

from ..tl import Schema
from .tl_objects import oxigram_schema

__all__ = [
    "N_CHANNELS",
    "N_CHATS",
    "N_MESSAGES",
    "N_USERS",
    "difference_bytes",
    "expected_summary",
    "summary",
]

N_MESSAGES = 100
N_USERS = 40
N_CHATS = 4  # basic groups
N_CHANNELS = 4  # 2 broadcast channels, 2 supergroups
SEED = 229
BASE_DATE = 1_765_000_000
SELF_ID = 1_000_001

_TEXT = (
    "hello there the order was shipped today please check the link below and press a button "
    "when you are ready we will confirm the payment tomorrow morning thanks for waiting see "
    "you at the meeting new photos from the trip are in the channel"
)
_WORDS = _TEXT.split()
_NON_ASCII = ("Привет, как дела? ", "¿Qué tal? ", "naïve café ", "東京で会いましょう ")
_EMOJI = "\U0001f525"  # two UTF-16 code units, like every emoji a custom emoji replaces


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _Builder:
    """Builds the difference with one schema's classes from one seeded generator."""

    def __init__(self, s: Schema) -> None:
        self.s = s
        self.rng = random.Random(SEED)

    def __call__(self, name: str, /, **fields: Any) -> Any:
        return self.s[name](**fields)

    def blob(self, n: int) -> bytes:
        return self.rng.randbytes(n)

    def long_id(self) -> int:
        return self.rng.getrandbits(63) - (1 << 62)

    # ------------------------------------------------------------------ peers

    def user(self, i: int) -> Any:
        r = self.rng
        uid = 5_000_000 + i
        bot = i % 10 == 9
        fields: dict[str, Any] = {
            "id": uid,
            "access_hash": self.long_id(),
            "first_name": f"Bot {i}" if bot else f"User{i}",
            "username": f"user_{i}_bot" if bot else f"user_{i}",
        }
        if bot:
            fields.update(bot=True, bot_info_version=3, bot_inline_placeholder="Search...")
        else:
            if i % 3:
                fields["last_name"] = f"Lastname{i}"
            if i % 4 == 0:
                fields["phone"] = f"1555{i:07d}"
            fields["contact"] = i % 5 == 0
            fields["mutual_contact"] = i % 10 == 0
            fields["premium"] = i % 7 == 0
            fields["lang_code"] = r.choice(("en", "ru", "es", "de"))
            fields["status"] = (
                self("userStatusOnline", expires=BASE_DATE + 300 + i)
                if i % 3 == 0
                else self("userStatusOffline", was_online=BASE_DATE - 60 * i)
                if i % 3 == 1
                else self("userStatusRecently")
            )
        if i % 4 != 3:
            fields["photo"] = self(
                "userProfilePhoto",
                has_video=i % 8 == 0,
                photo_id=self.long_id(),
                stripped_thumb=self.blob(r.randrange(90, 160)),
                dc_id=r.choice((1, 2, 4, 5)),
            )
        if i % 9 == 0:
            fields["usernames"] = [
                self("username", editable=True, active=True, username=f"user_{i}"),
                self("username", active=True, username=f"collectible_{i}"),
            ]
        if i % 6 == 0:
            fields["color"] = self("peerColor", color=i % 7)
        return self("user", **fields)

    def chat_photo(self) -> Any:
        return self(
            "chatPhoto",
            photo_id=self.long_id(),
            stripped_thumb=self.blob(self.rng.randrange(90, 160)),
            dc_id=self.rng.choice((1, 2, 4, 5)),
        )

    def admin_rights(self, full: bool) -> Any:
        rights = dict.fromkeys(
            ("change_info", "delete_messages", "ban_users", "invite_users", "pin_messages"),
            True,
        )
        if full:
            rights.update(post_messages=True, edit_messages=True, add_admins=True, other=True)
        return self("chatAdminRights", **rights)

    def banned_rights(self) -> Any:
        return self(
            "chatBannedRights", send_polls=True, change_info=True, pin_messages=True, until_date=0
        )

    def chat(self, i: int) -> Any:
        creator = i == 0
        return self(
            "chat",
            creator=creator,
            id=3_000_000 + i,
            title=f"Group chat {i}",
            photo=self.chat_photo(),
            participants_count=5 + 7 * i,
            date=BASE_DATE - 86_400 * (30 + i),
            version=1 + i,
            **({"admin_rights": self.admin_rights(True)} if creator else {}),
            default_banned_rights=self.banned_rights(),
        )

    def channel(self, i: int) -> Any:
        broadcast = i < 2
        fields: dict[str, Any] = {
            "id": 1_700_000_000 + i,
            "access_hash": self.long_id(),
            "title": f"News channel {i}" if broadcast else f"Supergroup {i}",
            "username": f"channel_{i}",
            "photo": self.chat_photo(),
            "date": BASE_DATE - 86_400 * (100 + i),
            "participants_count": 1000 * (i + 1),
            "broadcast": broadcast,
            "megagroup": not broadcast,
            "signatures": broadcast,
            "has_link": i == 0,
            "level": 2 + i,
        }
        if i % 2 == 0:
            fields["admin_rights"] = self.admin_rights(broadcast)
        else:
            fields["default_banned_rights"] = self.banned_rights()
        if i == 3:
            fields["usernames"] = [
                self("username", editable=True, active=True, username=f"channel_{i}")
            ]
        return self("channel", **fields)

    # ------------------------------------------------------------------ message parts

    def text_and_entities(self, k: int) -> tuple[str, list[Any]]:
        """Text of a few sentences and 1-5 entities of varied kinds over its words."""
        r = self.rng
        parts: list[str] = []
        entities: list[Any] = []
        pos = 0  # UTF-16 offset
        if k % 11 == 0:
            head = _NON_ASCII[k % len(_NON_ASCII)]
            parts.append(head)
            pos += _utf16_len(head)
        kinds = ("bold", "url", "mention", "textUrl", "customEmoji", "italic", "code", "hashtag")
        n_entities = 1 + k % 5
        for j in range(n_entities + 2):
            if j < n_entities:
                kind = kinds[(k + 3 * j) % len(kinds)]
                if kind == "url":
                    word = f"https://example.com/item/{k}-{j}"
                elif kind == "mention":
                    word = f"@user_{r.randrange(N_USERS)}"
                elif kind == "hashtag":
                    word = f"#tag{k % 13}"
                elif kind == "customEmoji":
                    word = _EMOJI
                else:
                    word = " ".join(r.choice(_WORDS) for _ in range(r.randrange(1, 4)))
                length = _utf16_len(word)
                name = "messageEntity" + kind[:1].upper() + kind[1:]
                extra: dict[str, Any] = {}
                if kind == "textUrl":
                    extra["url"] = f"https://example.org/docs/{k}/{j}?ref=bot"
                elif kind == "customEmoji":
                    extra["document_id"] = self.long_id()
                entities.append(self(name, offset=pos, length=length, **extra))
                parts.append(word)
                pos += length
            filler = " " + " ".join(r.choice(_WORDS) for _ in range(r.randrange(3, 12))) + " "
            parts.append(filler)
            pos += _utf16_len(filler)
        return "".join(parts).strip(), entities

    def photo_sizes(self, w: int, h: int) -> list[Any]:
        r = self.rng
        return [
            self("photoStrippedSize", type="i", bytes=self.blob(r.randrange(100, 180))),
            self("photoSize", type="m", w=w // 4, h=h // 4, size=r.randrange(8_000, 20_000)),
            self("photoSize", type="x", w=w // 2, h=h // 2, size=r.randrange(40_000, 90_000)),
            self(
                "photoSizeProgressive",
                type="y",
                w=w,
                h=h,
                sizes=sorted(r.randrange(10_000, 400_000) for _ in range(5)),
            ),
        ]

    def photo(self, k: int) -> Any:
        w, h = self.rng.choice(((1280, 960), (1280, 720), (960, 1280), (1280, 1280)))
        return self(
            "photo",
            has_stickers=k % 17 == 0,
            id=self.long_id(),
            access_hash=self.long_id(),
            file_reference=self.blob(29),
            date=BASE_DATE + 60 * k - 5,
            sizes=self.photo_sizes(w, h),
            dc_id=self.rng.choice((1, 2, 4, 5)),
        )

    def document(self, k: int) -> tuple[Any, dict[str, bool]]:
        """A video, an audio file, a voice message or a file; and the media's flags."""
        r = self.rng
        kind = k % 4
        thumbs = None
        flags: dict[str, bool] = {}
        if kind == 0:
            mime, name = "video/mp4", f"clip_{k}.mp4"
            attrs = [
                self(
                    "documentAttributeVideo",
                    supports_streaming=True,
                    duration=12.5 + k,
                    w=1280,
                    h=720,
                    preload_prefix_size=65_536,
                ),
                self("documentAttributeFilename", file_name=name),
            ]
            thumbs = self.photo_sizes(320, 180)[:2]
            flags["video"] = True
        elif kind == 1:
            mime, name = "audio/mpeg", f"track_{k}.mp3"
            attrs = [
                self(
                    "documentAttributeAudio",
                    duration=180 + k,
                    title=f"Song {k}",
                    performer="The Band",
                ),
                self("documentAttributeFilename", file_name=name),
            ]
            thumbs = self.photo_sizes(300, 300)[1:2]
        elif kind == 2:
            mime = "audio/ogg"
            attrs = [
                self(
                    "documentAttributeAudio",
                    voice=True,
                    duration=3 + k % 40,
                    waveform=self.blob(63),
                )
            ]
            flags["voice"] = True
        else:
            mime, name = "application/pdf", f"invoice_{k}.pdf"
            attrs = [self("documentAttributeFilename", file_name=name)]
            thumbs = self.photo_sizes(240, 320)[:2]
        fields: dict[str, Any] = {}
        if thumbs:
            fields["thumbs"] = thumbs
        doc = self(
            "document",
            id=self.long_id(),
            access_hash=self.long_id(),
            file_reference=self.blob(29),
            date=BASE_DATE + 60 * k - 7,
            mime_type=mime,
            size=r.randrange(10_000, 50_000_000),
            dc_id=r.choice((1, 2, 4, 5)),
            attributes=attrs,
            **fields,
        )
        return doc, flags

    def keyboard(self, k: int) -> Any:
        r = self.rng
        rows = []
        for row in range(1 + k % 3):
            buttons = []
            for b in range(1 + (k + row) % 3):
                if (row + b) % 3 == 2:
                    kind = self("inlineButtonTypeUrl", url=f"https://example.com/open/{k}/{b}")
                    text = "Open"
                else:
                    kind = self("inlineButtonTypeCallback", data=b"act:%d:%d:%d" % (k, row, b))
                    text = r.choice(("Like", "Buy", "Next", "Cancel", "Confirm")) + f" {b}"
                buttons.append(self("keyboardInlineButton", text=text, type=kind))
            rows.append(self("keyboardInlineButtonRow", buttons=buttons))
        return self("replyInlineMarkup", rows=rows)

    # ------------------------------------------------------------------ messages

    def peer(self, k: int) -> tuple[Any, Any, str]:
        """``(peer_id, from_id or None, kind)`` of message ``k``."""
        r = self.rng
        sender = 5_000_000 + r.randrange(N_USERS)
        kind = ("private", "group", "channel", "private", "supergroup")[k % 5]
        if kind == "private":
            return self("peerUser", user_id=sender), self("peerUser", user_id=sender), kind
        if kind == "group":
            chat = self("peerChat", chat_id=3_000_000 + r.randrange(N_CHATS))
            return chat, self("peerUser", user_id=sender), kind
        if kind == "channel":
            channel = self("peerChannel", channel_id=1_700_000_000 + r.randrange(2))
            return channel, None, kind
        group = self("peerChannel", channel_id=1_700_000_002 + r.randrange(2))
        return group, self("peerUser", user_id=sender), kind

    def message(self, k: int) -> Any:
        r = self.rng
        peer, sender, kind = self.peer(k)
        text, entities = self.text_and_entities(k)
        fields: dict[str, Any] = {
            "id": 10_000 + k,
            "peer_id": peer,
            "date": BASE_DATE + 60 * k,
            "message": text,
            "entities": entities,
        }
        if sender is not None:
            fields["from_id"] = sender
        if kind == "private" and k % 2:
            fields["out"] = True
        if k % 3 == 0:
            fields["media"] = self("messageMediaPhoto", photo=self.photo(k))
        elif k % 3 == 1:
            doc, flags = self.document(k)
            fields["media"] = self("messageMediaDocument", document=doc, **flags)
        if k % 5 in (0, 2, 4) and k % 4 != 3:
            fields["reply_markup"] = self.keyboard(k)
        if k % 4 == 1:
            reply: dict[str, Any] = {"reply_to_msg_id": 10_000 + max(0, k - 1 - k % 7)}
            if k % 8 == 1:
                reply.update(quote=True, quote_text="the order was shipped", quote_offset=4)
            fields["reply_to"] = self("messageReplyHeader", **reply)
        if k % 10 == 7:
            origin: dict[str, Any] = {"date": BASE_DATE - 3_600 * k}
            if k % 20 == 7:
                origin["from_id"] = self("peerChannel", channel_id=1_700_000_000)
                origin["channel_post"] = 500 + k
                origin["post_author"] = "Editor"
            else:
                origin["from_id"] = self("peerUser", user_id=5_000_000 + r.randrange(N_USERS))
            fields["fwd_from"] = self("messageFwdHeader", **origin)
        if kind == "channel":
            fields.update(post=True, views=100 + 37 * k, forwards=k % 9)
            if k % 10 == 2:
                fields["post_author"] = "Editor"
            if k % 3 != 1:
                fields["reactions"] = self(
                    "messageReactions",
                    results=[
                        self("reactionCount", reaction=self("reactionEmoji", emoticon=e), count=c)
                        for e, c in (("\U0001f44d", 12 + k), ("\u2764", 3 + k % 5))
                    ],
                )
        if k % 6 == 5:
            fields["edit_date"] = BASE_DATE + 60 * k + 30
        if k % 25 == 24:
            fields["silent"] = True
        return self("message", **fields)

    def other_updates(self) -> list[Any]:
        return [
            self(
                "updateReadHistoryInbox",
                peer=self("peerUser", user_id=5_000_003),
                max_id=10_040,
                still_unread_count=2,
                pts=4_100,
                pts_count=1,
            ),
            self("updateDeleteMessages", messages=[9_990, 9_991, 9_995], pts=4_103, pts_count=3),
            self(
                "updateUserStatus",
                user_id=5_000_006,
                status=self("userStatusOnline", expires=BASE_DATE + 6_600),
            ),
            self(
                "updateReadChannelInbox",
                channel_id=1_700_000_002,
                max_id=10_090,
                still_unread_count=0,
                pts=777,
            ),
            self("updateEditMessage", message=self.message(N_MESSAGES), pts=4_104, pts_count=1),
            self(
                "updatePinnedMessages",
                pinned=True,
                peer=self("peerChat", chat_id=3_000_001),
                messages=[10_012],
                pts=4_105,
                pts_count=1,
            ),
        ]

    def difference(self) -> Any:
        messages = [self.message(k) for k in range(N_MESSAGES)]
        updates = self.other_updates()
        users = [self.user(i) for i in range(N_USERS)]
        users.append(  # the account itself, as Telegram includes it
            self("user", self=True, id=SELF_ID, access_hash=self.long_id(), first_name="Me")
        )
        chats = [self.chat(i) for i in range(N_CHATS)] + [
            self.channel(i) for i in range(N_CHANNELS)
        ]
        state = self(
            "updates.state",
            pts=4_105,
            qts=12,
            date=BASE_DATE + 60 * N_MESSAGES,
            seq=301,
            unread_count=17,
        )
        return self(
            "updates.difference",
            new_messages=messages,
            new_encrypted_messages=[],
            other_updates=updates,
            chats=chats,
            users=users,
            state=state,
        )


def build(s: Schema) -> Any:
    """The difference as objects of schema ``s``."""
    return _Builder(s).difference()


@cache
def difference_bytes() -> bytes:
    """The serialized difference (oxigram's pure codec)."""
    return bytes(build(oxigram_schema("oxigram-pure")))


# ---------------------------------------------------------------------- checking


def _int(v: Any) -> Any:
    """Telethon hands dates out as ``datetime``; everything else keeps its int."""
    return int(v.timestamp()) if isinstance(v, datetime) else v


def _name(obj: Any) -> str | None:
    return None if obj is None else type(obj).__name__


def _peer(p: Any) -> tuple[str, int] | None:
    if p is None:
        return None
    for field in ("user_id", "chat_id", "channel_id"):
        v = getattr(p, field, None)
        if v is not None:
            return field, v
    raise AssertionError(f"not a peer: {p!r}")


def _sizes(sizes: Any) -> list[tuple[Any, ...]]:
    return [
        (_name(x), x.type, getattr(x, "w", None), getattr(x, "size", None)) for x in sizes or []
    ]


def _media(m: Any) -> tuple[Any, ...] | None:
    if m is None:
        return None
    photo = getattr(m, "photo", None)
    if photo is not None:
        return "photo", photo.id, photo.access_hash, photo.file_reference, _sizes(photo.sizes)
    d = m.document
    attrs = [
        (_name(a), getattr(a, "file_name", None), getattr(a, "duration", None))
        for a in d.attributes
    ]
    flags = (bool(m.video), bool(m.voice))
    return "document", d.id, d.mime_type, d.size, attrs, _sizes(d.thumbs), flags


def _markup(rm: Any) -> list[list[tuple[Any, ...]]] | None:
    if rm is None:
        return None
    return [
        [
            (b.text, _name(b.type), getattr(b.type, "data", None), getattr(b.type, "url", None))
            for b in row.buttons
        ]
        for row in rm.rows
    ]


def _message(m: Any) -> tuple[Any, ...]:
    entities = [
        (_name(e), e.offset, e.length, getattr(e, "url", None), getattr(e, "document_id", None))
        for e in m.entities or []
    ]
    reply = m.reply_to and (m.reply_to.reply_to_msg_id, m.reply_to.quote_text)
    fwd = m.fwd_from and (_int(m.fwd_from.date), _peer(m.fwd_from.from_id))
    reactions = m.reactions and [(r.reaction.emoticon, r.count) for r in m.reactions.results]
    return (
        m.id,
        _peer(m.peer_id),
        _peer(m.from_id),
        _int(m.date),
        _int(m.edit_date),
        m.message,
        bool(m.out),
        bool(m.post),
        bool(m.silent),
        m.views,
        entities,
        _media(m.media),
        _markup(m.reply_markup),
        reply,
        fwd,
        reactions,
    )


def _user(u: Any) -> tuple[Any, ...]:
    status = u.status and (
        _name(u.status),
        _int(getattr(u.status, "expires", None)),
        _int(getattr(u.status, "was_online", None)),
    )
    photo = u.photo and (u.photo.photo_id, u.photo.stripped_thumb, u.photo.dc_id)
    usernames = [(x.username, bool(x.active)) for x in u.usernames or []]
    is_self = getattr(u, "is_self", None) or getattr(u, "self", None)  # Telethon, kurigram
    flags = (bool(u.bot), bool(u.premium), bool(u.contact), bool(is_self))
    return (u.id, u.access_hash, u.first_name, u.last_name, u.username, u.phone, u.lang_code,
            status, photo, usernames, flags)  # fmt: skip


def _chat(c: Any) -> tuple[Any, ...]:
    rights = c.admin_rights and (bool(c.admin_rights.ban_users), bool(c.admin_rights.add_admins))
    banned = c.default_banned_rights and bool(c.default_banned_rights.send_polls)
    return (_name(c), c.id, c.title, c.participants_count, _int(c.date), c.photo.photo_id,
            rights, banned, getattr(c, "username", None))  # fmt: skip


def summary(diff: Any) -> tuple[Any, ...]:
    """The fields the benchmarks check, read from any library's decoded difference."""
    s = diff.state
    return (
        _name(diff),
        [_message(m) for m in diff.new_messages],
        list(diff.new_encrypted_messages),
        [_name(u) for u in diff.other_updates],
        _message(diff.other_updates[4].message),
        [_user(u) for u in diff.users],
        [_chat(c) for c in diff.chats],
        (s.pts, s.qts, _int(s.date), s.seq, s.unread_count),
    )


@cache
def expected_summary() -> tuple[Any, ...]:
    """:func:`summary` of the objects the payload was serialized from."""
    return summary(build(oxigram_schema("oxigram-pure")))
