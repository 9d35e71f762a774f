"""`/decide canvas on`: the channel's decision log canvas, made through the stand-in's canvas
methods and kept current by the sweeps as decisions are committed to and withdrawn."""

from __future__ import annotations

from datetime import timedelta

from bot.ids import Action, Block
from bot.ids import View as ViewId
from bot.scheduler.sweep import Sweeper
from bot.slack.installations import OneWorkspace
from tests.conftest import ALICE, BOB, CHANNEL, NOW, PRIVATE_CHANNEL
from tests.e2e.flows import record_decision
from tests.harness import BotUnderTest


async def canvas_command(bot: BotUnderTest, words: str, channel: str = CHANNEL) -> str:
    response = await bot.command(f"canvas {words}", user=ALICE, channel=channel)
    assert response.status == 200
    await bot.settle()
    return str(bot.stand_in.responses[-1]["text"])


def canvas_of(bot: BotUnderTest, channel: str) -> dict[str, object]:
    [canvas] = [c for c in bot.stand_in.canvases.values() if c["channel_id"] == channel]
    return canvas


async def sweep(bot: BotUnderTest, after: timedelta = timedelta(0)) -> int:
    bot.deps.clock = lambda: NOW + after
    return (
        await Sweeper(bot.deps, OneWorkspace(bot.app.client), owner="process-a").sweep()
    ).canvases_drawn


async def test_the_canvas_lists_the_channels_decisions_and_follows_their_changes(
    bot: BotUnderTest,
) -> None:
    card = await record_decision(bot, stakeholders=[BOB], kind="type1")
    said = await canvas_command(bot, "on")
    assert "canvas is on" in said

    canvas = canvas_of(bot, CHANNEL)
    assert canvas["kind"] == "channel" and canvas["title"] == "Decision log"
    table = str(canvas["markdown"])
    row = next(line for line in table.splitlines() if line.startswith("| 1 |"))
    assert "[Adopt trunk-based development](https://" in row  # linked to its card
    assert f"| Open for input | Type 1 | ![](@{ALICE}) | 0 | Commit by" in row
    assert await sweep(bot) == 0  # drawn already: nothing behind

    # A commit and a second decision: one redraw draws both.
    await bot.click(card, Action.COMMIT_AGREE, user=BOB, channel=CHANNEL)
    await record_decision(bot, stakeholders=[], kind="type2", title="Try weekly releases")
    edits = len(bot.stand_in.calls_to("canvases.edit"))
    assert await sweep(bot) == 1
    assert len(bot.stand_in.calls_to("canvases.edit")) == edits + 1
    table = str(canvas_of(bot, CHANNEL)["markdown"])
    lines = [line for line in table.splitlines() if line.startswith("| ")]
    assert lines[1].startswith("| 2 | [Try weekly releases]")  # newest first, after the header
    assert f"| Open for input | Type 1 | ![](@{ALICE}) | 1 |" in lines[2]

    # Withdrawn.
    await bot.click(
        bot.stand_in.message(CHANNEL, str(card["ts"])),
        Action.OPEN_WITHDRAW,
        user=ALICE,
        channel=CHANNEL,
    )
    await bot.submit(bot.latest_view(ALICE), {Block.WITHDRAW_REASON: "Overtaken."}, user=ALICE)
    assert await sweep(bot) == 1
    assert "| 1 | [Adopt trunk-based development]" in str(canvas_of(bot, CHANNEL)["markdown"])
    assert "| Withdrawn |" in str(canvas_of(bot, CHANNEL)["markdown"])


async def test_a_canvas_never_holds_another_channels_decisions(bot: BotUnderTest) -> None:
    await record_decision(bot, stakeholders=[], kind="type2", title="Public plan")
    await record_decision(
        bot, stakeholders=[], kind="type2", title="Secret reorg", channel=PRIVATE_CHANNEL
    )
    await canvas_command(bot, "on")
    await canvas_command(bot, "on", channel=PRIVATE_CHANNEL)
    await record_decision(
        bot, stakeholders=[], kind="type2", title="Another secret", channel=PRIVATE_CHANNEL
    )
    await sweep(bot)
    public, private = (
        str(canvas_of(bot, CHANNEL)["markdown"]),
        str(canvas_of(bot, PRIVATE_CHANNEL)["markdown"]),
    )
    assert "Public plan" in public and "secret" not in public.lower()
    assert (
        "Secret reorg" in private and "Another secret" in private and "Public plan" not in private
    )


async def test_without_channel_canvases_a_canvas_is_tabbed_in_the_channel(
    bot: BotUnderTest,
) -> None:
    bot.stand_in.channel_canvases_allowed = False
    await record_decision(bot, stakeholders=[], kind="type2")
    assert "canvas is on" in await canvas_command(bot, "on")
    canvas = canvas_of(bot, CHANNEL)
    assert canvas["kind"] == "tabbed" and "Adopt trunk" in str(canvas["markdown"])


async def test_off_stops_updating_and_on_brings_it_up_to_date(bot: BotUnderTest) -> None:
    await record_decision(bot, stakeholders=[], kind="type2")
    await canvas_command(bot, "on")
    assert "no longer updates" in await canvas_command(bot, "off")
    await record_decision(bot, stakeholders=[], kind="type2", title="Try weekly releases")
    assert await sweep(bot) == 0
    assert "Try weekly releases" not in str(canvas_of(bot, CHANNEL)["markdown"])
    await canvas_command(bot, "on")
    assert len(bot.stand_in.canvases) == 1  # the same canvas, taken up again
    assert "Try weekly releases" in str(canvas_of(bot, CHANNEL)["markdown"])


async def test_a_refused_redraw_is_tried_again_and_a_deleted_canvas_is_let_go(
    bot: BotUnderTest,
) -> None:
    await record_decision(bot, stakeholders=[], kind="type2")
    await canvas_command(bot, "on")
    await record_decision(bot, stakeholders=[], kind="type2", title="Try weekly releases")
    bot.stand_in.fail_next(
        "canvases.edit", status=500, error="internal_error", retry_after=None, times=3
    )
    assert await sweep(bot) == 0
    assert await sweep(bot, timedelta(seconds=30)) == 0  # waits a minute before trying again
    assert await sweep(bot, timedelta(minutes=2)) == 1
    assert "Try weekly releases" in str(canvas_of(bot, CHANNEL)["markdown"])

    [canvas_id] = bot.stand_in.canvases
    bot.stand_in.delete_canvas(canvas_id)
    await record_decision(bot, stakeholders=[], kind="type2", title="Try pairing")
    assert await sweep(bot, timedelta(minutes=3)) == 0
    assert await sweep(bot, timedelta(minutes=10)) == 0  # let go: no retries against nothing
    assert "canvas is on" in await canvas_command(bot, "on")
    assert "Try pairing" in str(canvas_of(bot, CHANNEL)["markdown"])


async def test_a_channel_the_bot_is_not_in_gets_a_sentence(bot: BotUnderTest) -> None:
    bot.stand_in.add_channel("C0000ELSEWHERE", bot_is_member=False)
    said = await canvas_command(bot, "on", channel="C0000ELSEWHERE")
    assert said == "I'm not in this channel: `/invite @decisionbot`, then try again."
    assert bot.stand_in.canvases == {}
    response = await bot.command("canvas", user=ALICE, channel=CHANNEL)
    assert "`/decide canvas on` adds a *Decision log* canvas" in str(response.body)
    # Other words after "canvas" are a title, as "/decide List prices" is.
    await bot.command("canvas rollout to sales", user=ALICE, channel=CHANNEL)
    assert bot.latest_view(ALICE).view["callback_id"] == ViewId.DECIDE
