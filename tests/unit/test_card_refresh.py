"""What a card redraw keeps while it waits for Slack's budget, in a flood of clicks."""

from __future__ import annotations

from collections.abc import Iterable

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.calls import PrivateReply
from bot.slack.card_refresh import CardKey, CardRefresher
from bot.slack.followups import FollowUps
from bot.slack.pacing import SlackPace
from bot.ui.text import Message
from storage.db import Database

KEY = ("T1", 7)
CLIENT = AsyncWebClient(token="xoxb-not-used")


def click(refresher: CardRefresher, user_id: str, channel_id: str | None = "C1") -> None:
    asker = PrivateReply(user_id, channel_id, f"https://hooks.example/{user_id}")
    refresher.request(CLIENT, KEY, Message(text=f"<@{user_id}> agreed"), asker, commitment=True)


async def test_clicks_while_a_redraw_waits_are_drawn_together_and_a_failure_told_once_each(
    db: Database,
) -> None:
    drawn: list[list[str]] = []
    told: list[PrivateReply] = []

    async def draw(_client: AsyncWebClient, key: CardKey, lines: list[Message]) -> None:
        assert key == KEY
        drawn.append([line.text for line in lines])
        raise RuntimeError("Slack said no")

    async def tell_failure(
        _client: AsyncWebClient, askers: Iterable[PrivateReply], _error: BaseException
    ) -> None:
        told.extend(askers)

    followups = FollowUps()
    refresher = CardRefresher(SlackPace(db), followups, draw, tell_failure)
    click(refresher, "U1", channel_id="C1")
    click(refresher, "U2", channel_id=None)
    click(refresher, "U1", channel_id="C2")
    assert await followups.drain(within_seconds=10)

    assert drawn == [["<@U1> agreed", "<@U2> agreed", "<@U1> agreed"]]  # one redraw for all three
    assert told == [
        PrivateReply("U1", "C2", "https://hooks.example/U1"),
        PrivateReply("U2", None, "https://hooks.example/U2"),
    ]
