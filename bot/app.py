"""Builds the Bolt app: our listeners, the error funnel and the dependencies they share."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import DEPS_KEY, Deps
from bot.listeners import register_all
from bot.listeners.errors import error_funnel
from bot.listeners.required import require_what_listeners_read


def build_app(*, client: AsyncWebClient, deps: Deps, signing_secret: str | None) -> AsyncApp:
    """The app for HTTP (with a signing secret) or Socket Mode (without one)."""
    app = AsyncApp(
        client=client,
        signing_secret=signing_secret or None,
        request_verification_enabled=bool(signing_secret),
        # Handlers ack after a short database write and leave the slow Slack calls to
        # follow-ups, so Bolt can answer as soon as the handler returns (no polling loop).
        process_before_response=True,
        logger=logging.getLogger("bot.bolt"),
    )

    app.middleware(require_what_listeners_read)

    @app.middleware
    async def share_deps(context: AsyncBoltContext, next: Callable[[], Awaitable[None]]) -> None:
        context[DEPS_KEY] = deps
        await next()

    app.error(error_funnel(deps.followups))
    register_all(app)
    return app
