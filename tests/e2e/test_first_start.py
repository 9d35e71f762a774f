"""A first start, as a new user makes it: a bot token Slack refuses stops the bot at once with
a sentence saying which token to fix; a good one starts without warnings about it."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.databases import new_database_url
from tests.e2e.test_several_processes import ROOT, free_port
from tests.slack_stand_in.server import SlackStandIn


async def run_serve(
    stand_in: SlackStandIn, tmp_path: Path, token: str, seconds: float
) -> tuple[int | None, str]:
    """`decisionbot serve` for up to `seconds`; (its exit code, or None if still running, and
    what it wrote to stderr)."""
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": token,
        "SLACK_SIGNING_SECRET": "a-secret",
        "SLACK_API_URL": stand_in.api_url,
        "DATABASE_URL": new_database_url(tmp_path, "first"),
        "PORT": str(free_port()),
        "LOG_LEVEL": "INFO",
    }
    env.pop("SLACK_APP_TOKEN", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", cwd=ROOT, env=env, stderr=asyncio.subprocess.PIPE
    )
    try:
        code: int | None = await asyncio.wait_for(process.wait(), timeout=seconds)
    except TimeoutError:
        code = None
        process.terminate()
        await process.wait()
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
    code, said = await run_serve(stand_in, tmp_path, stand_in.token, seconds=6)
    assert code is None, said  # still serving
    assert "decisionbot listening on" in said
    assert "will be unused" not in said and "Traceback" not in said
