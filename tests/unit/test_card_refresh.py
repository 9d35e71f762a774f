"""What a card redraw keeps while it waits for Slack's budget, in a flood of clicks."""

from __future__ import annotations

import gc
from collections.abc import Iterable

from bot.card_refresh import CardRefresher
from bot.pacing import SlackPace
from bot.slack_calls import PrivateReply
from bot.ui.text import Message

KEY = ("T1", 7)


def click(refresher: CardRefresher, user_id: str, channel_id: str | None = "C1") -> bool:
    asker = PrivateReply(user_id, channel_id, f"https://hooks.example/{user_id}")
    return refresher.request(KEY, Message(text=f"<@{user_id}> agreed"), asker, commitment=True)


def test_a_flood_of_people_waiting_on_a_redraw_adds_nothing_for_the_cycle_collector() -> None:
    # Each object it must visit lengthens every collection, and a redraw can wait a minute.
    refresher = CardRefresher(SlackPace())
    gc.collect()
    before = len(gc.get_objects())
    started = [click(refresher, f"U{i:06d}") for i in range(20_000)]
    after = len(gc.get_objects())
    assert started.count(True) == 1  # one redraw for the whole flood
    assert after - before < 100, f"{after - before} objects kept for 20,000 people waiting"


async def test_a_failed_redraw_is_told_once_to_each_person_where_they_clicked_last() -> None:
    refresher = CardRefresher(SlackPace())
    click(refresher, "U1", channel_id="C1")
    click(refresher, "U2", channel_id=None)
    click(refresher, "U1", channel_id="C2")
    told: list[PrivateReply] = []

    async def redraw(_lines: list[Message]) -> None:
        raise RuntimeError("Slack said no")

    async def tell_failure(askers: Iterable[PrivateReply], _error: Exception) -> None:
        told.extend(askers)

    await refresher.run(KEY, redraw, tell_failure)
    assert told == [
        PrivateReply("U1", "C2", "https://hooks.example/U1"),
        PrivateReply("U2", None, "https://hooks.example/U2"),
    ]
