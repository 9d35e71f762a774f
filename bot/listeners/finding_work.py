"""Shared by the listeners that show decisions: who is asking, links to cards, the Home tab."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.listeners.payload import team_id_of, user_id_of
from bot.services.finding import HomeSection, home_data
from bot.slack.channel_access import SlackAsker
from bot.slack.links import links
from bot.ui.finding import build_home


def asker_of(deps: Deps, client: AsyncWebClient, body: dict[str, Any]) -> SlackAsker:
    return SlackAsker(client, deps.access, team_id_of(body), user_id_of(body))


async def publish_home(
    deps: Deps, asker: SlackAsker, offsets: dict[HomeSection, int] | None = None
) -> None:
    data = await home_data(deps.db, asker, today=deps.now().date(), offsets=offsets)
    view = build_home(data, await links(deps, asker.client, asker.team_id))
    await asker.client.views_publish(user_id=asker.user_id, view=view)


def from_home_tab(body: dict[str, Any]) -> bool:
    return (body.get("view") or {}).get("type") == "home"
