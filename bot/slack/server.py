"""Serving Slack: HTTP (POST /slack/events, GET /healthz) or Socket Mode."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import signal

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError

from bot.slack.calls import TOKEN_REFUSED, slack_error_code
from bot.slack.request import dispatch_http
from storage.db import Database

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def build_web_app(app: AsyncApp, db: Database, *, signing_secret: str) -> web.Application:
    """The aiohttp application Slack's request URL points at, with the health check."""

    async def slack_events(request: web.Request) -> web.Response:
        bolt_response = await dispatch_http(
            app,
            await request.read(),
            request.headers,
            request.query_string,
            signing_secret=signing_secret,
        )
        return await to_aiohttp_response(bolt_response)

    web_app = build_health_app(db)
    web_app.router.add_post(EVENTS_PATH, slack_events)
    flow = app.oauth_flow
    if flow is not None:  # the OAuth install mode

        async def install(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await flow.handle_installation(_page_request(request)))

        async def oauth_redirect(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await flow.handle_callback(_page_request(request)))

        web_app.router.add_get(flow.install_path, install)
        web_app.router.add_get(flow.redirect_uri_path, oauth_redirect)
    return web_app


def _page_request(request: web.Request) -> AsyncBoltRequest:
    """A browser's GET of an install page, for Bolt's OAuth flow: its query and cookies."""
    return AsyncBoltRequest(body="", query=request.query_string, headers=dict(request.headers))


def build_health_app(db: Database) -> web.Application:
    """Only GET /healthz: what Socket Mode serves, for a load balancer or a container's check."""

    async def healthz(_request: web.Request) -> web.Response:
        """200 when a write could be stored now; 503 with the reason when it couldn't."""
        if await db.is_writable():
            return web.json_response({"ok": True})
        reason = "database not writable" if await db.is_reachable() else "database unreachable"
        return web.json_response({"ok": False, "error": reason}, status=503)

    web_app = web.Application()
    web_app.router.add_get(HEALTH_PATH, healthz)
    return web_app


class CannotListen(Exception):
    """The address to listen on is taken or not ours; says so in a sentence."""


class CannotConnect(Exception):
    """Slack refused a token the bot can't run without; says which, in a sentence."""


async def _start(web_app: web.Application, *, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host=host, port=port).start()
    except OSError as error:
        await runner.cleanup()
        why = (
            "is already in use"
            if error.errno == errno.EADDRINUSE
            else f"can't be used ({error.strerror})"
        )
        raise CannotListen(
            f"PORT {port} on HOST {host} {why}: stop what is listening there, or set PORT to "
            "another port."
        ) from None
    return runner


def stop_signal() -> asyncio.Event:
    """Set on SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def wait_for_stop_signal() -> None:
    await stop_signal().wait()


async def serve_http(
    app: AsyncApp, db: Database, *, signing_secret: str, host: str, port: int
) -> None:
    """Serves until SIGINT or SIGTERM."""
    web_app = build_web_app(app, db, signing_secret=signing_secret)
    runner = await _start(web_app, host=host, port=port)
    logger.info("decisionbot listening on http://%s:%d%s", host, port, EVENTS_PATH)
    if app.oauth_flow is not None:
        logger.info(
            "workspaces install it from http://%s:%d%s", host, port, app.oauth_flow.install_path
        )
    try:
        await wait_for_stop_signal()
    finally:
        await runner.cleanup()


FIRST_PAUSE, LONGEST_PAUSE = 1.0, 60.0  # seconds between tries to reach Slack


async def _until_slack_takes_the_app_token(
    app: AsyncApp, app_token: str, stop: asyncio.Event
) -> bool:
    """Asks Slack for a Socket Mode URL until it gives one (True) or we are stopped (False),
    pausing longer after each failure, one log line each. A token Slack refuses raises.

    The SDK's own connect loop retries a refused token forever, logging a traceback every 10 s;
    asking first leaves it only the connections that Slack takes.
    """
    pause = FIRST_PAUSE
    while not stop.is_set():
        try:
            await app.client.apps_connections_open(app_token=app_token)
            return True
        except SlackApiError as error:
            code = slack_error_code(error)
            if code in TOKEN_REFUSED:
                raise CannotConnect(
                    f"Slack refused SLACK_APP_TOKEN ({code}). Make an App-Level Token (it starts "
                    "xapp-) with the connections:write scope under Basic Information, App-Level "
                    "Tokens, and set SLACK_APP_TOKEN to it."
                ) from None
            logger.warning(
                "Slack didn't open a Socket Mode connection (%s); trying again in %.0f s",
                code,
                pause,
            )
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            logger.warning(
                "can't reach Slack for Socket Mode (%s); trying again in %.0f s", error, pause
            )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=pause)
        pause = min(pause * 2, LONGEST_PAUSE)
    return False


async def serve_socket_mode(
    app: AsyncApp, db: Database, *, app_token: str, host: str, port: int
) -> None:
    """Connects to Slack over Socket Mode until SIGINT or SIGTERM; /healthz on `port`."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    stop = stop_signal()
    runner = await _start(build_health_app(db), host=host, port=port)
    try:
        if not await _until_slack_takes_the_app_token(app, app_token, stop):
            return
        # Made only now: it opens an HTTP session that must be closed however the bot stops.
        handler = AsyncSocketModeHandler(app, app_token)
        try:
            await handler.connect_async()  # type: ignore[no-untyped-call]
            logger.info(
                "decisionbot connected to Slack over Socket Mode; health on http://%s:%d%s",
                host,
                port,
                HEALTH_PATH,
            )
            await stop.wait()
        finally:
            await handler.close_async()  # type: ignore[no-untyped-call]
    finally:
        await runner.cleanup()
