"""Our signing and our manifest, checked against Slack's own reference material."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.ids import Shortcut
from bot.listeners.workflow_step import INPUT_TITLES, RECORD_A_DECISION
from bot.slack.request import is_signed
from bot.slack.scopes import BOT_SCOPES
from tests.slack_stand_in.requests import slack_signature

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT.parent / "shared" / "slack-reference"


def reference(path: str) -> Path:
    found = REFERENCE / path
    if not found.exists():
        pytest.skip(f"Slack reference material not found at {found}")
    return found


def test_signing_matches_slacks_known_answer() -> None:
    vector = json.loads(
        reference("payloads/slash_command.slackdocs.signing-vector.json").read_text()
    )
    body = reference("payloads/slash_command.slackdocs.form.txt").read_text().rstrip("\n")
    signature = slack_signature(vector["signing_secret"], vector["x_slack_request_timestamp"], body)
    assert signature == vector["x_slack_signature"]


def test_our_verifier_accepts_slacks_known_answer_and_nothing_else() -> None:
    vector = json.loads(
        reference("payloads/slash_command.slackdocs.signing-vector.json").read_text()
    )
    raw = reference("payloads/slash_command.slackdocs.form.txt").read_text().rstrip("\n").encode()
    timestamp = vector["x_slack_request_timestamp"]
    headers = {
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": vector["x_slack_signature"],
    }
    secret, then = vector["signing_secret"], int(timestamp)
    assert is_signed(raw, headers, secret, now=then + 299)
    assert not is_signed(raw, headers, secret, now=then + 301)  # too old: a replay
    assert not is_signed(raw + b"&x=1", headers, secret, now=then)
    assert not is_signed(raw, headers, "another-secret", now=then)


def test_manifest_is_valid_for_slack() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yaml").read_text())
    version = "2.0.0" if manifest.get("_metadata", {}).get("major_version") == 2 else "1.0.0"
    schema = json.loads(reference(f"manifest-schema/manifest.schema.{version}.json").read_text())
    jsonschema.Draft7Validator(schema).validate(manifest)


def test_manifest_declares_what_the_bot_uses_and_no_more() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yaml").read_text())
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/decide"]
    assert manifest["features"]["shortcuts"][0]["callback_id"] == Shortcut.RECORD_AS_DECISION
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == [
        "app_home_opened",
        "app_uninstalled",
        "function_executed",
        "tokens_revoked",
    ]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "commands",
        "chat:write",
        "channels:join",
        "users:read",
        "channels:read",  # conversations.members / info, users.conversations: who may see what
        "groups:read",  # the same for private channels
        "canvases:write",  # the channel's decision log canvas
    }
    # What an install through /slack/install asks for is the same.
    assert list(manifest["oauth_config"]["scopes"]["bot"]) == list(BOT_SCOPES)


def test_the_workflow_step_is_declared_as_slack_requires_of_a_bolt_apps_custom_step() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yaml").read_text())
    assert manifest["_metadata"]["major_version"] == 2  # functions take properties / required
    settings = manifest["settings"]
    assert settings["org_deploy_enabled"] is True and settings["function_runtime"] == "remote"
    step = manifest["functions"][RECORD_A_DECISION]
    assert set(step["input_parameters"]["properties"]) == set(INPUT_TITLES)
    for name, title in INPUT_TITLES.items():
        assert step["input_parameters"]["properties"][name]["title"] == title
    assert set(step["output_parameters"]["properties"]) == {"decision_number", "card_permalink"}
