"""Steps several end-to-end tests share."""

from __future__ import annotations

from bot.ids import Block
from tests.conftest import ALICE, CHANNEL
from tests.harness import BotUnderTest, response_json


async def submit_decide_form(
    bot: BotUnderTest, entries: dict[str, object], *, user: str = ALICE, channel: str = CHANNEL
) -> None:
    """Types /decide, fills in the form and submits it; asserts the form closed."""
    await bot.command("", user=user, channel=channel)
    response = await bot.submit(bot.latest_view(user), entries, user=user)
    assert not response.body, response_json(response)


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
    await submit_decide_form(
        bot,
        {
            Block.TITLE: title,
            Block.WHAT_AND_WHY: "Short-lived branches; long ones cost us a week per release.",
            Block.DECIDER: decider,
            Block.STAKEHOLDERS: stakeholders,
            Block.TYPE: kind,
        },
        user=recorder,
        channel=channel,
    )
    return bot.card(channel) if bot.stand_in.channel_messages(channel) else {}
