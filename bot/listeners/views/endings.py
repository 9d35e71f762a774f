"""The withdraw and "mark superseded" forms' submissions."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import deps_of
from bot.ids import Block
from bot.listeners.actor import actor_of
from bot.listeners.finding_work import asker_of
from bot.listeners.forms import selected_value, text_value
from bot.listeners.payload import team_id_of, user_id_of
from bot.services import decisions, endings
from bot.services.errors import InvalidInput
from bot.ui.decide_modal import build_decide_modal, superseding_form
from bot.ui.modals import SUPERSEDE_WITH_EXISTING, SUPERSEDE_WITH_NEW, read_modal_metadata
from bot.ui.thread import build_superseded_by_line, build_withdrawn_line


def _decision_id(view: dict[str, Any]) -> int:
    return read_modal_metadata(view.get("private_metadata", ""), "decision_id")


async def handle_withdraw_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """Withdraws the decision with its reason, then says so on the card and in the thread."""
    deps = deps_of(context)
    user_id = user_id_of(body)
    record, changed = await endings.withdraw_decision(
        deps.db,
        actor_of(deps, client, body),
        decision_id=_decision_id(view),
        reason=text_value(view, Block.WITHDRAW_REASON),
        now=deps.now(),
    )
    await ack()
    if not changed:
        return
    decision = record.decision
    line = build_withdrawn_line(user_id, decision.end_reason or "")
    deps.cards.refresh(client, decision, line)


async def handle_supersede_submission(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """A new decision: the form turns into /decide's, filled in from the old one. One already
    recorded: the old decision is marked superseded by it at once."""
    deps = deps_of(context)
    team_id, user_id = team_id_of(body), user_id_of(body)
    decision_id = _decision_id(view)
    how = selected_value(view, Block.SUPERSEDE_HOW)
    if how == SUPERSEDE_WITH_NEW:
        await endings.ensure_can_end(
            deps.db, actor_of(deps, client, body), decision_id=decision_id, what=endings.SUPERSEDE
        )
        record = await decisions.load_record(deps.db, team_id=team_id, decision_id=decision_id)
        form = superseding_form(record, due_on=None, decider_id=user_id, today=deps.now().date())
        await ack(response_action="update", view=build_decide_modal(form))
        return
    if how != SUPERSEDE_WITH_EXISTING:
        raise InvalidInput({Block.SUPERSEDE_HOW: "Choose what replaces it."})
    record, replacement = await endings.supersede_with_existing(
        deps.db,
        asker_of(deps, client, body),
        actor_of(deps, client, body),
        decision_id=decision_id,
        by_decision_id=endings.read_decision_number(text_value(view, Block.SUPERSEDED_BY)),
        now=deps.now(),
    )
    await ack()
    old = record.decision
    line = build_superseded_by_line(old, replacement, user_id)
    deps.cards.refresh(client, old, line)
