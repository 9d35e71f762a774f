"""A per-process cache of Slack's answers that forgets them after a while and never grows past
a bound, however many people and channels a deployment serves."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

from cachetools import TTLCache

T = TypeVar("T")
# Enough for every channel and person a busy workspace touches within the expiry time.
MAX_ENTRIES = 10_000


class ExpiringCache(Generic[T]):
    def __init__(
        self,
        seconds: float,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = MAX_ENTRIES,
    ) -> None:
        self._entries: TTLCache[Hashable, T] = TTLCache(
            maxsize=max_entries, ttl=seconds, timer=clock
        )

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
        """The answer kept for `key`, or a fresh one from `load`, kept from now on."""
        if key in self._entries:
            return self._entries[key]
        value = await load()
        self._entries[key] = value
        return value
