"""What a card redraw keeps while it waits for Slack's budget, in a flood of clicks."""

from __future__ import annotations

import asyncio

from slack_sdk.web.async_client import AsyncWebClient

from bot.services.card_draws import DrawingTurn
from bot.slack.card_refresh import CardKey, CardRefresher
from bot.slack.followups import FollowUps
from bot.ui.text import Message

KEY = ("T1", 7)
CLIENT = AsyncWebClient(token="xoxb-not-used")


def click(refresher: CardRefresher, user_id: str) -> None:
    refresher.request(CLIENT, KEY, Message(text=f"<@{user_id}> agreed"), commitment=True)


async def test_clicks_while_a_redraw_waits_are_drawn_together_and_a_failure_stops_nothing() -> None:
    turns: list[DrawingTurn] = []
    drawn: list[tuple[DrawingTurn | None, list[str]]] = []
    slack_has_budget = asyncio.Event()

    async def take_turn(key: CardKey) -> DrawingTurn:
        await slack_has_budget.wait()
        turns.append(DrawingTurn(covered=len(turns) + 1, refused_before=0))
        return turns[-1]

    async def draw(
        _client: AsyncWebClient, key: CardKey, turn: DrawingTurn | None, lines: list[Message]
    ) -> None:
        assert key == KEY
        drawn.append((turn, [line.text for line in lines]))
        if len(drawn) == 1:
            raise RuntimeError("Slack said no")

    followups = FollowUps()
    refresher = CardRefresher(take_turn, followups, draw)
    click(refresher, "U1")
    await asyncio.sleep(0.05)  # the redraw is waiting for its turn
    click(refresher, "U2")
    click(refresher, "U1")
    slack_has_budget.set()
    assert await followups.drain(within_seconds=10)
    click(refresher, "U3")  # after a failed draw, the next request is drawn as usual
    assert await followups.drain(within_seconds=10)

    assert drawn == [
        (turns[0], ["<@U1> agreed", "<@U2> agreed", "<@U1> agreed"]),
        (turns[1], ["<@U3> agreed"]),
    ]
