"""A bot process whose PostgreSQL server is down (stopped, restarting, or nothing listening):
clicks and commands are answered at once with a specific private message, the log says so in
one line, /healthz reports it, and nothing is stored (bench/database_faults.py stops and
starts a real server under load)."""

from __future__ import annotations

import logging
import time

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text

from bot.app import build_app
from bot.deps import Deps
from bot.ids import Action
from bot.services.decisions import load_record
from bot.slack.calls import build_web_client, close_web_client
from bot.slack.failures import DATABASE_UNREACHABLE
from bot.slack.server import build_web_app
from storage.db import Database, DatabaseUnavailable
from tests.conftest import BOB, CHANNEL, NOW, SIGNING_SECRET
from tests.e2e.flows import record_decision
from tests.e2e.test_several_processes import free_port
from tests.harness import BotUnderTest


def _nothing_listening() -> str:
    return f"postgresql://decisionbot@127.0.0.1:{free_port()}/decisionbot"


async def test_a_database_server_that_refuses_connections_is_named_as_unavailable() -> None:
    down = Database(_nothing_listening())
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable, match="Check DATABASE_URL and that the database"):
        await down.write(lambda session: session.execute(text("SELECT 1")))
    with pytest.raises(DatabaseUnavailable):
        await down.read(lambda session: session.execute(text("SELECT 1")))
    assert time.monotonic() - started < 2
    await down.close()


async def test_clicks_and_commands_while_the_database_is_down_are_answered_with_what_happened(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    card = await record_decision(bot, stakeholders=[BOB])
    # The same workspace served by a process whose database server is down.
    down = Database(_nothing_listening())
    deps = Deps(db=down, clock=lambda: NOW)
    client = build_web_client(bot.stand_in.token, bot.stand_in.api_url)
    cut_off = BotUnderTest(
        stand_in=bot.stand_in,
        app=build_app(client=client, deps=deps, signing_secret=SIGNING_SECRET),
        deps=deps,
        signing_secret=SIGNING_SECRET,
        team_id=bot.team_id,
    )
    web = TestClient(TestServer(build_web_app(cut_off.app, down, signing_secret=SIGNING_SECRET)))
    await web.start_server()
    try:
        with caplog.at_level(logging.WARNING):
            click = await cut_off.click(card, Action.COMMIT_AGREE, user=BOB, channel=CHANNEL)
            shown = await cut_off.command("show 1", user=BOB, channel=CHANNEL)
        health = await web.get("/healthz")

        assert (click.status, shown.status) == (200, 200)
        told = [r["text"] for r in bot.stand_in.responses if r.get("text")]
        assert told[-2:] == [DATABASE_UNREACHABLE] * 2  # the click's and the command's
        assert (health.status, await health.json()) == (
            503,
            {"ok": False, "error": "database unreachable"},
        )
        assert "Check DATABASE_URL" in caplog.text
        assert "Traceback" not in caplog.text and not any(r.exc_info for r in caplog.records)
    finally:
        await web.close()
        await cut_off.settle()
        await close_web_client(client)
        await down.close()

    # Nothing was stored by the cut-off process, and the same click through a process that
    # can reach the database is kept.
    assert (await load_record(bot.deps.db, team_id=bot.team_id, decision_id=1)).commitments == {}
    await bot.click(card, Action.COMMIT_AGREE, user=BOB, channel=CHANNEL)
    assert f"<@{BOB}> agreed and committed" in bot.card_text(CHANNEL)
