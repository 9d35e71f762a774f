"""Submissions of the dissent form and of the decider's answer to it."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import deps_of
from bot.ids import Block
from bot.listeners.actor import actor_of
from bot.listeners.forms import text_value
from bot.services.dissent import answer_dissent, record_dissent
from bot.ui.modals import read_modal_metadata
from bot.ui.thread import build_answer_message, build_dissent_message


async def handle_dissent_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """Stores the dissent, posts it in the thread for the decider to answer, redraws the card."""
    deps = deps_of(context)
    outcome = await record_dissent(
        deps.db,
        actor_of(deps, client, body),
        decision_id=read_modal_metadata(view.get("private_metadata", ""), "decision_id"),
        reason=text_value(view, Block.DISSENT_REASON),
        would_change_mind=text_value(view, Block.DISSENT_WOULD_CHANGE),
        prediction=text_value(view, Block.DISSENT_PREDICTION),
        now=deps.now(),
    )
    await ack()
    if not outcome.changed:
        return
    record = outcome.record
    line = build_dissent_message(record.decision, outcome.dissent)
    deps.cards.refresh(client, record.decision, line)


async def handle_answer_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """Stores the decider's answer, posts it in the thread asking for a commitment, redraws the card."""
    deps = deps_of(context)
    outcome = await answer_dissent(
        deps.db,
        actor_of(deps, client, body),
        dissent_id=read_modal_metadata(view.get("private_metadata", ""), "dissent_id"),
        heard=text_value(view, Block.ANSWER_HEARD),
        weighed=text_value(view, Block.ANSWER_WEIGHED),
        now=deps.now(),
    )
    await ack()
    if not outcome.changed:
        return
    record = outcome.record
    line = build_answer_message(record.decision, outcome.dissent)
    deps.cards.refresh(client, record.decision, line)
