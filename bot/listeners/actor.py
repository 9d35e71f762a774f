"""The person behind a request, as the services see them."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.listeners.payload import team_id_of, user_id_of
from bot.services.permissions import Actor


def actor_of(deps: Deps, client: AsyncWebClient, body: dict[str, Any]) -> Actor:
    """Who sent this request; whether they are a workspace admin is asked of Slack (and cached)
    only if the rules need to know."""
    team_id, user_id = team_id_of(body), user_id_of(body)

    async def is_admin() -> bool:
        return await deps.admins.is_admin(client, team_id=team_id, user_id=user_id)

    return Actor(team_id=team_id, user_id=user_id, is_admin=is_admin)
