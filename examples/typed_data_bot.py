"""A poll bot with typed callback data: fields packed into at most 64 bytes, unpacked and
routed by class, with a filter on one field.

    python examples/typed_data_bot.py         # in-process DC + a user voting
"""

from __future__ import annotations

import asyncio
import enum

from _connect import client

from oxigram.client import Client
from oxigram.client.buttons import Button
from oxigram.client.callback_data import CallbackData
from oxigram.client.callbacks import CallbackQuery


class Choice(enum.Enum):
    YES = "yes"
    NO = "no"


class Vote(CallbackData, prefix="v"):
    poll: int
    choice: Choice


def keyboard(poll: int) -> list[list[object]]:
    return [
        [
            Button.callback("Yes", Vote(poll, Choice.YES)),  # packed: b"v:\x0e\x00"
            Button.callback("No", Vote(poll, Choice.NO)),
        ]
    ]


def setup(bot: Client, tally: dict[Choice, int]) -> None:
    @bot.on_callback_query(cls=Vote.filter(choice=Choice.NO))
    async def no(q: CallbackQuery) -> None:
        tally[Choice.NO] += 1
        await q.answer("Sorry to hear that", alert=True)

    @bot.on_callback_query(cls=Vote)
    async def vote(q: CallbackQuery) -> None:
        v: Vote = q.typed
        tally[v.choice] += 1
        await q.answer(f"Poll {v.poll}: {v.choice.value} (yes {tally[Choice.YES]})")
        await q.edit(f"Poll {v.poll}: {tally[Choice.YES]} yes, {tally[Choice.NO]} no")


async def main() -> None:
    from oxigram.server import LocalDC

    async with LocalDC() as dc:
        bot_acc, user_acc = dc.add_bot("poll_bot"), dc.add_user("15550002", "Bob", username="bob")
        tally = dict.fromkeys(Choice, 0)
        async with (
            client(dc.host, dc.port, dc.public_key_pem) as bot,
            client(dc.host, dc.port, dc.public_key_pem) as user,
        ):
            await bot.login_bot(bot_acc.token)
            setup(bot, tally)
            await user.login_user(user_acc.phone, user_acc.login_code)
            sent = await bot.send_message("@bob", "Do you like it?", buttons=keyboard(7))
            msg_id = next(u.message.id for u in sent.updates if hasattr(u, "message"))
            msg = await user.get_message(msg_id)
            assert msg is not None
            print((await msg.click(text="Yes")).message)
            print((await msg.click(text="No")).message)
            edited = await user.get_message(msg_id)
            print("message now reads:", edited.text if edited else None)


if __name__ == "__main__":
    asyncio.run(asyncio.wait_for(main(), 60))
