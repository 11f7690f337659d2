"""A press is never re-sent as a new press: a burst of presses from many users while the DC
forgets every session and then drops every connection (what a DC restart that kept its keys
does). Each press ends answered or reported "may have been delivered"; no handler runs twice.

The rule (ARCHITECTURE.md, client runtime): a request in flight when the connection drops is
sent again under its original msg_id only once the server has shown it still holds the
session (no ``new_session_created`` before the answer to a ping sent first on the new
connection); otherwise a request that is not read-only ends in ``MaybeDeliveredError`` (for a
press: ``CallbackAnswerTimeoutError`` caused by it) and read-only ones are sent as new.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import pytest
from cbsupport import logged_in, run, wait_until

from oxigram import errors
from oxigram.client.callbacks import CallbackQuery
from oxigram.network.sender import SenderConfig
from oxigram.server import Button, LocalDC
from oxigram.tl import types

# 1,200 presses from 200 users (about 3 s of burst natively, 5 s on the pure backend).
USERS = 200
PRESSES_EACH = 6
CONFIG = SenderConfig(backoff_base=0.05, request_timeout=30.0)


def test_forgotten_sessions_and_dropped_connections_mid_burst_run_no_press_twice() -> None:
    async def main() -> None:
        async with LocalDC(answer_timeout=20.0) as dc:
            bot_acc = dc.add_bot("burst_bot")
            accounts = [dc.add_user(f"1777{n:06d}", f"B{n}") for n in range(USERS)]
            row = [Button.callback(str(j), f"d{j}".encode()) for j in range(PRESSES_EACH)]
            msg_ids = [dc.send_message(bot_acc.id, a.id, "burst", [row]) for a in accounts]
            bot_peer = types.InputPeerUser(user_id=bot_acc.id, access_hash=bot_acc.access_hash)
            runs: Counter[tuple[int, bytes]] = Counter()
            bot_answers: Counter[str] = Counter()
            async with logged_in(dc, bot_acc.id, bot=True, config=CONFIG) as bot:
                bot.callbacks.config.deadline = None  # every answer is the handler's own

                @bot.on_callback_query()
                async def handle(q: CallbackQuery) -> None:
                    assert q.data is not None
                    runs[(q.user_id, q.data)] += 1
                    await asyncio.sleep(0.01)  # presses stay in flight across the faults
                    try:
                        await q.answer(f"{q.user_id}:{q.data.decode()}")
                    except errors.MaybeDeliveredError:
                        bot_answers["may have been delivered"] += 1  # its press is too

                users = [logged_in(dc, a.id, bot=False, config=CONFIG) for a in accounts]
                await asyncio.gather(*(u.connect() for u in users))
                try:
                    outcomes: Counter[str] = Counter()

                    async def press(i: int, j: int) -> None:
                        data = f"d{j}".encode()
                        try:
                            answer = await users[i].request_callback_answer(
                                bot_peer, msg_ids[i], data
                            )
                        except errors.CallbackAnswerTimeoutError as exc:
                            assert isinstance(exc.__cause__, errors.MaybeDeliveredError), exc
                            outcomes["may have been delivered"] += 1
                        except Exception as exc:  # counted, and the test fails on it below
                            outcomes[repr(exc)] += 1
                        else:
                            assert answer.message == f"{accounts[i].id}:d{j}"
                            outcomes["answered"] += 1

                    start = time.monotonic()
                    burst = asyncio.gather(
                        *(press(i, j) for i in range(USERS) for j in range(PRESSES_EACH))
                    )
                    total = USERS * PRESSES_EACH
                    await wait_until(lambda: outcomes["answered"] >= total // 4, 20)
                    dc.forget_sessions()  # connections stay: new_session_created
                    await wait_until(lambda: outcomes["answered"] >= total // 2, 20)
                    dc.forget_sessions()
                    dropped = dc.drop_connections()  # and now every client reconnects
                    await asyncio.wait_for(burst, 40)
                    elapsed = time.monotonic() - start
                finally:
                    await asyncio.gather(*(u.close() for u in users))
            print(
                f"\n{total} presses from {USERS} users, {dropped} connections dropped: "
                f"{dict(outcomes)}, {sum(runs.values())} handler runs, bot answers "
                f"{dict(bot_answers)}, {elapsed:.1f} s"
            )
            assert set(outcomes) <= {"answered", "may have been delivered"}, outcomes
            assert sum(outcomes.values()) == total
            assert max(runs.values()) == 1  # no handler ran twice
            assert outcomes["answered"] >= total // 2  # at least those before the drop
            assert outcomes["may have been delivered"] > 0  # the drop met presses in flight
            assert dropped >= USERS

    run(main, timeout=120)


def test_one_request_across_a_dc_that_lost_its_sessions_runs_once() -> None:
    # Executed, answer withheld; the DC forgets its sessions and drops the connection: the
    # copy under the same msg_id would run again in the new session, so none is sent.
    async def main() -> None:
        async with LocalDC() as dc:
            bot_acc = dc.add_bot("lost_bot")
            user_acc = dc.add_user("15550111", "Lou")
            peer = types.InputPeerUser(user_id=bot_acc.id, access_hash=bot_acc.access_hash)
            async with logged_in(dc, user_acc.id, bot=False, config=CONFIG) as c:

                def sent() -> int:
                    return sum(m.text == "once" for m in dc.store.messages.values())

                dc.withhold("messages.sendMessage")
                call = asyncio.create_task(
                    c.messages.sendMessage(peer=peer, message="once", random_id=1)
                )
                await wait_until(lambda: sent() == 1)
                dc.forget_sessions()
                assert dc.drop_connections() == 1
                with pytest.raises(errors.MaybeDeliveredError, match=r"messages\.sendMessage"):
                    await asyncio.wait_for(call, 15)
                assert (await c.get_me()).id == user_acc.id  # a read-only call carries on
                assert sent() == 1

    run(main)
