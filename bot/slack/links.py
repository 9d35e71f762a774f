"""Links to decisions' cards, from the workspace's URL (asked of Slack once per process)."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.ui.finding import Linker, card_link


async def links(deps: Deps, client: AsyncWebClient) -> Linker:
    if deps.workspace_url is None:
        deps.workspace_url = str((await client.auth_test()).get("url") or "")
    return card_link(deps.workspace_url)
