"""Paging: Previous / Next on a /decide list answer and on the Home tab's sections."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import deps_of
from bot.listeners.commands.finding import answer_list
from bot.listeners.finding_work import asker_of, publish_home
from bot.listeners.payload import reply_to
from bot.parsing import is_number, read_number
from bot.services.errors import NotFound
from bot.services.finding import HomeSection
from bot.slack.failures import report_to

OUT_OF_DATE = NotFound("Those buttons are out of date. Try `/decide list` again.")


async def handle_list_page(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    """Shows another page of the channel's list in place of the one clicked."""
    channel_id, _, page_at = str(action.get("value", "")).partition("|")
    offset = read_number(page_at)
    if not channel_id or offset is None:
        raise OUT_OF_DATE
    await ack()
    deps = deps_of(context)
    deps.followups.start(
        answer_list(
            deps, client, body, respond, channel_id=channel_id, offset=offset, replace=True
        ),
        on_error=report_to(client, reply_to(body)),
    )


def read_home_offsets(value: str) -> dict[HomeSection, int]:
    try:
        data = json.loads(value)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        HomeSection(key): offset
        for key, offset in data.items()
        if key in HomeSection.__members__.values() and is_number(offset)
    }


async def handle_home_page(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """Republishes the Home tab with one section paged on."""
    await ack()
    deps = deps_of(context)
    offsets = read_home_offsets(str(action.get("value", "")))
    deps.followups.start(
        publish_home(deps, asker_of(deps, client, body), offsets),
        on_error=report_to(client, reply_to(body)),
    )
