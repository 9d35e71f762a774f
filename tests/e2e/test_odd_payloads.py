"""Signed payloads Slack would never send: a quiet answer and a warning, never a traceback,
never a change, and never a user's text read as an id or a mention."""

from __future__ import annotations

import copy
import json
import logging
from typing import Any

import pytest

from bot.ids import INPUT, Action, Block
from bot.services.decisions import load_record
from storage import repository
from tests.conftest import ALICE, BOB, CHANNEL, TEAM
from tests.e2e.flows import record_decision
from tests.harness import BotUnderTest, response_json
from tests.slack_stand_in.requests import (
    interactive_body,
    slash_command_body,
    view_submission_payload,
)


def with_button_value(card: dict[str, Any], action_id: str, value: str) -> dict[str, Any]:
    """The card as Slack would show it if one of its buttons carried `value`."""
    changed = copy.deepcopy(card)
    for block in changed["blocks"]:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                element["value"] = value
    return changed


async def commitments(bot: BotUnderTest) -> list[str]:
    record = await load_record(bot.deps.db, team_id=TEAM, decision_id=1)
    return list(record.commitments)


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


@pytest.mark.parametrize("value", ["\u0661", "\u00b2", "9" * 19, "1 ", "-1", ""])
async def test_a_commit_button_with_a_number_we_never_wrote_stores_nothing(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture, value: str
) -> None:
    card = await record_decision(bot, stakeholders=[BOB])
    odd = with_button_value(card, Action.COMMIT_AGREE, value)
    response = await bot.click(odd, Action.COMMIT_AGREE, user=BOB, channel=CHANNEL, value=value)
    assert response.status == 200
    assert await commitments(bot) == []
    assert "out of date" in bot.stand_in.responses[-1]["text"]
    assert errors_logged(caplog) == []


@pytest.mark.parametrize("ref", ["9" * 10, "#99999999999999999999"])
async def test_decide_show_with_a_number_too_long_to_be_one_says_so(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture, ref: str
) -> None:
    await record_decision(bot, stakeholders=[BOB])
    response = await bot.command(f"show {ref}", user=ALICE, channel=CHANNEL)
    assert response.status == 200
    assert "Give the decision's number" in bot.stand_in.responses[-1]["text"]
    assert errors_logged(caplog) == []


@pytest.mark.parametrize("digit", ["\u0661", "\u00b2"])
async def test_decide_show_with_a_digit_from_another_script_is_a_title_not_decision_1(
    bot: BotUnderTest, digit: str
) -> None:
    await record_decision(bot, stakeholders=[BOB])
    await bot.command(f"show {digit}", user=ALICE, channel=CHANNEL)
    form = bot.latest_view(ALICE)
    assert form.view["callback_id"] == "decide_modal"
    assert bot.stand_in.responses == []  # no decision shown


@pytest.mark.parametrize("missing", ["trigger_id", "channel_id", "user_id", "team_id"])
async def test_a_command_without_what_slack_always_sends_is_ignored_quietly(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture, missing: str
) -> None:
    body = slash_command_body(
        text="",
        team_id=TEAM,
        user_id=ALICE,
        channel_id=CHANNEL,
        trigger_id=bot.stand_in.issue_trigger_id(ALICE),
        response_url=bot.stand_in.response_url(),
    )
    without = "&".join(field for field in body.split("&") if not field.startswith(f"{missing}="))
    response = await bot.send(without)
    await bot.settle()
    assert response.status == 200 and not response.body
    # Bolt asks auth.test who the bot is before any middleware of ours; nothing else goes out.
    assert [method for method, _ in bot.stand_in.calls if method != "auth.test"] == []
    assert bot.stand_in.responses == []
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("ignored a request Slack would not send" in w for w in warnings)
    assert errors_logged(caplog) == []


async def submit_raw(bot: BotUnderTest, view: dict[str, Any]) -> Any:
    payload = view_submission_payload(
        view=view, team_id=TEAM, user_id=ALICE, trigger_id=bot.stand_in.issue_trigger_id(ALICE)
    )
    response = await bot.send(interactive_body(payload))
    await bot.settle()
    return response


async def test_a_decide_form_with_an_impossible_date_stores_nothing(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    await bot.command("", user=ALICE, channel=CHANNEL)
    form = bot.latest_view(ALICE)
    bot.typed[form.id] = {
        Block.TITLE: "Adopt trunk-based development",
        Block.WHAT_AND_WHY: "Short-lived branches.",
        Block.DECIDER: ALICE,
        Block.TYPE: "type1",
    }
    view = bot._view_payload(bot.stand_in.views[form.id])
    view["state"]["values"][Block.COMMIT_BY] = {
        INPUT: {"type": "datepicker", "selected_date": "2026-13-45"}
    }
    response = await submit_raw(bot, view)
    assert response.status == 200 and not response.body
    assert bot.stand_in.channel_messages(CHANNEL) == []
    assert (
        await bot.deps.db.read(
            lambda session: repository.get_decision(session, team_id=TEAM, decision_id=1)
        )
        is None
    )
    assert errors_logged(caplog) == []


@pytest.mark.parametrize("blocks", [None, []])
async def test_a_form_whose_blocks_are_missing_still_gets_its_field_errors_answered(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture, blocks: object
) -> None:
    await bot.command("", user=ALICE, channel=CHANNEL)
    form = bot.latest_view(ALICE)
    view = bot._view_payload(bot.stand_in.views[form.id])  # nothing typed: the title is missing
    view["blocks"] = blocks
    response = await submit_raw(bot, view)
    assert response.status == 200
    assert bot.stand_in.channel_messages(CHANNEL) == []
    assert errors_logged(caplog) == []


async def test_a_decider_that_is_not_a_user_id_is_refused_under_its_field(
    bot: BotUnderTest,
) -> None:
    await bot.command("", user=ALICE, channel=CHANNEL)
    form = bot.latest_view(ALICE)
    response = await bot.submit(
        form,
        {
            Block.TITLE: "Adopt trunk-based development",
            Block.WHAT_AND_WHY: "Short-lived branches.",
            Block.DECIDER: "U1> <!channel",
            Block.STAKEHOLDERS: [BOB, "U2> <!here"],
            Block.TYPE: "type1",
        },
        user=ALICE,
    )
    answer = response_json(response)
    assert answer["response_action"] == "errors"
    assert answer["errors"] == {Block.DECIDER: "Choose the one person who owns this decision."}
    assert bot.stand_in.channel_messages(CHANNEL) == []
    everything_posted = json.dumps([args for _, args in bot.stand_in.calls])
    assert "<!channel" not in everything_posted and "<!here" not in everything_posted


async def test_a_home_tab_event_without_a_user_is_ignored_quietly(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    body = {
        "type": "event_callback",
        "team_id": TEAM,
        "event": {"type": "app_home_opened", "tab": "home"},
        "event_id": "Ev1",
    }
    response = await bot.send(json.dumps(body), content_type="application/json")
    await bot.settle()
    assert response.status == 200
    assert bot.stand_in.calls_to("views.publish") == []
    assert errors_logged(caplog) == []
