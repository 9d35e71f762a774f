"""/decide search and the Home tab with 100,000 decisions across 500 channels: time per request.

Seeds a fresh SQLite file, then a fresh PostgreSQL database when TEST_DATABASE_URL names a
server (run it under tests/with_postgres.sh), with decisions with stakeholders, commitments and dissent, through the
same tables and search-index triggers the bot uses), then, for people who are each in 100 of
the 500 channels, times what the bot does for each request: asking Slack (the in-process
stand-in) which channels the person is in (cached for a minute, as in the bot), the queries,
and building the message or Home tab. Prints p50 and p99 for a warm cache, and the first,
uncached request separately.

    tests/with_postgres.sh .venv/bin/python -m bench.finding [--decisions 100000] [--channels 500] [--requests 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, text

from bench.databases import bench_databases
from bot.services.finding import home_data, search_decisions
from bot.slack.calls import build_web_client, close_web_client
from bot.slack.channel_access import ChannelAccess, SlackAsker
from bot.ui.finding import build_home, build_search_results, card_link
from storage.db import Database
from storage.models import (
    Commitment,
    Decision,
    DecisionStatus,
    DecisionType,
    Dissent,
    Stakeholder,
    Stance,
)
from tests.slack_stand_in.server import SlackStandIn

TEAM = "T0001"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
WORDS = [
    "billing",
    "postgres",
    "migrate",
    "release",
    "weekly",
    "trunk",
    "branch",
    "vendor",
    "pricing",
    "euro",
    "onboarding",
    "search",
    "index",
    "cache",
    "queue",
    "kafka",
    "retry",
    "budget",
    "hiring",
    "contract",
    "security",
    "audit",
    "mobile",
    "android",
    "ios",
    "design",
    "review",
    "latency",
    "storage",
    "backup",
    "region",
    "cloud",
    "lease",
    "office",
    "remote",
]
PEOPLE = 1000
ASKERS = 30
CHANNELS_PER_PERSON = 100


def channel(i: int) -> str:
    return f"C{i:07d}"


def person(i: int) -> str:
    return f"U{i:07d}"


async def seed(db: Database, decisions: int, channels: int, rng: random.Random) -> None:
    batch = 5000
    for start in range(1, decisions + 1, batch):
        rows, stakeholders, commitments, dissents = [], [], [], []
        for i in range(start, min(decisions, start + batch - 1) + 1):
            created = NOW - timedelta(minutes=10 * (decisions - i))
            one_way = i % 3 == 0
            title = " ".join(rng.sample(WORDS, 4)).capitalize()
            rows.append(
                {
                    "id": i,
                    "team_id": TEAM,
                    "channel_id": channel(i % channels),
                    "message_ts": f"{1_700_000_000 + i}.000100",
                    "title": title,
                    "what_and_why": " ".join(rng.sample(WORDS, 12)),
                    "decider_id": person(i % PEOPLE),
                    "recorder_id": person(i % PEOPLE),
                    "decision_type": DecisionType.TYPE_1 if one_way else DecisionType.TYPE_2,
                    "type_reason": "Chosen.",
                    "status": DecisionStatus.OPEN if one_way else DecisionStatus.DECIDED,
                    "commit_by": (created + timedelta(days=3)).date() if one_way else None,
                    "revisit_on": None if one_way else (created + timedelta(days=30)).date(),
                    "created_at": created,
                    "updated_at": created,
                }
            )
            asked = [person((i * 7 + k) % PEOPLE) for k in (1, 2)]
            stakeholders += [{"decision_id": i, "user_id": u, "team_id": TEAM} for u in asked]
            if i % 2:
                commitments.append(
                    {
                        "decision_id": i,
                        "team_id": TEAM,
                        "user_id": asked[0],
                        "stance": Stance.AGREE,
                        "committed_at": created,
                    }
                )
            if i % 10 == 0:
                dissents.append(
                    {
                        "decision_id": i,
                        "team_id": TEAM,
                        "user_id": asked[1],
                        "reason": " ".join(rng.sample(WORDS, 6)),
                        "created_at": created,
                    }
                )

        tables = [
            (Decision, rows),
            (Stakeholder, stakeholders),
            (Commitment, commitments),
            (Dissent, dissents),
        ]

        def write(
            session: object, tables: list[tuple[type, list[dict[str, object]]]] = tables
        ) -> None:
            connection = session.connection()  # type: ignore[attr-defined]
            for model, values in tables:
                if values:
                    connection.execute(insert(model.__table__), values)  # type: ignore[attr-defined]
            if connection.dialect.name == "postgresql":
                connection.execute(text("ANALYZE"))  # as autovacuum would, in time

        await db.write(write)


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered):6.1f} ms  p99 {p99:6.1f} ms  (n={len(ordered)})"


async def main_async(decisions: int, channels: int, requests: int) -> None:
    for label, url in bench_databases("finding").items():
        print(f"\n{label}:")
        await measure(url, decisions, channels, requests)


async def measure(database_url: str, decisions: int, channels: int, requests: int) -> None:
    rng = random.Random(7)
    stand_in = await SlackStandIn(team_id=TEAM).start()
    for c in range(channels):
        members = {
            person(p) for p in range(PEOPLE) if (p * 13 + c) % channels < CHANNELS_PER_PERSON
        }
        stand_in.add_channel(channel(c), members=members, is_private=c % 4 == 0)
    for p in range(PEOPLE):
        stand_in.add_user(person(p))
    db = Database(database_url)
    await db.upgrade()
    started = time.perf_counter()
    await seed(db, decisions, channels, rng)
    print(
        f"seeded {decisions:,} decisions in {channels} channels in {time.perf_counter() - started:.0f} s"
    )

    client = build_web_client(stand_in.token, stand_in.api_url)
    access = ChannelAccess()
    link = card_link("https://bench.slack.com/")
    results: dict[str, list[float]] = {
        "search": [],
        "home": [],
        "search, first": [],
        "home, first": [],
    }
    asked_before: set[str] = set()  # people whose channels are cached
    for n in range(requests):
        user = person(rng.randrange(ASKERS))  # a few people, asking again and again
        asker = SlackAsker(client, access, TEAM, user)
        for surface in ("search", "home"):
            began = time.perf_counter()
            if surface == "search":
                words = " ".join(rng.sample(WORDS, rng.choice((1, 2))))
                found = await search_decisions(db, asker, words=words)
                message = build_search_results(found, words, link)
                json.dumps(message.blocks)
            else:
                data = await home_data(db, asker, today=NOW.date())
                json.dumps(build_home(data, link))
            elapsed = (time.perf_counter() - began) * 1000
            first = user not in asked_before
            results[f"{surface}, first" if first else surface].append(elapsed)
            asked_before.add(user)
        if n == 0:
            print(
                f"first search found {found.total} decisions; Home blocks {len(build_home(data, link)['blocks'])}"
            )
    for label, samples in results.items():
        if samples:
            print(f"  {label:<14} {percentiles(samples)}")
    await close_web_client(client)
    await db.close()
    await stand_in.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--decisions", type=int, default=100_000)
    parser.add_argument("--channels", type=int, default=500)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(main_async(args.decisions, args.channels, args.requests))


if __name__ == "__main__":
    main()
