"""The revisit form's submission: the disposition, and whether the decision was right."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import deps_of
from bot.ids import Block
from bot.listeners.actor import actor_of
from bot.listeners.forms import selected_date, selected_value, text_value
from bot.listeners.payload import user_id_of
from bot.services.revisits import RevisitAnswer, record_revisit
from bot.ui.modals import read_modal_date, read_modal_metadata, read_modal_text
from bot.ui.revisits import build_revisited_line
from storage.models import Disposition, Outcome


async def handle_revisit_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """Records the revisit, then redraws the card and notes it in the thread."""
    deps = deps_of(context)
    metadata = view.get("private_metadata", "")
    disposition = Disposition(read_modal_text(metadata, "disposition"))
    outcome = selected_value(view, Block.REVISIT_OUTCOME)
    is_reverse = disposition is Disposition.REVERSE
    answer = RevisitAnswer(
        disposition=disposition,
        next_revisit_on=None if is_reverse else selected_date(view, Block.NEXT_REVISIT_ON),
        reason=text_value(view, Block.REVISIT_REASON) if is_reverse else "",
        outcome=Outcome(outcome) if outcome else None,
        learned=text_value(view, Block.REVISIT_LEARNED),
    )
    user_id = user_id_of(body)
    record = await record_revisit(
        deps.db,
        actor_of(deps, client, body),
        decision_id=read_modal_metadata(metadata, "decision_id"),
        due_on=read_modal_date(metadata, "due_on"),
        answer=answer,
        now=deps.now(),
    )
    await ack()
    deps.cards.refresh(client, record.decision, build_revisited_line(record, user_id, disposition))
