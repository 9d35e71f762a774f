"""Before any listener runs: the fields every listener reads, present and well formed.

Slack always sends them; a request without them (or with a user id that isn't one) was not
sent by Slack, and gets a quiet acknowledgement and one warning instead of a traceback and a
"something went wrong" sent to whatever the body names.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.response import BoltResponse

from bot.listeners.payload import channel_id_of, team_id_of, user_id_of
from bot.parsing import is_channel_id, is_team_id, is_user_id

logger = logging.getLogger(__name__)

INTERACTIONS = ("block_actions", "view_submission", "message_action", "shortcut")
WORKSPACE_EVENTS = ("app_uninstalled", "tokens_revoked")  # about the whole workspace


def _is_url(value: object) -> bool:
    return (
        isinstance(value, str) and value.startswith(("https://", "http://")) and len(value) < 2000
    )


def what_listeners_lack(body: dict[str, Any]) -> str | None:
    """What a listener needs that this body lacks, or None."""
    kind = body.get("type")
    if body.get("command") or kind in INTERACTIONS:
        if not is_team_id(team_id_of(body)):
            return "team id"
        if not is_user_id(user_id_of(body)):
            return "user id"
        if not isinstance(body.get("trigger_id"), str):
            return "trigger_id"
    if body.get("command") and not is_channel_id(channel_id_of(body)):
        return "channel id"
    if body.get("command") and not _is_url(body.get("response_url")):
        return "response_url"  # a command's answers go there
    if "response_url" in body and not _is_url(body["response_url"]):
        return "response_url"
    if kind == "message_action" and (
        not is_channel_id(channel_id_of(body)) or not isinstance(body.get("message"), dict)
    ):
        return "channel or message"
    if kind == "view_submission":
        view = body.get("view") or {}
        state = view.get("state") or {}  # a modal without inputs may send {} for it
        if not isinstance(view.get("id"), str) or not isinstance(state.get("values", {}), dict):
            return "view id or state"
    if kind == "event_callback":
        event = body.get("event") or {}
        if not isinstance(event.get("type"), str):
            return "event type"
        if event["type"] in WORKSPACE_EVENTS and not is_team_id(team_id_of(body)):
            return "team id"
        if event["type"] == "app_home_opened" and not is_user_id(event.get("user")):
            return "event user"
        if event["type"] == "function_executed" and not (
            isinstance(event.get("function_execution_id"), str)
            and isinstance(event.get("inputs"), dict)
        ):
            return "function execution id or inputs"
    return None


async def require_what_listeners_read(
    body: dict[str, Any], next: Callable[[], Awaitable[None]]
) -> BoltResponse | None:
    missing = what_listeners_lack(body)
    if missing is not None:
        logger.warning("ignored a request Slack would not send: no valid %s", missing)
        return BoltResponse(status=200, body="")
    await next()
    return None
