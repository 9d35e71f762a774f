"""Over real HTTP: signed requests are served, forged or stale ones get 401 and change nothing."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.slack.server import build_web_app
from storage.db import Database
from tests.conftest import ALICE, CHANNEL, SIGNING_SECRET, TEAM
from tests.harness import BotUnderTest
from tests.slack_stand_in.requests import FORM, signed_headers, slash_command_body


@pytest.fixture
async def http(bot: BotUnderTest) -> AsyncIterator[TestClient[object, object]]:
    client: TestClient[object, object] = TestClient(TestServer(build_web_app(bot.app, bot.deps.db)))
    await client.start_server()
    yield client
    await client.close()


def command_body(bot: BotUnderTest) -> str:
    return slash_command_body(
        text="Move billing to Postgres",
        team_id=TEAM,
        user_id=ALICE,
        channel_id=CHANNEL,
        trigger_id=bot.stand_in.issue_trigger_id(ALICE),
        response_url=bot.stand_in.response_url(),
    )


async def test_a_signed_command_over_http_opens_the_form(
    http: TestClient[object, object], bot: BotUnderTest
) -> None:
    body = command_body(bot)
    response = await http.post(
        "/slack/events", data=body, headers=signed_headers(SIGNING_SECRET, body, content_type=FORM)
    )
    assert response.status == 200
    await bot.settle()
    assert bot.stand_in.open_views(ALICE)


@pytest.mark.parametrize(
    ("secret", "age_seconds"),
    [("not-the-signing-secret", 0), (SIGNING_SECRET, 301)],
    ids=["forged", "stale"],
)
async def test_forged_or_stale_requests_get_401_and_change_nothing(
    http: TestClient[object, object], bot: BotUnderTest, secret: str, age_seconds: int
) -> None:
    body = command_body(bot)
    headers = signed_headers(
        secret, body, content_type=FORM, timestamp=int(time.time()) - age_seconds
    )
    response = await http.post("/slack/events", data=body, headers=headers)
    assert response.status == 401
    await bot.settle()
    assert bot.stand_in.open_views() == []
    assert bot.stand_in.calls_to("views.open") == []


async def test_healthz_answers_when_the_database_is_reachable(
    http: TestClient[object, object],
) -> None:
    response = await http.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"ok": True}


async def test_healthz_says_503_when_the_database_is_not(bot: BotUnderTest) -> None:
    unreachable = Database("sqlite:////nonexistent-dir/decisionbot.db")
    async with TestClient(TestServer(build_web_app(bot.app, unreachable))) as client:
        response = await client.get("/healthz")
        assert response.status == 503
        assert await response.json() == {"ok": False, "error": "database unreachable"}
    await unreachable.close()
