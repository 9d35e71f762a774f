"""Three real `decisionbot serve` processes on one database against the stand-in, as behind a
load balancer: each revisit and reminder arrives once; 200 people committing on one decision
within a second, spread round robin, lose nothing and double nothing, the card ends showing
all 200, and the three together stay within one workspace's chat.update budget."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from sqlmodel import col, func, select

from bot.ids import Action
from bot.scheduler.working_hours import next_working_time
from bot.services.decisions import DecisionDraft, mark_card_posted, record_decision
from storage.db import Database
from storage.models import Commitment, DecisionEvent
from tests.conftest import ALICE, BOB, CAROL, CHANNEL, DAN, SIGNING_SECRET
from tests.databases import new_database_url
from tests.slack_stand_in.requests import (
    FORM,
    block_actions_payload,
    interactive_body,
    signed_headers,
)
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


async def test_three_bot_processes_send_each_due_message_once(
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
    bots = [start_bot(stand_in, database_url) for _ in range(3)]
    try:
        for _ in range(200):  # up to 20 s for all three to start and sweep
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


PEOPLE = [f"U0P{i:04d}" for i in range(200)]
ASKED = PEOPLE[:30]  # as many as a decision may ask


def click_body(stand_in: SlackStandIn, decision_id: int, card_ts: str, user: str) -> str:
    payload = block_actions_payload(
        action={
            "action_id": Action.COMMIT_AGREE,
            "block_id": "commit",
            "type": "button",
            "value": str(decision_id),
        },
        team_id=stand_in.team_id,
        user_id=user,
        trigger_id=f"{user}.trigger",
        container={"type": "message", "message_ts": card_ts, "channel_id": CHANNEL},
        channel_id=CHANNEL,
        response_url=stand_in.response_url(),
    )
    return interactive_body(payload)


def said_in_thread_of(stand_in: SlackStandIn, card_ts: str) -> int:
    """How many commitments the thread has told, line by line or as "…and N more"."""
    thread = [m["text"] for m in stand_in.thread(CHANNEL, card_ts)]
    lines = sum(len(re.findall(r"agreed and committed", text)) for text in thread)
    more = sum(int(n) for text in thread for n in re.findall(r"and (\d+) more commitments?", text))
    return lines + more


async def wait_until_healthy(ports: list[int]) -> None:
    async with aiohttp.ClientSession() as http:
        for port in ports:
            for _ in range(300):
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise AssertionError(f"the bot on port {port} never became healthy")


async def test_200_commitments_spread_over_three_processes_are_all_kept_and_shown(
    stand_in: SlackStandIn, tmp_path: Path
) -> None:
    stand_in.lenient_users = True
    database_url = new_database_url(tmp_path, "three")
    db = Database(database_url)
    await db.upgrade()
    draft = DecisionDraft(
        team_id=stand_in.team_id,
        channel_id=CHANNEL,
        recorder_id=ALICE,
        decider_id=ALICE,
        title="Move billing to Postgres",
        what_and_why="Transactions.",
        stakeholder_ids=ASKED,
        type_choice="type1",
    )
    now = datetime.now(UTC)
    decision_id = (await record_decision(db, draft=draft, now=now)).record.id
    card_ts = stand_in.add_message(CHANNEL, draft.title)
    await mark_card_posted(
        db, team_id=stand_in.team_id, decision_id=decision_id, message_ts=card_ts, now=now
    )

    ports = [free_port() for _ in range(3)]
    bots = [start_bot(stand_in, database_url, port=port) for port in ports]
    try:
        await wait_until_healthy(ports)
        started = time.time()
        async with aiohttp.ClientSession() as http:

            async def commit(i: int, user: str) -> int:
                await asyncio.sleep(i / len(PEOPLE))  # 200 clicks spread over one second
                body = click_body(stand_in, decision_id, card_ts, user)
                url = f"http://127.0.0.1:{ports[i % 3]}/slack/events"  # round robin
                headers = signed_headers(SIGNING_SECRET, body, content_type=FORM)
                async with http.post(url, data=body, headers=headers) as response:
                    return response.status

            statuses = await asyncio.gather(*(commit(i, u) for i, u in enumerate(PEOPLE)))
        assert statuses == [200] * len(PEOPLE)

        def said_in_thread() -> int:
            return said_in_thread_of(stand_in, card_ts)

        def card() -> str:
            return json.dumps(stand_in.message(CHANNEL, card_ts).get("blocks", []))

        for _ in range(900):  # the last redraw may wait up to a minute for Slack's budget
            if "30 of 30 asked have committed \\u00b7 170 more committed" in card() and (
                said_in_thread() == 200
            ):
                break
            await asyncio.sleep(0.1)
    finally:
        for bot in bots:
            bot.terminate()
        for bot in bots:
            bot.wait(timeout=20)

    assert all(bot.returncode == 0 for bot in bots)
    assert "30 of 30 asked have committed \\u00b7 170 more committed" in card()
    commitments, events = await db.read(
        lambda session: (
            session.exec(select(func.count()).select_from(Commitment)).one(),
            session.exec(select(func.count()).where(col(DecisionEvent.kind) == "committed")).one(),
        )
    )
    assert (commitments, events) == (200, 200)
    await db.close()

    # Together the three stayed within one workspace's budget: no 60 s window holds more
    # chat.update calls than Slack allows one app.
    updates = [
        at
        for (method, _), at in zip(stand_in.calls, stand_in.called_at, strict=True)
        if method == "chat.update" and at >= started
    ]
    busiest = max(sum(1 for t in updates if start <= t < start + 60) for start in updates)
    assert 1 <= busiest <= 60, f"{busiest} chat.update calls in one minute"
    assert said_in_thread() == 200  # each commitment said in the thread once
