"""The decider's controls on the card: edit, change the type, close, withdraw, mark superseded."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import deps_of
from bot.ids import Action
from bot.listeners.actor import actor_of
from bot.listeners.modal_work import open_modal
from bot.listeners.payload import id_from_button, user_id_of
from bot.services import decisions, endings
from bot.services.edits import ensure_can_edit
from bot.ui.edit_modal import build_edit_modal
from bot.ui.modals import build_change_type_modal, build_supersede_modal, build_withdraw_modal
from bot.ui.thread import build_closed_line


async def handle_open_change_type(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """Opens the change-type form for someone allowed to change it."""
    deps = deps_of(context)
    decision = await decisions.ensure_can_change(
        deps.db, actor_of(deps, client, body), decision_id=id_from_button(action)
    )
    await ack()
    open_modal(client, deps, body, build_change_type_modal(decision))


async def handle_open_edit(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """Opens the edit form, filled in, for someone allowed to edit."""
    deps = deps_of(context)
    record = await ensure_can_edit(
        deps.db, actor_of(deps, client, body), decision_id=id_from_button(action)
    )
    await ack()
    open_modal(client, deps, body, build_edit_modal(record))


async def handle_close_decision(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """Closes the decision, then redraws the card without buttons."""
    deps = deps_of(context)
    user_id = user_id_of(body)
    record, changed = await endings.close_decision(
        deps.db, actor_of(deps, client, body), decision_id=id_from_button(action), now=deps.now()
    )
    await ack()
    if changed:  # closed already: the card shows it, or is owed until Slack takes it
        deps.cards.refresh(client, record.decision, build_closed_line(user_id))


async def handle_open_ending(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """Opens the withdraw or the supersede form, for someone allowed, on a decision that stands."""
    deps = deps_of(context)
    withdrawing = action["action_id"] == Action.OPEN_WITHDRAW
    decision = await endings.ensure_can_end(
        deps.db,
        actor_of(deps, client, body),
        decision_id=id_from_button(action),
        what=endings.WITHDRAW if withdrawing else endings.SUPERSEDE,
    )
    await ack()
    view = build_withdraw_modal(decision) if withdrawing else build_supersede_modal(decision)
    open_modal(client, deps, body, view)
