"""What to tell a person when something fails, and telling them privately."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.errors import DecisionError
from bot.slack.calls import PrivateReply, explain_slack_error, tell_privately
from bot.slack.followups import ErrorReporter
from bot.ui.text import Message
from storage.db import DatabaseBusy, DatabaseUnavailable

logger = logging.getLogger(__name__)

DATABASE_BUSY = (
    "I couldn't save that just now: the database is busy. Nothing was changed; "
    "please try again in a moment."
)
DATABASE_UNREACHABLE = (
    "I couldn't reach the database just now, so that didn't go through. Please try again in "
    "a moment; if it keeps happening, tell whoever runs decisionbot."
)
OUR_FAULT = (
    "Something went wrong on my side, not yours. Please try again; "
    "if it keeps happening, tell whoever runs decisionbot."
)


def message_for(error: BaseException) -> str:
    """What to tell the person about this error."""
    if isinstance(error, DecisionError):
        return error.message
    if isinstance(error, SlackApiError):
        return f"Slack didn't accept that: {explain_slack_error(error)}"
    if isinstance(error, DatabaseBusy):
        return DATABASE_BUSY
    if isinstance(error, DatabaseUnavailable):
        return DATABASE_UNREACHABLE
    return OUR_FAULT


def log_unexpected(error: BaseException) -> None:
    if isinstance(error, SlackApiError):
        logger.warning("Slack API error: %s", error.response.get("error"))
    elif isinstance(error, DatabaseBusy):
        logger.warning("a write gave up: %s", error)
    elif isinstance(error, DatabaseUnavailable):
        logger.warning("%s", error)
    elif not isinstance(error, DecisionError):
        logger.error("listener failed", exc_info=error)


def report_to(client: AsyncWebClient, to: PrivateReply) -> ErrorReporter:
    """For follow-ups after the ack: tells the person what failed, privately."""

    async def report(error: BaseException) -> None:
        log_unexpected(error)
        await tell_privately(client, to, Message(text=message_for(error)))

    return report


async def log_failed_notice(error: BaseException) -> None:
    """For a notice to someone other than the person who acted: nobody to tell, so it is logged."""
    log_unexpected(error)
