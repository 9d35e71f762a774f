"""`/decide canvas on` / `off`: the channel's decision log canvas, kept current or left as it is."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.listeners.payload import reply_to
from bot.slack.canvases import CanvasKeeper
from bot.slack.failures import report_to

HOW = (
    "`/decide canvas on` adds a *Decision log* canvas to this channel and keeps it current; "
    "`/decide canvas off` stops updating it."
)
MEMBERS_ONLY = "Only this channel's members can turn its decision log canvas on or off."


async def _turn(
    deps: Deps,
    client: AsyncWebClient,
    command: dict[str, Any],
    respond: AsyncRespond,
    *,
    on: bool,
) -> None:
    team_id, channel_id, user_id = command["team_id"], command["channel_id"], command["user_id"]
    # Turning it on replaces the "Setting up" note the ack left.
    if not await deps.access.may_see(client, team_id, channel_id, user_id):
        said = MEMBERS_ONLY
    elif on:
        said = await CanvasKeeper(deps).turn_on(
            client, team_id=team_id, channel_id=channel_id, by=user_id
        )
    else:
        said = await CanvasKeeper(deps).turn_off(team_id=team_id, channel_id=channel_id, by=user_id)
    await respond(text=said, response_type="ephemeral", replace_original=on)


async def answer_canvas(
    ack: AsyncAck,
    command: dict[str, Any],
    deps: Deps,
    client: AsyncWebClient,
    respond: AsyncRespond,
    words: list[str],
) -> None:
    """Answered after the ack: asking Slack who may see the channel, and making the canvas,
    can take longer than an ack may."""
    if words == ["canvas", "on"]:
        await ack(
            text="Setting up this channel's decision log canvas\u2026", response_type="ephemeral"
        )
        work = _turn(deps, client, command, respond, on=True)
    elif words == ["canvas", "off"]:
        await ack()
        work = _turn(deps, client, command, respond, on=False)
    else:
        await ack(text=HOW, response_type="ephemeral")
        return
    deps.followups.start(work, on_error=report_to(client, reply_to(command)))
