"""Keeps our calls within Slack's rate limits, so that a burst waits here instead of being refused.

Slack allows chat.update about 50 times a minute per workspace (Tier 3) and chat.postMessage
about once a second per channel, with short bursts. Each limit is a budget with a key; a call
takes its turn in order (the "generic cell rate algorithm": a burst goes at once, then calls
are spaced evenly). A 429 that still happens is retried by the Web API client.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    per_second: float
    burst: int


CHAT_UPDATE = Budget(per_second=50 / 60, burst=10)  # per workspace
POST_PER_CHANNEL = Budget(per_second=1.0, burst=3)


class SlackPace:
    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        self._clock = clock
        self._next_due: dict[tuple[str, ...], float] = {}

    def _now(self) -> float:
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    def reserve(self, key: tuple[str, ...], budget: Budget) -> float:
        """Takes a turn; returns how many seconds to wait before using it."""
        now = self._now()
        interval = 1 / budget.per_second
        due = max(self._next_due.get(key, now), now)
        self._next_due[key] = due + interval
        return max(0.0, due - (budget.burst - 1) * interval - now)

    async def turn(self, key: tuple[str, ...], budget: Budget) -> None:
        """Waits until this call fits the budget."""
        delay = self.reserve(key, budget)
        if delay > 0:
            await asyncio.sleep(delay)

    async def card_update(self, team_id: str) -> None:
        await self.turn(("chat.update", team_id), CHAT_UPDATE)

    async def channel_post(self, team_id: str, channel_id: str) -> None:
        await self.turn(("chat.postMessage", team_id, channel_id), POST_PER_CHANNEL)
