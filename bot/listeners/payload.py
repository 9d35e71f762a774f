"""Reading the ids every listener needs out of Slack's payloads."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.parsing import is_user_id, read_number
from bot.services.errors import NotFound
from bot.slack.calls import PrivateReply


def team_id_of(body: dict[str, Any]) -> str:
    team = body.get("team")
    if isinstance(team, dict) and team.get("id"):
        return str(team["id"])
    if body.get("team_id"):
        return str(body["team_id"])
    return str((body.get("user") or {}).get("team_id", ""))


def user_id_of(body: dict[str, Any]) -> str:
    user = body.get("user")
    if isinstance(user, dict):
        return str(user.get("id", ""))
    return str(body.get("user_id", ""))


def channel_id_of(body: dict[str, Any]) -> str | None:
    channel = body.get("channel")
    if isinstance(channel, dict):
        return channel.get("id")
    return body.get("channel_id")


def event_time_of(body: dict[str, Any]) -> datetime | None:
    """When Slack says an event happened (the envelope's `event_time`), if it says plainly."""
    seconds = body.get("event_time")
    if type(seconds) is not int or not 0 < seconds < 2**33:  # bool is an int; and bounded
        return None
    return datetime.fromtimestamp(seconds, UTC)


def reply_to(body: dict[str, Any]) -> PrivateReply:
    """Where to answer the person who sent this request, privately."""
    return PrivateReply(
        user_id=user_id_of(body),
        channel_id=channel_id_of(body),
        response_url=body.get("response_url"),
    )


def id_from_button(action: dict[str, Any]) -> int:
    number = read_number(action.get("value"))
    if number is None:
        raise NotFound("That button is out of date. Use the buttons on the decision's card.")
    return number


def valid_user_ids(user_ids: list[object]) -> list[str]:
    return [user_id for user_id in user_ids if is_user_id(user_id)]
