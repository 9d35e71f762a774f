"""Writes: one transaction each, run once, committed or rolled back whole; another process's
write lock is waited for without blocking the event loop."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlmodel import Session

from bot.services.commitments import record_commitment
from bot.services.decisions import DecisionDraft, record_decision
from bot.services.errors import DecisionClosed, NotFound
from bot.services.permissions import Actor
from storage import repository
from storage.db import Database, DatabaseBusy, UnsupportedDatabase
from storage.models import DecisionStatus, Stance
from tests.conftest import NOW
from tests.databases import AnotherProcess, new_database_url


def a_draft(title: str = "Use Postgres") -> DecisionDraft:
    return DecisionDraft(
        team_id="T1",
        channel_id="C1",
        recorder_id="U1",
        decider_id="U1",
        title=title,
        what_and_why="Transactions.",
        type_choice="type2",
    )


async def a_decision(db: Database, title: str = "Use Postgres") -> int:
    return (await record_decision(db, draft=a_draft(title), now=NOW)).record.id


def commit(db: Database, decision_id: int, user_id: str) -> asyncio.Future[object]:
    return asyncio.ensure_future(
        record_commitment(
            db, Actor("T1", user_id), decision_id=decision_id, stance=Stance.AGREE, now=NOW
        )
    )


async def stored_kinds(db: Database, decision_id: int) -> list[str]:
    events = await db.read(
        lambda session: repository.list_events(session, team_id="T1", decision_id=decision_id)
    )
    return [event.kind for event in events]


async def close(db: Database, decision_id: int) -> None:
    def write(session: Session) -> None:
        decision = repository.get_decision(session, team_id="T1", decision_id=decision_id)
        assert decision is not None
        decision.status = DecisionStatus.CLOSED
        session.add(decision)

    await db.write(write)


async def test_a_decision_recorded_beside_a_stale_click_on_a_closed_decision_is_stored(
    db: Database,
) -> None:
    closed_id = await a_decision(db, "Closed already")
    await close(db, closed_id)

    # Started together, as a /decide submission and a stale click arriving at the same moment.
    recorded = asyncio.ensure_future(record_decision(db, draft=a_draft("New one"), now=NOW))
    stale = commit(db, closed_id, "U2")
    await asyncio.wait([recorded, stale])

    assert isinstance(stale.exception(), DecisionClosed)
    new_id = recorded.result().record.id
    stored = await db.read(
        lambda session: repository.get_decision(session, team_id="T1", decision_id=new_id)
    )
    assert stored is not None and stored.title == "New one"
    assert await stored_kinds(db, new_id) == ["recorded"]
    assert await stored_kinds(db, closed_id) == ["recorded"]


async def test_a_failing_write_leaves_nothing_behind_and_the_others_commit(db: Database) -> None:
    decision_id = await a_decision(db)

    def half_done_then_broken(session: Session) -> None:
        decision = repository.get_decision(session, team_id="T1", decision_id=decision_id)
        assert decision is not None
        repository.add_event(session, decision=decision, actor_id="U9", kind="half_done", at=NOW)
        raise RuntimeError("broke half-way")

    first, second = commit(db, decision_id, "U2"), commit(db, decision_id, "U3")
    broken = asyncio.ensure_future(db.write(half_done_then_broken))
    missing = commit(db, 999, "U4")
    third = commit(db, decision_id, "U5")
    await asyncio.wait([first, second, broken, missing, third])

    assert [f.exception() for f in (first, second, third)] == [None, None, None]
    assert isinstance(broken.exception(), RuntimeError)
    assert isinstance(missing.exception(), NotFound)
    assert await stored_kinds(db, decision_id) == ["recorded"] + ["committed"] * 3


async def test_a_write_runs_once(db: Database) -> None:
    runs: list[int] = []

    def counted(session: Session) -> None:
        runs.append(1)

    await asyncio.gather(*(db.write(counted) for _ in range(5)))
    assert len(runs) == 5


async def test_a_write_waits_for_another_processs_lock_without_blocking_the_loop(
    db: Database,
) -> None:
    decision_id = await a_decision(db)
    other_process = AnotherProcess(db.url)
    waiting = commit(db, decision_id, "U2")

    # The loop keeps turning while the write waits (on the driver's thread, or its socket).
    turns = 0
    for _ in range(20):
        await asyncio.sleep(0.01)
        turns += 1
    assert turns == 20 and not waiting.done()

    other_process.let_go()
    await asyncio.wait_for(waiting, timeout=5)
    assert await stored_kinds(db, decision_id) == ["recorded", "committed"]


async def test_a_lock_held_too_long_fails_the_write_with_a_reason(tmp_path: Path) -> None:
    db = Database(new_database_url(tmp_path, "busy"), lock_wait_seconds=0.2)
    await db.upgrade()
    decision_id = await a_decision(db)
    other_process = AnotherProcess(db.url)
    try:
        with pytest.raises(DatabaseBusy, match="locked by another process"):
            await commit(db, decision_id, "U2")
    finally:
        other_process.let_go(commit=False)
    assert await stored_kinds(db, decision_id) == ["recorded"]
    await db.close()


def test_an_in_memory_database_is_refused_with_what_to_use_instead() -> None:
    with pytest.raises(UnsupportedDatabase, match="Use a file"):
        Database("sqlite://")
