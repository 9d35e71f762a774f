"""Builds the Bolt app: our listeners, the error funnel and the dependencies they share."""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps, deps_middleware
from bot.listeners import register_all
from bot.listeners.errors import handle_listener_error


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
    app.use(deps_middleware(deps))
    app.error(handle_listener_error)
    register_all(app)
    return app
