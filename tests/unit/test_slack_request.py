"""Our body parser reads every request as Bolt's would, except where Bolt's drops a command."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import parse_body

from bot.listeners.required import what_listeners_lack
from bot.slack.request import bolt_request, parse_slack_body
from tests.slack_stand_in.requests import FORM, signed_headers

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "slack-reference" / "payloads"

# Form bodies as Slack sends them, and the corners of form encoding.
FORM_BODIES = [
    "token=t&team_id=T1&command=%2Fdecide&text=Move+billing+to+Postgres&trigger_id=1.2",
    "command=%2Fdecide&text=&user_id=U1",  # a blank field stays, as ""
    "text=caf%C3%A9+%E2%9C%93+%F0%9F%9A%80+a%2Bb+%26+c%3Dd+100%25",
    "text=%ZZ+and+%C3",  # malformed escapes: kept as typed, or the replacement character
    "text=first&text=second",  # a repeated field keeps its last value
    "=v&k",
    "a=1;b=2",
    urlencode(
        {
            "payload": '{"type": "block_actions", "actions": [{"action_id": "a"}], '
            '"text": "a & b = 100% + \\u2713"}'
        }
    ),
]


@pytest.mark.parametrize("body", FORM_BODIES)
def test_form_bodies_read_as_bolts_parser_reads_them(body: str) -> None:
    assert parse_slack_body(body, FORM) == parse_body(body, FORM)


@pytest.mark.parametrize(
    "name",
    [
        "block_actions.bolt.form.txt",
        "slash_command.bolt.form.txt",
        "slash_command.slackdocs.form.txt",
    ],
)
def test_slacks_own_form_bodies_read_as_bolts_parser_reads_them(name: str) -> None:
    path = REFERENCE / name
    if not path.exists():
        pytest.skip(f"Slack reference material not found at {path}")
    body = path.read_text().rstrip("\n")
    parsed = parse_slack_body(body, FORM)
    assert parsed == parse_body(body, FORM) and parsed


def test_json_bodies_are_read_as_json() -> None:
    body = '{"type": "event_callback", "event": {"type": "app_home_opened", "user": "U1"}}'
    assert parse_slack_body(body, "application/json") == parse_body(body, "application/json")
    assert parse_slack_body("", FORM) == {}


def test_a_command_mentioning_payload_keeps_its_fields() -> None:
    body = "command=%2Fdecide&text=Version+the+webhook+payload&user_id=U1"
    assert parse_body(body, FORM) == {}  # Bolt's parser drops it
    assert parse_slack_body(body, FORM) == {
        "command": "/decide",
        "text": "Version the webhook payload",
        "user_id": "U1",
    }


def test_the_request_is_bolts_http_request_for_the_same_body() -> None:
    body = FORM_BODIES[0] + "&user_id=U1&channel_id=C1"
    headers = signed_headers("secret", body, content_type=FORM)
    ours = bolt_request(body, headers, "retry=1")
    bolts = AsyncBoltRequest(body=body, headers=headers, query="retry=1")
    for attribute in ("raw_body", "body", "query", "headers", "content_type", "mode"):
        assert getattr(ours, attribute) == getattr(bolts, attribute), attribute
    assert dict(ours.context) == dict(bolts.context)
    assert ours.mode == "http" and ours.raw_body == body  # so the signature is checked


def test_every_payload_slack_sends_passes_the_checks_for_what_slack_never_sends() -> None:
    payloads = sorted(
        path
        for path in REFERENCE.glob("*")
        if path.suffix in (".json", ".txt") and "signing" not in path.name
        if "headers" not in path.name
    )
    if not payloads:
        pytest.skip(f"Slack reference material not found at {REFERENCE}")
    for path in payloads:
        content_type = "application/json" if path.suffix == ".json" else FORM
        body = parse_slack_body(path.read_text().rstrip("\n"), content_type)
        assert body and what_listeners_lack(body) is None, path.name
