"""The revisit message's buttons: Keep, Reverse, Revisit later open their short form; Supersede
opens /decide's form, pre-filled and linked to the decision it replaces."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import deps_of
from bot.ids import Action
from bot.listeners.actions.decider import admin_check
from bot.listeners.errors import report_to
from bot.listeners.payload import reply_to, team_id_of, user_id_of
from bot.services import decisions
from bot.services.revisits import ensure_can_revisit
from bot.ui.decide_modal import DecideModalOrigin, DecideModalState, build_decide_modal
from bot.ui.revisits import build_revisit_modal, read_revisit_button_value
from storage.models import Disposition
from storage.repository import DecisionRecord

DISPOSITION_OF_BUTTON = {
    Action.REVISIT_KEEP: Disposition.KEEP,
    Action.REVISIT_REVERSE: Disposition.REVERSE,
    Action.REVISIT_LATER: Disposition.LATER,
}


def superseding_form(
    record: DecisionRecord, due_on: date, user_id: str, now: datetime
) -> DecideModalState:
    """/decide's form for the decision that replaces `record`, starting from what it said."""
    old = record.decision
    return DecideModalState(
        origin=DecideModalOrigin(
            channel_id=old.channel_id, supersedes_id=record.id, supersedes_due_on=due_on.isoformat()
        ),
        decider_id=user_id,
        today=now.date(),
        title=old.title,
        what_and_why=old.what_and_why,
    )


async def handle_open_revisit(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """Opens the form for the chosen disposition, if the revisit is still open and theirs."""
    deps = deps_of(context)
    decision_id, due_on = read_revisit_button_value(action["value"])
    team_id = team_id_of(body)
    await ensure_can_revisit(
        deps.db,
        team_id=team_id,
        decision_id=decision_id,
        due_on=due_on,
        actor_id=user_id_of(body),
        is_admin=admin_check(deps, client, body),
        disposition=DISPOSITION_OF_BUTTON.get(Action(action["action_id"])),
    )
    record = await decisions.load_record(deps.db, team_id=team_id, decision_id=decision_id)
    await ack()
    if action["action_id"] == Action.REVISIT_SUPERSEDE:
        view = build_decide_modal(superseding_form(record, due_on, user_id_of(body), deps.now()))
    else:
        view = build_revisit_modal(
            record, due_on, DISPOSITION_OF_BUTTON[Action(action["action_id"])]
        )
    deps.followups.start(
        client.views_open(trigger_id=body["trigger_id"], view=view),
        on_error=report_to(client, reply_to(body)),
    )
