"""Requests to the bot built and signed exactly as Slack builds and signs them.

Payload shapes follow the real ones in ../shared/slack-reference/payloads/.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode


def slack_signature(secret: str, timestamp: str, body: str) -> str:
    """v0= + hex HMAC-SHA256 of "v0:<timestamp>:<raw body>", as Slack computes it."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str, body: str, *, content_type: str, timestamp: int | None = None
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "content-type": content_type,
        "x-slack-request-timestamp": ts,
        "x-slack-signature": slack_signature(secret, ts, body),
    }


FORM = "application/x-www-form-urlencoded"


def slash_command_body(
    *,
    text: str,
    team_id: str,
    user_id: str,
    channel_id: str,
    trigger_id: str,
    response_url: str,
    command: str = "/decide",
) -> str:
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "team_domain": "stand-in",
            "channel_id": channel_id,
            "channel_name": "decisions",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0001",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    )


def interactive_body(payload: dict[str, Any]) -> str:
    """Interactive payloads arrive as one `payload` form field holding JSON."""
    return urlencode({"payload": json.dumps(payload)})


def block_actions_payload(
    *,
    action: dict[str, Any],
    team_id: str,
    user_id: str,
    trigger_id: str,
    container: dict[str, Any],
    channel_id: str | None,
    response_url: str | None,
    view: dict[str, Any] | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {
            "id": user_id,
            "username": user_id.lower(),
            "name": user_id.lower(),
            "team_id": team_id,
        },
        "api_app_id": "A0001",
        "token": "legacy-verification-token",
        "container": container,
        "trigger_id": trigger_id,
        "team": {"id": team_id, "domain": "stand-in"},
        "is_enterprise_install": False,
        "actions": [{**action, "action_ts": f"{time.time():.6f}"}],
    }
    if channel_id:
        payload["channel"] = {"id": channel_id, "name": "decisions"}
    if response_url:
        payload["response_url"] = response_url
    if view is not None:
        payload["view"] = view
    return payload


def view_submission_payload(
    *, view: dict[str, Any], team_id: str, user_id: str, trigger_id: str
) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "stand-in"},
        "user": {
            "id": user_id,
            "username": user_id.lower(),
            "name": user_id.lower(),
            "team_id": team_id,
        },
        "api_app_id": "A0001",
        "token": "legacy-verification-token",
        "trigger_id": trigger_id,
        "view": view,
        "response_urls": [],
        "is_enterprise_install": False,
    }


def app_home_opened_body(*, team_id: str, user_id: str, tab: str = "home") -> str:
    """An Events API envelope, as in app_home_opened.slackdocs.envelope.json."""
    return json.dumps(
        {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "api_app_id": "A0001",
            "event": {
                "type": "app_home_opened",
                "user": user_id,
                "channel": "D0000HOME",
                "event_ts": f"{time.time():.6f}",
                "tab": tab,
            },
            "type": "event_callback",
            "event_id": f"Ev{int(time.time() * 1000)}",
            "event_time": int(time.time()),
            "authorizations": [
                {"team_id": team_id, "user_id": "U0BOT", "is_bot": True, "enterprise_id": None}
            ],
        }
    )


def workspace_event_body(
    *, team_id: str, event: dict[str, Any], event_time: int | None = None
) -> str:
    """An Events API envelope for an event about the workspace (app_uninstalled,
    tokens_revoked), in the shape Slack documents for them; `event_time` is when it
    happened (seconds since 1970), now unless given."""
    return json.dumps(
        {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "api_app_id": "A0STANDIN",
            "event": {"event_ts": f"{time.time():.6f}", **event},
            "type": "event_callback",
            "event_id": f"Ev{time.time_ns()}",
            "event_time": int(time.time()) if event_time is None else event_time,
        }
    )


def message_action_payload(
    *,
    team_id: str,
    user_id: str,
    channel_id: str,
    message: dict[str, Any],
    trigger_id: str,
    response_url: str,
    callback_id: str = "record_as_decision",
) -> dict[str, Any]:
    """A message shortcut, as in message_action.bolt.json."""
    return {
        "type": "message_action",
        "token": "legacy-verification-token",
        "action_ts": f"{time.time():.6f}",
        "team": {"id": team_id, "domain": "stand-in"},
        "user": {"id": user_id, "name": user_id.lower()},
        "channel": {"id": channel_id, "name": "decisions"},
        "callback_id": callback_id,
        "trigger_id": trigger_id,
        "message_ts": message["ts"],
        "message": {"type": "message", **message},
        "response_url": response_url,
    }


def function_executed_body(
    *,
    team_id: str,
    callback_id: str,
    inputs: dict[str, Any],
    function_execution_id: str,
    bot_access_token: str,
) -> str:
    """A custom step run by a workflow, as bolt-python's tests/scenario_tests_async/test_function.py
    has it: the step's inputs, its execution id, and a token for this execution only."""
    return json.dumps(
        {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "api_app_id": "A0001",
            "event": {
                "type": "function_executed",
                "function": {
                    "id": "Fn0001",
                    "callback_id": callback_id,
                    "title": "Record a decision",
                    "type": "app",
                    "app_id": "A0001",
                    "date_updated": int(time.time()),
                },
                "inputs": inputs,
                "function_execution_id": function_execution_id,
                "workflow_execution_id": "Wx" + function_execution_id[2:],
                "event_ts": f"{time.time():.6f}",
                "bot_access_token": bot_access_token,
            },
            "type": "event_callback",
            "event_id": f"Ev{function_execution_id}",
            "event_time": int(time.time()),
            "authorizations": [
                {"team_id": team_id, "user_id": "U0BOT", "is_bot": True, "enterprise_id": None}
            ],
        }
    )
