"""Serving Slack: HTTP (POST /slack/events, GET /healthz) or Socket Mode."""

from __future__ import annotations

import asyncio
import logging
import signal

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp

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
    return web_app


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


async def _start(web_app: web.Application, *, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host=host, port=port).start()
    return runner


async def wait_for_stop_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def serve_http(
    app: AsyncApp, db: Database, *, signing_secret: str, host: str, port: int
) -> None:
    """Serves until SIGINT or SIGTERM."""
    web_app = build_web_app(app, db, signing_secret=signing_secret)
    runner = await _start(web_app, host=host, port=port)
    logger.info("decisionbot listening on http://%s:%d%s", host, port, EVENTS_PATH)
    try:
        await wait_for_stop_signal()
    finally:
        await runner.cleanup()


async def serve_socket_mode(
    app: AsyncApp, db: Database, *, app_token: str, host: str, port: int
) -> None:
    """Connects to Slack over Socket Mode until SIGINT or SIGTERM; /healthz on `port`."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    runner = await _start(build_health_app(db), host=host, port=port)
    handler = AsyncSocketModeHandler(app, app_token)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    logger.info(
        "decisionbot connected to Slack over Socket Mode; health on http://%s:%d%s",
        host,
        port,
        HEALTH_PATH,
    )
    try:
        await wait_for_stop_signal()
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
        await runner.cleanup()
