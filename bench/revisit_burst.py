"""10,000 revisits falling due at once across 200 channels: how long until every message is
sent, whether the pacing held, and the peak memory.

Runs one sweep in-process, as a bot process would, against the stand-in Slack (also
in-process, so that what it received can be checked). The bot's clock is pinned to a weekday
morning so that every decider is in working hours; Slack's pacing runs on real time.

    .venv/bin/python -m bench.revisit_burst [--decisions 10000] [--channels 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from bot.deps import Deps
from bot.scheduler.sweep import Sweeper
from bot.slack.calls import build_web_client, close_web_client
from bot.slack.installations import OneWorkspace
from bot.slack.pacing import POST_PER_CHANNEL
from storage.db import Database
from storage.models import Decision, DecisionEvent, DecisionStatus, DecisionType
from tests.slack_stand_in.server import SlackStandIn

TEAM = "T0001"
REVISIT_DAY = datetime(2026, 12, 23, 10, 0, tzinfo=UTC)  # a Wednesday morning


def channel_of(i: int, channels: int) -> str:
    return f"C{i % channels:07d}"


def decider_of(i: int) -> str:
    return f"U{i:08d}"


async def seed(db: Database, cards: list[tuple[str, str]], first_id: int = 1) -> None:
    """Type 2 decisions due for revisit on REVISIT_DAY, the i-th with card cards[i - 1]
    and decider decider_of(i); their ids count from `first_id`."""
    recorded = REVISIT_DAY - timedelta(days=30)
    decision_rows, event_rows = [], []
    for i, (channel, card_ts) in enumerate(cards, start=1):
        decider, decision_id = decider_of(i), first_id + i - 1
        decision_rows.append(
            {
                "id": decision_id,
                "team_id": TEAM,
                "channel_id": channel,
                "message_ts": card_ts,
                "title": f"Decision {i}",
                "what_and_why": "Because.",
                "decider_id": decider,
                "recorder_id": decider,
                "decision_type": DecisionType.TYPE_2,
                "type_reason": "Chosen.",
                "status": DecisionStatus.DECIDED,
                "revisit_on": REVISIT_DAY.date(),
                "created_at": recorded,
                "updated_at": recorded,
            }
        )
        event_rows.append(
            {
                "decision_id": decision_id,
                "team_id": TEAM,
                "actor_id": decider,
                "kind": "recorded",
                "detail": json.dumps({}),
                "at": recorded,
            }
        )

    def write(session: object) -> None:
        connection = session.connection()  # type: ignore[attr-defined]
        connection.execute(insert(Decision.__table__), decision_rows)  # type: ignore[attr-defined]
        connection.execute(insert(DecisionEvent.__table__), event_rows)  # type: ignore[attr-defined]

    await db.write(write)


async def main_async(decisions: int, channels: int) -> None:
    stand_in = await SlackStandIn(team_id=TEAM).start()
    for c in range(channels):
        stand_in.add_channel(f"C{c:07d}")
    db = Database(f"sqlite:///{Path(tempfile.mkdtemp(prefix='decisionbot-burst-')) / 'b.db'}")
    await db.upgrade()
    cards = []
    for i in range(1, decisions + 1):
        stand_in.add_user(decider_of(i), tz="UTC")
        channel = channel_of(i, channels)
        cards.append((channel, stand_in.add_message(channel, f"Decision {i}")))
    await seed(db, cards)
    stand_in.calls.clear()

    client = build_web_client(stand_in.token, stand_in.api_url)
    deps = Deps(db=db, clock=lambda: REVISIT_DAY)
    started = time.perf_counter()
    report = await Sweeper(deps, OneWorkspace(client), owner="bench").sweep()
    elapsed = time.perf_counter() - started

    direct = sum(len(stand_in.channel_messages(decider_of(i))) for i in range(1, decisions + 1))
    lines = [
        (channel, message["ts"])
        for channel, messages in stand_in.messages.items()
        if channel.startswith("C")
        for message in messages
        if "thread_ts" in message
    ]
    per_second = Counter((channel, ts.split(".")[0]) for channel, ts in lines)
    busiest = max(per_second.values(), default=0)
    print(
        f"{decisions:,} revisits across {channels} channels: all sent in {elapsed:.1f} s "
        f"({report.sent:,} sent, {len(report.failed)} failed, {report.put_off} put off)"
    )
    print(f"direct messages {direct:,}, thread lines {len(lines):,}")
    print(
        f"most thread lines in one channel in one second: {busiest} "
        f"(budget: {POST_PER_CHANNEL.per_second:g}/s after a burst of {POST_PER_CHANNEL.burst})"
    )
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    await close_web_client(client)
    await db.close()
    await stand_in.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--decisions", type=int, default=10_000)
    parser.add_argument("--channels", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(main_async(args.decisions, args.channels))


if __name__ == "__main__":
    main()
