"""Links to decisions' cards, from the workspace's URL (asked of Slack once per workspace and
process)."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.ui.finding import Linker, card_link


async def links(deps: Deps, client: AsyncWebClient, team_id: str) -> Linker:
    """`client` carries the workspace's token, so auth.test answers for that workspace."""
    if team_id not in deps.workspace_urls:
        deps.workspace_urls[team_id] = str((await client.auth_test()).get("url") or "")
    return card_link(deps.workspace_urls[team_id])
