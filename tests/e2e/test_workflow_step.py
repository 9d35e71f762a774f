"""The Workflow Builder step "Record a decision": run from a function_executed event, it records
what /decide would, posts the card, and completes the step; bad inputs fail it with a sentence."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from bot.listeners.workflow_step import RECORD_A_DECISION
from bot.services.decisions import load_record
from storage.models import Decision
from tests.conftest import ALICE, BOB, CHANNEL, PRIVATE_CHANNEL, TEAM
from tests.harness import BotUnderTest
from tests.slack_stand_in.requests import function_executed_body


def step_body(execution_id: str, token: str) -> str:
    return function_executed_body(
        team_id=TEAM,
        callback_id=RECORD_A_DECISION,
        inputs=INPUTS,
        function_execution_id=execution_id,
        bot_access_token=token,
    )


INPUTS = {
    "title": "Adopt trunk-based development",
    "what_and_why": "Short-lived branches; long ones cost us a week per release.",
    "decider": ALICE,
    "stakeholders": [BOB],
    "decision_type": "type1",
    "channel": CHANNEL,
}


async def test_the_step_records_the_decision_and_outputs_its_number_and_card_link(
    bot: BotUnderTest,
) -> None:
    execution = await bot.run_step(RECORD_A_DECISION, INPUTS)

    outputs = bot.stand_in.completions[execution]["outputs"]
    assert outputs["decision_number"] == 1
    card = bot.card(CHANNEL)
    assert outputs["card_permalink"].endswith(card["ts"].replace(".", ""))
    record = await load_record(bot.deps.db, team_id=TEAM, decision_id=1)
    assert record.decision.title == INPUTS["title"] and record.stakeholder_ids == [BOB]
    assert record.decision.decider_id == ALICE and record.decision.status == "open"
    assert "Adopt trunk-based development" in str(card["blocks"])
    assert not bot.stand_in.executions  # completed once, which ends the execution


async def test_the_same_execution_delivered_twice_records_once(bot: BotUnderTest) -> None:
    execution_id, token = bot.stand_in.start_execution()
    body = step_body(execution_id, token)
    for _ in range(2):  # Slack retries an event it thinks was not received
        assert (await bot.send(body, content_type="application/json")).status == 200
        await bot.settle()
    assert len(bot.stand_in.channel_messages(CHANNEL)) == 1
    assert bot.stand_in.completions[execution_id]["outputs"]["decision_number"] == 1


async def test_inputs_that_cant_be_used_fail_the_step_with_what_to_fix(bot: BotUnderTest) -> None:
    execution = await bot.run_step(
        RECORD_A_DECISION, {**INPUTS, "title": "", "decision_type": "type3", "decider": "bob"}
    )
    error = bot.stand_in.completions[execution]["error"]
    assert error.startswith("The \u201cRecord a decision\u201d step couldn't record the decision.")
    assert "Decider: choose the one person who owns this decision." in error
    assert "Type: give type1" in error
    assert bot.stand_in.channel_messages(CHANNEL) == []

    execution = await bot.run_step(RECORD_A_DECISION, {**INPUTS, "title": ""})
    assert "Title: give the decision a title." in bot.stand_in.completions[execution]["error"]


async def test_a_channel_the_card_cant_go_to_fails_the_step_and_tells_the_decider(
    bot: BotUnderTest,
) -> None:
    bot.stand_in.channels[PRIVATE_CHANNEL].bot_is_member = False
    execution = await bot.run_step(RECORD_A_DECISION, {**INPUTS, "channel": PRIVATE_CHANNEL})
    error = bot.stand_in.completions[execution]["error"]
    assert "recorded decision #1, but its card couldn't be posted" in error
    assert "Don't run the step again" in error
    [told] = bot.stand_in.channel_messages(ALICE)
    assert "invite" in str(told).lower()


async def test_one_execution_delivered_four_times_at_once_to_two_processes_records_once(
    bot: BotUnderTest,
) -> None:
    other = bot.another_process()
    execution_id, token = bot.stand_in.start_execution()
    body = step_body(execution_id, token)
    answers = await asyncio.gather(
        *(process.send(body, content_type="application/json") for process in (bot, other) * 2)
    )
    assert [a.status for a in answers] == [200] * 4
    await bot.settle()
    await other.settle()
    stored = await bot.deps.db.read(lambda session: list(session.exec(select(Decision.id))))
    assert len(stored) == 1
    assert len(bot.stand_in.channel_messages(CHANNEL)) == 1
    # Its number, whichever it is: on PostgreSQL an insert that lost the race used one up.
    assert bot.stand_in.completions[execution_id]["outputs"]["decision_number"] == stored[0]
