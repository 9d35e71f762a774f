"""Due work on SQLite with a fixed now: dedupe keys, claims, leases, working hours."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event

from bot.scheduler.working_hours import next_working_time
from bot.services import due_work
from bot.services.decisions import DecisionDraft, record_decision
from bot.services.due_work import LEASE, claim_due_work, plan_due_work, record_sent
from storage.db import Database
from storage.models import DueWorkKind
from tests.conftest import NOW
from tests.databases import sqlite_only

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


@dataclass(frozen=True)
class Executed:
    statement: str
    parameters: Any
    on_thread: int


@contextmanager
def statements_run_by(engine: Engine) -> Iterator[list[Executed]]:
    executed: list[Executed] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        executed.append(Executed(statement, parameters, threading.get_ident()))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        yield executed
    finally:
        event.remove(engine, "before_cursor_execute", capture)


def changes(executed: list[Executed]) -> list[Executed]:
    return [e for e in executed if e.statement.split()[0] in ("INSERT", "UPDATE", "DELETE")]


async def test_planning_writes_only_what_is_new_in_batches(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(due_work, "PLAN_BATCH", 2)
    await type2_decisions(db, 5)

    with statements_run_by(db.write_engine) as writes:
        assert await plan_due_work(db, now=REVISIT_DAY) == 5
    assert [w.statement.split()[:3] for w in changes(writes)] == [["INSERT", "INTO", "duework"]] * 3

    with statements_run_by(db.write_engine) as writes:
        assert await plan_due_work(db, now=REVISIT_DAY) == 0
    assert changes(writes) == []  # nothing new, nothing written


@sqlite_only  # reads SQLite's query plan
async def test_the_digest_finds_last_weeks_activity_by_time_not_in_the_whole_history(
    db: Database,
) -> None:
    await type2_decisions(db, 2)
    with statements_run_by(db.read_engine) as reads:
        await plan_due_work(db, now=NOW + timedelta(days=7))
    path = db.read_engine.url.database
    assert path is not None
    with sqlite3.connect(path) as sqlite:
        plans = [
            row[-1]
            for read in reads
            for row in sqlite.execute(f"EXPLAIN QUERY PLAN {read.statement}", read.parameters)
        ]
    history = [plan for plan in plans if plan.split()[1] == "decisionevent"]
    assert history == ["SEARCH decisionevent USING INDEX ix_decisionevent_at (at>? AND at<?)"]


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
    revisits = {w.id for w in reclaimed if w.kind is DueWorkKind.REVISIT}
    assert revisits == {w.id for w in first}  # sent work is never reclaimed
    # Each sent revisit planned its line under the card, in the same transaction.
    lines = [w for w in reclaimed if w.kind is DueWorkKind.REVISIT_THREAD_LINE]
    assert sorted(w.decision_id for w in lines) == sorted(w.decision_id for w in second)
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
