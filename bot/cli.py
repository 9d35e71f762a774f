"""The `decisionbot` command: run the bot (HTTP or Socket Mode) or export the log.

Nothing happens at import time: main() loads .env, reads settings, and builds everything
inside the running event loop.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import logging
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from dotenv import load_dotenv

from bot.app import build_app
from bot.config import ConfigError, Mode, Settings, load_settings
from bot.deps import Deps, utc_now
from bot.scheduler import start_scheduler
from bot.scheduler.sweep import Sweeper
from bot.server import serve_http, serve_socket_mode
from bot.services.export import export_decisions
from bot.slack_calls import build_web_client, close_web_client
from storage.db import Database

logger = logging.getLogger("decisionbot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="decisionbot",
        description="A Slack decision log and disagree-and-commit tracker. "
        "With no command: Socket Mode if SLACK_APP_TOKEN is set, else HTTP.",
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="serve HTTP: POST /slack/events and GET /healthz on $PORT")
    commands.add_parser("socket", help="connect over Socket Mode (needs SLACK_APP_TOKEN)")
    export = commands.add_parser("export", help="write every decision and its history")
    export.add_argument("--format", choices=["json"], default="json")
    export.add_argument("--out", type=Path, help="file to write (default: standard output)")
    return parser


def tune_garbage_collector() -> None:
    """Fewer, shorter pauses from Python's cycle collector while serving.

    Every request leaves many short-lived objects, and each full young generation paused the
    event loop; those pauses were most of commit clicks' p99 (60 ms at 400/s, 13 ms with
    this; BENCHMARKS.md). What exists after start-up is frozen out of collection, and
    collection runs less often. Memory is still reclaimed: most objects are freed by
    reference counting, not by this collector.
    """
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # APScheduler logs every run of the sweep at INFO; the sweep logs what it sent itself.
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, logging.getLogger().level))


async def run_bot(settings: Settings, mode: Mode, clock: Callable[[], datetime] = utc_now) -> None:
    """Runs until SIGINT or SIGTERM. `clock` is for benchmarks that pin the date."""
    db = Database(settings.database_url)
    await db.create_tables()
    deps = Deps(db=db, digest_schedule=settings.digest_schedule, clock=clock)
    client = build_web_client(settings.slack_bot_token, settings.slack_api_url)
    app = build_app(client=client, deps=deps, signing_secret=settings.slack_signing_secret)
    tune_garbage_collector()
    scheduler = start_scheduler(
        Sweeper(deps, client), interval_seconds=settings.scheduler_interval_seconds
    )
    try:
        if mode is Mode.SOCKET:
            await serve_socket_mode(app, settings.slack_app_token)
        else:
            await serve_http(app, db, port=settings.port)
    finally:
        scheduler.shutdown(wait=False)
        await deps.followups.stop(within_seconds=10)
        await close_web_client(client)
        await db.close()


async def read_export(settings: Settings) -> dict[str, Any]:
    db = Database(settings.database_url)
    try:
        await db.create_tables()
        return await export_decisions(db)
    finally:
        await db.close()


def write_export(document: dict[str, Any], out: Path | None) -> None:
    text = json.dumps(document, indent=2, ensure_ascii=False)
    if out is None:
        sys.stdout.write(text + "\n")
        return
    out.write_text(text + "\n", encoding="utf-8")
    print(f"Wrote {len(document['decisions'])} decisions to {out}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    load_dotenv(Path.cwd() / ".env")
    command = args.command or ("socket" if os.environ.get("SLACK_APP_TOKEN") else "serve")
    mode = {"serve": Mode.HTTP, "socket": Mode.SOCKET, "export": Mode.OFFLINE}[command]
    try:
        settings = load_settings(mode=mode)
    except ConfigError as error:
        print(f"decisionbot: {error}", file=sys.stderr)
        return 2
    configure_logging(settings)
    if command == "export":
        write_export(asyncio.run(read_export(settings)), args.out)
        return 0
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_bot(settings, mode))
    return 0


if __name__ == "__main__":
    sys.exit(main())
