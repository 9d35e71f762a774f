"""Shared by the listeners that show decisions: who is asking, links to cards, the Home tab."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.listeners.payload import team_id_of, user_id_of
from bot.services.finding import HomeSection, home_data
from bot.slack.channel_access import SlackAsker
from bot.ui.finding import Linker, build_home, card_link


def asker_of(deps: Deps, client: AsyncWebClient, body: dict[str, Any]) -> SlackAsker:
    return SlackAsker(client, deps.access, team_id_of(body), user_id_of(body))


async def links(deps: Deps, client: AsyncWebClient) -> Linker:
    """Links to cards, from the workspace's URL (asked of Slack once per process)."""
    if deps.workspace_url is None:
        deps.workspace_url = str((await client.auth_test()).get("url") or "")
    return card_link(deps.workspace_url)


async def publish_home(
    deps: Deps, asker: SlackAsker, offsets: dict[HomeSection, int] | None = None
) -> None:
    data = await home_data(deps.db, asker, today=deps.now().date(), offsets=offsets)
    view = build_home(data, await links(deps, asker.client))
    await asker.client.views_publish(user_id=asker.user_id, view=view)


def from_home_tab(body: dict[str, Any]) -> bool:
    return (body.get("view") or {}).get("type") == "home"
