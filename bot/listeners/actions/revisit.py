"""The revisit message's buttons: Keep, Reverse, Revisit later open their short form; Supersede
opens /decide's form, pre-filled and linked to the decision it replaces."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import deps_of
from bot.ids import Action
from bot.listeners.actor import actor_of
from bot.listeners.modal_work import open_modal
from bot.listeners.payload import team_id_of, user_id_of
from bot.services import decisions
from bot.services.errors import NotFound
from bot.services.revisits import ensure_can_revisit
from bot.ui.decide_modal import build_decide_modal, superseding_form
from bot.ui.revisits import build_revisit_modal, read_revisit_button_value
from storage.models import Disposition

DISPOSITION_OF_BUTTON = {
    Action.REVISIT_KEEP: Disposition.KEEP,
    Action.REVISIT_REVERSE: Disposition.REVERSE,
    Action.REVISIT_LATER: Disposition.LATER,
}


async def handle_open_revisit(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """Opens the form for the chosen disposition, if the revisit is still open and theirs."""
    deps = deps_of(context)
    button = read_revisit_button_value(action.get("value"))
    if button is None:
        raise NotFound("That button is out of date. Use the buttons on the latest revisit message.")
    decision_id, due_on = button
    team_id = team_id_of(body)
    await ensure_can_revisit(
        deps.db,
        actor_of(deps, client, body),
        decision_id=decision_id,
        due_on=due_on,
        disposition=DISPOSITION_OF_BUTTON.get(Action(action["action_id"])),
    )
    record = await decisions.load_record(deps.db, team_id=team_id, decision_id=decision_id)
    await ack()
    if action["action_id"] == Action.REVISIT_SUPERSEDE:
        form = superseding_form(
            record, due_on=due_on, decider_id=user_id_of(body), today=deps.now().date()
        )
        view = build_decide_modal(form)
    else:
        view = build_revisit_modal(
            record, due_on, DISPOSITION_OF_BUTTON[Action(action["action_id"])]
        )
    open_modal(client, deps, body, view)
