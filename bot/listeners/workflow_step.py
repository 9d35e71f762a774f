"""The Workflow Builder step "Record a decision": records exactly what /decide would, posts the
card, and completes the step with the decision's number and its card's permalink, or with a
sentence the workflow's author can act on.

A step is run once per execution: Slack may deliver its event again, so the execution id is
kept as the decision's source (as a form submission's view id is) and records it once.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.complete.async_complete import AsyncComplete
from slack_bolt.context.fail.async_fail import AsyncFail
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps, deps_of
from bot.listeners.payload import team_id_of, valid_user_ids
from bot.parsing import is_channel_id, is_user_id
from bot.services import decisions
from bot.services.decisions import DecisionDraft, record_decision
from bot.services.errors import DecisionError, InvalidInput
from bot.slack.calls import PrivateReply, client_with_token
from bot.slack.failures import log_unexpected
from storage.models import DecisionType

logger = logging.getLogger(__name__)

RECORD_A_DECISION = "record_decision"  # the step's callback_id in manifest.yaml
STEP = "The \u201cRecord a decision\u201d step"
# Each input as the workflow's author sees it in Workflow Builder, by the form field it fills.
INPUT_TITLES = {
    "title": "Title",
    "what_and_why": "What was decided, and why",
    "decider": "Decider",
    "stakeholders": "Whose commitment is needed",
    "decision_type": "Type",
    "channel": "Channel",
}
TYPE_WANTED = "give type1 (a one-way door, open for input for 3 days) or type2 (a two-way door)."
OUR_FAULT = (
    f"{STEP} failed on decisionbot's side, not in the workflow. Check `/decide list` in the "
    "channel (it may have been recorded) before running it again; if it keeps failing, tell "
    "whoever runs decisionbot."
)


def draft_from_inputs(inputs: dict[str, Any], team_id: str) -> DecisionDraft:
    """The step's inputs as a /decide form's draft; raises InvalidInput naming each input
    that is wrong, as the form would."""
    errors: dict[str, str] = {}
    channel, decider = inputs.get("channel"), inputs.get("decider")
    if not is_channel_id(channel):
        errors["channel"] = "choose the channel whose decision it is."
    if not is_user_id(decider):
        errors["decider"] = "choose the one person who owns this decision."
    stakeholders = inputs.get("stakeholders") or []
    kind = str(inputs.get("decision_type") or "").strip().lower().replace(" ", "")
    if kind not in (DecisionType.TYPE_1, DecisionType.TYPE_2):
        errors["decision_type"] = TYPE_WANTED
    if errors:
        raise InvalidInput(errors)
    assert isinstance(channel, str) and isinstance(decider, str)
    return DecisionDraft(
        team_id=team_id,
        channel_id=channel,
        recorder_id=decider,  # a workflow records it for its decider
        title=str(inputs.get("title") or ""),
        what_and_why=str(inputs.get("what_and_why") or ""),
        decider_id=decider,
        stakeholder_ids=valid_user_ids(stakeholders) if isinstance(stakeholders, list) else [],
        type_choice=kind,
    )


def describe_for_author(error: DecisionError) -> str:
    """What is wrong, by input, in one message for the workflow's author."""
    if not isinstance(error, InvalidInput):
        return f"{STEP} couldn't record the decision: {error.message}"
    problems = [
        f"{INPUT_TITLES.get(field, field.replace('_', ' '))}: {problem[:1].lower()}{problem[1:]}"
        for field, problem in error.field_errors.items()
    ]
    return f"{STEP} couldn't record the decision. Check its inputs: " + " ".join(problems)


async def _record_and_complete(
    deps: Deps,
    client: AsyncWebClient,
    *,
    team_id: str,
    execution_id: str,
    inputs: dict[str, Any],
    complete: AsyncComplete,
    fail: AsyncFail,
) -> None:
    try:
        draft = draft_from_inputs(inputs, team_id)
        recorded = await record_decision(
            deps.db, draft=draft, now=deps.now(), source_view_id=f"workflow:{execution_id}"
        )
    except DecisionError as error:
        await fail(error=describe_for_author(error))
        return
    if not recorded.created:
        return  # the same execution delivered again: the delivery that recorded it completes it
    record = recorded.record
    decider = PrivateReply(user_id=record.decision.decider_id)
    # Told privately how the card comes, if it can't be posted now, as /decide's recorder is.
    if not await deps.cards.publish(client, record, to=decider):
        await fail(
            error=f"{STEP} recorded decision #{record.id}, but its card couldn't be posted in "
            f"<#{record.decision.channel_id}> yet; its decider has been told privately what "
            "happens next. Don't run the step again for it."
        )
        return
    posted = await decisions.load_record(deps.db, team_id=team_id, decision_id=record.id)
    link = await client.chat_getPermalink(
        channel=posted.decision.channel_id, message_ts=str(posted.decision.message_ts)
    )
    await complete(outputs={"decision_number": record.id, "card_permalink": str(link["permalink"])})


async def handle_record_decision_step(
    body: dict[str, Any],
    event: dict[str, Any],
    inputs: dict[str, Any],
    complete: AsyncComplete,
    fail: AsyncFail,
    context: Any,
    client: AsyncWebClient,
) -> None:
    """Acked by Bolt; recording, posting and completing go on after it."""
    deps = deps_of(context)
    # Bolt gives this listener's client the execution's own token, which ends when the step
    # completes; the card outlives it (redraws, later posts), so it goes out with the bot's.
    bot_client = client_with_token(client, context.bot_token)

    async def failed_on_our_side(error: BaseException) -> None:
        log_unexpected(error)
        await fail(error=OUR_FAULT)

    deps.followups.start(
        _record_and_complete(
            deps,
            bot_client,
            team_id=team_id_of(body),
            execution_id=str(event.get("function_execution_id")),
            inputs=inputs if isinstance(inputs, dict) else {},
            complete=complete,
            fail=fail,
        ),
        on_error=failed_on_our_side,
    )


def register(app: AsyncApp) -> None:
    app.function(RECORD_A_DECISION)(handle_record_decision_step)
