"""Builds the Bolt app: our listeners, the error funnel and the dependencies they share."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import DEPS_KEY, Deps
from bot.listeners import register_all
from bot.listeners.errors import handle_listener_error


class DecisionBotApp(AsyncApp):
    """Bolt's app, putting our dependencies in each request's context as the request arrives.

    A global middleware could do the same, but Bolt builds a middleware's keyword arguments
    afresh for every request: that was 6% of a commit click's CPU time.
    """

    def __init__(self, *, deps: Deps, **options: Any) -> None:
        super().__init__(**options)
        self.deps = deps

    async def async_dispatch(self, req: AsyncBoltRequest) -> BoltResponse:
        req.context[DEPS_KEY] = self.deps
        return await super().async_dispatch(req)


def build_app(*, client: AsyncWebClient, deps: Deps, signing_secret: str | None) -> AsyncApp:
    """The app for HTTP (with a signing secret) or Socket Mode (without one)."""
    app = DecisionBotApp(
        deps=deps,
        client=client,
        signing_secret=signing_secret or None,
        request_verification_enabled=bool(signing_secret),
        # Handlers ack after a short database write and leave the slow Slack calls to
        # follow-ups, so Bolt can answer as soon as the handler returns (no polling loop).
        process_before_response=True,
        logger=logging.getLogger("bot.bolt"),
    )
    app.error(handle_listener_error)
    register_all(app)
    return app
