"""Two real `decisionbot serve` processes on one database, both sweeping, against the stand-in:
each revisit and reminder arrives once."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.scheduler.working_hours import next_working_time
from bot.services.decisions import DecisionDraft, mark_card_posted, record_decision
from storage.db import Database
from tests.conftest import ALICE, BOB, CAROL, CHANNEL, DAN, SIGNING_SECRET
from tests.databases import new_database_url
from tests.slack_stand_in.server import SlackStandIn

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def a_zone_in_working_hours(now: datetime) -> str | None:
    """Some whole-hour zone where it is a weekday between 09:00 and 17:00 (none at weekends)."""
    for hours in range(-12, 15):
        name = f"Etc/GMT{-hours:+d}" if hours else "UTC"  # Etc/GMT-2 is two hours ahead of UTC
        if next_working_time(now, name) is None:
            return name
    return None


async def seed(db: Database, stand_in: SlackStandIn, now: datetime) -> None:
    type1 = DecisionDraft(
        team_id=stand_in.team_id,
        channel_id=CHANNEL,
        recorder_id=ALICE,
        decider_id=ALICE,
        title="Move billing to Postgres",
        what_and_why="Transactions.",
        stakeholder_ids=[BOB, CAROL],
        type_choice="type1",
    )
    type2 = DecisionDraft(
        team_id=stand_in.team_id,
        channel_id=CHANNEL,
        recorder_id=DAN,
        decider_id=DAN,
        title="Try weekly releases",
        what_and_why="Smaller batches.",
        type_choice="type2",
    )
    # Recorded as if 3 and 30 days ago: the commit-by date and the revisit date are today.
    for draft, when in ((type1, now - timedelta(days=3)), (type2, now - timedelta(days=30))):
        record = (await record_decision(db, draft=draft, now=when)).record
        card_ts = stand_in.add_message(CHANNEL, draft.title)
        await mark_card_posted(
            db, team_id=stand_in.team_id, decision_id=record.id, message_ts=card_ts, now=when
        )


def start_bot(
    stand_in: SlackStandIn, database_url: str, *, port: int | None = None
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": stand_in.token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": stand_in.api_url,
        "DATABASE_URL": database_url,
        "PORT": str(port or free_port()),
        "SCHEDULER_INTERVAL_SECONDS": "1",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("SLACK_APP_TOKEN", None)
    return subprocess.Popen([sys.executable, "-m", "bot", "serve"], cwd=ROOT, env=env)


async def test_two_bot_processes_send_each_due_message_once(
    stand_in: SlackStandIn, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    zone = a_zone_in_working_hours(now)
    stand_in.users[DAN].tz = zone or "UTC"
    database_url = new_database_url(tmp_path, "shared")
    db = Database(database_url)
    await db.upgrade()
    await seed(db, stand_in, now)
    await db.close()

    expected = {BOB: 1, CAROL: 1, ALICE: 1} | ({DAN: 1} if zone else {})
    bots = [start_bot(stand_in, database_url) for _ in range(2)]
    try:
        for _ in range(200):  # up to 20 s for both to start and sweep
            if all(len(stand_in.channel_messages(u)) >= n for u, n in expected.items()):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(3)  # three more sweeps each: time for any duplicate to show up
    finally:
        for bot in bots:
            bot.terminate()
        for bot in bots:
            bot.wait(timeout=20)

    received = {user: len(stand_in.channel_messages(user)) for user in expected}
    assert received == expected, f"direct messages per person (revisit zone: {zone})"
    assert all(bot.returncode == 0 for bot in bots)
