"""Who may see a channel's decisions, asked of Slack at the moment of showing, cached briefly.

A decision from a private channel is shown only to that channel's members. A public channel's
decisions may be shown to anyone in the workspace, but the surfaces that gather decisions from
many channels (search, the Home tab) keep to the channels the person is in.

Slack is the source: `conversations.members` for one channel, `users.conversations` for the
channels one person is in (one call per person rather than one per channel), and
`conversations.info` for whether a channel is private. Answers are kept for a minute (in a
bounded cache, per process), so a person removed from a channel stops seeing it within that
minute. Anything Slack can't tell
us counts as "may not see".
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.expiring_cache import ExpiringCache

CACHE_SECONDS = 60.0
PAGE = 1000


async def _all_pages(call: Callable[..., Awaitable[Any]], key: str, **args: Any) -> list[Any]:
    items: list[Any] = []
    cursor = None
    while True:
        response = await call(limit=PAGE, cursor=cursor, **args)
        items += response.get(key) or []
        cursor = (response.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return items


class ChannelAccess:
    def __init__(
        self, cache_seconds: float = CACHE_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._members: ExpiringCache[frozenset[str]] = ExpiringCache(cache_seconds, clock)
        self._channels_of: ExpiringCache[frozenset[str]] = ExpiringCache(cache_seconds, clock)
        self._private: ExpiringCache[bool] = ExpiringCache(cache_seconds, clock)

    async def channels_of(
        self, client: AsyncWebClient, team_id: str, user_id: str
    ) -> frozenset[str]:
        """The public and private channels the person is in (private ones the app is in too)."""

        async def load() -> frozenset[str]:
            channels = await _all_pages(
                client.users_conversations,
                "channels",
                user=user_id,
                types="public_channel,private_channel",
            )
            return frozenset(str(c["id"]) for c in channels)

        return await self._channels_of.get((team_id, user_id), load)

    async def is_member(
        self, client: AsyncWebClient, team_id: str, channel_id: str, user_id: str
    ) -> bool:
        async def load() -> frozenset[str]:
            try:
                members = await _all_pages(
                    client.conversations_members, "members", channel=channel_id
                )
            except SlackApiError:
                return frozenset()  # a channel the app can't see: nobody counts as a member
            return frozenset(str(m) for m in members)

        return user_id in await self._members.get((team_id, channel_id), load)

    async def is_private(self, client: AsyncWebClient, team_id: str, channel_id: str) -> bool:
        async def load() -> bool:
            try:
                response = await client.conversations_info(channel=channel_id)
            except SlackApiError:
                return True  # can't tell: treat it as private
            return bool((response.get("channel") or {}).get("is_private", True))

        return await self._private.get((team_id, channel_id), load)

    async def may_see(
        self, client: AsyncWebClient, team_id: str, channel_id: str, user_id: str
    ) -> bool:
        """Whether the person may see one decision from this channel (show, list, digest)."""
        if await self.is_member(client, team_id, channel_id, user_id):
            return True
        return not await self.is_private(client, team_id, channel_id)


@dataclass(frozen=True)
class SlackAsker:
    """One person asking to see decisions, answered from Slack through ChannelAccess."""

    client: AsyncWebClient
    access: ChannelAccess
    team_id: str
    user_id: str

    async def may_see(self, channel_id: str) -> bool:
        return await self.access.may_see(self.client, self.team_id, channel_id, self.user_id)

    async def channels(self) -> frozenset[str]:
        return await self.access.channels_of(self.client, self.team_id, self.user_id)
