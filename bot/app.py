"""Builds the Bolt app: our listeners, the error funnel and the dependencies they share."""

from __future__ import annotations

import copy
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.logger import get_bolt_app_logger
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
        self._context_logger = get_bolt_app_logger(
            app_name=self.name, base_logger=self._base_logger
        )

    async def async_dispatch(self, req: AsyncBoltRequest) -> BoltResponse:
        req.context[DEPS_KEY] = self.deps
        return await super().async_dispatch(req)

    def _init_context(self, req: AsyncBoltRequest) -> None:
        """What Bolt's own `_init_context` puts in the context, with a cheaper client.

        Bolt builds a new Web API client for every request (so that a listener may change its
        token without touching other requests), and the constructor reads the proxy settings
        from the environment and formats the User-Agent each time: 15 µs, 3% of a commit
        click's CPU time. A copy of the app's client, given the request's team, is the same
        client for a fraction of that. tests/unit/test_app_context.py checks the context
        against Bolt's, so a Bolt release that puts more in it fails there.
        """
        app_client: AsyncWebClient = self._async_client
        client = copy.copy(app_client)
        client.token = self._token
        client.default_params = dict(app_client.default_params)
        if req.context.team_id is not None:
            client.default_params["team_id"] = req.context.team_id
        client.retry_handlers = list(app_client.retry_handlers)
        req.context["logger"] = self._context_logger
        req.context["token"] = self._token
        req.context["client"] = client
        req.context["listener_runner"] = self.listener_runner


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
