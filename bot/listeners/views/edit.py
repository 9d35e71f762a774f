"""The edit form's submission: stored before the ack, then the card and its thread."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import deps_of
from bot.ids import Block
from bot.listeners.actor import actor_of
from bot.listeners.forms import chosen_users, selected_date, text_value, view_value
from bot.listeners.payload import user_id_of
from bot.services.edits import DecisionEdit, edit_decision
from bot.ui.edit_modal import SMALL
from bot.ui.modals import read_modal_metadata
from bot.ui.thread import build_edited_line


def read_edit(view: dict[str, Any]) -> DecisionEdit:
    ticked = view_value(view, Block.SMALL_EDIT).get("selected_options") or []
    return DecisionEdit(
        title=text_value(view, Block.TITLE),
        what_and_why=text_value(view, Block.WHAT_AND_WHY),
        options_considered=text_value(view, Block.OPTIONS),
        stakeholder_ids=chosen_users(view, Block.STAKEHOLDERS),
        commit_by=selected_date(view, Block.COMMIT_BY),
        revisit_on=selected_date(view, Block.REVIEW_ON) or selected_date(view, Block.REVISIT_ON),
        small=isinstance(ticked, list)
        and any(isinstance(o, dict) and o.get("value") == SMALL for o in ticked),
    )


async def handle_edit_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    deps = deps_of(context)
    user_id = user_id_of(body)
    edit = read_edit(view)
    outcome = await edit_decision(
        deps.db,
        actor_of(deps, client, body),
        decision_id=read_modal_metadata(view.get("private_metadata", ""), "decision_id"),
        edit=edit,
        now=deps.now(),
    )
    await ack()
    if not outcome.changed:
        return
    decision = outcome.record.decision
    line = build_edited_line(
        user_id, decision, outcome.changed, outcome.asked_again, small=edit.small
    )
    deps.cards.refresh(client, decision, line)
