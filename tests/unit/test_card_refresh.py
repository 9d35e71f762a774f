"""What a card redraw keeps while it waits for Slack's budget, in a flood of clicks."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.card_refresh import CardKey, CardRefresher
from bot.slack.followups import FollowUps
from bot.slack.pacing import SlackPace
from bot.ui.text import Message
from storage.db import Database

KEY = ("T1", 7)
CLIENT = AsyncWebClient(token="xoxb-not-used")


def click(refresher: CardRefresher, user_id: str) -> None:
    refresher.request(CLIENT, KEY, Message(text=f"<@{user_id}> agreed"), commitment=True)


async def test_clicks_while_a_redraw_waits_are_drawn_together_and_a_failure_stops_nothing(
    db: Database,
) -> None:
    drawn: list[list[str]] = []

    async def draw(_client: AsyncWebClient, key: CardKey, lines: list[Message]) -> None:
        assert key == KEY
        drawn.append([line.text for line in lines])
        if len(drawn) == 1:
            raise RuntimeError("Slack said no")

    followups = FollowUps()
    refresher = CardRefresher(SlackPace(db), followups, draw)
    for user_id in ("U1", "U2", "U1"):
        click(refresher, user_id)
    assert await followups.drain(within_seconds=10)
    click(refresher, "U3")  # after a failed draw, the next request is drawn as usual
    assert await followups.drain(within_seconds=10)

    assert drawn == [["<@U1> agreed", "<@U2> agreed", "<@U1> agreed"], ["<@U3> agreed"]]
