"""Opening a modal after the ack: a follow-up uses the trigger, and a refusal is told privately."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.listeners.payload import reply_to
from bot.slack.failures import report_to


def open_modal(
    client: AsyncWebClient, deps: Deps, body: dict[str, Any], view: dict[str, Any]
) -> None:
    """`body` is the action's or the command's payload: its trigger_id and where to reply."""
    deps.followups.start(
        client.views_open(trigger_id=body["trigger_id"], view=view),
        on_error=report_to(client, reply_to(body)),
    )
