"""Writes on SQLite: grouped into shared transactions, yet each one commits or fails alone;
another process's write lock is waited for without blocking the event loop."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event
from sqlmodel import Session

from bot.services.commitments import record_commitment
from bot.services.decisions import DecisionDraft, record_decision
from bot.services.errors import NotFound
from storage import checkpoints, repository
from storage.checkpoints import CHECKPOINT_EVERY_COMMITS
from storage.db import Database, UnsupportedDatabase
from storage.group_commit import DatabaseBusy, GroupCommit
from storage.models import Stance
from tests.conftest import NOW


async def a_decision(db: Database) -> int:
    draft = DecisionDraft(
        team_id="T1",
        channel_id="C1",
        recorder_id="U1",
        decider_id="U1",
        title="Use Postgres",
        what_and_why="Transactions.",
        type_choice="type2",
    )
    return (await record_decision(db, draft=draft, now=NOW)).record.id


def commit(db: Database, decision_id: int, user_id: str) -> asyncio.Future[object]:
    return asyncio.ensure_future(
        record_commitment(
            db, team_id="T1", decision_id=decision_id, user_id=user_id, stance=Stance.AGREE, now=NOW
        )
    )


async def stored_kinds(db: Database, decision_id: int) -> list[str]:
    events = await db.read(
        lambda session: repository.list_events(session, team_id="T1", decision_id=decision_id)
    )
    return [event.kind for event in events]


async def test_a_failing_write_in_a_group_fails_alone_and_leaves_nothing_behind(
    db: Database,
) -> None:
    decision_id = await a_decision(db)

    def half_done_then_broken(session: Session) -> None:
        decision = repository.get_decision(session, team_id="T1", decision_id=decision_id)
        assert decision is not None
        repository.add_event(session, decision=decision, actor_id="U9", kind="half_done", at=NOW)
        raise RuntimeError("broke half-way")

    # Queued in the same turn of the event loop, so they share a transaction.
    first, second = commit(db, decision_id, "U2"), commit(db, decision_id, "U3")
    broken = asyncio.ensure_future(db.write(half_done_then_broken))
    missing = commit(db, 999, "U4")
    third = commit(db, decision_id, "U5")
    await asyncio.wait([first, second, broken, missing, third])

    assert [f.exception() for f in (first, second, third)] == [None, None, None]
    assert isinstance(broken.exception(), RuntimeError)
    assert isinstance(missing.exception(), NotFound)
    assert await stored_kinds(db, decision_id) == ["recorded"] + ["committed"] * 3


async def test_writes_queued_a_few_turns_of_the_loop_apart_share_a_transaction(
    db: Database,
) -> None:
    decision_id = await a_decision(db)
    commits: list[object] = []
    event.listen(db.write_engine, "commit", commits.append)

    first = commit(db, decision_id, "U2")
    for _ in range(2):  # as a request read from its socket a little later would
        await asyncio.sleep(0)
    second = commit(db, decision_id, "U3")
    await asyncio.wait([first, second])

    assert [f.exception() for f in (first, second)] == [None, None]
    assert len(commits) == 1
    assert await stored_kinds(db, decision_id) == ["recorded", "committed", "committed"]


async def test_a_write_waits_for_another_processs_lock_without_blocking_the_loop(
    db: Database, tmp_path: Path
) -> None:
    decision_id = await a_decision(db)
    other_process = sqlite3.connect(tmp_path / "decisionbot.db", isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")
    waiting = commit(db, decision_id, "U2")

    # Had the write blocked the loop in SQLite's busy handler, it would have failed by now.
    await asyncio.sleep(0.2)
    assert not waiting.done()

    other_process.execute("COMMIT")
    other_process.close()
    await asyncio.wait_for(waiting, timeout=5)
    assert await stored_kinds(db, decision_id) == ["recorded", "committed"]


async def test_a_lock_held_too_long_fails_the_write_with_a_reason(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'busy.db'}", lock_wait_seconds=0.2)
    await db.create_tables()
    decision_id = await a_decision(db)
    other_process = sqlite3.connect(tmp_path / "busy.db", isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseBusy, match="locked by another process"):
            await commit(db, decision_id, "U2")
    finally:
        other_process.execute("ROLLBACK")
        other_process.close()
    assert await stored_kinds(db, decision_id) == ["recorded"]
    await db.close()


def test_an_in_memory_database_is_refused_with_what_to_use_instead() -> None:
    with pytest.raises(UnsupportedDatabase, match="Use a file"):
        Database("sqlite://")


async def test_the_commit_clicks_plain_sql_stores_what_the_orm_would(
    db: Database, tmp_path: Path
) -> None:
    decision_id = await a_decision(db)
    await commit(db, decision_id, "U2")
    record = await db.read(
        lambda session: repository.load_decision_record(
            session, team_id="T1", decision_id=decision_id
        )
    )
    assert record is not None
    stored = record.commitments["U2"]
    assert (stored.stance, stored.committed_at) == (Stance.AGREE, NOW)

    raw = sqlite3.connect(tmp_path / "decisionbot.db")
    (created_by_orm,) = raw.execute("SELECT created_at FROM decision").fetchone()
    (committed_by_sql,) = raw.execute("SELECT committed_at FROM commitment").fetchone()
    (orm_status,) = raw.execute("SELECT status FROM decision").fetchone()
    raw.close()
    assert committed_by_sql == created_by_orm  # same instant, same text: they sort together
    assert orm_status == "DECIDED"  # enums are stored by name, as the click stores its stance


async def test_the_log_is_checkpointed_off_the_loop_every_so_many_commits(tmp_path: Path) -> None:
    path = tmp_path / "decisionbot.db"
    db = Database(f"sqlite:///{path}")
    await db.create_tables()

    def add_filler(session: Session) -> None:
        connection = session.connection()
        connection.exec_driver_sql("CREATE TABLE IF NOT EXISTS filler (x BLOB)")
        connection.exec_driver_sql("INSERT INTO filler VALUES (randomblob(40000))")  # 10 pages

    size_before = path.stat().st_size
    for _ in range(CHECKPOINT_EVERY_COMMITS - 2):  # past SQLite's own 1,000 pages
        await db.write(add_filler)
    # No commit moved the log into the database file: SQLite's own checkpoint is off.
    assert path.stat().st_size == size_before

    await db.write(add_filler)  # the commit that starts a checkpoint on a worker thread
    for _ in range(100):
        if path.stat().st_size > size_before + 1_000_000:
            break
        await asyncio.sleep(0.05)
    assert path.stat().st_size > size_before + 1_000_000
    await db.close()
    assert sqlite3.connect(path).execute("SELECT count(*) FROM filler").fetchone() == (
        CHECKPOINT_EVERY_COMMITS - 1,
    )


def add_filler(session: Session) -> None:
    connection = session.connection()
    connection.exec_driver_sql("CREATE TABLE IF NOT EXISTS filler (x BLOB)")
    connection.exec_driver_sql("INSERT INTO filler VALUES (randomblob(12000))")  # 4 pages


async def test_a_steady_stream_of_writes_keeps_the_log_from_growing_without_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small figures, so that a few hundred transactions go through several restarts. With the
    # second pass turned off (a limit no log reaches), this log grows to about 32 MB.
    monkeypatch.setattr(checkpoints, "CHECKPOINT_EVERY_COMMITS", 20)
    monkeypatch.setattr(checkpoints, "RESTART_AFTER_FRAMES", 300)
    path = tmp_path / "decisionbot.db"
    db = Database(f"sqlite:///{path}")
    await db.create_tables()
    log = Path(f"{path}-wal")
    largest_log = 0

    def log_size() -> int:
        return log.stat().st_size

    async def keep_writing(count: int) -> None:
        nonlocal largest_log
        for _ in range(count):
            await db.write(add_filler)
            largest_log = max(largest_log, log_size())

    # Four writers that never pause: the loop always has a transaction to commit.
    await asyncio.gather(*(keep_writing(500) for _ in range(4)))
    await db.close()

    assert largest_log < 8_000_000
    assert sqlite3.connect(path).execute("SELECT count(*) FROM filler").fetchone() == (2000,)


async def test_writes_wait_while_held_then_commit_with_nothing_lost(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'held.db'}")

    def transaction(work: Callable[[Session], object]) -> object:
        with Session(engine) as session, session.begin():
            return work(session)

    def stored() -> int:
        with engine.connect() as connection:
            return int(connection.exec_driver_sql("SELECT count(*) FROM filler").scalar_one())

    group = GroupCommit(transaction, lock_wait_seconds=1)
    await group.write(add_filler)

    async with group.held():
        waiting = [asyncio.ensure_future(group.write(add_filler)) for _ in range(3)]
        await asyncio.sleep(0.05)  # many turns of the loop
        assert not any(write.done() for write in waiting)
        assert stored() == 1
    await asyncio.gather(*waiting)
    assert stored() == 4
    engine.dispose()


def log_started_over_marker(path: Path) -> bytes:
    """The log header's checkpoint sequence and salts, which change when the log starts over."""
    log = Path(f"{path}-wal")
    if not log.exists():
        return b""
    with log.open("rb") as header:
        return header.read(24)[12:24]


def log_bytes(path: Path) -> int:
    return Path(f"{path}-wal").stat().st_size


async def test_the_log_is_started_over_off_the_loop_so_no_ack_waits_for_its_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The write that starts the log over syncs its header; seen at 154-182 ms on the loop.
    monkeypatch.setattr(checkpoints, "CHECKPOINT_EVERY_COMMITS", 5)
    path = tmp_path / "decisionbot.db"
    db = Database(f"sqlite:///{path}")
    await db.create_tables()
    for _ in range(3):  # creating the tables was the first commit
        await db.write(add_filler)
    before = log_started_over_marker(path)

    await db.write(add_filler)  # the fifth commit: a checkpoint, which moves the whole log
    for _ in range(100):
        if log_started_over_marker(path) != before:
            break
        await asyncio.sleep(0.02)
    started_over = log_started_over_marker(path)
    assert started_over != before  # the checkpointer's thread started the log over

    await db.write(add_filler)
    assert log_started_over_marker(path) == started_over  # the loop's write only added to it
    await db.close()
    assert sqlite3.connect(path).execute("SELECT count(*) FROM filler").fetchone() == (5,)


def add_big_filler(session: Session) -> None:
    connection = session.connection()
    connection.exec_driver_sql("CREATE TABLE IF NOT EXISTS filler (x BLOB)")
    connection.exec_driver_sql("INSERT INTO filler VALUES (randomblob(400000))")  # 100 pages


async def write_until_the_log_starts_over(db: Database, path: Path, *, after_bytes: int) -> int:
    """Two writers that never pause, until the log, once past `after_bytes`, starts over.

    Returns the log file's largest size before that.
    """
    largest = 0
    started_over = False

    async def keep_writing() -> None:
        nonlocal largest, started_over
        for _ in range(1_000):
            if started_over:
                return
            marker = log_started_over_marker(path)
            await db.write(add_big_filler)
            if largest > after_bytes and log_started_over_marker(path) != marker:
                started_over = True
            largest = max(largest, log_bytes(path))

    await asyncio.gather(keep_writing(), keep_writing())
    assert started_over
    return largest


async def test_the_log_file_is_reused_when_the_log_starts_over_not_cut_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At the real sizes: the log starts over at about 68 MB, and a size limit below that cut
    # 4-6 MB off the file every time, 1-4 ms of the time new writes were held.
    monkeypatch.setattr(checkpoints, "CHECKPOINT_EVERY_COMMITS", 20)
    path = tmp_path / "decisionbot.db"
    db = Database(f"sqlite:///{path}")
    await db.create_tables()
    restart_bytes = checkpoints.RESTART_AFTER_FRAMES * checkpoints.FRAME_BYTES

    largest = await write_until_the_log_starts_over(db, path, after_bytes=restart_bytes)

    assert log_bytes(path) == largest  # the same file, written over
    assert largest < checkpoints.LOG_SIZE_LIMIT_BYTES
    await db.close()
