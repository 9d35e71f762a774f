"""Builds the Bolt app: our listeners, the error funnel and the dependencies they share."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import DEPS_KEY, Deps
from bot.listeners import register_all
from bot.listeners.errors import error_funnel
from bot.listeners.required import require_what_listeners_read
from bot.slack.oauth import NOT_INSTALLED


class _BoltsOwnTokenWarning(logging.Filter):
    """AsyncApp reads SLACK_BOT_TOKEN from the environment even when given a client, then warns
    at every start that the token it read itself "will be unused". Only that line is dropped,
    and only while the app is built."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


def build_app(
    *,
    client: AsyncWebClient,
    deps: Deps,
    signing_secret: str | None,
    install_flow: AsyncOAuthFlow | None = None,
) -> AsyncApp:
    """The app for HTTP (with a signing secret) or Socket Mode (without one).

    With an install flow (the OAuth install mode), `client` has no token: Bolt finds each
    request's workspace token in the flow's installation store."""
    bolt_logger = logging.getLogger("bot.bolt")
    quiet = _BoltsOwnTokenWarning()
    bolt_logger.addFilter(quiet)
    try:
        app = AsyncApp(
            client=client,
            signing_secret=signing_secret or None,
            request_verification_enabled=bool(signing_secret),
            # Handlers ack after a short database write and leave the slow Slack calls to
            # follow-ups, so Bolt can answer as soon as the handler returns (no polling loop).
            process_before_response=True,
            raise_error_for_unhandled_request=True,  # to the error funnel: one line, a 200
            logger=bolt_logger,
            oauth_flow=install_flow,
            # Given here as well as in the flow, so that Bolt renews rotating tokens with our
            # client (SLACK_API_URL): the flow's own authorize renews them with a client of
            # its own, always at slack.com.
            installation_store=install_flow.settings.installation_store if install_flow else None,
            installation_store_bot_only=True if install_flow else None,
            user_facing_authorize_error_message=NOT_INSTALLED,
        )
    finally:
        bolt_logger.removeFilter(quiet)

    app.middleware(require_what_listeners_read)

    @app.middleware
    async def share_deps(context: AsyncBoltContext, next: Callable[[], Awaitable[None]]) -> None:
        context[DEPS_KEY] = deps
        await next()

    app.error(error_funnel(deps.followups))
    register_all(app)
    return app
