"""Events: the Home tab is drawn each time a person opens it; a workspace that uninstalls the
app (or revokes its bot token) has its tokens deleted and its scheduled sends stopped."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import deps_of
from bot.listeners.finding_work import publish_home
from bot.listeners.payload import event_time_of, team_id_of
from bot.slack.channel_access import SlackAsker
from bot.slack.failures import log_unexpected
from storage import installations

logger = logging.getLogger(__name__)


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


async def handle_app_uninstalled(body: dict[str, Any], context: Any) -> None:
    """Its decisions stay (and export as usual) until `decisionbot workspace delete`."""
    deps = deps_of(context)
    team_id, now, happened_at = team_id_of(body), deps.now(), event_time_of(body)
    stopped = await deps.db.write(
        lambda session: installations.uninstall(
            session, team_id=team_id, now=now, happened_at=happened_at
        )
    )
    if stopped is None:  # Slack retried it late, out of order
        logger.info(
            "an uninstall event for workspace %s from before it installed decisionbot again: "
            "ignored",
            team_id,
        )
        return
    deps.workspace_urls.pop(team_id, None)
    logger.info(
        "workspace %s removed decisionbot: its tokens are deleted and %d scheduled sends "
        "stopped; its decisions stay until `decisionbot workspace delete %s`",
        team_id,
        stopped,
        team_id,
    )


async def handle_tokens_revoked(event: dict[str, Any], body: dict[str, Any], context: Any) -> None:
    """Only the bot's token matters: decisionbot asks for no user tokens."""
    tokens = event.get("tokens")
    if isinstance(tokens, dict) and tokens.get("bot"):
        await handle_app_uninstalled(body, context)


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(handle_app_home_opened)
    app.event("app_uninstalled")(handle_app_uninstalled)
    app.event("tokens_revoked")(handle_tokens_revoked)
