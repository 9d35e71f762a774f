"""Redraws the /decide form when the type or one of the three questions changes."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import deps_of
from bot.listeners.forms import read_decide_state
from bot.listeners.payload import reply_to, user_id_of
from bot.slack.calls import slack_error_code
from bot.slack.failures import report_to
from bot.ui.decide_modal import build_decide_modal


async def handle_decide_form_change(
    ack: AsyncAck, body: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """Shows the three questions, the suggestion, or the date that fits the chosen type."""
    await ack()
    deps = deps_of(context)
    view = body["view"]
    state = read_decide_state(view, user_id=user_id_of(body), today=deps.now().date())
    deps.followups.start(
        _redraw(client, view, build_decide_modal(state)), on_error=report_to(client, reply_to(body))
    )


async def _redraw(client: AsyncWebClient, old: dict[str, Any], new: dict[str, Any]) -> None:
    try:
        # The hash makes Slack refuse a redraw drawn from a state that is no longer current.
        await client.views_update(view_id=old["id"], hash=old.get("hash"), view=new)
    except SlackApiError as error:
        if slack_error_code(error) != "hash_conflict":
            raise
