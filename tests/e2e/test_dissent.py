"""Disagree first: the dissent is posted, the decider answers it, the dissenter is asked to commit."""

from __future__ import annotations

from bot.ids import Action, Block
from tests.conftest import ALICE, BOB, CAROL, CHANNEL
from tests.e2e.flows import record_decision
from tests.harness import BotUnderTest, blocks_text, response_json


async def test_dissent_answer_and_commit(bot: BotUnderTest) -> None:
    card = await record_decision(bot, stakeholders=[BOB, CAROL])

    await bot.click(card, Action.OPEN_DISSENT, user=BOB, channel=CHANNEL)
    form = bot.latest_view(BOB)
    response = await bot.submit(
        form,
        {
            Block.DISSENT_REASON: "Our release tooling assumes long branches.",
            Block.DISSENT_WOULD_CHANGE: "A plan for the tooling.",
        },
        user=BOB,
    )
    assert not response.body

    thread = bot.stand_in.thread(CHANNEL, card["ts"])
    dissent_message = thread[-1]
    shown = blocks_text(dissent_message["blocks"])
    assert f"<@{BOB}> disagrees" in shown
    assert "&gt;Our release tooling assumes long branches." in shown
    assert "What would change their mind:* A plan for the tooling." in shown
    assert f"<@{ALICE}>, please answer this" in shown
    assert f"<@{BOB}> disagrees, awaiting the decider's answer" in bot.card_text(CHANNEL)
    assert "1 dissent awaiting an answer" in bot.card_text(CHANNEL)

    # Only the decider may answer.
    await bot.click(dissent_message, Action.OPEN_ANSWER, user=CAROL, channel=CHANNEL)
    assert (
        bot.stand_in.responses[-1]["text"]
        == f"Only the decider, <@{ALICE}>, can answer dissent on this decision."
    )
    assert bot.stand_in.open_views(CAROL) == []

    await bot.click(dissent_message, Action.OPEN_ANSWER, user=ALICE, channel=CHANNEL)
    answer_form = bot.latest_view(ALICE)
    assert "Our release tooling assumes long branches." in blocks_text(answer_form.view["blocks"])
    response = await bot.submit(
        answer_form,
        {
            Block.ANSWER_HEARD: "The tooling needs work first.",
            Block.ANSWER_WEIGHED: "We fix the tooling in week one; the cost of waiting is higher.",
        },
        user=ALICE,
    )
    assert not response.body

    answer_message = bot.stand_in.thread(CHANNEL, card["ts"])[-1]
    shown = blocks_text(answer_message["blocks"])
    assert f"<@{ALICE}> answered <@{BOB}>\u2019s dissent" in shown
    assert "*What I heard:* The tooling needs work first." in shown
    assert "*How I weighed it:* We fix the tooling in week one" in shown
    assert f"<@{BOB}>, when you're ready, please commit" in shown
    assert f"<@{BOB}> was answered, waiting for their commitment" in bot.card_text(CHANNEL)

    await bot.click(answer_message, Action.COMMIT_DISAGREE, user=BOB, channel=CHANNEL)
    assert f"<@{BOB}> disagreed and committed" in bot.card_text(CHANNEL)


async def test_an_empty_dissent_is_refused_under_the_field(bot: BotUnderTest) -> None:
    card = await record_decision(bot, stakeholders=[BOB])
    await bot.click(card, Action.OPEN_DISSENT, user=BOB, channel=CHANNEL)
    response = await bot.submit(bot.latest_view(BOB), {Block.DISSENT_REASON: "  "}, user=BOB)
    assert response_json(response) == {
        "response_action": "errors",
        "errors": {Block.DISSENT_REASON: "Say why you disagree."},
    }
    assert bot.stand_in.thread(CHANNEL, card["ts"]) == []


async def test_the_decider_cannot_dissent_from_their_own_decision(bot: BotUnderTest) -> None:
    card = await record_decision(bot, stakeholders=[BOB])
    await bot.click(card, Action.OPEN_DISSENT, user=ALICE, channel=CHANNEL)
    assert "You're the decider" in bot.stand_in.responses[-1]["text"]
    assert bot.stand_in.open_views(ALICE) == []


async def test_a_decision_closed_while_the_dissent_form_was_open_keeps_the_text(
    bot: BotUnderTest,
) -> None:
    card = await record_decision(bot, stakeholders=[BOB])
    await bot.click(card, Action.OPEN_DISSENT, user=BOB, channel=CHANNEL)
    form = bot.latest_view(BOB)
    await bot.click(card, Action.CLOSE_DECISION, user=ALICE, channel=CHANNEL)
    response = await bot.submit(form, {Block.DISSENT_REASON: "Too late?"}, user=BOB)
    errors = response_json(response)["errors"]
    assert "is closed" in errors[Block.DISSENT_REASON]
    assert bot.stand_in.views.get(form.id) is not None  # still open, text kept
