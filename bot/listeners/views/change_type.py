"""The change-type form's submission."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import deps_of
from bot.ids import Block
from bot.listeners.actor import actor_of
from bot.listeners.forms import selected_value, text_value
from bot.listeners.payload import user_id_of
from bot.services.decisions import change_type
from bot.services.errors import InvalidInput
from bot.ui.modals import read_modal_metadata
from bot.ui.thread import build_type_change_line
from storage.models import DecisionType


async def handle_change_type_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """Changes the type, with its new dates, and says so on the card and in the thread."""
    deps = deps_of(context)
    chosen = selected_value(view, Block.NEW_TYPE)
    if chosen not in (DecisionType.TYPE_1, DecisionType.TYPE_2):
        raise InvalidInput({Block.NEW_TYPE: "Choose Type 1 or Type 2."})
    user_id = user_id_of(body)
    record, changed = await change_type(
        deps.db,
        actor_of(deps, client, body),
        decision_id=read_modal_metadata(view.get("private_metadata", ""), "decision_id"),
        new_type=DecisionType(chosen),
        reason=text_value(view, Block.TYPE_CHANGE_REASON),
        now=deps.now(),
    )
    await ack()
    if not changed:
        return
    line = build_type_change_line(record.decision, user_id)
    deps.cards.refresh(client, record.decision, line)
