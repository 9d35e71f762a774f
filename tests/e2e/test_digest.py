"""The weekly digest: once per channel with activity, private channels kept to themselves,
`/decide digest` privately now, and on/off per channel."""

from __future__ import annotations

from datetime import timedelta

from bot.ids import Action, Block
from bot.scheduler.sweep import Sweeper
from bot.slack.installations import OneWorkspace
from tests.conftest import ALICE, BOB, CAROL, CHANNEL, NOW, PRIVATE_CHANNEL
from tests.e2e.flows import record_decision
from tests.harness import BotUnderTest, blocks_text

DIGEST_TIME = NOW + timedelta(days=7) - timedelta(hours=1)  # Monday 30 Nov, 09:00 UTC
QUIET = "C0000QUIET"


def digests(bot: BotUnderTest, channel: str) -> list[dict[str, object]]:
    return [
        m
        for m in bot.stand_in.channel_messages(channel)
        if str(m["text"]).startswith("Decisions this week")
    ]


async def sweep_at(bot: BotUnderTest, moment: object, owner: str = "process-a") -> None:
    bot.deps.clock = lambda: moment  # type: ignore[assignment,return-value]
    await Sweeper(bot.deps, OneWorkspace(bot.app.client), owner=owner).sweep()


async def test_each_channel_with_activity_gets_one_digest_a_week(bot: BotUnderTest) -> None:
    bot.stand_in.add_channel(QUIET)
    card = await record_decision(bot, stakeholders=[BOB, CAROL], kind="type1")
    await bot.click(card, Action.COMMIT_AGREE, user=BOB, channel=CHANNEL)
    await record_decision(bot, stakeholders=[], kind="type2", title="Try weekly releases")

    await sweep_at(bot, DIGEST_TIME - timedelta(minutes=1))
    assert digests(bot, CHANNEL) == []
    await sweep_at(bot, DIGEST_TIME + timedelta(minutes=1))
    await sweep_at(bot, DIGEST_TIME + timedelta(minutes=2), owner="process-b")
    await sweep_at(bot, DIGEST_TIME + timedelta(hours=5))

    (digest,) = digests(bot, CHANNEL)
    text = blocks_text(digest["blocks"])  # type: ignore[arg-type]
    assert "Recorded this week: 1 Type 1, 1 Type 2" in text
    assert f"waiting on <@{CAROL}>" in text
    assert "Type 2 decisions decided the day they were raised: *100%* (last week –)" in text
    assert digests(bot, QUIET) == []


async def test_a_private_channels_decisions_stay_in_its_own_digest(bot: BotUnderTest) -> None:
    await record_decision(bot, stakeholders=[BOB], kind="type1", title="Public plan")
    await record_decision(
        bot, stakeholders=[BOB], kind="type1", title="Secret reorg", channel=PRIVATE_CHANNEL
    )
    await sweep_at(bot, DIGEST_TIME + timedelta(minutes=1))
    public = blocks_text(digests(bot, CHANNEL)[0]["blocks"])  # type: ignore[arg-type]
    private = blocks_text(digests(bot, PRIVATE_CHANNEL)[0]["blocks"])  # type: ignore[arg-type]
    assert "Public plan" in public and "Secret reorg" not in public
    assert "Secret reorg" in private and "Public plan" not in private


async def test_decide_digest_shows_it_privately_now(bot: BotUnderTest) -> None:
    await record_decision(bot, stakeholders=[BOB], kind="type1")
    response = await bot.command("digest", user=ALICE, channel=CHANNEL)
    assert response.status == 200 and not response.body  # acked at once, answered after
    await bot.settle()
    answer = bot.stand_in.responses[-1]
    assert answer["response_type"] == "ephemeral"
    assert "Adopt trunk-based development" in blocks_text(answer["blocks"])
    assert digests(bot, CHANNEL) == []  # nothing posted in the channel


async def test_digest_off_and_on_for_a_channel(bot: BotUnderTest) -> None:
    await record_decision(bot, stakeholders=[BOB], kind="type1")
    off = await bot.command("digest off", user=ALICE, channel=CHANNEL)
    assert "The weekly digest is off for this channel" in str(off.body)
    await sweep_at(bot, DIGEST_TIME + timedelta(minutes=1))
    assert digests(bot, CHANNEL) == []

    on = await bot.command("digest on", user=ALICE, channel=CHANNEL)
    assert "Mondays at 09:00 (UTC)" in str(on.body)
    await bot.click(bot.card(CHANNEL), Action.COMMIT_AGREE, user=BOB, channel=CHANNEL)
    await sweep_at(bot, DIGEST_TIME + timedelta(days=7, minutes=1))
    assert len(digests(bot, CHANNEL)) == 1

    unknown = await bot.command("digest weekly", user=ALICE, channel=CHANNEL)
    assert "Try `/decide digest`" in str(unknown.body)


async def test_dissent_and_its_answer_show_in_the_metrics(bot: BotUnderTest) -> None:
    card = await record_decision(bot, stakeholders=[BOB], kind="type1")
    await bot.click(card, Action.OPEN_DISSENT, user=BOB, channel=CHANNEL)
    await bot.submit(bot.latest_view(BOB), {Block.DISSENT_REASON: "Too early."}, user=BOB)
    await sweep_at(bot, DIGEST_TIME + timedelta(minutes=1))
    text = blocks_text(digests(bot, CHANNEL)[0]["blocks"])  # type: ignore[arg-type]
    assert f"<@{BOB}> on \u201cAdopt trunk-based development\u201d" in text
    assert "Dissent answered within 24 hours: *0%*" in text


async def test_a_quiet_week_still_gets_a_digest_when_something_waits(bot: BotUnderTest) -> None:
    """Only news from before: an overdue revisit, or dissent nobody answered. A channel with
    nothing new and nothing waiting gets no digest."""
    dissent_channel = "C0000DISSENT"
    for channel in (QUIET, dissent_channel):
        bot.stand_in.add_channel(channel)
    await record_decision(bot, stakeholders=[], kind="type2")  # revisit due Wed 23 Dec
    await record_decision(bot, stakeholders=[], kind="type1", channel=QUIET)
    card = await record_decision(bot, stakeholders=[BOB], kind="type1", channel=dissent_channel)
    await bot.click(card, Action.OPEN_DISSENT, user=BOB, channel=dissent_channel)
    await bot.submit(bot.latest_view(BOB), {Block.DISSENT_REASON: "Too early."}, user=BOB)

    monday = DIGEST_TIME + timedelta(weeks=4)  # 28 Dec: nothing happened from 21 to 28 Dec
    await sweep_at(bot, monday + timedelta(minutes=1))

    (overdue,) = digests(bot, CHANNEL)
    assert "*Revisits overdue*\n• \u201cAdopt trunk-based development\u201d, due" in blocks_text(
        overdue["blocks"]  # type: ignore[arg-type]
    )
    (waiting,) = digests(bot, dissent_channel)
    assert f"*Dissent waiting for the decider's answer*\n• <@{BOB}>" in blocks_text(
        waiting["blocks"]  # type: ignore[arg-type]
    )
    assert digests(bot, QUIET) == []


def image_of(digest: dict[str, object]) -> dict[str, object]:
    [image] = [b for b in digest["blocks"] if b["type"] == "image"]  # type: ignore[attr-defined,index]
    return image  # type: ignore[no-any-return]


async def test_the_digest_shows_twelve_weeks_of_metrics_as_a_chart_with_its_figures(
    bot: BotUnderTest,
) -> None:
    card = await record_decision(bot, stakeholders=[BOB], kind="type1")
    await bot.click(card, Action.OPEN_DISSENT, user=BOB, channel=CHANNEL)
    await bot.submit(bot.latest_view(BOB), {Block.DISSENT_REASON: "Too early."}, user=BOB)
    await sweep_at(bot, DIGEST_TIME + timedelta(minutes=1))

    (digest,) = digests(bot, CHANNEL)
    image = image_of(digest)
    file_id = image["slack_file"]["id"]  # type: ignore[index]
    upload = bot.stand_in.uploads[file_id]
    assert upload["complete"] and upload["data"].startswith(b"\x89PNG")
    assert upload.get("channel_id") is None  # the bot's own file, shown by the digest
    # Eleven quiet weeks, then this one's dissent, unanswered: the same 0% the digest gives.
    expected = "Dissent answered within 24 h: " + ", ".join(["\u2013"] * 11 + ["0%"]) + "."
    assert expected in str(image["alt_text"])
    assert "Input metrics for the 12 weeks to Mon 30 Nov 2026, oldest first." in str(
        image["alt_text"]
    )
    assert expected in blocks_text(digest["blocks"])  # type: ignore[arg-type]  (beside it, as text)


async def test_a_digest_goes_without_its_chart_when_slack_wont_take_the_file(
    bot: BotUnderTest,
) -> None:
    await record_decision(bot, stakeholders=[BOB], kind="type1")
    bot.stand_in.fail_next(
        "files.getUploadURLExternal", status=200, error="ratelimited", retry_after=None
    )
    await sweep_at(bot, DIGEST_TIME + timedelta(minutes=1))
    (digest,) = digests(bot, CHANNEL)
    assert not [b for b in digest["blocks"] if b["type"] == "image"]  # type: ignore[attr-defined,index]
    assert "Input metrics" in blocks_text(digest["blocks"])  # type: ignore[arg-type]


async def test_decide_stats_shows_the_channels_chart(bot: BotUnderTest) -> None:
    await record_decision(bot, stakeholders=[BOB], kind="type1")
    await bot.command("stats", user=ALICE, channel=CHANNEL)
    await bot.settle()
    answer = bot.stand_in.responses[-1]
    [image] = [b for b in answer["blocks"] if b["type"] == "image"]
    assert bot.stand_in.uploads[image["slack_file"]["id"]]["complete"]
    assert "Doors called right:" in image["alt_text"]


async def test_waiting_things_are_looked_for_in_the_day_after_a_digests_moment(
    bot: BotUnderTest,
) -> None:
    card = await record_decision(bot, stakeholders=[BOB], kind="type2")
    await bot.click(card, Action.OPEN_DISSENT, user=BOB, channel=CHANNEL)
    await bot.submit(bot.latest_view(BOB), {Block.DISSENT_REASON: "Too early."}, user=BOB)
    # Two days after the moment of 7 Dec (the week's activity was two weeks before): none.
    await sweep_at(bot, DIGEST_TIME + timedelta(weeks=1, days=2))
    assert digests(bot, CHANNEL) == []
    # On the moment of 14 Dec: the dissent still waits, so the channel gets its digest.
    await sweep_at(bot, DIGEST_TIME + timedelta(weeks=2, minutes=1))
    assert len(digests(bot, CHANNEL)) == 1
