"""Keeps our calls within Slack's rate limits, so that a burst waits here instead of being refused.

Slack allows chat.update about 50 times a minute per workspace (Tier 3) and chat.postMessage
about once a second per channel, with short bursts. Each limit is a budget with a key; a call
takes its turn in order (the "generic cell rate algorithm": a burst goes at once, then calls
are spaced evenly). A 429 that still happens is retried by the Web API client.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from storage import shared_state
from storage.db import Database


@dataclass(frozen=True)
class Budget:
    per_second: float
    burst: int


CHAT_UPDATE = Budget(per_second=50 / 60, burst=10)  # per workspace
POST_PER_CHANNEL = Budget(per_second=1.0, burst=3)


class SlackPace:
    """The budgets belong to the deployment, not to a process: each turn is taken in the
    database (storage/shared_state.py), so that several processes together send no more than
    one would. Seconds come from the wall clock, which every process shares."""

    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock

    async def reserve(self, key: tuple[str, ...], budget: Budget) -> float:
        """Takes a turn; returns how many seconds to wait before using it."""
        now = self._clock()
        interval = 1 / budget.per_second
        due = await self._db.write(
            lambda session: shared_state.reserve_turn(
                session, key=":".join(key), now=now, interval=interval
            )
        )
        return max(0.0, due - (budget.burst - 1) * interval - now)

    async def turn(self, key: tuple[str, ...], budget: Budget) -> None:
        """Waits until this call fits the budget."""
        delay = await self.reserve(key, budget)
        if delay > 0:
            await asyncio.sleep(delay)

    async def card_update_turn(self, team_id: str) -> float:
        """Takes a chat.update turn; returns how many seconds to wait before using it (a card's
        drawer waits holding its lease: bot/slack/cards.py)."""
        return await self.reserve(("chat.update", team_id), CHAT_UPDATE)

    async def channel_post(self, team_id: str, channel_id: str) -> None:
        await self.turn(("chat.postMessage", team_id, channel_id), POST_PER_CHANNEL)
