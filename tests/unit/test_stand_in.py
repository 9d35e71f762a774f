"""The stand-in refuses what Slack refuses, so a green test means Slack would accept it too."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.conftest import ALICE, CHANNEL
from tests.slack_stand_in.server import SlackStandIn


async def call_error(call: object) -> str:
    try:
        await call  # type: ignore[misc]
    except SlackApiError as error:
        return str(error.response["error"])
    raise AssertionError("Slack would have refused this")


async def test_refuses_what_slack_refuses(stand_in: SlackStandIn) -> None:
    client = AsyncWebClient(token=stand_in.token, base_url=stand_in.api_url)
    too_many = [{"type": "divider"}] * 51
    assert (
        await call_error(client.chat_postMessage(channel=CHANNEL, text="x", blocks=too_many))
        == "invalid_blocks"
    )
    long_header = [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}]
    assert (
        await call_error(client.chat_postMessage(channel=CHANNEL, text="x", blocks=long_header))
        == "invalid_blocks"
    )
    assert (
        await call_error(client.chat_postMessage(channel="C0NOWHERE", text="x"))
        == "channel_not_found"
    )
    assert (
        await call_error(client.views_open(trigger_id="made-up", view={"type": "modal"}))
        == "invalid_trigger_id"
    )
    wrong_token = AsyncWebClient(token="xoxb-wrong", base_url=stand_in.api_url)
    assert await call_error(wrong_token.auth_test()) == "invalid_auth"


async def test_a_trigger_works_once(stand_in: SlackStandIn) -> None:
    client = AsyncWebClient(token=stand_in.token, base_url=stand_in.api_url)
    trigger = stand_in.issue_trigger_id(ALICE)
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Hi"}, "blocks": []}
    assert (await client.views_open(trigger_id=trigger, view=view))["ok"]
    assert (
        await call_error(client.views_open(trigger_id=trigger, view=view)) == "invalid_trigger_id"
    )


async def test_blocks_without_a_text_fallback_are_noted_like_slacks_warning(
    stand_in: SlackStandIn,
) -> None:
    client = AsyncWebClient(token=stand_in.token, base_url=stand_in.api_url)
    with pytest.warns(UserWarning, match="`text` argument is missing"):  # slack_sdk warns too
        await client.chat_postMessage(channel=CHANNEL, blocks=[{"type": "divider"}])
    assert stand_in.warnings == ["missing_text_in_message"]
    stand_in.warnings.clear()
