"""The chart of input metrics in Slack: drawn off the event loop, uploaded as the bot's own
file (files.getUploadURLExternal and files.completeUploadExternal, through the SDK's
files_upload_v2), and shown in a message by an image block, with its figures as alt text and
as text beside it.

The chart is a nicety beside figures the message already gives: when Slack won't take the
file, or the message with it, the message goes without it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.digest import WeekFigures
from bot.slack.calls import slack_error_code
from bot.ui.chart import ALT_TEXT_MAX, chart_blocks, describe_trend, render_chart
from bot.ui.text import Message

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Chart:
    file_id: str
    figures: str  # what it shows, as text

    def beside(self, message: Message) -> Message:
        return Message(
            text=message.text, blocks=[*message.blocks, *chart_blocks(self.file_id, self.figures)]
        )


async def upload_chart(client: AsyncWebClient, trend: list[WeekFigures]) -> Chart | None:
    """The chart uploaded (not shared in any channel: the message that shows it shares it),
    or None when Slack wouldn't take it."""
    png = await asyncio.to_thread(render_chart, trend)
    figures = describe_trend(trend)
    try:
        done = await client.files_upload_v2(
            content=png,
            filename="input-metrics.png",
            title="Input metrics, week by week",
            alt_txt=figures[:ALT_TEXT_MAX],
        )
    except SlackClientError as error:
        logger.warning("the chart was not uploaded: %s", slack_error_code(error) or error)
        return None
    return Chart(file_id=str(done["file"]["id"]), figures=figures)


def refused_for_the_chart(error: Exception) -> bool:
    """Slack refused a message's blocks: the chart's file may not be ready to show yet."""
    return isinstance(error, SlackApiError) and slack_error_code(error) == "invalid_blocks"
