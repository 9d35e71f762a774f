"""Channels the bot isn't in, and Slack saying no: nothing is lost, the person is told."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.ids import Action
from bot.scheduler.sweep import Sweeper, SweepReport
from bot.slack.installations import OneWorkspace
from storage import repository
from tests.conftest import ALICE, BOB, CHANNEL, NOW, PRIVATE_CHANNEL, TEAM
from tests.e2e.flows import record_decision
from tests.harness import BotUnderTest


async def stored_decision_count(bot: BotUnderTest) -> int:
    return len(await bot.deps.db.read(repository.list_all_decision_ids))


async def test_a_public_channel_without_the_bot_is_joined_and_gets_the_card(
    bot: BotUnderTest,
) -> None:
    bot.stand_in.add_channel("C0000NOTJOINED", bot_is_member=False)
    await record_decision(bot, stakeholders=[BOB], channel="C0000NOTJOINED")
    assert [c["channel"] for c in bot.stand_in.calls_to("conversations.join")] == ["C0000NOTJOINED"]
    assert "Adopt trunk-based development" in bot.card_text("C0000NOTJOINED")


async def test_a_private_channel_without_the_bot_keeps_the_decision_and_says_how_to_invite(
    bot: BotUnderTest,
) -> None:
    bot.stand_in.channels[PRIVATE_CHANNEL].bot_is_member = False
    await record_decision(bot, stakeholders=[BOB], channel=PRIVATE_CHANNEL)
    assert await stored_decision_count(bot) == 1
    note = bot.stand_in.responses[-1]
    assert note["response_type"] == "ephemeral"
    assert "is saved, but I couldn't post its card here" in note["text"]
    assert "/invite @decisionbot" in note["text"]

    # After the invite, the button in the private note posts the card.
    bot.stand_in.channels[PRIVATE_CHANNEL].bot_is_member = True
    await bot.click(note, Action.POST_CARD, user=ALICE, channel=PRIVATE_CHANNEL, ephemeral=True)
    assert "Adopt trunk-based development" in bot.card_text(PRIVATE_CHANNEL)
    assert bot.stand_in.responses[-1] == {"text": "Posted the card.", "replace_original": True}

    card = bot.card(PRIVATE_CHANNEL)
    await bot.click(card, Action.COMMIT_AGREE, user=BOB, channel=PRIVATE_CHANNEL)
    assert f"<@{BOB}> agreed and committed" in bot.card_text(PRIVATE_CHANNEL)

    await bot.click(note, Action.POST_CARD, user=ALICE, channel=PRIVATE_CHANNEL, ephemeral=True)
    assert len(bot.stand_in.channel_messages(PRIVATE_CHANNEL)) == 1


async def test_an_expired_trigger_gets_a_private_message_instead_of_silence(
    bot: BotUnderTest,
) -> None:
    moments = iter([0.0, 3.5])  # the trigger is issued, then used 3.5 s later
    bot.stand_in.clock = lambda: next(moments)
    await bot.command("", user=ALICE, channel=CHANNEL)
    assert bot.stand_in.open_views(ALICE) == []
    assert "the form took too long to open" in bot.stand_in.responses[-1]["text"]


async def test_a_rate_limited_card_post_waits_and_posts_once(bot: BotUnderTest) -> None:
    bot.stand_in.fail_next("chat.postMessage", status=429, error="ratelimited", retry_after=1)
    await record_decision(bot, stakeholders=[BOB])
    assert len(bot.stand_in.channel_messages(CHANNEL)) == 1
    decision = await bot.deps.db.read(
        lambda session: repository.get_decision(session, team_id=TEAM, decision_id=1)
    )
    assert decision is not None and decision.message_ts == bot.card(CHANNEL)["ts"]


async def sweep_at(bot: BotUnderTest, moment: datetime) -> SweepReport:
    bot.deps.clock = lambda: moment
    report = await Sweeper(bot.deps, OneWorkspace(bot.app.client)).sweep()
    await bot.settle()
    return report


async def test_slack_down_when_posting_the_card_keeps_the_decision_and_posts_it_once_back(
    bot: BotUnderTest,
) -> None:
    # Each call is tried three times (two retries); the first attempt fails, the next succeeds.
    bot.stand_in.fail_next(
        "chat.postMessage", status=503, error="service_unavailable", retry_after=None, times=5
    )
    await record_decision(bot, stakeholders=[BOB])
    assert await stored_decision_count(bot) == 1
    told = bot.stand_in.responses[-1]
    assert told["response_type"] == "ephemeral"
    assert "I'll post it in the channel as soon as Slack does" in told["text"]
    assert "no need to record it again" in told["text"]
    assert bot.stand_in.channel_messages(CHANNEL) == []

    assert (await sweep_at(bot, NOW + timedelta(seconds=5))).cards_drawn == 0  # not yet due
    assert (await sweep_at(bot, NOW + timedelta(minutes=1))).cards_drawn == 1
    [card] = bot.stand_in.channel_messages(CHANNEL)
    decision = await bot.deps.db.read(
        lambda session: repository.get_decision(session, team_id=TEAM, decision_id=1)
    )
    assert decision is not None and decision.message_ts == card["ts"]
    assert (await sweep_at(bot, NOW + timedelta(minutes=5))).cards_drawn == 0
    assert len(bot.stand_in.channel_messages(CHANNEL)) == 1  # posted once


async def test_a_card_slack_wouldnt_update_catches_up_and_nobody_is_told_their_click_failed(
    bot: BotUnderTest,
) -> None:
    card = await record_decision(bot, stakeholders=[BOB])
    bot.stand_in.fail_next(
        "chat.update", status=500, error="internal_error", retry_after=None, times=3
    )
    await bot.click(card, Action.COMMIT_AGREE, user=BOB, channel=CHANNEL)
    assert f"<@{BOB}> agreed and committed" not in bot.card_text(CHANNEL)  # still the old card
    assert not any("didn't accept" in r.get("text", "") for r in bot.stand_in.responses)

    assert (await sweep_at(bot, NOW + timedelta(minutes=1))).cards_drawn == 1
    assert f"<@{BOB}> agreed and committed" in bot.card_text(CHANNEL)
    assert (await sweep_at(bot, NOW + timedelta(minutes=5))).cards_drawn == 0


async def test_a_click_from_another_workspace_cannot_touch_this_teams_decision(
    bot: BotUnderTest,
) -> None:
    card = await record_decision(bot, stakeholders=[BOB])
    bot.team_id = "T0OTHER"
    await bot.click(card, Action.COMMIT_AGREE, user=BOB, channel=CHANNEL)
    assert bot.stand_in.responses[-1]["text"] == "That decision no longer exists."
    bot.team_id = TEAM
    assert f"<@{BOB}> waiting" in bot.card_text(CHANNEL)


async def test_a_rate_limited_private_reply_is_sent_after_the_ack_not_before(
    bot: BotUnderTest,
) -> None:
    await record_decision(bot, stakeholders=[BOB])
    await bot.open_home(BOB)
    bot.team_id = "T0OTHER"  # a click the bot must refuse, from a surface with no response_url
    bot.stand_in.fail_next("chat.postMessage", status=429, error="ratelimited", retry_after=1)

    ack = await bot.click_home(Action.COMMIT_AGREE, user=BOB, settle=False)
    # Slack asked for a second's wait: the ack was answered without it.
    assert ack.status == 200 and bot.stand_in.channel_messages(BOB) == []

    await bot.settle()
    assert [m["text"] for m in bot.stand_in.channel_messages(BOB)] == [
        "That decision no longer exists."
    ]
    bot.team_id = TEAM
