"""The context our app builds for each request holds what Bolt's own `_init_context` puts
there (bot/app.py builds it with a copied client instead of a new one, for speed)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import build_app
from bot.deps import Deps
from bot.slack_calls import build_web_client, close_web_client
from storage.db import Database


def click_request(team_id: str) -> AsyncBoltRequest:
    payload = {
        "type": "block_actions",
        "team": {"id": team_id},
        "user": {"id": "U1", "team_id": team_id},
        "actions": [{"action_id": "commit_agree", "value": "1"}],
    }
    return AsyncBoltRequest(body=urlencode({"payload": json.dumps(payload)}), headers={})


def described(client: AsyncWebClient) -> dict[str, object]:
    return {
        "type": type(client),
        "token": client.token,
        "base_url": client.base_url,
        "timeout": client.timeout,
        "ssl": client.ssl,
        "proxy": client.proxy,
        "session": client.session,
        "trust_env_in_session": client.trust_env_in_session,
        "headers": client.headers,
        "default_params": client.default_params,
        "logger": client.logger,
        "retry_handlers": client.retry_handlers,
    }


@pytest.mark.parametrize("team_id", ["T1", "T2"])
async def test_each_request_gets_its_own_client_as_bolt_builds_it(
    tmp_path: Path, team_id: str
) -> None:
    db = Database(f"sqlite:///{tmp_path / 'context.db'}")
    client = build_web_client("xoxb-test", "http://127.0.0.1:9/api/")
    try:
        check_context(build_app(client=client, deps=Deps(db=db), signing_secret="s"), team_id)
    finally:
        await close_web_client(client)
        await db.close()


def check_context(app: AsyncApp, team_id: str) -> None:
    client = app.client
    ours, bolts = click_request(team_id), click_request(team_id)

    app._init_context(ours)
    AsyncApp._init_context(app, bolts)

    assert set(ours.context) == set(bolts.context)
    for key in ours.context:
        if key != "client":
            assert ours.context[key] == bolts.context[key], key
    assert described(ours.context.client) == described(bolts.context.client)
    assert ours.context.client.default_params == {"team_id": team_id}

    # Its own, as Bolt's is: a listener changing it changes no other request's client.
    assert ours.context.client is not client
    ours.context.client.token = "xoxb-changed"
    ours.context.client.default_params["team_id"] = "T9"
    ours.context.client.retry_handlers.clear()
    another = click_request(team_id)
    app._init_context(another)
    assert described(another.context.client) == described(bolts.context.client)
    assert client.token == "xoxb-test" and client.default_params == {}
