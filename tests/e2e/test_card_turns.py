"""Two processes redrawing one card: the one that read the database first can't leave its
older card on top when Slack is slow to apply it."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from typing import NamedTuple

from bot.deps import Deps
from bot.ids import Action
from bot.scheduler.sweep import Sweeper, SweepReport
from bot.services.card_draws import DRAWING_LEASE, cards_owed
from bot.services.commitments import record_commitment
from bot.services.permissions import Actor
from bot.slack.installations import OneWorkspace
from bot.slack.pacing import CHAT_UPDATE
from storage.models import CardDraw, SlackBudget, Stance
from storage.shared_state import SWEEP_GRACE
from tests.conftest import BOB, CAROL, CHANNEL, DAN, NOW, TEAM
from tests.e2e.flows import record_decision
from tests.harness import BotUnderTest


async def test_a_slow_redraw_from_one_process_never_lands_over_a_newer_one(
    bot: BotUnderTest,
) -> None:
    card = await record_decision(bot, stakeholders=[BOB, CAROL])
    process_a = bot.deps
    process_b = Deps(db=process_a.db, clock=lambda: NOW)  # another process on the same database
    key = (TEAM, 1)
    delays = iter([2.0])  # Slack takes 2 s over the first redraw, then answers at once
    bot.stand_in.delays["chat.update"] = lambda: next(delays, 0.0)

    await record_commitment(
        process_a.db, Actor(TEAM, BOB), decision_id=1, stance=Stance.AGREE, now=NOW
    )
    slow = asyncio.create_task(process_a.cards.draw_latest(bot.app.client, key))
    await asyncio.sleep(0.5)  # A's redraw (Bob only) is on its way to Slack
    await record_commitment(
        process_b.db, Actor(TEAM, CAROL), decision_id=1, stance=Stance.AGREE, now=NOW
    )
    await process_b.cards.draw_latest(bot.app.client, key)
    await slow

    assert "2 of 2 asked have committed" in bot.card_text(CHANNEL)
    drawn = [c for c in bot.stand_in.calls_to("chat.update") if c["ts"] == card["ts"]]
    assert len(drawn) == 2  # A drew Bob's change, then the one B asked for while A drew


async def test_processes_asking_to_redraw_one_card_spend_one_slack_turn_per_draw(
    bot: BotUnderTest,
) -> None:
    """Three processes behind a load balancer each get one of three clicks on a card: one
    draws while the others leave it to it, so the workspace's chat.update budget pays for the
    draws made and no more (else several processes would fall ever further behind)."""
    card = await record_decision(bot, stakeholders=[BOB, CAROL, DAN])
    key = ("chat.update", TEAM)
    pace_now = time.time()  # a still clock for the budget, so the turns taken can be counted
    processes = [
        Deps(db=bot.deps.db, clock=lambda: NOW, pace_clock=lambda: pace_now) for _ in range(3)
    ]
    due_before = max(pace_now, await next_turn_due(bot, key) or pace_now)
    delays = iter([1.0])  # Slack takes 1 s over the first redraw, then answers at once
    bot.stand_in.delays["chat.update"] = lambda: next(delays, 0.0)

    for process, person in zip(processes, (BOB, CAROL, DAN), strict=True):
        await record_commitment(
            process.db, Actor(TEAM, person), decision_id=1, stance=Stance.AGREE, now=NOW
        )
        process.cards.refresh_of(bot.app.client, (TEAM, 1), None)
        await asyncio.sleep(0.2)  # the first process's redraw is on its way to Slack
    for process in processes:
        assert await process.followups.drain(within_seconds=10)

    assert "3 of 3 asked have committed" in bot.card_text(CHANNEL)
    drawn = [c for c in bot.stand_in.calls_to("chat.update") if c["ts"] == card["ts"]]
    assert len(drawn) == 2  # Bob's change, then the two asked for while it was drawn
    due_after = await next_turn_due(bot, key)
    assert due_after is not None
    turns_taken = round((due_after - due_before) * CHAT_UPDATE.per_second)
    assert turns_taken == len(drawn)


async def next_turn_due(bot: BotUnderTest, key: tuple[str, str]) -> float | None:
    budget = await bot.deps.db.read(lambda session: session.get(SlackBudget, ":".join(key)))
    return None if budget is None else budget.next_due


async def test_a_change_whose_process_never_drew_the_card_is_drawn_by_a_sweep(
    bot: BotUnderTest,
) -> None:
    """The click's write stored, then the process couldn't ask for the redraw (the database
    locked up right after, or the process died): the change itself owes the card."""
    await record_decision(bot, stakeholders=[BOB, CAROL])
    assert await cards_owed(bot.deps.db, now=NOW + SWEEP_GRACE, limit=10) == []
    await record_commitment(
        bot.deps.db, Actor(TEAM, BOB), decision_id=1, stance=Stance.AGREE, now=NOW
    )
    assert await cards_owed(bot.deps.db, now=NOW + SWEEP_GRACE, limit=10) == [(TEAM, 1)]

    bot.deps.clock = lambda: NOW + SWEEP_GRACE
    report = await Sweeper(bot.deps, OneWorkspace(bot.app.client), owner="process-b").sweep()
    assert report.cards_drawn == 1
    assert "1 of 2 asked have committed" in bot.card_text(CHANNEL)


async def take_the_next_minute_of_chat_update(bot: BotUnderTest) -> float:
    """Fills the workspace's chat.update budget, as a burst from other cards would; returns
    when its turns are free again."""
    free_at = time.time() + 60
    budget = SlackBudget(key=f"chat.update:{TEAM}", next_due=free_at)
    await bot.deps.db.write(lambda session: session.add(budget))
    return free_at


async def lease_held_until(bot: BotUnderTest) -> datetime | None:
    draw = await bot.deps.db.read(lambda session: session.get(CardDraw, (TEAM, 1)))
    assert draw is not None
    return draw.drawing_until


async def until_the_draw_waits_for_its_turn(bot: BotUnderTest, now: datetime) -> None:
    """Until a draw holds the card's lease for its wait for Slack's budget (longer than a draw)."""
    for _ in range(100):
        if (held := await lease_held_until(bot)) is not None and held > now + DRAWING_LEASE:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the draw never waited for a turn")


class StoppingSweep(NamedTuple):
    sweeper: Sweeper
    sweep: asyncio.Task[SweepReport]
    at: datetime
    turns_free_at: float


async def a_sweep_whose_draw_waits_for_slacks_budget(bot: BotUnderTest) -> StoppingSweep:
    """A sweep drawing a card that a change owes, waiting for a chat.update turn a minute off."""
    await record_decision(bot, stakeholders=[BOB, CAROL])
    turns_free_at = await take_the_next_minute_of_chat_update(bot)
    await record_commitment(
        bot.deps.db, Actor(TEAM, BOB), decision_id=1, stance=Stance.AGREE, now=NOW
    )  # no redraw asked: the card is owed to a sweep
    stopped_at = NOW + SWEEP_GRACE
    bot.deps.clock = lambda: stopped_at
    sweeper = Sweeper(bot.deps, OneWorkspace(bot.app.client), owner="process-a")
    sweep = asyncio.create_task(sweeper.sweep())
    await until_the_draw_waits_for_its_turn(bot, stopped_at)
    return StoppingSweep(sweeper, sweep, stopped_at, turns_free_at)


async def another_process_draws_the_card(
    bot: BotUnderTest, *, at: datetime, turns_free_at: float
) -> None:
    """Another process, its budget's turns free again, sweeps `at` and draws the card."""
    process_b = Deps(db=bot.deps.db, clock=lambda: at, pace_clock=lambda: turns_free_at + 60)
    report = await Sweeper(process_b, OneWorkspace(bot.app.client), owner="process-b").sweep()
    assert report.cards_drawn == 1
    assert "1 of 2 asked have committed" in bot.card_text(CHANNEL)


async def test_a_redraw_waiting_for_slacks_budget_at_shutdown_lets_another_process_draw_it(
    bot: BotUnderTest,
) -> None:
    """A shutdown cuts short a redraw waiting for a chat.update turn (as it does any follow-up
    that outlasts its wait): the drawing lease goes back, so another process's next sweep draws
    the card instead of waiting for the lease (the wait and 30 s) to run out."""
    await record_decision(bot, stakeholders=[BOB, CAROL])
    turns_free_at = await take_the_next_minute_of_chat_update(bot)
    await record_commitment(
        bot.deps.db, Actor(TEAM, BOB), decision_id=1, stance=Stance.AGREE, now=NOW
    )
    bot.deps.cards.refresh_of(bot.app.client, (TEAM, 1), None)
    await until_the_draw_waits_for_its_turn(bot, NOW)

    await bot.deps.followups.stop(within_seconds=0.1)  # the shutdown cuts the wait short
    assert (await lease_held_until(bot) or NOW) <= NOW

    await another_process_draws_the_card(bot, at=NOW + SWEEP_GRACE, turns_free_at=turns_free_at)


async def test_a_sweeps_draw_waiting_for_slacks_budget_at_shutdown_gives_its_lease_back(
    bot: BotUnderTest,
) -> None:
    """The same for a card a sweep draws: the sweep outlasts the shutdown's wait, so it is cut
    short while the database is still open, and its lease goes back."""
    stopping = await a_sweep_whose_draw_waits_for_slacks_budget(bot)

    await stopping.sweeper.stop(within_seconds=0.1)
    assert stopping.sweep.done()
    assert (await lease_held_until(bot) or NOW) <= stopping.at

    next_sweep = stopping.at + timedelta(seconds=10)
    await another_process_draws_the_card(bot, at=next_sweep, turns_free_at=stopping.turns_free_at)


async def test_a_bot_stopping_while_a_redraw_waits_for_slacks_budget_posts_the_line_and_goes(
    bot: BotUnderTest,
) -> None:
    """A shutdown doesn't wait a minute for Slack's budget: the waiting redraw gives its card
    back at once (another process's next sweep draws it), and the click's thread line still
    goes out."""
    card = await record_decision(bot, stakeholders=[BOB, CAROL])
    turns_free_at = await take_the_next_minute_of_chat_update(bot)
    await bot.click(card, Action.COMMIT_AGREE, user=BOB, channel=CHANNEL, settle=False)
    await until_the_draw_waits_for_its_turn(bot, NOW)

    bot.deps.cards.stop_waiting()
    assert await bot.deps.followups.drain(within_seconds=5)  # nothing left to cut short
    assert (await lease_held_until(bot) or NOW) <= NOW
    thread = bot.stand_in.thread(CHANNEL, card["ts"])
    assert [m["text"] for m in thread] == [f"<@{BOB}> agreed and committed."]
    assert "0 of 2 asked have committed" in bot.card_text(CHANNEL)

    await another_process_draws_the_card(bot, at=NOW + SWEEP_GRACE, turns_free_at=turns_free_at)


async def test_a_bot_stopping_while_a_sweeps_draw_waits_for_slacks_budget_ends_the_sweep(
    bot: BotUnderTest,
) -> None:
    """The same for a sweep's draw: the sweep ends within the shutdown's wait instead of being
    cut short, with the card given back."""
    stopping = await a_sweep_whose_draw_waits_for_slacks_budget(bot)

    bot.deps.cards.stop_waiting()
    await stopping.sweeper.stop(within_seconds=5)
    assert not stopping.sweep.cancelled()
    assert (await stopping.sweep).cards_drawn == 0
    assert (await lease_held_until(bot) or NOW) <= stopping.at

    next_sweep = stopping.at + timedelta(seconds=10)
    await another_process_draws_the_card(bot, at=next_sweep, turns_free_at=stopping.turns_free_at)
