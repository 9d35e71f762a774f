"""Agree & commit / Disagree & commit: stored before the ack, so an acknowledged click is kept."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import deps_of
from bot.ids import Action
from bot.listeners.actor import actor_of
from bot.listeners.finding_work import asker_of, from_home_tab, publish_home
from bot.listeners.payload import id_from_button, reply_to, user_id_of
from bot.services.commitments import record_commitment
from bot.slack.calls import tell_privately
from bot.slack.failures import report_to
from bot.ui.text import Message
from bot.ui.thread import STANCE_DONE, build_commitment_line
from storage.models import Stance


async def handle_commit(
    ack: AsyncAck,
    body: dict[str, Any],
    action: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
) -> None:
    """Records the person's stance, then redraws the card and notes the change in the thread."""
    deps = deps_of(context)
    user_id = user_id_of(body)
    stance = Stance.AGREE if action["action_id"] == Action.COMMIT_AGREE else Stance.DISAGREE
    outcome = await record_commitment(
        deps.db,
        actor_of(deps, client, body),
        decision_id=id_from_button(action),
        stance=stance,
        now=deps.now(),
    )
    await ack()
    to = reply_to(body)
    if from_home_tab(body):  # the Home tab shows what is waiting on them: redraw it
        deps.followups.start(
            publish_home(deps, asker_of(deps, client, body)), on_error=report_to(client, to)
        )
    if outcome.changed:
        line = build_commitment_line(user_id, stance, outcome.previous)
        key = (outcome.team_id, outcome.decision_id)
        deps.cards.refresh_of(client, key, line, commitment=True)
        return
    deps.followups.start(
        tell_privately(
            client, to, Message(text=f"You've already {STANCE_DONE[stance]}. Nothing changed.")
        ),
        on_error=report_to(client, to),
    )
