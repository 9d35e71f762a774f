"""Fixtures: a fresh database (SQLite, or PostgreSQL under tests/with_postgres.sh), the stand-in Slack, and the real app wired to both."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import build_app
from bot.deps import Deps
from bot.slack.calls import build_web_client, close_web_client
from storage.db import Database
from tests.databases import ON_POSTGRES, POSTGRES_URL, reset_postgres
from tests.harness import BotUnderTest
from tests.slack_stand_in.server import SlackStandIn

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday morning
SIGNING_SECRET = "test-signing-secret-8f742231b10e8888"
TEAM = "T0001"
CHANNEL = "C0000GENERAL"
PRIVATE_CHANNEL = "G0000PRIVATE"
ALICE, BOB, CAROL, DAN, ADMIN = "U0ALICE", "U0BOB", "U0CAROL", "U0DAN", "U0ADMIN"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    if ON_POSTGRES:
        reset_postgres()
        database = Database(POSTGRES_URL)
    else:
        database = Database(f"sqlite:///{tmp_path / 'decisionbot.db'}")
    await database.upgrade()
    yield database
    await database.close()


async def start_stand_in(*, lenient_triggers: bool = False) -> SlackStandIn:
    """The stand-in Slack with the tests' people (ADMIN a workspace admin) and channels."""
    slack = await SlackStandIn(team_id=TEAM, lenient_triggers=lenient_triggers).start()
    for user in (ALICE, BOB, CAROL, DAN):
        slack.add_user(user)
    slack.add_user(ADMIN, is_admin=True)
    slack.add_channel(CHANNEL)
    slack.add_channel(PRIVATE_CHANNEL, is_private=True)
    return slack


@pytest.fixture
async def stand_in() -> AsyncIterator[SlackStandIn]:
    slack = await start_stand_in()
    yield slack
    await slack.stop()
    assert not slack.warnings, f"Slack would have warned: {slack.warnings}"


@pytest.fixture
async def bot(stand_in: SlackStandIn, db: Database) -> AsyncIterator[BotUnderTest]:
    deps = Deps(db=db, clock=lambda: NOW)
    client = build_web_client(stand_in.token, stand_in.api_url)
    app = build_app(client=client, deps=deps, signing_secret=SIGNING_SECRET)
    yield BotUnderTest(
        stand_in=stand_in, app=app, deps=deps, signing_secret=SIGNING_SECRET, team_id=TEAM
    )
    assert await deps.followups.drain(within_seconds=15), "follow-ups still running"
    await close_web_client(client)
