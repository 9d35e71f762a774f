"""How much due work delays acks: commit-click latency while 10,000 revisits go out, beside
the same bot with nothing due.

Starts the stand-in Slack and `decisionbot serve` (SQLite, sweeping every second) as separate
processes, twice: once with nothing due, once with 10,000 Type 2 decisions across 200
channels whose revisit date has come. The bot's clock is pinned to a weekday morning (so
every decider is in working hours); Slack's pacing runs on real time. In each run, commit
clicks go out open loop at fixed rates, and the script prints p50 and p99 per rate, how many
revisits were sent during each step (so the sweep was busy throughout), and the difference.

    .venv/bin/python -m bench.ack_during_sweep [--seconds 8] [--decisions 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from slack_sdk.web.async_client import AsyncWebClient

from bench.ack_latency import (
    CHANNEL,
    SECRET,
    TOKEN,
    Step,
    Target,
    commit_clicks,
    free_port,
    run_step,
    start,
    wait_healthy,
)
from bench.ack_latency import seed as seed_click_decisions
from bench.revisit_burst import REVISIT_DAY, channel_of
from bench.revisit_burst import seed as seed_revisits
from storage.db import Database

RATES = [50, 100, 200, 400]
CHANNELS = 200
GOAL_MS = 10.0


@dataclass
class Run:
    label: str
    steps: list[Step]
    sent_during: list[int]  # revisits recorded as sent during each step
    peak_mb: float


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def revisits_sent(database: Path) -> int:
    # SQLAlchemy stores an enum column by member name.
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        (count,) = connection.execute(
            "SELECT count(*) FROM duework WHERE kind = 'REVISIT' AND message_ts IS NOT NULL"
        ).fetchone()
    return int(count)


async def post_cards(api_url: str, decisions: int, first_id: int) -> list[tuple[str, str]]:
    """A card in the stand-in for each decision, as the bot would have posted it."""
    client = AsyncWebClient(token=TOKEN, base_url=api_url)
    limit = asyncio.Semaphore(50)

    async def post(i: int) -> tuple[str, str]:
        channel = channel_of(i, CHANNELS)
        async with limit:
            posted = await client.chat_postMessage(channel=channel, text=f"Decision {i}")
        return channel, str(posted["ts"])

    return list(await asyncio.gather(*(post(i) for i in range(first_id, first_id + decisions))))


async def one_run(label: str, due: int, seconds: float) -> Run:
    workdir = Path(tempfile.mkdtemp(prefix="decisionbot-sweep-bench-"))
    database = workdir / "bench.db"
    database_url = f"sqlite:///{database}"
    channels = [arg for c in range(CHANNELS) for arg in ("--channel", channel_of(c, CHANNELS))]
    stand_in = start(
        [
            sys.executable,
            "-m",
            "tests.slack_stand_in",
            "--token",
            TOKEN,
            "--channel",
            CHANNEL,
            *channels,
            "--lenient-triggers",
            "--lenient-users",
        ],
        {},
        stdout=subprocess.PIPE,
    )
    assert stand_in.stdout is not None
    base_url = stand_in.stdout.readline().decode().strip()
    api_url = base_url + "/api/"
    await seed_click_decisions(database_url, api_url, now=REVISIT_DAY)
    if due:
        cards = await post_cards(api_url, due, first_id=1)
        db = Database(database_url)
        await seed_revisits(db, cards, first_id=1000)
        await db.close()

    port = free_port()
    bot = start(
        [sys.executable, "-m", "bench.bot_at", REVISIT_DAY.isoformat()],
        {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": api_url,
            "LOG_LEVEL": "WARNING",
            "PORT": str(port),
            "DATABASE_URL": database_url,
            "SCHEDULER_INTERVAL_SECONDS": "1",
        },
    )
    try:
        await wait_healthy(port)
        click = commit_clicks(base_url + "/response/bench")
        target = Target(label, [port], [bot])
        steps, sent_during = [], []
        for rate in RATES:
            before = revisits_sent(database)
            step = await run_step(target, click, rate, seconds)
            sent_during.append(revisits_sent(database) - before)
            steps.append(step)
            print(
                f"  {label:<28} {rate:>4}/s  p50 {step.p50_ms:6.1f} ms  p99 {step.p99_ms:6.1f} ms"
                f"  errors {step.errors}  revisits sent meanwhile {sent_during[-1]:>5}",
                flush=True,
            )
        if due:
            print(f"  (revisits sent by the end: {revisits_sent(database):,} of {due:,})")
        return Run(label, steps, sent_during, peak_rss_mb(bot.pid))
    finally:
        bot.terminate()
        bot.wait(timeout=30)
        stand_in.terminate()
        stand_in.wait(timeout=15)


async def main_async(seconds: float, decisions: int) -> None:
    print(f"Open loop, {seconds:g} s per rate; commit clicks on 50 decisions in {CHANNEL}")
    idle = await one_run("nothing due", 0, seconds)
    busy = await one_run(f"{decisions:,} revisits due", decisions, seconds)
    print("\np99 added by the due work (busy minus idle):")
    for quiet, loaded, sent in zip(idle.steps, busy.steps, busy.sent_during, strict=True):
        added = loaded.p99_ms - quiet.p99_ms
        verdict = "within" if added <= GOAL_MS else "OVER"
        print(
            f"  {quiet.rate:>4}/s  {quiet.p99_ms:6.1f} -> {loaded.p99_ms:6.1f} ms  "
            f"({added:+.1f} ms, {verdict} the {GOAL_MS:g} ms goal; {sent} revisits sent meanwhile)"
        )
    print(f"\npeak memory of the bot: idle {idle.peak_mb:.0f} MB, busy {busy.peak_mb:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=8.0, help="how long each rate is held")
    parser.add_argument("--decisions", type=int, default=10_000)
    args = parser.parse_args()
    asyncio.run(main_async(args.seconds, args.decisions))


if __name__ == "__main__":
    main()
