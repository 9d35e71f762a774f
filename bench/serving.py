"""`decisionbot serve` started as a separate process against the stand-in Slack, as the
reliability benchmarks start it: loopback only, its log where the caller says."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import IO

from tests.conftest import SIGNING_SECRET
from tests.e2e.test_several_processes import ROOT
from tests.slack_stand_in.server import SlackStandIn


async def start_bot(
    stand_in: SlackStandIn,
    database_url: str,
    port: int,
    log: IO[bytes] | int,
    *,
    clock: tuple[datetime, float, float] | None = None,
    memory_to: Path | None = None,
    **settings: str,
) -> asyncio.subprocess.Process:
    """The bot on `port`; with `clock` (start, speed, epoch), through `bench.bot_at`, its
    clock pinned to `start` and running `speed` times as fast from `epoch`; with `memory_to`,
    through `bench.memory_probe`, writing where its memory is to that file."""
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": stand_in.token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": stand_in.api_url,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        **settings,
    }
    env.pop("SLACK_APP_TOKEN", None)
    command = ["-m", "bot", "serve"]
    if clock is not None:
        start, speed, epoch = clock
        command = ["-m", "bench.bot_at", start.isoformat(), str(speed), str(epoch)]
    elif memory_to is not None:
        command = ["-m", "bench.memory_probe", str(memory_to)]
    return await asyncio.create_subprocess_exec(
        sys.executable, *command, cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=log
    )
