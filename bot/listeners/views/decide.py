"""The /decide form's submission: stored before the ack, then the card goes to the channel."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import deps_of
from bot.listeners.actor import actor_of
from bot.listeners.forms import read_decide_draft
from bot.listeners.payload import team_id_of, user_id_of
from bot.parsing import require_day
from bot.services.decisions import record_decision
from bot.services.revisits import record_superseding_decision
from bot.slack.calls import PrivateReply
from bot.slack.failures import report_to
from bot.ui.decide_modal import DecideModalOrigin
from bot.ui.revisits import build_superseded_line


async def handle_decide_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """Records the decision (wrong input goes back under its field) and posts its card."""
    deps = deps_of(context)
    user_id = user_id_of(body)
    draft = read_decide_draft(view, team_id=team_id_of(body), user_id=user_id)
    origin = DecideModalOrigin.from_metadata(view.get("private_metadata", ""))
    if origin.supersedes_id is not None:
        outcome = await record_superseding_decision(
            deps.db,
            actor_of(deps, client, body),
            draft=draft,
            now=deps.now(),
            source_view_id=view.get("id"),
            old_decision_id=origin.supersedes_id,
            due_on=(
                require_day(origin.supersedes_due_on, "the revisit it answers")
                if origin.supersedes_due_on
                else None
            ),
        )
    else:
        outcome = await record_decision(
            deps.db, draft=draft, now=deps.now(), source_view_id=view.get("id")
        )
    await ack()
    if not outcome.created:
        return  # a resent submission: the first one is already posting the card
    to = PrivateReply(
        user_id=user_id, channel_id=origin.channel_id, response_url=origin.response_url
    )
    deps.followups.start(
        deps.cards.publish(client, outcome.record, to), on_error=report_to(client, to)
    )
    if origin.supersedes_id is not None:
        line = build_superseded_line(outcome.record, user_id)
        deps.cards.refresh_of(client, (draft.team_id, origin.supersedes_id), line)
