"""Slack's answers are kept a while, then asked again; the cache never grows past its bound."""

from __future__ import annotations

from bot.slack.expiring_cache import ExpiringCache


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_an_answer_is_kept_until_it_expires_then_asked_again() -> None:
    clock, asked = Clock(), []
    cache: ExpiringCache[str] = ExpiringCache(60, clock)

    async def ask() -> str:
        asked.append(clock.now)
        return f"answer at {clock.now:g}"

    assert await cache.get("C1", ask) == "answer at 0"
    clock.now = 59
    assert await cache.get("C1", ask) == "answer at 0"
    clock.now = 61
    assert await cache.get("C1", ask) == "answer at 61"
    assert asked == [0, 61]


async def test_the_cache_forgets_the_oldest_answers_past_its_bound() -> None:
    cache: ExpiringCache[int] = ExpiringCache(60, Clock(), max_entries=3)
    for i in range(10):

        async def ask(i: int = i) -> int:
            return i

        await cache.get(f"U{i}", ask)
    asked_again: list[str] = []

    async def fresh() -> int:
        asked_again.append("U0")
        return -1

    assert await cache.get("U0", fresh) == -1  # long forgotten: asked again
    assert asked_again == ["U0"]
    assert len(cache) == 3
