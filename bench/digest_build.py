"""How long a weekly digest takes to build for a channel with 100,000 decisions.

Seeds a fresh SQLite file (and a fresh PostgreSQL database when TEST_DATABASE_URL names a
server: run it under tests/with_postgres.sh) with decisions spread over two years in one channel (a third Type 1
with two stakeholders each, some commitments and dissent, the rest Type 2 with revisit dates),
then times building the digest's data and its message, and its chart of 12 weeks of
metrics, as the scheduler does.

    tests/with_postgres.sh .venv/bin/python -m bench.digest_build [--decisions 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, text

from bench.databases import bench_databases
from bot.services.digest import DigestSchedule, Week, build_digest_data, metric_trend
from bot.ui.chart import render_chart
from bot.ui.digest import build_digest
from storage.db import Database
from storage.models import (
    Commitment,
    Decision,
    DecisionEvent,
    DecisionStatus,
    DecisionType,
    Dissent,
    Stakeholder,
    Stance,
)

TEAM, CHANNEL = "T0BENCH", "C0BENCH"
NOW = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)


def rows(count: int) -> dict[str, list[dict[str, object]]]:
    decisions, stakeholders, commitments, dissents, events = [], [], [], [], []
    for i in range(1, count + 1):
        created = NOW - timedelta(minutes=(count - i) * 10)  # about two years, evenly
        type1 = i % 3 == 0
        decisions.append(
            {
                "id": i,
                "team_id": TEAM,
                "channel_id": CHANNEL,
                "title": f"Decision {i}",
                "what_and_why": "Because the benchmark needs one.",
                "decider_id": f"U{i % 50:04d}",
                "recorder_id": f"U{i % 50:04d}",
                "decision_type": DecisionType.TYPE_1 if type1 else DecisionType.TYPE_2,
                "type_reason": "Chosen.",
                "status": DecisionStatus.OPEN
                if type1 and i > count - 300
                else (DecisionStatus.CLOSED if type1 else DecisionStatus.DECIDED),
                "commit_by": (created + timedelta(days=3)).date() if type1 else None,
                "revisit_on": None if type1 else (created + timedelta(days=30)).date(),
                "created_at": created,
                "updated_at": created,
            }
        )
        events.append(
            {
                "decision_id": i,
                "team_id": TEAM,
                "actor_id": "U0001",
                "kind": "recorded",
                "detail": json.dumps({}),
                "at": created,
            }
        )
        if type1:
            for user in ("U1001", "U1002"):
                stakeholders.append({"decision_id": i, "user_id": user, "team_id": TEAM})
                if i % 2 == 0:
                    commitments.append(
                        {
                            "decision_id": i,
                            "team_id": TEAM,
                            "user_id": user,
                            "stance": Stance.AGREE,
                            "committed_at": created + timedelta(hours=20),
                        }
                    )
            if i % 9 == 0:
                dissents.append(
                    {
                        "decision_id": i,
                        "team_id": TEAM,
                        "user_id": "U1002",
                        "reason": "Too soon.",
                        "created_at": created + timedelta(hours=1),
                        "answered_at": created + timedelta(hours=5) if i % 18 == 0 else None,
                        "heard": "Timing." if i % 18 == 0 else None,
                        "weighed": "Accepted." if i % 18 == 0 else None,
                    }
                )
    return {
        "decision": decisions,
        "stakeholder": stakeholders,
        "commitment": commitments,
        "dissent": dissents,
        "decisionevent": events,
    }


async def main_async(count: int) -> None:
    for label, url in bench_databases("digest").items():
        print(f"\n{label}:")
        await measure(url, count)


async def measure(database_url: str, count: int) -> None:
    db = Database(database_url)
    await db.upgrade()
    seeded = rows(count)
    tables = {
        "decision": Decision,
        "stakeholder": Stakeholder,
        "commitment": Commitment,
        "dissent": Dissent,
        "decisionevent": DecisionEvent,
    }

    def seed(session: object) -> None:
        connection = session.connection()  # type: ignore[attr-defined]
        for name, model in tables.items():
            if seeded[name]:
                connection.execute(insert(model.__table__), seeded[name])  # type: ignore[attr-defined]
        if connection.dialect.name == "postgresql":
            connection.execute(text("ANALYZE"))  # as autovacuum would, in time

    started = time.perf_counter()
    await db.write(seed)
    print(f"seeded {count:,} decisions in {time.perf_counter() - started:.1f} s")

    week = Week(end=DigestSchedule().latest_before(NOW))
    timings, chart_timings = [], []
    for _ in range(5):
        started = time.perf_counter()
        data = await build_digest_data(db, team_id=TEAM, channel_id=CHANNEL, week=week)
        message = build_digest(data)
        timings.append(time.perf_counter() - started)
        started = time.perf_counter()
        trend = await metric_trend(db, team_id=TEAM, channel_id=CHANNEL, end=week.end)
        png = await asyncio.to_thread(render_chart, trend)
        chart_timings.append(time.perf_counter() - started)
    print(
        f"digest for {count:,} decisions: best {min(timings) * 1000:.0f} ms, "
        f"worst {max(timings) * 1000:.0f} ms of 5 builds; {len(message.blocks)} blocks, "
        f"{len(data.recorded)} recorded this week, {data.revisits_overdue_count:,} revisits overdue"
    )
    print(
        f"its chart (12 weeks of metrics, then the PNG): best {min(chart_timings) * 1000:.0f} ms, "
        f"worst {max(chart_timings) * 1000:.0f} ms; {len(png):,} bytes"
    )
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--decisions", type=int, default=100_000)
    asyncio.run(main_async(parser.parse_args().decisions))


if __name__ == "__main__":
    main()
