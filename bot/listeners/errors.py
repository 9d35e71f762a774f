"""The one error funnel: domain errors become a private message or a modal error, the rest are
logged and the person is told, privately, that it was our fault and what they can do."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.listeners.payload import reply_to
from bot.parsing import UnreadablePayload, is_user_id
from bot.services.errors import InvalidInput
from bot.slack.calls import slack_error_code, tell_privately
from bot.slack.failures import log_unexpected, message_for
from bot.slack.followups import FollowUps
from bot.ui.text import Message

logger = logging.getLogger(__name__)


def _json(body: dict[str, Any]) -> BoltResponse:
    return BoltResponse(
        status=200, body=json.dumps(body), headers={"content-type": "application/json"}
    )


def _modal_errors(view: dict[str, Any], error: BaseException) -> dict[str, str]:
    """Field errors for the modal; anything not about one field goes under its first input."""
    block_ids = [
        str(b.get("block_id"))
        for b in view.get("blocks") or []
        if isinstance(b, dict) and b.get("type") == "input"
    ]
    if isinstance(error, InvalidInput):
        shown = {field: text for field, text in error.field_errors.items() if field in block_ids}
        if shown:
            return shown
    return {block_ids[0]: message_for(error)[:2000]} if block_ids else {}


def _what_it_was(body: dict[str, Any]) -> str:
    event, actions = body.get("event"), body.get("actions")
    named = [
        body.get("type"),
        body.get("command"),
        body.get("callback_id"),
        event.get("type") if isinstance(event, dict) else None,
        actions[0].get("action_id") if actions and isinstance(actions[0], dict) else None,
    ]
    return " ".join(str(part)[:60] for part in named if part) or "an empty body"


ErrorFunnel = Callable[[Exception, dict[str, Any], AsyncWebClient], Awaitable[BoltResponse]]


def error_funnel(followups: FollowUps) -> ErrorFunnel:
    """Bolt's @app.error: turns any failure before the ack into the right answer for Slack.

    A private reply is a Web API call that can wait on Slack's rate limits for seconds, so it
    goes after the ack, as a follow-up.
    """

    async def handle_listener_error(
        error: Exception, body: dict[str, Any], client: AsyncWebClient
    ) -> BoltResponse:
        if isinstance(error, UnreadablePayload):
            logger.warning("ignored a payload Slack would not send: %s", error)
            return BoltResponse(status=200, body="")
        if isinstance(error, BoltUnhandledRequestError):
            # No listener for it: a button of an older card, an event not subscribed to, or a
            # payload Slack would not send. One line instead of Bolt's suggested listener; 200
            # so that Slack doesn't deliver an event again and again.
            logger.warning("ignored a request no listener handles: %s", _what_it_was(body))
            return BoltResponse(status=200, body="")
        log_unexpected(error)
        kind = body.get("type")
        if kind == "view_submission":
            errors = _modal_errors(body.get("view") or {}, error)
            if errors:
                return _json({"response_action": "errors", "errors": errors})
        if body.get("command"):
            return _json({"response_type": "ephemeral", "text": message_for(error)})
        to = reply_to(body)
        if to.response_url or is_user_id(to.user_id):  # an event about a workspace has no one
            followups.start(
                tell_privately(client, to, Message(text=message_for(error))),
                on_error=_could_not_tell,
            )
        return BoltResponse(status=200, body="")

    return handle_listener_error


async def _could_not_tell(error: BaseException) -> None:
    if isinstance(error, SlackApiError):
        logger.warning("could not tell the person about an error: %s", slack_error_code(error))
    else:
        logger.error("could not tell the person about an error", exc_info=error)
