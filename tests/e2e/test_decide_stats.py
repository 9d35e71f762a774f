"""`/decide stats`: calibration and doors called right from a seeded history, checked against
figures worked out by hand, through the real command."""

from __future__ import annotations

from datetime import timedelta

from bot.ids import View as ViewId
from bot.services.decisions import DecisionDraft, record_decision
from bot.services.permissions import Actor
from bot.services.revisits import RevisitAnswer, record_revisit
from storage.models import Disposition, Outcome
from tests.conftest import ALICE, BOB, CHANNEL, NOW, TEAM
from tests.harness import BotUnderTest, blocks_text

LOOKED_BACK = NOW + timedelta(days=30)  # each decision's revisit, the default 30 days on

# (decider, confidence, outcome at the revisit or None if not revisited, door called right)
HISTORY = [
    (ALICE, 90, Outcome.RIGHT, True),
    (ALICE, 90, Outcome.PARTLY, True),
    (ALICE, 90, Outcome.WRONG, False),
    (ALICE, 70, Outcome.RIGHT, None),
    (ALICE, 70, Outcome.RIGHT, None),
    (ALICE, 70, Outcome.RIGHT, None),
    (ALICE, 50, Outcome.WRONG, None),
    (ALICE, 80, None, None),
    (BOB, 60, Outcome.PARTLY, None),
]


async def seed(bot: BotUnderTest) -> None:
    for number, (decider, confidence, outcome, door) in enumerate(HISTORY, start=1):
        draft = DecisionDraft(
            team_id=TEAM,
            channel_id=CHANNEL,
            recorder_id=decider,
            title=f"Decision {number}",
            what_and_why="Because.",
            decider_id=decider,
            type_choice="type2",
            confidence=confidence,
        )
        recorded = await record_decision(bot.deps.db, draft=draft, now=NOW)
        if outcome is None:
            continue
        await record_revisit(
            bot.deps.db,
            Actor(TEAM, decider),
            decision_id=recorded.record.id,
            due_on=LOOKED_BACK.date(),
            answer=RevisitAnswer(Disposition.KEEP, outcome=outcome, door_called_right=door),
            now=LOOKED_BACK,
        )


async def stats(bot: BotUnderTest, text: str, user: str = ALICE) -> str:
    response = await bot.command(text, user=user, channel=CHANNEL)
    assert response.status == 200 and not response.body  # acked at once, answered after
    await bot.settle()
    answer = bot.stand_in.responses[-1]
    assert answer["response_type"] == "ephemeral"
    return blocks_text(answer["blocks"])


async def test_calibration_and_doors_match_the_figures_worked_out_by_hand(
    bot: BotUnderTest,
) -> None:
    await seed(bot)
    bot.deps.clock = lambda: LOOKED_BACK + timedelta(days=1)
    channel, mine = (await stats(bot, "stats")).split("*Decisions you own*")
    assert "Decision stats for the last 12 weeks" in channel

    # Alice's own: seven looks back scored.
    # Brier = (0.01 + 0.16 + 0.81 [the 90s] + 3 × 0.09 [the 70s] + 0.25 [the 50]) / 7 = 0.214
    assert "*50%* (1 decision): too few looks back (1 of 3)" in mine
    assert "*70%* (3 decisions): right 100% of the time, over 3 looks back" in mine
    assert "*80%* (1 decision): too few looks back (0 of 3)" in mine
    # The 90s: (1 + 0.5 + 0) / 3 = 50% right.
    assert "*90%* (3 decisions): right 50% of the time, over 3 looks back" in mine
    assert "60%" not in mine  # Bob's decision is not Alice's
    assert "Brier score: 0.21 over 7 looks back" in mine
    assert "You are over-confident at 90%: right 50% of the time." in mine
    assert "Type 2 (two-way): 2 of 3 (67%)" in mine
    assert "Type 1 (one-way): too few answers (0 of 3)" in mine

    # The channel's: Bob's 60% partly (0.01) joins them: 1.51 / 8 = 0.189.
    assert "*60%* (1 decision): too few looks back (1 of 3)" in channel
    assert "Brier score: 0.19 over 8 looks back" in channel
    assert "This channel is over-confident at 90%" in channel


async def test_stats_look_back_only_as_many_weeks_as_asked(bot: BotUnderTest) -> None:
    await seed(bot)
    bot.deps.clock = lambda: LOOKED_BACK + timedelta(days=10)
    text = await stats(bot, "stats 1")
    assert "Decision stats for the last 1 week" in text
    assert "Brier score: too few looks back (0 of 3)" in text
    assert "No decision in these weeks said how sure its decider was." in text


async def test_a_number_of_weeks_that_cant_be_used_is_explained(bot: BotUnderTest) -> None:
    for text in ("stats 0", "stats 521", "stats --weeks 3"):
        response = await bot.command(text, user=ALICE, channel=CHANNEL)
        assert "takes a number of weeks to look back, from 1 to 520" in str(response.body)
    # Words after "stats" are a title, as "/decide List prices" is.
    await bot.command("stats of Q3 are wrong", user=ALICE, channel=CHANNEL)
    assert bot.latest_view(ALICE).view["callback_id"] == ViewId.DECIDE
