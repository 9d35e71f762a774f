"""Post the card: the retry offered when a card couldn't go to its channel at first."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps, deps_of
from bot.listeners.payload import id_from_button, reply_to, team_id_of
from bot.services import decisions
from bot.slack.calls import PrivateReply
from bot.slack.failures import report_to
from storage.repository import DecisionRecord


async def _post_and_confirm(
    client: AsyncWebClient,
    deps: Deps,
    record: DecisionRecord,
    to: PrivateReply,
    respond: AsyncRespond,
) -> None:
    if await deps.cards.publish(client, record, to):
        await respond(text="Posted the card.", replace_original=True)


async def handle_post_card(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    """Tries again to post a saved decision's card in its channel."""
    deps = deps_of(context)
    record = await decisions.load_record(
        deps.db, team_id=team_id_of(body), decision_id=id_from_button(action)
    )
    await ack()
    to = reply_to(body)
    work: Coroutine[Any, Any, object]
    if record.decision.message_ts:
        work = respond(text="The card is already in the channel.", replace_original=True)
    else:
        work = _post_and_confirm(client, deps, record, to, respond)
    deps.followups.start(work, on_error=report_to(client, to))
