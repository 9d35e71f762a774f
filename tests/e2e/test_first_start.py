"""A first start, as a new user makes it: a bot token Slack refuses stops the bot at once with
a sentence saying which token to fix; a good one starts without warnings about it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from storage import installations
from storage.db import Database, sqlite_file_problem
from storage.models import Installation
from storage.token_keys import TokenKeys, new_key
from tests.conftest import NOW
from tests.databases import new_database_url, sqlite_only
from tests.e2e.test_several_processes import ROOT, free_port
from tests.slack_stand_in.server import SlackStandIn


async def run_serve(
    stand_in: SlackStandIn,
    tmp_path: Path,
    token: str,
    seconds: float,
    command: str = "serve",
    **settings: str,
) -> tuple[int | None, str]:
    """`decisionbot serve` (or `command`) for up to `seconds`, with `settings` over the usual
    ones; (its exit code, or None if still running when stopped, and what it wrote to stderr)."""
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": token,
        "SLACK_SIGNING_SECRET": "a-secret",
        "SLACK_API_URL": stand_in.api_url,
        "DATABASE_URL": new_database_url(tmp_path, "first"),
        "PORT": str(free_port()),
        "LOG_LEVEL": "INFO",
        **settings,
    }
    if "SLACK_APP_TOKEN" not in settings:
        env.pop("SLACK_APP_TOKEN", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", command, cwd=ROOT, env=env, stderr=asyncio.subprocess.PIPE
    )
    try:
        code: int | None = await asyncio.wait_for(process.wait(), timeout=seconds)
    except TimeoutError:
        code = None
        process.terminate()  # SIGTERM, as Ctrl-C or a container stop sends
        assert await process.wait() == 0, "a stopped bot exits 0"
    assert process.stderr is not None
    return code, (await process.stderr.read()).decode()


async def test_a_refused_bot_token_stops_the_bot_with_a_sentence(
    stand_in: SlackStandIn, tmp_path: Path
) -> None:
    code, said = await run_serve(stand_in, tmp_path, "xoxb-not-the-one", seconds=30)
    assert code == 2
    assert "decisionbot: Slack refused SLACK_BOT_TOKEN (invalid_auth)." in said
    assert "Traceback" not in said


async def test_a_good_token_starts_without_a_warning_about_it(
    stand_in: SlackStandIn, tmp_path: Path
) -> None:
    code, said = await run_serve(stand_in, tmp_path, stand_in.token, seconds=12)
    assert code is None, said  # still serving
    assert "decisionbot listening on" in said
    assert "will be unused" not in said and "Traceback" not in said


async def test_a_database_folder_that_isnt_there_is_named(
    stand_in: SlackStandIn, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/no/such/folder/decisionbot.db"
    code, said = await run_serve(stand_in, tmp_path, stand_in.token, 30, DATABASE_URL=url)
    assert code == 2 and "Traceback" not in said
    assert f"decisionbot: The folder {tmp_path}/no/such/folder for the database file" in said


@sqlite_only
async def test_a_database_locked_by_another_process_at_start_stops_the_bot_with_a_sentence(
    stand_in: SlackStandIn, tmp_path: Path
) -> None:
    url = new_database_url(tmp_path, "first")
    db = Database(url)
    await db.upgrade()
    await db.close()
    holder = sqlite3.connect(tmp_path / "first.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process's write that doesn't end
    try:
        code, said = await run_serve(stand_in, tmp_path, stand_in.token, 30)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 2 and "Traceback" not in said, said
    assert (
        "decisionbot: The database couldn't be used at start: The database stayed locked by "
        "another process for 2 s." in said
    )


async def test_a_port_already_in_use_is_named(stand_in: SlackStandIn, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, said = await run_serve(stand_in, tmp_path, stand_in.token, 30, PORT=str(port))
    assert code == 2 and "Traceback" not in said
    assert f"decisionbot: PORT {port} on HOST 0.0.0.0 is already in use" in said


def test_a_read_only_database_file_or_folder_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Run as root here, so the file's mode can't make it read-only: os.access says it is.
    stored = tmp_path / "decisionbot.db"
    stored.touch()
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != stored)
    assert "The database file" in str(sqlite_file_problem(f"sqlite:///{stored}"))
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != tmp_path)
    assert f"The folder {tmp_path} (DATABASE_URL) is read-only" in str(
        sqlite_file_problem(f"sqlite:///{tmp_path / 'new.db'}")
    )


async def test_a_refused_app_token_stops_socket_mode_with_a_sentence(
    stand_in: SlackStandIn, tmp_path: Path
) -> None:
    code, said = await run_serve(
        stand_in, tmp_path, stand_in.token, 30, "socket", SLACK_APP_TOKEN="xapp-not-the-one"
    )
    assert code == 2 and "Traceback" not in said
    assert "decisionbot: Slack refused SLACK_APP_TOKEN (invalid_auth)." in said


async def test_socket_mode_out_of_reach_of_slack_keeps_trying_and_stops_cleanly(
    stand_in: SlackStandIn, tmp_path: Path
) -> None:
    out_of_reach = {
        "SLACK_APP_TOKEN": stand_in.app_token,
        "SLACK_API_URL": "http://127.0.0.1:9/api/",
    }
    code, said = await run_serve(stand_in, tmp_path, stand_in.token, 10, "socket", **out_of_reach)
    assert code is None, said  # still trying when stopped (it exits 0 then)
    tries = [line for line in said.splitlines() if "can't reach Slack for Socket Mode" in line]
    pauses = [line.rsplit("again in ", 1)[1] for line in tries]
    assert pauses[:2] == ["1 s", "2 s"] and pauses == ["1 s", "2 s", "4 s", "8 s"][: len(pauses)]
    assert "Traceback" not in said and "Unclosed client session" not in said


def test_the_readmes_commands_notice_a_venv_made_by_a_python_that_is_gone(tmp_path: Path) -> None:
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").symlink_to("/nonexistent/python3.9")
    for command in ("run", "test"):
        made = subprocess.run(["make", command], cwd=tmp_path, capture_output=True, text=True)
        assert made.returncode != 0
        assert "run 'make clean', then this again" in made.stdout


def oauth_env(stand_in: SlackStandIn, key: str) -> dict[str, str]:
    return {
        "SLACK_CLIENT_ID": stand_in.oauth.client_id,
        "SLACK_CLIENT_SECRET": stand_in.oauth.client_secret,
        "SLACK_STATE_SECRET": "a-state-secret",
        "TOKEN_ENCRYPTION_KEY": key,
        "SLACK_AUTHORIZE_URL": stand_in.authorize_url,
    }


async def test_the_oauth_install_mode_serves_its_install_page(
    stand_in: SlackStandIn, tmp_path: Path
) -> None:
    port = free_port()

    async def fetch_install_page() -> tuple[int, str]:
        for _ in range(100):
            await asyncio.sleep(0.1)
            with contextlib.suppress(aiohttp.ClientError):
                async with (
                    aiohttp.ClientSession() as browser,
                    browser.get(f"http://127.0.0.1:{port}/slack/install") as page,
                ):
                    return page.status, await page.text()
        raise AssertionError("the bot never answered")

    fetched = asyncio.ensure_future(fetch_install_page())
    code, said = await run_serve(
        stand_in, tmp_path, "", seconds=8, PORT=str(port), **oauth_env(stand_in, new_key())
    )
    status, page = await fetched
    assert code is None, said
    assert status == 200 and "Add to Slack" in page
    assert f"workspaces install it from http://0.0.0.0:{port}/slack/install" in said
    assert "Traceback" not in said and "will be unused" not in said


async def test_both_modes_at_once_stop_with_a_sentence(
    stand_in: SlackStandIn, tmp_path: Path
) -> None:
    env = oauth_env(stand_in, new_key())
    code, said = await run_serve(stand_in, tmp_path, stand_in.token, seconds=30, **env)
    assert code == 2 and "Traceback" not in said
    assert "SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set: pick one mode." in said


async def test_a_key_that_cant_open_the_stored_tokens_stops_the_bot_with_a_sentence(
    stand_in: SlackStandIn, tmp_path: Path
) -> None:
    url = new_database_url(tmp_path, "sealed")
    database = Database(url)
    await database.upgrade()
    sealed = TokenKeys(new_key()).seal("xoxb-T0001-1")
    row = Installation(team_id="T0001", bot_scopes="", sealed_bot_token=sealed, installed_at=NOW)
    await database.write(lambda session: installations.save(session, row))
    await database.close()

    env = oauth_env(stand_in, new_key()) | {"DATABASE_URL": url}
    code, said = await run_serve(stand_in, tmp_path, "", seconds=30, **env)
    assert code == 2 and "Traceback" not in said
    assert "decisionbot: No key in TOKEN_ENCRYPTION_KEY opens a stored token" in said
