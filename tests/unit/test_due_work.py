"""Due work on SQLite with a fixed now: dedupe keys, claims, leases, working hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.scheduler.working_hours import next_working_time
from bot.services.decisions import DecisionDraft, record_decision
from bot.services.due_work import LEASE, claim_due_work, plan_due_work, record_sent
from storage.db import Database
from tests.conftest import NOW

REVISIT_DAY = NOW + timedelta(days=30)


async def type2_decisions(db: Database, count: int) -> None:
    for i in range(count):
        draft = DecisionDraft(
            team_id="T1",
            channel_id="C1",
            recorder_id="U1",
            decider_id=f"U{i}",
            title=f"Decision {i}",
            what_and_why="Because.",
            type_choice="type2",
        )
        await record_decision(db, draft=draft, now=NOW)


async def test_planning_the_same_occasions_twice_stores_them_once(db: Database) -> None:
    await type2_decisions(db, 3)
    assert await plan_due_work(db, now=REVISIT_DAY - timedelta(days=1)) == 0
    assert await plan_due_work(db, now=REVISIT_DAY) == 3
    assert await plan_due_work(db, now=REVISIT_DAY) == 0
    assert await plan_due_work(db, now=REVISIT_DAY + timedelta(hours=1)) == 0


async def test_two_owners_claim_disjoint_work_and_a_lease_runs_out(db: Database) -> None:
    await type2_decisions(db, 5)
    await plan_due_work(db, now=REVISIT_DAY)
    first = await claim_due_work(db, owner="a", now=REVISIT_DAY, limit=3)
    second = await claim_due_work(db, owner="b", now=REVISIT_DAY, limit=3)
    assert len(first) == 3 and len(second) == 2
    assert not {w.id for w in first} & {w.id for w in second}
    assert await claim_due_work(db, owner="c", now=REVISIT_DAY) == []

    for work in second:
        assert await record_sent(db, work=work, owner="b", now=REVISIT_DAY, message_ts="1.1")
    after_lease = REVISIT_DAY + LEASE + timedelta(seconds=1)
    reclaimed = await claim_due_work(db, owner="c", now=after_lease)
    assert {w.id for w in reclaimed} == {w.id for w in first}  # sent work is never reclaimed
    # "a" comes back too late: its lease was taken over, so it can't record the work as sent.
    assert not await record_sent(db, work=first[0], owner="a", now=after_lease, message_ts="2.2")


def test_working_hours_are_the_persons_own() -> None:
    monday_10_utc = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    assert next_working_time(monday_10_utc, "Europe/London") is None
    assert next_working_time(monday_10_utc, "America/Los_Angeles") == datetime(
        2026, 11, 23, 17, 0, tzinfo=UTC
    )  # 09:00 in Los Angeles
    assert next_working_time(monday_10_utc, "Asia/Tokyo") == datetime(
        2026, 11, 24, 0, 0, tzinfo=UTC
    )  # 19:00 in Tokyo: tomorrow at 09:00 there
    saturday = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert next_working_time(saturday, "Not/AZone") == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
