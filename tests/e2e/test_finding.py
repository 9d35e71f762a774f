"""Finding decisions: /decide list, search and show, the Home tab, and Record as decision."""

from __future__ import annotations

from typing import Any

from bot.ids import Action, Block
from tests.conftest import ALICE, BOB, CAROL, CHANNEL
from tests.e2e.flows import record_decision
from tests.harness import BotUnderTest, blocks_text, response_json


def answer(bot: BotUnderTest) -> dict[str, Any]:
    """The newest private answer sent through a response_url."""
    assert bot.stand_in.responses, "nothing was answered"
    return bot.stand_in.responses[-1]


async def test_list_shows_the_channels_decisions_newest_first_ten_at_a_time(
    bot: BotUnderTest,
) -> None:
    for i in range(1, 13):
        await record_decision(bot, stakeholders=[], kind="type2", title=f"Decision number {i}")
    await bot.command("list", user=BOB, channel=CHANNEL)
    first = answer(bot)
    assert first["response_type"] == "ephemeral"
    text = blocks_text(first["blocks"])
    assert "(1\u201310 of 12)" in text
    assert text.index("Decision number 12") < text.index("Decision number 3")
    assert "Decision number 2" not in text.replace("Decision number 12", "")

    await bot.click(first, Action.LIST_NEXT, user=BOB, channel=CHANNEL)
    second = answer(bot)
    assert second["replace_original"] is True
    assert "(11\u201312 of 12)" in blocks_text(second["blocks"])
    assert "Decision number 1" in blocks_text(second["blocks"])
    await bot.click(second, Action.LIST_PREVIOUS, user=BOB, channel=CHANNEL)
    assert "(1\u201310 of 12)" in blocks_text(answer(bot)["blocks"])


async def test_list_in_a_channel_with_no_decisions_says_how_to_record_one(
    bot: BotUnderTest,
) -> None:
    await bot.command("list", user=BOB, channel=CHANNEL)
    assert "No decisions recorded in this channel yet" in answer(bot)["text"]


async def test_list_with_an_option_says_it_takes_none_instead_of_opening_the_form(
    bot: BotUnderTest,
) -> None:
    response = await bot.command("list --channel general", user=BOB, channel=CHANNEL)
    said = response_json(response)
    assert said["response_type"] == "ephemeral"
    assert said["text"].startswith("`/decide list` takes no options")
    assert bot.stand_in.open_views(BOB) == []


async def test_a_title_starting_with_a_subcommand_word_still_opens_the_form(
    bot: BotUnderTest,
) -> None:
    await bot.command("List prices in euros", user=ALICE, channel=CHANNEL)
    assert bot.latest_view(ALICE).view["blocks"][0]["element"]["initial_value"] == (
        "List prices in euros"
    )


async def test_search_finds_words_in_titles_reasons_and_dissent_and_links_each_card(
    bot: BotUnderTest,
) -> None:
    card = await record_decision(bot, stakeholders=[BOB], title="Move billing to Postgres")
    await record_decision(bot, stakeholders=[], kind="type2", title="Adopt weekly releases")
    await bot.click(card, Action.OPEN_DISSENT, user=BOB, channel=CHANNEL)
    await bot.submit(
        bot.latest_view(BOB), {Block.DISSENT_REASON: "Vendor lock-in worries me."}, user=BOB
    )

    await bot.command("search postgres", user=CAROL, channel=CHANNEL)
    found = blocks_text(answer(bot)["blocks"])
    assert "Move billing to Postgres" in found and "weekly releases" not in found
    ts = str(card["ts"]).replace(".", "")
    assert f"<https://stand-in.slack.com/archives/{CHANNEL}/p{ts}|" in str(answer(bot)["blocks"])

    await bot.command("search lock", user=CAROL, channel=CHANNEL)  # a prefix, in the dissent
    assert "Move billing to Postgres" in blocks_text(answer(bot)["blocks"])
    await bot.command('search "weekly" OR', user=CAROL, channel=CHANNEL)  # syntax is just text
    assert "No decisions match" in answer(bot)["text"]
    await bot.command("search", user=CAROL, channel=CHANNEL)
    assert "Say what to look for" in answer(bot)["text"]


async def test_show_gives_one_decision_in_full_privately(bot: BotUnderTest) -> None:
    card = await record_decision(bot, stakeholders=[BOB, CAROL], title="Move billing to Postgres")
    await bot.click(card, Action.OPEN_DISSENT, user=BOB, channel=CHANNEL)
    await bot.submit(bot.latest_view(BOB), {Block.DISSENT_REASON: "Too risky."}, user=BOB)
    await bot.click(bot.card(CHANNEL), Action.COMMIT_AGREE, user=CAROL, channel=CHANNEL)

    await bot.command("show #1", user=CAROL, channel=CHANNEL)
    shown = answer(bot)
    text = blocks_text(shown["blocks"])
    assert shown["response_type"] == "ephemeral"
    assert "#1: Move billing to Postgres" in text
    assert f"<@{BOB}> disagreed: Too risky." in text and "Not answered yet" in text
    assert f"<@{CAROL}> agreed and committed" in text
    assert "recorded" in text and "card posted" in text  # the history

    await bot.command("show 99", user=CAROL, channel=CHANNEL)
    assert "There's no decision #99 that you can see" in answer(bot)["text"]
    await bot.command("show", user=CAROL, channel=CHANNEL)
    assert "Give the decision's number" in answer(bot)["text"]


async def test_the_home_tab_shows_what_waits_on_you_with_buttons_to_act_there(
    bot: BotUnderTest,
) -> None:
    await record_decision(bot, stakeholders=[BOB], title="Move billing to Postgres")
    home = await bot.open_home(BOB)
    text = blocks_text(home["blocks"])
    assert "Asking for your commitment (1)" in text and "Move billing to Postgres" in text

    await bot.click_home(Action.COMMIT_AGREE, user=BOB)
    assert f"<@{BOB}> agreed and committed" in bot.card_text(CHANNEL)
    redrawn = blocks_text(bot.stand_in.home_tabs[BOB]["blocks"])
    assert "Nothing is waiting on you" in redrawn
    assert "Recent in your channels" in redrawn and "Move billing to Postgres" in redrawn

    alice = blocks_text((await bot.open_home(ALICE))["blocks"])
    assert "Your decisions (1)" in alice


async def test_the_home_tab_stays_within_100_blocks_and_pages_through_the_rest(
    bot: BotUnderTest,
) -> None:
    for i in range(40):
        await record_decision(bot, stakeholders=[BOB], title=f"Needs Bob {i}", decider=BOB)
    home = await bot.open_home(BOB)
    assert len(home["blocks"]) <= 100
    text = blocks_text(home["blocks"])
    assert "Asking for your commitment (40)" in text and "Your decisions (40)" in text

    def asking(home: dict[str, Any]) -> str:
        text = blocks_text(home["blocks"])
        return text[text.index("Asking for your commitment") : text.index("Your decisions")]

    assert "Needs Bob 39" in asking(home) and "Needs Bob 33" not in asking(home)
    await bot.click_home(Action.HOME_NEXT, user=BOB)  # the first section's Next
    paged = bot.stand_in.home_tabs[BOB]
    assert len(paged["blocks"]) <= 100
    assert "Needs Bob 33" in asking(paged) and "Needs Bob 39" not in asking(paged)
    assert "Needs Bob 39" in blocks_text(paged["blocks"])  # the other sections stay where they were


async def test_record_as_decision_quotes_and_links_the_message_and_posts_the_card_there(
    bot: BotUnderTest,
) -> None:
    ts = bot.stand_in.add_message(CHANNEL, "Let's drop IE11 support from January.")
    message = {"ts": ts, "text": "Let's drop IE11 support from January.", "user": CAROL}
    await bot.shortcut(message, user=ALICE, channel=CHANNEL)
    form = bot.latest_view(ALICE)
    quoted = blocks_text(form.view["blocks"])
    assert "drop IE11 support" in quoted and f"<@{CAROL}>" in quoted

    response = await bot.submit(
        form,
        {
            Block.TITLE: "Drop IE11 support",
            Block.WHAT_AND_WHY: "Under 0.1% of sessions; it costs us a day a sprint.",
            Block.DECIDER: ALICE,
            Block.TYPE: "type2",
        },
        user=ALICE,
    )
    assert not response.body, response_json(response)
    card = bot.card_text(CHANNEL)
    assert "Drop IE11 support" in card
    assert f"archives/{CHANNEL}/p{ts.replace('.', '')}|a message" in str(bot.card(CHANNEL))
