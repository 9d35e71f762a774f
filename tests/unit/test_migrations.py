"""Migrations on both databases: empty to head, a database made by decisionbot 0.1 (no
alembic table) adopted with nothing lost, and several processes upgrading at once."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

from bot.services.commitments import record_commitment
from bot.services.decisions import DecisionDraft, record_decision
from bot.services.permissions import Actor
from storage import finding, migrate
from storage.db import Database
from storage.migrate import BASELINE
from storage.models import Stance
from storage.search_index import is_search_index
from tests.conftest import NOW
from tests.databases import new_database_url, sqlite_only


def sync_url(url: str) -> str:
    parsed = make_url(url)
    driver = "sqlite+pysqlite" if parsed.get_backend_name() == "sqlite" else "postgresql+psycopg"
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def make_as_version_0_1_did(url: str) -> None:
    """The schema decisionbot 0.1 made without migrations, with two decisions numbered 41 and 42 as cards in Slack already show them."""
    engine = create_engine(sync_url(url))
    with engine.begin() as connection:
        # The baseline is 0.1's schema exactly; 0.1 had no alembic_version table.
        command.upgrade(migrate._config(connection), BASELINE)
        connection.execute(text("DROP TABLE alembic_version"))
        for number, title in ((41, "Move billing to Postgres"), (42, "Try weekly releases")):
            connection.execute(
                text(
                    "INSERT INTO decision (id, team_id, channel_id, title, what_and_why, "
                    "decider_id, recorder_id, decision_type, type_reason, status, revisit_on, "
                    "created_at, updated_at) VALUES (:id, 'T1', 'C1', :title, 'Because.', "
                    "'U1', 'U1', 'TYPE_2', 'Chosen.', 'DECIDED', :revisit, :at, :at)"
                ),
                {"id": number, "title": title, "revisit": date(2026, 12, 23), "at": NOW},
            )
            connection.execute(
                text(
                    "INSERT INTO decisionevent (decision_id, team_id, actor_id, kind, detail, at) "
                    "VALUES (:id, 'T1', 'U1', 'recorded', :detail, :at)"
                ),
                {"id": number, "detail": json.dumps({}), "at": NOW},
            )
        if connection.dialect.name == "postgresql":  # as create_all's SERIAL left it
            connection.execute(text("SELECT setval('decision_id_seq', 42)"))
    engine.dispose()


def a_draft(title: str) -> DecisionDraft:
    return DecisionDraft(
        team_id="T1",
        channel_id="C1",
        recorder_id="U1",
        decider_id="U1",
        title=title,
        what_and_why="Because.",
        type_choice="type2",
    )


async def test_an_empty_database_goes_to_head(tmp_path: Path) -> None:
    db = Database(new_database_url(tmp_path, "empty"))
    state = await db.schema_state()
    assert state.revision is None and not state.has_tables
    before, after = await db.upgrade()
    assert before == state and after.is_current
    assert (await db.upgrade())[0] == after  # a second upgrade finds nothing to do
    decision = (await record_decision(db, draft=a_draft("First"), now=NOW)).record
    assert decision.id == 1
    await db.close()


async def test_a_database_made_by_version_0_1_is_adopted_with_nothing_lost(
    tmp_path: Path,
) -> None:
    url = new_database_url(tmp_path, "old")
    make_as_version_0_1_did(url)
    db = Database(url)
    state = await db.schema_state()
    assert state.revision is None and state.has_tables
    assert "made before migrations" in state.describe()

    before, after = await db.upgrade()
    assert before == state and after.is_current

    # The old decisions keep their numbers, their history and their place in search...
    found = await db.read(
        lambda session: finding.search(
            session, team_id="T1", channel_ids=["C1"], words="billing", limit=10
        )
    )
    assert [d.id for d in found.decisions] == [41]
    # ...a click on an old card still lands on its decision, and new ones number on.
    await record_commitment(db, Actor("T1", "U2"), decision_id=42, stance=Stance.AGREE, now=NOW)
    new = (await record_decision(db, draft=a_draft("Newer"), now=NOW)).record
    assert new.id == 43
    await db.close()


async def test_several_processes_upgrading_at_once_take_turns(tmp_path: Path) -> None:
    url = new_database_url(tmp_path, "together")
    databases = [Database(url) for _ in range(3)]
    results = await asyncio.gather(*(db.upgrade() for db in databases))
    assert all(after.is_current for _, after in results)
    # Exactly one found the database empty and created the schema; the others waited for it.
    assert sorted(before.revision is None for before, _ in results) == [False, False, True]
    engine = create_engine(sync_url(url))
    with Session(engine) as session:
        assert inspect(session.connection()).has_table("decision")
    engine.dispose()
    for db in databases:
        await db.close()


@sqlite_only
async def test_a_start_on_a_schema_at_head_doesnt_wait_for_the_write_lock(tmp_path: Path) -> None:
    """Processes starting together each check the schema: one at head is only read, so they
    don't queue on SQLite's one write lock (a queue that made a third process's first write
    give up after 2 s and the process stop, three starting at once on two busy cores)."""
    url = new_database_url(tmp_path, "current")
    db = Database(url)
    await db.upgrade()
    holder = sqlite3.connect(tmp_path / "current.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
    try:
        before, after = await asyncio.wait_for(db.upgrade(), timeout=10)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert before == after and after.is_current
    await db.close()


def test_the_schema_the_migrations_make_is_the_schema_the_models_describe(
    tmp_path: Path,
) -> None:
    """So that a change to storage/models.py without a migration fails here."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    url = new_database_url(tmp_path, "compared")
    migrate.upgrade(make_url(url))
    engine = create_engine(sync_url(url))
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"include_name": lambda name, _kind, _parent: not is_search_index(name)},
        )
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert differences == []


@pytest.mark.parametrize("action", ["current", "upgrade"])
def test_db_commands_print_where_the_database_stands(
    tmp_path: Path, action: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", new_database_url(tmp_path, "cli"))
    assert main(["db", action]) == 0
    printed = capsys.readouterr().out
    if action == "current":
        assert "empty; `decisionbot db upgrade` creates the schema" in printed
    else:
        assert "(head): up to date." in printed


async def test_a_digest_planned_before_0004_keeps_its_channel_where_it_now_belongs(
    tmp_path: Path,
) -> None:
    url = new_database_url(tmp_path, "digests")
    make_as_version_0_1_did(url)
    engine = create_engine(sync_url(url))
    with engine.begin() as connection:  # as 0.1 planned it: the channel in user_id
        connection.execute(
            text(
                "INSERT INTO duework (team_id, dedupe_key, kind, user_id, due_on, due_at, "
                "attempts) VALUES ('T1', 'digest:C1:2026-W47', 'DIGEST', 'C1', :on, :at, 0)"
            ),
            {"on": date(2026, 11, 23), "at": NOW},
        )
    engine.dispose()
    db = Database(url)
    await db.upgrade()
    rows = await db.read(
        lambda session: (
            session.connection()
            .execute(text("SELECT user_id, channel_id, dedupe_key FROM duework"))
            .all()
        )
    )
    assert [tuple(r) for r in rows] == [(None, "C1", "digest:C1:2026-W47")]
    await db.close()
