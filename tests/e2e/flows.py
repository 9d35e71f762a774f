"""Steps several end-to-end tests share."""

from __future__ import annotations

from bot.ids import Block
from tests.conftest import ALICE, CHANNEL
from tests.harness import BotUnderTest, response_json


async def record_decision(
    bot: BotUnderTest,
    *,
    stakeholders: list[str],
    kind: str = "type1",
    decider: str = ALICE,
    recorder: str = ALICE,
    channel: str = CHANNEL,
    title: str = "Adopt trunk-based development",
) -> dict[str, object]:
    """Records a decision through /decide and returns its card ({} if none could be posted)."""
    await bot.command("", user=recorder, channel=channel)
    response = await bot.submit(
        bot.latest_view(recorder),
        {
            Block.TITLE: title,
            Block.WHAT_AND_WHY: "Short-lived branches; long ones cost us a week per release.",
            Block.DECIDER: decider,
            Block.STAKEHOLDERS: stakeholders,
            Block.TYPE: kind,
        },
        user=recorder,
    )
    assert not response.body, response_json(response)
    return bot.card(channel) if bot.stand_in.channel_messages(channel) else {}
