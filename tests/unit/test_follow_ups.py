"""Follow-ups take turns in a few slots; a follow-up asking for a slot again uses its own."""

from __future__ import annotations

import asyncio

from bot.slack.followups import FollowUps


async def _fail(error: BaseException) -> None:
    raise AssertionError(error)


async def test_bounded_follow_ups_that_ask_for_a_slot_again_never_wait_on_each_other() -> None:
    followups = FollowUps(max_concurrent=2)
    done: list[int] = []

    async def draw_a_card(n: int) -> None:
        await asyncio.sleep(0.01)  # waiting for Slack, holding its slot
        async with followups.slot():  # as Cards.draw_owed does around the draw
            done.append(n)

    for n in range(6):
        followups.start(draw_a_card(n), on_error=_fail)
    assert await followups.drain(within_seconds=2), "follow-ups waited on each other for ever"
    assert sorted(done) == list(range(6))


async def test_a_follow_up_started_by_a_bounded_one_takes_a_slot_of_its_own() -> None:
    followups = FollowUps(max_concurrent=1)
    at_once = 0
    most = 0

    async def send() -> None:
        nonlocal at_once, most
        async with followups.slot():
            at_once += 1
            most = max(most, at_once)
            await asyncio.sleep(0.01)
            at_once -= 1

    async def starter() -> None:
        for _ in range(3):
            followups.start(send(), on_error=_fail, bounded=False)
        await asyncio.sleep(0.01)

    followups.start(starter(), on_error=_fail)
    assert await followups.drain(within_seconds=2)
    assert most == 1  # the one slot held: the sends took turns
