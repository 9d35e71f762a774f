"""The Slack Web API calls decisionbot makes, shared by listeners and timed work.

Each takes the AsyncWebClient, so tests run them against the project's stand-in for Slack.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.slack.expiring_cache import ExpiringCache
from bot.ui.card import build_decision_card
from bot.ui.text import Message
from storage.models import Decision
from storage.repository import DecisionRecord

logger = logging.getLogger(__name__)

ADMIN_CACHE_SECONDS = 300

SLACK_ERROR_MESSAGES = {
    "ratelimited": "Slack asked me to slow down. Please try again in a minute.",
    "channel_not_found": (
        "I'm not a member of this conversation, and it's private. "
        "Invite me with `/invite @decisionbot`, then try again."
    ),
    "not_in_channel": "I'm not a member of this channel. Invite me with `/invite @decisionbot`, then try again.",
    "is_archived": "this channel is archived, so nothing can be posted in it.",
    "expired_trigger_id": "the form took too long to open. Please try again.",
    "message_not_found": "the decision's card was deleted from the channel.",
    "restricted_action": "this workspace doesn't let apps post in this channel.",
}


def build_web_client(token: str | None, base_url: str) -> AsyncWebClient:
    """The Web API client: honours Retry-After on 429s and retries 5xx and dropped connections.

    Call it inside the running loop, and `close_web_client` when done: it keeps one pooled
    HTTP session (without one, slack_sdk opens a new connection for every call).
    """
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        session=aiohttp.ClientSession(),
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=1),
            AsyncRateLimitErrorRetryHandler(max_retry_count=2),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def client_with_token(client: AsyncWebClient, token: str) -> AsyncWebClient:
    """A client for one workspace's token on `client`'s session, retries and Web API URL, as
    Bolt makes one for each request."""
    return AsyncWebClient(
        token=token,
        base_url=client.base_url,
        timeout=client.timeout,
        session=client.session,
        retry_handlers=list(client.retry_handlers),
    )


async def close_web_client(client: AsyncWebClient) -> None:
    if client.session is not None:
        await client.session.close()


# auth.test's answers for a token that will never work as it is.
TOKEN_REFUSED = {
    "invalid_auth",
    "not_authed",
    "account_inactive",
    "token_revoked",
    "token_expired",
    "not_allowed_token_type",
}


@dataclass(frozen=True)
class TokenCheck:
    """What auth.test said of SLACK_BOT_TOKEN: what is wrong with it as a sentence, or its
    workspace (both None when Slack couldn't be asked)."""

    refused: str | None = None
    team_id: str | None = None
    workspace_url: str | None = None


async def check_bot_token(client: AsyncWebClient) -> TokenCheck:
    """Asks auth.test. Slack out of reach is not the token's fault: that is logged, and the
    bot goes on."""
    try:
        answer = await client.auth_test()
    except SlackApiError as error:
        code = slack_error_code(error)
        if code in TOKEN_REFUSED:
            return TokenCheck(
                refused=f"Slack refused SLACK_BOT_TOKEN ({code}). Copy the Bot User OAuth "
                "Token (it starts xoxb-) from your app's OAuth & Permissions page again; if the "
                "app was removed from the workspace, reinstall it first."
            )
        logger.warning("couldn't check SLACK_BOT_TOKEN with Slack (%s); going on", code)
        return TokenCheck()
    except (TimeoutError, aiohttp.ClientError, OSError) as error:
        logger.warning("couldn't reach Slack to check SLACK_BOT_TOKEN (%s); going on", error)
        return TokenCheck()
    return TokenCheck(
        team_id=str(answer.get("team_id") or "") or None,
        workspace_url=str(answer.get("url") or "") or None,
    )


def slack_error_code(error: BaseException) -> str | None:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or f"http_{error.response.status_code}")
    return None


def explain_slack_error(error: SlackApiError) -> str:
    code = slack_error_code(error) or "unknown_error"
    return SLACK_ERROR_MESSAGES.get(code, f"Slack answered `{code}`. Please try again in a moment.")


@dataclass(frozen=True, slots=True)
class PrivateReply:
    """Where to tell one person something only they see."""

    user_id: str
    channel_id: str | None = None
    response_url: str | None = None


async def tell_privately(client: AsyncWebClient, to: PrivateReply, message: Message) -> None:
    """Ephemeral through the response_url when there is one, else in the channel, else by DM."""
    if to.response_url:
        # On the client's pooled session: a new one per message costs a connection each time.
        await AsyncWebhookClient(to.response_url, session=client.session).send(
            text=message.text,
            blocks=message.blocks or None,
            response_type="ephemeral",
            replace_original=False,
        )
        return
    if to.channel_id:
        try:
            await client.chat_postEphemeral(
                channel=to.channel_id,
                user=to.user_id,
                text=message.text,
                blocks=message.blocks or None,
            )
            return
        except SlackApiError as error:
            if slack_error_code(error) not in (
                "channel_not_found",
                "not_in_channel",
                "user_not_in_channel",
            ):
                raise
    await client.chat_postMessage(
        channel=to.user_id, text=message.text, blocks=message.blocks or None
    )


async def post_card(client: AsyncWebClient, record: DecisionRecord) -> str:
    """Posts the decision card, joining a public channel first if needed. Returns its ts."""
    card = build_decision_card(record)
    channel = record.decision.channel_id
    try:
        response = await client.chat_postMessage(
            channel=channel, text=card.text, blocks=card.blocks
        )
    except SlackApiError as error:
        if slack_error_code(error) != "not_in_channel":
            raise
        await client.conversations_join(channel=channel)
        response = await client.chat_postMessage(
            channel=channel, text=card.text, blocks=card.blocks
        )
    return str(response["ts"])


async def update_card(client: AsyncWebClient, record: DecisionRecord) -> None:
    decision = record.decision
    if decision.message_ts is None:
        return  # the card was never posted; "Post the card" will show the current state
    card = build_decision_card(record)
    # Building a big card takes milliseconds; let waiting acks go before it is sent.
    await asyncio.sleep(0)
    await client.chat_update(
        channel=decision.channel_id, ts=decision.message_ts, text=card.text, blocks=card.blocks
    )


async def post_in_thread(
    client: AsyncWebClient, decision: Decision, message: Message
) -> str | None:
    """Posts under the decision's card; returns the reply's ts (None: no card to post under)."""
    if decision.message_ts is None:
        return None
    posted = await client.chat_postMessage(
        channel=decision.channel_id,
        thread_ts=decision.message_ts,
        text=message.text,
        blocks=message.blocks or None,
    )
    return str(posted["ts"])


class AdminDirectory:
    """Answers "is this person a workspace admin?" from users.info, remembered for a few minutes."""

    def __init__(self) -> None:
        self._known: ExpiringCache[bool] = ExpiringCache(ADMIN_CACHE_SECONDS)

    async def is_admin(self, client: AsyncWebClient, *, team_id: str, user_id: str) -> bool:
        async def ask_slack() -> bool:
            response = await client.users_info(user=user_id)
            user = response.get("user") or {}
            return bool(
                user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")
            )

        return await self._known.get((team_id, user_id), ask_slack)


async def time_zone_of(client: AsyncWebClient, user_id: str) -> str | None:
    """The person's Slack time zone name (e.g. "Europe/Berlin"), from users.info."""
    response = await client.users_info(user=user_id)
    user = response.get("user") or {}
    tz = user.get("tz")
    return tz if isinstance(tz, str) else None
