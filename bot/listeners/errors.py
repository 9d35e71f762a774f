"""The one error funnel: domain errors become a private message or a modal error, the rest are
logged and the person is told, privately, that it was our fault and what they can do."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.followups import ErrorReporter, FollowUps
from bot.listeners.payload import reply_to
from bot.services.errors import DecisionError, InvalidInput
from bot.slack_calls import PrivateReply, explain_slack_error, tell_privately
from bot.ui.text import Message

logger = logging.getLogger(__name__)

OUR_FAULT = (
    "Something went wrong on my side, not yours. Please try again; "
    "if it keeps happening, tell whoever runs decisionbot."
)


def message_for(error: BaseException) -> str:
    """What to tell the person about this error."""
    if isinstance(error, DecisionError):
        return error.message
    if isinstance(error, SlackApiError):
        return f"Slack didn't accept that: {explain_slack_error(error)}"
    return OUR_FAULT


def log_unexpected(error: BaseException) -> None:
    if isinstance(error, SlackApiError):
        logger.warning("Slack API error: %s", error.response.get("error"))
    elif not isinstance(error, DecisionError):
        logger.error("listener failed", exc_info=error)


def _json(body: dict[str, Any]) -> BoltResponse:
    return BoltResponse(
        status=200, body=json.dumps(body), headers={"content-type": "application/json"}
    )


def _modal_errors(view: dict[str, Any], error: BaseException) -> dict[str, str]:
    """Field errors for the modal; anything not about one field goes under its first input."""
    block_ids = [b.get("block_id") for b in view.get("blocks", []) if b.get("type") == "input"]
    if isinstance(error, InvalidInput):
        shown = {field: text for field, text in error.field_errors.items() if field in block_ids}
        if shown:
            return shown
    return {block_ids[0]: message_for(error)[:2000]} if block_ids else {}


ErrorFunnel = Callable[[Exception, dict[str, Any], AsyncWebClient], Awaitable[BoltResponse]]


def error_funnel(followups: FollowUps) -> ErrorFunnel:
    """Bolt's @app.error: turns any failure before the ack into the right answer for Slack.

    A private reply is a Web API call that can wait on Slack's rate limits for seconds, so it
    goes after the ack, as a follow-up.
    """

    async def handle_listener_error(
        error: Exception, body: dict[str, Any], client: AsyncWebClient
    ) -> BoltResponse:
        log_unexpected(error)
        kind = body.get("type")
        if kind == "view_submission":
            errors = _modal_errors(body.get("view") or {}, error)
            if errors:
                return _json({"response_action": "errors", "errors": errors})
        if body.get("command"):
            return _json({"response_type": "ephemeral", "text": message_for(error)})
        followups.start(
            tell_privately(client, reply_to(body), Message(text=message_for(error))),
            on_error=_could_not_tell,
        )
        return BoltResponse(status=200, body="")

    return handle_listener_error


async def _could_not_tell(error: BaseException) -> None:
    logger.error("could not tell the person about an error", exc_info=error)


def report_to(client: AsyncWebClient, to: PrivateReply) -> ErrorReporter:
    """For follow-ups after the ack: tells the person what failed, privately."""

    async def report(error: BaseException) -> None:
        log_unexpected(error)
        await tell_privately(client, to, Message(text=message_for(error)))

    return report


async def report_to_each(
    client: AsyncWebClient, askers: Iterable[PrivateReply], error: BaseException
) -> None:
    """One failure that affects several people (a card redraw): logged once, told to each."""
    log_unexpected(error)
    message = Message(text=message_for(error))
    for to in askers:
        try:
            await tell_privately(client, to, message)
        except Exception:
            logger.exception("could not tell a person about an error")
