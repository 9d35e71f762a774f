"""Events: the Home tab is drawn each time a person opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import deps_of
from bot.listeners.finding_work import publish_home
from bot.slack.channel_access import SlackAsker
from bot.slack.failures import log_unexpected


async def handle_app_home_opened(
    event: dict[str, Any], body: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    if event.get("tab") != "home":
        return  # the Messages tab: nothing to draw
    deps = deps_of(context)
    team_id = str(body.get("team_id") or event.get("view", {}).get("team_id") or "")
    asker = SlackAsker(client, deps.access, team_id, str(event["user"]))
    # An event is acked when this returns; drawing the Home tab asks Slack and the database
    # enough to be slow under load, so it runs after the ack.
    deps.followups.start(publish_home(deps, asker), on_error=_could_not_draw)


async def _could_not_draw(error: BaseException) -> None:
    log_unexpected(error)


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(handle_app_home_opened)
