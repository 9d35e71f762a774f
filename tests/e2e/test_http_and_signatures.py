"""Over real HTTP: signed requests are served, forged or stale ones get 401 and change nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.slack.server import build_health_app, build_web_app
from storage.db import Database
from tests.conftest import ALICE, CHANNEL, SIGNING_SECRET, TEAM
from tests.harness import BotUnderTest
from tests.slack_stand_in.requests import (
    FORM,
    signed_headers,
    slack_signature,
    slash_command_body,
)


@pytest.fixture
async def http(bot: BotUnderTest) -> AsyncIterator[TestClient[object, object]]:
    client: TestClient[object, object] = TestClient(
        TestServer(build_web_app(bot.app, bot.deps.db, signing_secret=SIGNING_SECRET))
    )
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
    http: TestClient[object, object],
    bot: BotUnderTest,
    secret: str,
    age_seconds: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.slack.request")
    body = command_body(bot)
    headers = signed_headers(
        secret, body, content_type=FORM, timestamp=int(time.time()) - age_seconds
    )
    response = await http.post("/slack/events", data=body, headers=headers)
    assert response.status == 401
    await bot.settle()
    assert bot.stand_in.open_views() == []
    assert bot.stand_in.calls_to("views.open") == []
    [logged] = [r.getMessage() for r in caplog.records if r.name == "bot.slack.request"]
    assert logged.startswith("refused a request without a valid Slack signature")
    assert "decide" not in logged and bot.team_id not in logged  # nothing of the body


async def test_healthz_answers_when_the_database_is_reachable(
    http: TestClient[object, object],
) -> None:
    response = await http.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"ok": True}


async def test_healthz_says_503_when_the_database_is_not(bot: BotUnderTest) -> None:
    unreachable = Database("sqlite:////nonexistent-dir/decisionbot.db")
    async with TestClient(
        TestServer(build_web_app(bot.app, unreachable, signing_secret=SIGNING_SECRET))
    ) as client:
        response = await client.get("/healthz")
        assert response.status == 503
        assert await response.json() == {"ok": False, "error": "database unreachable"}
    await unreachable.close()


def a_click_naming_where_to_answer(bot: BotUnderTest) -> str:
    """A click on a button no listener has, naming a response_url and a user to DM: a forged
    body like this used to make the bot post "Something went wrong" to both."""
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": ALICE, "team_id": TEAM},
        "channel": {"id": CHANNEL},
        "response_url": bot.stand_in.response_url(),
        "actions": [{"action_id": "commit_agree", "value": "999", "type": "button"}],
    }
    return urlencode({"payload": json.dumps(payload)})


def nothing_went_out(bot: BotUnderTest) -> bool:
    return not bot.stand_in.responses and not bot.stand_in.calls


@pytest.mark.parametrize("timestamp", ["abc", "", "1.5", "NaN", "\u0661\u0662\u0663", " 1", "-1"])
async def test_a_malformed_signature_timestamp_gets_401_and_no_call_goes_out(
    http: TestClient[object, object], bot: BotUnderTest, timestamp: str
) -> None:
    body = a_click_naming_where_to_answer(bot)
    headers = {
        "content-type": FORM,
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": slack_signature(SIGNING_SECRET, timestamp, body),
    }
    response = await http.post("/slack/events", data=body, headers=headers)
    assert response.status == 401
    await bot.settle()
    assert nothing_went_out(bot)


UNSIGNED_JUNK = [
    "{bad",
    "payload=notjson",
    '"a JSON string"',
    '{"type": "event_callback", "authorizations": "x", "event": {"type": "app_home_opened"}}',
    "\xff\xfe",
    "",
]


@pytest.mark.parametrize("body", UNSIGNED_JUNK)
async def test_unsigned_junk_gets_401_before_its_body_is_read(
    http: TestClient[object, object], bot: BotUnderTest, body: str
) -> None:
    response = await http.post(
        "/slack/events", data=body.encode("latin-1"), headers={"content-type": FORM}
    )
    assert response.status == 401
    assert nothing_went_out(bot)


SIGNED_JUNK = [
    ("{bad", "application/json"),
    ("payload=notjson", FORM),
    ('"a JSON string"', "application/json"),
    ("[1, 2]", "application/json"),
    ('{"type": "event_callback", "authorizations": "x", "event": {}}', "application/json"),
    ('{"type": "event_callback", "event": "app_home_opened"}', "application/json"),
    (urlencode({"payload": '{"type": "block_actions", "actions": []}'}), FORM),
    (urlencode({"payload": '{"type": "block_actions", "actions": [{"action_id": 7}]}'}), FORM),
    (urlencode({"payload": '{"type": "view_submission", "view": {"blocks": "x"}}'}), FORM),
    (urlencode({"payload": '{"type": "block_actions", "user": 5, "actions": [{}]}'}), FORM),
    # Found by the fuzz runs against `decisionbot serve`: Bolt passes a team_id on to Slack
    # as a query parameter, where a dict raised; and it takes the length of a
    # response_urls that is there at all, so null raised inside it (a 500 and a traceback).
    (
        urlencode(
            {
                "payload": '{"type": "view_submission", "view": {"type": "modal"}, '
                '"response_urls": null}'
            }
        ),
        FORM,
    ),
    (
        '{"type": "event_callback", "team_id": {"id": 5}, '
        '"event": {"type": "app_home_opened", "user": "U0ALICE", "tab": "home"}}',
        "application/json",
    ),
]


@pytest.mark.parametrize(("body", "content_type"), SIGNED_JUNK)
async def test_a_signed_body_slack_would_never_send_gets_400_and_one_warning(
    http: TestClient[object, object],
    bot: BotUnderTest,
    body: str,
    content_type: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    headers = signed_headers(SIGNING_SECRET, body, content_type=content_type)
    response = await http.post("/slack/events", data=body, headers=headers)
    assert response.status == 400
    assert nothing_went_out(bot)
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage().split(":")[0] for r in problems] == [
        "refused a signed request Slack would not send"
    ]
    assert all(r.exc_info is None for r in problems)  # one line, no traceback


async def test_a_signed_body_that_is_not_utf8_gets_400(
    http: TestClient[object, object], bot: BotUnderTest
) -> None:
    raw = b"command=%2Fdecide&text=\xff\xfe"
    timestamp = str(int(time.time()))
    headers = {
        "content-type": FORM,
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": "v0="
        + hmac.new(
            SIGNING_SECRET.encode(), f"v0:{timestamp}:".encode() + raw, hashlib.sha256
        ).hexdigest(),
    }
    response = await http.post("/slack/events", data=raw, headers=headers)
    assert response.status == 400
    assert nothing_went_out(bot)


async def test_socket_mode_serves_the_health_check_and_nothing_else(bot: BotUnderTest) -> None:
    async with TestClient(TestServer(build_health_app(bot.deps.db))) as client:
        health = await client.get("/healthz")
        assert (health.status, await health.json()) == (200, {"ok": True})
        body = command_body(bot)
        events = await client.post(
            "/slack/events",
            data=body,
            headers=signed_headers(SIGNING_SECRET, body, content_type=FORM),
        )
        assert events.status in (404, 405)  # Slack's requests come over the socket instead
    assert bot.stand_in.calls_to("views.open") == []


async def test_a_signed_request_no_listener_handles_gets_a_quiet_200_and_one_line(
    http: TestClient[object, object], bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    payload = {
        "type": "block_actions",
        "team": {"id": "T0001"},
        "user": {"id": "U0ALICE"},
        "trigger_id": "1.2.3",
        "actions": [{"action_id": "a_button_of_an_older_version", "block_id": "b"}],
    }
    body = urlencode({"payload": json.dumps(payload)})
    headers = signed_headers(SIGNING_SECRET, body, content_type=FORM)
    response = await http.post("/slack/events", data=body, headers=headers)
    assert response.status == 200
    # Only Bolt's own auth.test, once per process: nothing answers or acts on the body.
    assert [method for method, _ in bot.stand_in.calls] == ["auth.test"]
    assert not bot.stand_in.responses
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert said == [
        "ignored a request no listener handles: block_actions a_button_of_an_older_version"
    ]
