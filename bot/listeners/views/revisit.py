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
from bot.parsing import UnreadablePayload, read_number
from bot.services.revisits import RevisitAnswer, record_revisit
from bot.slack.calls import PrivateReply, tell_privately
from bot.slack.failures import log_failed_notice
from bot.ui.modals import read_modal_date, read_modal_metadata, read_modal_text
from bot.ui.revisits import DOOR_CALLED_RIGHT, build_called_it_notice, build_revisited_line
from storage.models import Disposition, DissentCall, Outcome


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
        outcome=_outcome(outcome),
        learned=text_value(view, Block.REVISIT_LEARNED),
        door_called_right=_door_called_right(view),
        dissent_calls=_dissent_calls(view),
    )
    user_id = user_id_of(body)
    revisited = await record_revisit(
        deps.db,
        actor_of(deps, client, body),
        decision_id=read_modal_metadata(metadata, "decision_id"),
        due_on=read_modal_date(metadata, "due_on"),
        answer=answer,
        now=deps.now(),
    )
    await ack()
    record = revisited.record
    line = build_revisited_line(record, user_id, disposition, revisited.proved_right)
    deps.cards.refresh(client, record.decision, line)
    for dissent in revisited.proved_right:
        deps.followups.start(
            tell_privately(
                client, PrivateReply(dissent.user_id), build_called_it_notice(record, dissent)
            ),
            on_error=log_failed_notice,
        )


def _outcome(picked: str | None) -> Outcome | None:
    if picked is None:
        return None
    if picked not in set(Outcome):
        raise UnreadablePayload(f"an outcome of {picked!r}")
    return Outcome(picked)


def _door_called_right(view: dict[str, Any]) -> bool | None:
    answer = selected_value(view, Block.REVISIT_DOOR)
    return None if answer is None else answer == DOOR_CALLED_RIGHT


def _dissent_calls(view: dict[str, Any]) -> dict[int, DissentCall]:
    """The decider's call on each dissent in the form, by dissent id (those left unmarked are
    left as they were)."""
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    calls: dict[int, DissentCall] = {}
    for block_id in values if isinstance(values, dict) else ():
        number = str(block_id).removeprefix(Block.DISSENT_CALL_PREFIX)
        dissent_id = read_number(number) if number != block_id else None
        picked = selected_value(view, block_id)
        if dissent_id is None or picked is None:
            continue
        try:
            calls[dissent_id] = DissentCall(picked)
        except ValueError:
            raise UnreadablePayload(f"a call on dissent {dissent_id} of {picked!r}") from None
    return calls
