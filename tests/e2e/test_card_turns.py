"""Two processes redrawing one card: the one that read the database first can't leave its
older card on top when Slack is slow to apply it."""

from __future__ import annotations

import asyncio

from bot.deps import Deps
from bot.scheduler.sweep import Sweeper
from bot.services.card_draws import cards_owed
from bot.services.commitments import record_commitment
from bot.services.permissions import Actor
from bot.slack.installations import OneWorkspace
from storage.models import Stance
from storage.shared_state import SWEEP_GRACE
from tests.conftest import BOB, CAROL, CHANNEL, NOW, TEAM
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
