"""The chart of a channel's input metrics beside what /decide digest and /decide stats show."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.services.digest import metric_trend
from bot.slack.charts import upload_chart
from bot.ui.text import Message


async def with_chart(
    deps: Deps, client: AsyncWebClient, message: Message, command: dict[str, Any], *, end: datetime
) -> Message:
    """The message with the channel's chart of the 12 weeks to `end`, if Slack took the file."""
    trend = await metric_trend(
        deps.db, team_id=command["team_id"], channel_id=command["channel_id"], end=end
    )
    chart = await upload_chart(client, trend)
    return chart.beside(message) if chart else message
