"""After-ack work on a decision's card, shared by several listeners."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.services import decisions
from bot.slack_calls import (
    PrivateReply,
    explain_slack_error,
    post_card,
    post_in_thread,
    slack_error_code,
    tell_privately,
)
from bot.ui.text import Message
from bot.ui.thread import build_card_not_posted
from storage.models import Decision
from storage.repository import DecisionRecord

# Slack's answers that mean "not here, not now" for this channel; the decision stays saved.
CANNOT_POST_HERE = {
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "restricted_action",
    "method_not_supported_for_channel_type",
}


async def publish_card(
    client: AsyncWebClient, deps: Deps, record: DecisionRecord, to: PrivateReply
) -> bool:
    """Posts the card and stores its ts; if Slack won't let us post here, says so privately."""
    try:
        ts = await post_card(client, record)
    except SlackApiError as error:
        if slack_error_code(error) not in CANNOT_POST_HERE:
            raise
        await tell_privately(
            client, to, build_card_not_posted(record.decision, explain_slack_error(error))
        )
        return False
    await decisions.mark_card_posted(
        deps.db,
        team_id=record.decision.team_id,
        decision_id=record.id,
        message_ts=ts,
        now=deps.now(),
    )
    return True


async def refresh_card(
    client: AsyncWebClient, deps: Deps, decision: Decision, thread_line: Message | None
) -> None:
    """Redraws the card and, when something changed, says so in one line in its thread."""
    assert decision.id is not None
    await deps.cards.refresh(client, deps.db, team_id=decision.team_id, decision_id=decision.id)
    if thread_line is not None:
        await post_in_thread(client, decision, thread_line)
