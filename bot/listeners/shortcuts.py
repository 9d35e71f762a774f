"""The "Record as decision" message shortcut: /decide's form, with the message quoted and linked."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import deps_of
from bot.ids import Shortcut
from bot.listeners.payload import channel_id_of, reply_to, user_id_of
from bot.parsing import is_user_id
from bot.slack.failures import report_to
from bot.ui.decide_modal import DecideModalOrigin, DecideModalState, build_decide_modal


async def permalink_of(client: AsyncWebClient, channel_id: str, ts: str) -> str | None:
    try:
        response = await client.chat_getPermalink(channel=channel_id, message_ts=ts)
    except SlackApiError:
        return None  # the form still opens, with the message quoted but not linked
    link = response.get("permalink")
    return str(link) if link else None


async def handle_record_as_decision(
    ack: AsyncAck, shortcut: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """Opens the form for the message's channel; the card goes there once it is recorded."""
    await ack()
    deps = deps_of(context)
    message = shortcut.get("message") or {}
    channel_id = channel_id_of(shortcut) or ""

    async def open_form() -> None:
        origin = DecideModalOrigin(
            channel_id=channel_id,
            response_url=shortcut.get("response_url"),
            source_link=await permalink_of(client, channel_id, str(message.get("ts", ""))),
            source_quote=text if isinstance(text := message.get("text"), str) else "",
            source_author=author if is_user_id(author := message.get("user")) else None,
        )
        state = DecideModalState(
            origin=origin, decider_id=user_id_of(shortcut), today=deps.now().date()
        )
        await client.views_open(trigger_id=shortcut["trigger_id"], view=build_decide_modal(state))

    deps.followups.start(open_form(), on_error=report_to(client, reply_to(shortcut)))


def register(app: AsyncApp) -> None:
    app.shortcut(Shortcut.RECORD_AS_DECISION)(handle_record_as_decision)
