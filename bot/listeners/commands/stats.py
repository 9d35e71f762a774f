"""`/decide stats [weeks]`: how well confidence matched outcomes, doors called right and dissent
that proved right, for the channel and for the person; answered privately after the ack."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.listeners.commands.charts import with_chart
from bot.listeners.payload import reply_to
from bot.parsing import read_number
from bot.services.outcomes import STATS_WEEKS_DEFAULT, STATS_WEEKS_MAX, stats
from bot.slack.failures import report_to
from bot.ui.stats import build_stats

WEEKS_WANTED = (
    f"`/decide stats` takes a number of weeks to look back, from 1 to {STATS_WEEKS_MAX}, "
    f"as in `/decide stats 12` (the default is {STATS_WEEKS_DEFAULT})."
)


def is_stats(verb: str, rest: str) -> bool:
    """`/decide stats` or `/decide stats 26`; any other words are a title for the form."""
    return verb == "stats" and (not rest or (rest.isascii() and rest.isdigit()))


async def _show_stats(
    deps: Deps, client: AsyncWebClient, command: dict[str, Any], respond: AsyncRespond, weeks: int
) -> None:
    team_id, channel_id, user_id = command["team_id"], command["channel_id"], command["user_id"]
    seen = await deps.access.may_see(client, team_id, channel_id, user_id)
    figures = await stats(
        deps.db,
        team_id=team_id,
        channel_id=channel_id if seen else None,
        user_id=user_id,
        weeks=weeks,
        now=deps.now(),
    )
    message = build_stats(figures, channel_id)
    if seen:  # the channel's own chart, as its digest shows it
        message = await with_chart(deps, client, message, command, end=deps.now())
    await respond(text=message.text, blocks=message.blocks, response_type="ephemeral")


async def answer_stats(
    ack: AsyncAck,
    command: dict[str, Any],
    deps: Deps,
    client: AsyncWebClient,
    respond: AsyncRespond,
    rest: str,
) -> None:
    weeks = read_number(rest) if rest else STATS_WEEKS_DEFAULT
    if weeks is None or not 1 <= weeks <= STATS_WEEKS_MAX:
        await ack(text=WEEKS_WANTED, response_type="ephemeral")
        return
    await ack()
    deps.followups.start(
        _show_stats(deps, client, command, respond, weeks),
        on_error=report_to(client, reply_to(command)),
    )
