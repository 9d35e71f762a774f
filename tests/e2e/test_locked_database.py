"""A database locked by another process: clicks are answered before Slack's deadline with a
specific message, nothing half-stored, /healthz says so, and all is well once it is free."""

from __future__ import annotations

import asyncio

from aiohttp.test_utils import TestClient, TestServer
from slack_bolt.response import BoltResponse

from bot.ids import Action
from bot.services.decisions import load_record
from bot.slack.failures import DATABASE_BUSY
from bot.slack.server import build_web_app
from tests.conftest import BOB, CHANNEL, SIGNING_SECRET
from tests.databases import ON_POSTGRES, AnotherProcess
from tests.e2e.flows import record_decision
from tests.harness import BotUnderTest

CLICKERS = [f"U0CLICK{n:02d}" for n in range(12)]


async def test_clicks_on_a_locked_database_are_answered_without_waiting_for_the_lock(
    bot: BotUnderTest,
) -> None:
    card = await record_decision(bot, stakeholders=[BOB])
    bot.deps.db.lock_wait_seconds = 0.5  # the lock below outlasts it by far
    web = TestClient(TestServer(build_web_app(bot.app, bot.deps.db, signing_secret=SIGNING_SECRET)))
    await web.start_server()
    other_process = AnotherProcess(bot.deps.db.url)
    try:
        clicks: list[BoltResponse] = await asyncio.gather(
            *(
                bot.click(card, Action.COMMIT_AGREE, user=user, channel=CHANNEL, settle=False)
                for user in CLICKERS
            )
        )
        health = await web.get("/healthz")
        health_while_locked = (health.status, await health.json())
        await bot.settle()
        # Every click was answered, and everyone told, while the other process held the lock.
        assert [response.status for response in clicks] == [200] * len(CLICKERS)
        told = [r["text"] for r in bot.stand_in.responses if r.get("text") == DATABASE_BUSY]
        assert len(told) == len(CLICKERS)
    finally:
        other_process.let_go(commit=False)

    record = await load_record(bot.deps.db, team_id=bot.team_id, decision_id=1)
    assert record.commitments == {}  # nothing half-stored
    if not ON_POSTGRES:  # SQLite's one write lock: nothing can be written meanwhile
        assert health_while_locked == (503, {"ok": False, "error": "database not writable"})

    # Free again: the same click is stored, and /healthz is well.
    await bot.click(card, Action.COMMIT_AGREE, user=CLICKERS[0], channel=CHANNEL)
    assert f"<@{CLICKERS[0]}> agreed and committed" in bot.card_text(CHANNEL)
    health = await web.get("/healthz")
    assert (health.status, await health.json()) == (200, {"ok": True})
    await web.close()
