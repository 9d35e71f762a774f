"""What a card redraw keeps while it waits for Slack's budget, in a flood of clicks."""

from __future__ import annotations

from collections.abc import Iterable

from bot.slack.calls import PrivateReply
from bot.slack.card_refresh import CardRefresher
from bot.slack.pacing import SlackPace
from bot.ui.text import Message
from storage.db import Database

KEY = ("T1", 7)


def click(refresher: CardRefresher, user_id: str, channel_id: str | None = "C1") -> bool:
    asker = PrivateReply(user_id, channel_id, f"https://hooks.example/{user_id}")
    return refresher.request(KEY, Message(text=f"<@{user_id}> agreed"), asker, commitment=True)


async def test_a_failed_redraw_is_told_once_to_each_person_where_they_clicked_last(
    db: Database,
) -> None:
    refresher = CardRefresher(SlackPace(db))
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
