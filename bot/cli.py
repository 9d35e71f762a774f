"""The `decisionbot` command: run the bot (HTTP or Socket Mode) or export the log.

Nothing happens at import time: main() loads .env, reads settings, and builds everything
inside the running event loop.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from dotenv import load_dotenv
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.app import build_app
from bot.config import ConfigError, Mode, Settings, load_settings
from bot.deps import Deps, utc_now
from bot.export_formats import (
    record_file_name,
    to_csv,
    to_json,
    to_markdown_index,
    to_markdown_record,
)
from bot.operator_commands import keys_new, keys_rotate, workspace_delete
from bot.scheduler import start_scheduler
from bot.scheduler.sweep import Sweeper
from bot.services.digest import DigestSchedule
from bot.services.errors import DecisionError
from bot.services.export import ExportFilter, export_decisions, import_decisions
from bot.slack.calls import build_web_client, check_bot_token, close_web_client
from bot.slack.installations import OneWorkspace, Workspaces
from bot.slack.oauth import install_flow
from bot.slack.server import CannotConnect, CannotListen, serve_http, serve_socket_mode
from storage import installations
from storage.db import (
    Database,
    DatabaseNotReady,
    describe_database_error,
    sqlite_file,
    sqlite_file_problem,
)
from storage.migrate import SchemaState
from storage.token_keys import TokenKeyProblem, TokenKeys

logger = logging.getLogger("decisionbot")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: use YYYY-MM-DD") from None


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
    export.add_argument("--format", choices=["md", "csv", "json"], default="json")
    export.add_argument("--channel", help="only this channel's decisions (a channel id)")
    export.add_argument("--since", type=_day, help="only decisions recorded on or after YYYY-MM-DD")
    export.add_argument(
        "--out", type=Path, help="directory to write into (default: standard output; md needs it)"
    )
    database = commands.add_parser("db", help="the database's schema: where it stands, upgrade it")
    database.add_argument(
        "action",
        choices=["upgrade", "current"],
        help="upgrade: apply the migrations it lacks (serve and socket do this at start); "
        "current: print where it stands",
    )
    restore = commands.add_parser("import", help="load a JSON export into an empty database")
    restore.add_argument("file", type=Path, help="a file written by `export --format json`")
    keys = commands.add_parser(
        "keys", help="the keys that seal stored tokens (TOKEN_ENCRYPTION_KEY)"
    )
    keys.add_argument(
        "action",
        choices=["new", "rotate"],
        help="new: print a new key; rotate: reseal every stored token with the first key",
    )
    workspace = commands.add_parser("workspace", help="a workspace's stored data")
    workspace.add_argument("action", choices=["delete"], help="delete: everything stored for it")
    workspace.add_argument("team_id", help="the workspace's id, like T0123ABCD")
    workspace.add_argument("--yes", action="store_true", help="don't ask to confirm")
    return parser


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # APScheduler logs every run of the sweep at INFO; the sweep logs what it sent itself.
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, logging.getLogger().level))
    # Alembic logs each step of every check at INFO; the bot logs an upgrade itself.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLogger().level))


async def run_bot(settings: Settings, mode: Mode, clock: Callable[[], datetime] = utc_now) -> None:
    """Runs until SIGINT or SIGTERM. `clock` is for benchmarks that pin the date."""
    problem = sqlite_file_problem(settings.database_url)
    if problem:
        raise ConfigError(problem)
    db = Database(settings.database_url)
    try:
        log_upgrade(*await db.upgrade())
    except (OSError, SQLAlchemyError) as error:
        await db.close()
        raise ConfigError(describe_database_error(error)) from None
    schedule = DigestSchedule(
        weekday=settings.digest_day, at=settings.digest_time, zone=settings.digest_timezone
    )
    deps = Deps(db=db, digest_schedule=schedule, clock=clock)
    # In the OAuth install mode the client has no token: each workspace's is stored.
    client = build_web_client(settings.slack_bot_token or None, settings.slack_api_url)
    try:
        app, workspaces = await _app_for_the_mode(settings, deps, client)
    except (ConfigError, DatabaseNotReady) as error:
        await close_web_client(client)
        await db.close()
        if isinstance(error, DatabaseNotReady):  # a sentence, as for any start that can't go on
            raise ConfigError(f"The database couldn't be used at start: {error}") from None
        raise
    sweeper = Sweeper(deps, workspaces)
    scheduler = start_scheduler(sweeper, interval_seconds=settings.scheduler_interval_seconds)
    try:
        if mode is Mode.SOCKET:
            await serve_socket_mode(
                app,
                db,
                app_token=settings.slack_app_token,
                host=settings.host,
                port=settings.port,
            )
        else:
            await serve_http(
                app,
                db,
                signing_secret=settings.slack_signing_secret,
                host=settings.host,
                port=settings.port,
            )
    finally:
        scheduler.shutdown(wait=False)
        deps.cards.stop_waiting()
        await sweeper.stop(within_seconds=10)
        await deps.followups.stop(within_seconds=10)
        await close_web_client(client)
        await db.close()


async def _app_for_the_mode(
    settings: Settings, deps: Deps, client: AsyncWebClient
) -> tuple[AsyncApp, Workspaces]:
    """The app, and the clients its sweeps send with: one workspace's SLACK_BOT_TOKEN, checked
    with Slack now, or the tokens of the workspaces installed through /slack/install."""
    secret = settings.slack_signing_secret
    if settings.installs_through_oauth:
        sealed = await deps.db.read(installations.a_sealed_token)
        if sealed is not None:
            try:
                TokenKeys(settings.token_encryption_key).open(sealed)
            except TokenKeyProblem as problem:
                raise ConfigError(str(problem)) from None
        flow, installed = install_flow(settings, deps.db, client, deps.now)
        return build_app(client=client, deps=deps, signing_secret=secret, install_flow=flow), (
            installed
        )
    checked = await check_bot_token(client)
    if checked.refused:
        raise ConfigError(checked.refused)
    team_id = checked.team_id
    if team_id is not None:
        if checked.workspace_url:
            deps.workspace_urls[team_id] = checked.workspace_url
        # The token works, so the workspace has the app again if it had uninstalled it.
        now = deps.now()
        await deps.db.write(
            lambda session: installations.forget_uninstall(session, team_id, now=now)
        )
    return build_app(client=client, deps=deps, signing_secret=secret), OneWorkspace(client)


def log_upgrade(before: SchemaState, after: SchemaState) -> None:
    if before != after:
        logger.info("database schema: was %s; now %s", before.describe(), after.describe())


async def run_db_command(settings: Settings, action: str) -> str:
    """`decisionbot db upgrade|current`: what to print."""
    db = Database(settings.database_url)
    try:
        if action == "current":
            return (await db.schema_state()).describe()
        before, after = await db.upgrade()
        if before == after:
            return f"Nothing to do: {after.describe()}."
        return f"Upgraded. It was {before.describe()}. Now {after.describe()}."
    finally:
        await db.close()


async def read_export(settings: Settings, only: ExportFilter) -> dict[str, Any]:
    db = Database(settings.database_url)
    try:
        await db.upgrade()
        return await export_decisions(db, only)
    finally:
        await db.close()


def write_export(document: dict[str, Any], kind: str, out: Path | None) -> None:
    """JSON and CSV go to standard output, or into `out`; Markdown is a file per decision."""
    rendered = {"json": to_json, "csv": to_csv}
    if kind in rendered and out is None:
        sys.stdout.write(rendered[kind](document))
        return
    if out is None:
        raise ConfigError("A Markdown export is a file per decision: give a directory with --out.")
    out.mkdir(parents=True, exist_ok=True)
    if kind == "md":
        for decision in document["decisions"]:
            (out / record_file_name(decision)).write_text(
                to_markdown_record(decision), encoding="utf-8"
            )
        (out / "index.md").write_text(to_markdown_index(document), encoding="utf-8")
    else:
        (out / f"decisions.{kind}").write_text(rendered[kind](document), encoding="utf-8")
    print(f"Wrote {len(document['decisions'])} decisions to {out}", file=sys.stderr)


async def run_import(settings: Settings, document: dict[str, Any]) -> int:
    db = Database(settings.database_url)
    try:
        await db.upgrade()
        return await import_decisions(db, document)
    finally:
        await db.close()


def export_or_import(settings: Settings, args: argparse.Namespace) -> int:
    try:
        if args.command == "import":
            if args.file.is_dir():
                inside = args.file / "decisions.json"
                hint = f" Did you mean {inside}?" if inside.is_file() else ""
                raise ConfigError(
                    f"{args.file} is a folder; give the export's JSON file instead.{hint}"
                )
            if not args.file.is_file():
                raise ConfigError(f"There is no file {args.file}.")
            try:
                document = json.loads(args.file.read_text(encoding="utf-8"))
            except json.JSONDecodeError as error:
                raise ConfigError(
                    f"{args.file} is not valid JSON ({error.msg}, line {error.lineno})."
                ) from error
            count = asyncio.run(run_import(settings, document))
            print(f"Imported {count} decisions from {args.file}", file=sys.stderr)
            return 0
        stored = sqlite_file(settings.database_url)
        if stored is not None and not stored.exists():
            raise ConfigError(
                f"There is no database at {stored} (DATABASE_URL), so there is nothing to "
                "export. Point DATABASE_URL at the bot's database."
            )
        only = ExportFilter(channel_id=args.channel, since=args.since)
        write_export(asyncio.run(read_export(settings, only)), args.format, args.out)
        return 0
    except (ConfigError, DecisionError, OSError, ValueError) as error:
        reason = error.message if isinstance(error, DecisionError) else str(error)
        print(f"decisionbot {args.command}: {reason}", file=sys.stderr)
        return 2


def run_operator_command(settings: Settings, args: argparse.Namespace) -> int:
    where = f"decisionbot {args.command} {args.action}"
    try:
        if args.command == "keys" and args.action == "new":
            print(keys_new())
            return 0
        problem = sqlite_file_problem(settings.database_url)
        if problem:
            raise ConfigError(problem)
        if args.command == "keys":
            print(asyncio.run(keys_rotate(settings)))
        else:
            ask = input if sys.stdin.isatty() else None
            deleting = workspace_delete(settings, args.team_id, confirmed=args.yes, ask=ask)
            print(asyncio.run(deleting))
    except ConfigError as error:
        print(f"{where}: {error}", file=sys.stderr)
        return 2
    except (OSError, SQLAlchemyError) as error:
        print(f"{where}: {describe_database_error(error)}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    load_dotenv(Path.cwd() / ".env")
    command = args.command or ("socket" if os.environ.get("SLACK_APP_TOKEN") else "serve")
    modes = {
        "serve": Mode.HTTP,
        "socket": Mode.SOCKET,
        "export": Mode.OFFLINE,
        "import": Mode.OFFLINE,
        "db": Mode.OFFLINE,
        "keys": Mode.OFFLINE,
        "workspace": Mode.OFFLINE,
    }
    mode = modes[command]
    try:
        settings = load_settings(mode=mode)
    except ConfigError as error:
        print(f"decisionbot: {error}", file=sys.stderr)
        return 2
    configure_logging(settings)
    if command in ("keys", "workspace"):
        return run_operator_command(settings, args)
    if command in ("export", "import"):
        return export_or_import(settings, args)
    if command == "db":
        problem = sqlite_file_problem(settings.database_url)
        if problem:
            print(f"decisionbot db {args.action}: {problem}", file=sys.stderr)
            return 2
        try:
            print(asyncio.run(run_db_command(settings, args.action)))
        except (OSError, SQLAlchemyError) as error:
            print(
                f"decisionbot db {args.action}: {describe_database_error(error)}", file=sys.stderr
            )
            return 2
        return 0
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run_bot(settings, mode))
    except (ConfigError, CannotListen, CannotConnect) as error:
        print(f"decisionbot: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
