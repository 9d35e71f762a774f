"""The core loop as a person uses it: /decide, the form, the card."""

from __future__ import annotations

from bot.ids import Action, Block
from tests.conftest import ALICE, BOB, CAROL, CHANNEL, NOW
from tests.e2e.flows import submit_decide_form
from tests.harness import BotUnderTest, blocks_text, mrkdwn_texts, response_json


async def test_decide_opens_the_form_with_the_title_and_records_a_type_2_decision(
    bot: BotUnderTest,
) -> None:
    response = await bot.command("Move billing to Postgres", user=ALICE, channel=CHANNEL)
    assert response.status == 200

    form = bot.latest_view(ALICE)
    title = next(b for b in form.view["blocks"] if b["block_id"] == Block.TITLE)
    assert title["element"]["initial_value"] == "Move billing to Postgres"
    decider = next(b for b in form.view["blocks"] if b["block_id"] == Block.DECIDER)
    assert decider["element"]["initial_user"] == ALICE

    response = await bot.submit(
        form,
        {
            Block.TITLE: "Move billing to Postgres",
            Block.WHAT_AND_WHY: "Postgres gives us transactions; MySQL replication keeps biting us.",
            Block.DECIDER: ALICE,
            Block.STAKEHOLDERS: [BOB, CAROL],
            Block.TYPE: "type2",
        },
        user=ALICE,
    )
    assert response.status == 200 and not response.body

    card = bot.card(CHANNEL)
    text = blocks_text(card["blocks"])
    assert "Move billing to Postgres" in text
    assert "Type 2 · two-way door" in text
    assert "Decided · revisit on Wed 23 Dec 2026" in text  # NOW + 30 days
    assert f"<@{BOB}> waiting" in text and f"<@{CAROL}> waiting" in text
    assert "0 of 2 asked have committed" in text
    for action in (Action.COMMIT_AGREE, Action.COMMIT_DISAGREE, Action.OPEN_DISSENT):
        assert action in str(card["blocks"])
    assert card["text"].startswith("Decision: Move billing to Postgres")


async def test_a_title_with_the_word_payload_still_opens_the_form(bot: BotUnderTest) -> None:
    # Bolt's own body parser took any form body containing "payload" for a button click's
    # and dropped the command: Slack would have shown the person "dispatch_failed".
    response = await bot.command("Version the webhook payload", user=ALICE, channel=CHANNEL)
    assert response.status == 200
    title = next(b for b in bot.latest_view(ALICE).view["blocks"] if b["block_id"] == Block.TITLE)
    assert title["element"]["initial_value"] == "Version the webhook payload"


BASIC = {
    Block.TITLE: "Adopt trunk-based development",
    Block.WHAT_AND_WHY: "Short-lived branches; long ones cost us a week per release.",
    Block.DECIDER: ALICE,
}


async def test_help_answers_privately_without_opening_a_form(bot: BotUnderTest) -> None:
    response = await bot.command("help", user=ALICE, channel=CHANNEL)
    body = response_json(response)
    assert body["response_type"] == "ephemeral"
    assert "/decide" in body["text"] and "Type 1" in body["text"]
    assert bot.stand_in.open_views(ALICE) == []


async def test_a_title_too_long_for_the_title_field_goes_into_what_and_why(
    bot: BotUnderTest,
) -> None:
    long_text = "We will " + "really " * 30 + "ship it."
    await bot.command(long_text, user=ALICE, channel=CHANNEL)
    blocks = {b["block_id"]: b for b in bot.latest_view(ALICE).view["blocks"]}
    assert "initial_value" not in blocks[Block.TITLE]["element"]
    assert blocks[Block.WHAT_AND_WHY]["element"]["initial_value"] == long_text


async def test_type_1_stays_open_for_input_until_its_commit_by_date(bot: BotUnderTest) -> None:
    await submit_decide_form(bot, {**BASIC, Block.TYPE: "type1", Block.STAKEHOLDERS: [BOB]})
    text = bot.card_text(CHANNEL)
    assert "Type 1 · one-way door" in text
    assert "Open for input until Thu 26 Nov 2026" in text  # default: 3 days after NOW


async def test_wrong_input_comes_back_under_each_field_and_nothing_is_stored(
    bot: BotUnderTest,
) -> None:
    await bot.command("", user=ALICE, channel=CHANNEL)
    form = bot.latest_view(ALICE)
    response = await bot.submit(
        form, {Block.TITLE: "   ", Block.WHAT_AND_WHY: "", Block.DECIDER: ALICE}, user=ALICE
    )
    errors = response_json(response)["errors"]
    assert errors[Block.TITLE] == "Give the decision a title."
    assert errors[Block.WHAT_AND_WHY] == "Say what was decided and why."
    assert errors[Block.TYPE].startswith("Choose Type 1, Type 2")
    assert bot.stand_in.views.get(form.id) is not None  # the form stays open with what was typed
    assert bot.stand_in.channel_messages(CHANNEL) == []


async def test_a_past_date_and_a_revisit_date_on_type_1_are_refused_where_typed(
    bot: BotUnderTest,
) -> None:
    await bot.command("", user=ALICE, channel=CHANNEL)
    form = bot.latest_view(ALICE)
    past = NOW.date().replace(day=NOW.day - 2)
    response = await bot.submit(form, {**BASIC, Block.COMMIT_BY: past}, user=ALICE)
    errors = response_json(response)["errors"]
    assert (
        errors[Block.COMMIT_BY] == "The commit-by date is in the past. Pick today or a later date."
    )

    await bot.choose(form, Block.TYPE, "type1", user=ALICE)
    form = bot.latest_view(ALICE)
    # Choosing Type 1 hides the revisit date; a stale one submitted anyway is still refused.
    assert Block.REVISIT_ON not in [b.get("block_id") for b in form.view["blocks"]]
    form.view["blocks"].append(
        {
            "type": "input",
            "block_id": Block.REVISIT_ON,
            "optional": True,
            "label": {"type": "plain_text", "text": "Revisit on"},
            "element": {"type": "datepicker", "action_id": "value"},
        }
    )
    response = await bot.submit(
        form, {Block.COMMIT_BY: None, Block.REVISIT_ON: NOW.date()}, user=ALICE
    )
    assert (
        "Type 1 decisions are one-way doors" in response_json(response)["errors"][Block.REVISIT_ON]
    )
    assert bot.stand_in.channel_messages(CHANNEL) == []


async def test_not_sure_asks_three_questions_and_records_the_suggested_type_with_its_reason(
    bot: BotUnderTest,
) -> None:
    await bot.command("Switch CI provider", user=ALICE, channel=CHANNEL)
    form = bot.latest_view(ALICE)
    await bot.choose(form, Block.TYPE, "not_sure", user=ALICE)
    form = bot.latest_view(ALICE)
    block_ids = [b.get("block_id") for b in form.view["blocks"]]
    assert {Block.UNDO_CHEAPLY, Block.LOCKS_IN, Block.WHO_IS_AFFECTED} <= set(block_ids)
    assert "Answer all three" in blocks_text(form.view["blocks"])

    # Submitting before answering asks for the missing answers, under each question.
    response = await bot.submit(form, {**BASIC, Block.TITLE: "Switch CI provider"}, user=ALICE)
    assert set(response_json(response)["errors"]) == {
        Block.UNDO_CHEAPLY,
        Block.LOCKS_IN,
        Block.WHO_IS_AFFECTED,
    }

    await bot.choose(form, Block.UNDO_CHEAPLY, "yes", user=ALICE)
    await bot.choose(bot.latest_view(ALICE), Block.LOCKS_IN, "yes", user=ALICE)
    await bot.choose(bot.latest_view(ALICE), Block.WHO_IS_AFFECTED, "team", user=ALICE)
    form = bot.latest_view(ALICE)
    shown = blocks_text(form.view["blocks"])
    assert (
        "Suggested:* Type 1 (one-way door), because it locks in customers, money, contracts or data."
        in shown
    )
    # The date shown is the one that goes with the suggested type.
    assert Block.COMMIT_BY in [b.get("block_id") for b in form.view["blocks"]]
    assert Block.REVISIT_ON not in [b.get("block_id") for b in form.view["blocks"]]

    response = await bot.submit(form, {}, user=ALICE)
    assert not response.body
    text = bot.card_text(CHANNEL)
    assert "Type 1 · one-way door" in text
    assert "Suggested: Type 1 (one-way door), because it locks in customers" in text


async def test_a_resent_submission_records_the_decision_once(bot: BotUnderTest) -> None:
    await bot.command("", user=ALICE, channel=CHANNEL)
    form = bot.latest_view(ALICE)
    stored_view = bot.stand_in.views[form.id]
    await bot.submit(form, {**BASIC, Block.TYPE: "type2"}, user=ALICE)
    bot.stand_in.views[form.id] = stored_view  # Slack resends the same view after a timeout
    await bot.submit(form, {}, user=ALICE)
    assert len(bot.stand_in.channel_messages(CHANNEL)) == 1


async def test_mentions_in_user_text_ping_nobody(bot: BotUnderTest) -> None:
    await submit_decide_form(
        bot,
        {
            Block.TITLE: "Ship it <!channel> <@U0BOB>",
            Block.WHAT_AND_WHY: "Because <!here> & <https://evil|click>",
            Block.DECIDER: ALICE,
            Block.TYPE: "type2",
        },
    )
    card = bot.card(CHANNEL)
    # Slack parses mentions in mrkdwn (and in the fallback text), never in plain_text.
    parsed = "\n".join([card["text"], *mrkdwn_texts(card["blocks"])])
    assert "<!channel>" not in parsed and "<!here>" not in parsed
    assert "<@U0BOB>" not in parsed and "<https://evil" not in parsed
    assert "&lt;!channel&gt;" in card["text"]
    header = card["blocks"][0]["text"]
    assert header["type"] == "plain_text"
    assert "Because &lt;!here&gt; &amp; &lt;https://evil|click&gt;" in blocks_text(card["blocks"])
