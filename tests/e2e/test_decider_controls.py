"""Change type and close: only the decider, the recorder or a workspace admin."""

from __future__ import annotations

from bot.ids import Action, Block
from tests.conftest import ADMIN, ALICE, BOB, CAROL, CHANNEL
from tests.e2e.flows import record_decision
from tests.harness import BotUnderTest, blocks_text


async def test_the_decider_changes_type_2_to_type_1_with_a_reason(bot: BotUnderTest) -> None:
    card = await record_decision(bot, stakeholders=[BOB], kind="type2")
    await bot.click(card, Action.OPEN_CHANGE_TYPE, user=ALICE, channel=CHANNEL)
    form = bot.latest_view(ALICE)
    response = await bot.submit(
        form,
        {Block.NEW_TYPE: "type1", Block.TYPE_CHANGE_REASON: "Legal says the contract locks us in."},
        user=ALICE,
    )
    assert not response.body
    text = bot.card_text(CHANNEL)
    assert "Type 1 · one-way door" in text
    assert "Open for input until Thu 26 Nov 2026" in text
    assert "Legal says the contract locks us in." in text
    line = bot.stand_in.thread(CHANNEL, card["ts"])[-1]["text"]
    assert line.startswith(f"<@{ALICE}> changed this to Type 1 (one-way door): Legal says")


async def test_someone_else_gets_a_private_explanation_and_no_form(bot: BotUnderTest) -> None:
    card = await record_decision(bot, stakeholders=[BOB], decider=CAROL, recorder=ALICE)
    await bot.click(card, Action.OPEN_CHANGE_TYPE, user=BOB, channel=CHANNEL)
    told = bot.stand_in.responses[-1]
    assert told["response_type"] == "ephemeral"
    assert told["text"] == (
        f"Only the decider (<@{CAROL}>), the person who recorded it (<@{ALICE}>) "
        "or a workspace admin can change its type."
    )
    assert bot.stand_in.open_views(BOB) == []

    await bot.click(card, Action.CLOSE_DECISION, user=BOB, channel=CHANNEL)
    assert "can close it" in bot.stand_in.responses[-1]["text"]
    assert "Open for input" in bot.card_text(CHANNEL)


async def test_the_recorder_and_a_workspace_admin_may_close(bot: BotUnderTest) -> None:
    card = await record_decision(bot, stakeholders=[BOB], decider=CAROL, recorder=ALICE)
    await bot.click(card, Action.OPEN_CHANGE_TYPE, user=ALICE, channel=CHANNEL)
    assert bot.stand_in.open_views(ALICE)  # the recorder may

    await bot.click(card, Action.CLOSE_DECISION, user=ADMIN, channel=CHANNEL)
    assert "Closed on" in bot.card_text(CHANNEL)
    assert bot.stand_in.thread(CHANNEL, card["ts"])[-1]["text"] == (
        f"<@{ADMIN}> closed this decision. Commitments are final."
    )
    assert bot.stand_in.calls_to("users.info")[-1]["user"] == ADMIN


async def test_closing_twice_changes_nothing_twice(bot: BotUnderTest) -> None:
    card = await record_decision(bot, stakeholders=[BOB])
    await bot.click(card, Action.CLOSE_DECISION, user=ALICE, channel=CHANNEL)
    await bot.click(card, Action.CLOSE_DECISION, user=ALICE, channel=CHANNEL)
    assert len(bot.stand_in.thread(CHANNEL, card["ts"])) == 1
    assert "Closed on Mon 23 Nov 2026" in blocks_text(bot.card(CHANNEL)["blocks"])
