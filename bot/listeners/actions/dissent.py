"""Disagree (opens the dissent form) and Answer this dissent (opens the decider's answer form)."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import deps_of
from bot.listeners.actor import actor_of
from bot.listeners.modal_work import open_modal
from bot.listeners.payload import id_from_button
from bot.services.dissent import ensure_can_dissent, find_dissent_to_answer
from bot.ui.modals import build_answer_modal, build_dissent_modal


async def handle_open_dissent(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """Opens the form that asks why the person disagrees."""
    deps = deps_of(context)
    decision = await ensure_can_dissent(
        deps.db, actor_of(deps, client, body), decision_id=id_from_button(action)
    )
    await ack()
    open_modal(client, deps, body, build_dissent_modal(decision))


async def handle_open_answer(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """Opens the decider's form: what I heard, how I weighed it."""
    deps = deps_of(context)
    record, dissent = await find_dissent_to_answer(
        deps.db, actor_of(deps, client, body), dissent_id=id_from_button(action)
    )
    await ack()
    open_modal(client, deps, body, build_answer_modal(record.decision, dissent))
