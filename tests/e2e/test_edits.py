"""Edits that matter: a change to what was decided asks for commitment again; a typo doesn't."""

from __future__ import annotations

import json

from bot.ids import Action, Block
from bot.services.decisions import load_record
from storage.repository import list_events
from tests.conftest import ALICE, BOB, CAROL, CHANNEL, DAN, TEAM
from tests.e2e.flows import record_decision
from tests.harness import BotUnderTest, response_json


async def committed_decision(bot: BotUnderTest) -> dict[str, object]:
    card = await record_decision(bot, stakeholders=[BOB, CAROL], title="Move billing to Postgres")
    await bot.click(card, Action.COMMIT_AGREE, user=BOB, channel=CHANNEL)
    await bot.click(bot.card(CHANNEL), Action.COMMIT_DISAGREE, user=CAROL, channel=CHANNEL)
    return bot.card(CHANNEL)


async def history(bot: BotUnderTest) -> list[tuple[str, dict[str, object]]]:
    events = await bot.deps.db.read(
        lambda session: list_events(session, team_id=TEAM, decision_id=1)
    )
    return [(e.kind, json.loads(e.detail)) for e in events]


async def test_changing_what_was_decided_asks_everyone_who_committed_to_commit_again(
    bot: BotUnderTest,
) -> None:
    card = await committed_decision(bot)
    await bot.click(card, Action.OPEN_EDIT, user=ALICE, channel=CHANNEL)
    form = bot.latest_view(ALICE)
    response = await bot.submit(
        form,
        {Block.WHAT_AND_WHY: "Postgres for billing, but only after the Q1 freeze."},
        user=ALICE,
    )
    assert not response.body, response_json(response)

    text = bot.card_text(CHANNEL)
    assert "Postgres for billing, but only after the Q1 freeze." in text
    assert f"<@{BOB}> agreed and committed to an earlier version; asked to commit again" in text
    assert f"<@{CAROL}> disagreed and committed to an earlier version" in text
    ask = bot.stand_in.thread(CHANNEL, str(card["ts"]))[-1]
    assert f"<@{BOB}> <@{CAROL}>: you committed to the earlier version" in ask["text"]
    kind, detail = (await history(bot))[-1]
    assert kind == "edited" and detail["changed"] == ["what_and_why"]
    assert detail["commitments_outdated"] == [BOB, CAROL]

    await bot.click(ask, Action.COMMIT_AGREE, user=BOB, channel=CHANNEL)  # from the thread
    text = bot.card_text(CHANNEL)
    assert f"<@{BOB}> agreed and committed" in text and "1 of 2 asked have committed" in text


async def test_a_small_edit_keeps_the_commitments(bot: BotUnderTest) -> None:
    card = await committed_decision(bot)
    await bot.click(card, Action.OPEN_EDIT, user=ALICE, channel=CHANNEL)
    await bot.submit(
        bot.latest_view(ALICE),
        {Block.TITLE: "Move billing to PostgreSQL", Block.SMALL_EDIT: ["small"]},
        user=ALICE,
    )
    text = bot.card_text(CHANNEL)
    assert "Move billing to PostgreSQL" in text and "2 of 2 asked have committed" in text
    line = bot.stand_in.thread(CHANNEL, str(card["ts"]))[-1]["text"]
    assert "made a small edit (changed: title). Commitments stand." in line
    kind, detail = (await history(bot))[-1]
    assert kind == "edited" and detail["before"] == {"title": "Move billing to Postgres"}


async def test_adding_a_stakeholder_asks_them_without_outdating_anyone(bot: BotUnderTest) -> None:
    card = await committed_decision(bot)
    await bot.click(card, Action.OPEN_EDIT, user=ALICE, channel=CHANNEL)
    await bot.submit(bot.latest_view(ALICE), {Block.STAKEHOLDERS: [BOB, CAROL, DAN]}, user=ALICE)
    text = bot.card_text(CHANNEL)
    assert f"<@{DAN}> waiting" in text and "2 of 3 asked have committed" in text


async def test_wrong_input_in_an_edit_stays_in_the_form_and_changes_nothing(
    bot: BotUnderTest,
) -> None:
    card = await committed_decision(bot)
    await bot.click(card, Action.OPEN_EDIT, user=ALICE, channel=CHANNEL)
    response = await bot.submit(bot.latest_view(ALICE), {Block.TITLE: "   "}, user=ALICE)
    assert response_json(response)["errors"] == {Block.TITLE: "Give the decision a title."}
    record = await load_record(bot.deps.db, team_id=TEAM, decision_id=1)
    assert record.decision.title == "Move billing to Postgres"
    assert len(record.commitments) == 2 and record.earlier == {}


async def test_only_the_decider_recorder_or_an_admin_can_edit(bot: BotUnderTest) -> None:
    card = await committed_decision(bot)
    await bot.click(card, Action.OPEN_EDIT, user=BOB, channel=CHANNEL)
    assert f"Only the decider (<@{ALICE}>)" in bot.stand_in.responses[-1]["text"]
    assert bot.stand_in.open_views(BOB) == []
