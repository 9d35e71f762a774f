"""Mutations of the payloads a real story produces, shared by the fuzz test
(tests/e2e/test_fuzzed_requests.py) and the fuzz run against a running server
(bench/fuzz_http.py).

Each mutation changes one thing Slack would never change: a field's type, a huge or
non-ASCII value, an id past 2^63, a mention where an id goes, a field removed, another
workspace's id.
"""

from __future__ import annotations

import copy
import json
import random
from typing import Any
from urllib.parse import parse_qsl, urlencode

from bot.ids import Action, Block
from tests.conftest import ALICE, BOB, CHANNEL, TEAM
from tests.e2e.flows import record_decision
from tests.harness import BotUnderTest, find_element, mrkdwn_texts
from tests.slack_stand_in.requests import (
    FORM,
    block_actions_payload,
    message_action_payload,
    slash_command_body,
    view_submission_payload,
)
from tests.slack_stand_in.server import SlackStandIn

# What a mention or a broadcast from user text would be if it reached Slack unescaped.
UNESCAPED = ("<!channel>", "<!here>", "<!everyone>", "<@U1>")

ODD_VALUES: list[Any] = [
    None,
    "",
    0,
    -1,
    2**63,
    "9" * 30,
    "\u0661",
    "\u00b2",
    1.5,
    True,
    [],
    {},
    "x" * 5000,
    "U1> <!channel>",
    "<!here> @everyone",
    "T0OTHER",
    "2026-13-45",
    "\x00\ud7ff",
    {"id": 5},
    [{"a": 1}],
]


def leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += leaves(item, (*path, index))
    return found


def mutate(payload: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    mutated = copy.deepcopy(payload)
    path = rng.choice(leaves(mutated)[1:])
    parent = mutated
    for step in path[:-1]:
        parent = parent[step]
    if isinstance(parent, dict) and rng.random() < 0.25:
        del parent[path[-1]]
    else:
        parent[path[-1]] = copy.deepcopy(rng.choice(ODD_VALUES))
    return mutated


def as_body(kind: str, payload: dict[str, Any]) -> tuple[str, str]:
    if kind == "command":
        return urlencode({k: "" if v is None else str(v) for k, v in payload.items()}), FORM
    if kind == "event":
        return json.dumps(payload), "application/json"
    return urlencode({"payload": json.dumps(payload)}), FORM


async def seeds(bot: BotUnderTest) -> list[tuple[str, dict[str, Any]]]:
    card = await record_decision(bot, stakeholders=[BOB])
    await bot.command("", user=ALICE, channel=CHANNEL)
    form = bot.latest_view(ALICE)
    bot.typed[form.id] = {Block.TITLE: "Fuzzed", Block.WHAT_AND_WHY: "Why", Block.TYPE: "type2"}
    submission = view_submission_payload(
        view=bot._view_payload(bot.stand_in.views[form.id]),
        team_id=TEAM,
        user_id=ALICE,
        trigger_id=bot.stand_in.issue_trigger_id(ALICE),
    )
    clicks = []
    for action_id in (Action.COMMIT_AGREE, Action.OPEN_DISSENT, Action.CLOSE_DECISION):
        block_id, element = find_element(card["blocks"], action_id)
        clicks.append(
            block_actions_payload(
                action={
                    "action_id": action_id,
                    "block_id": block_id,
                    "type": "button",
                    "value": element.get("value"),
                },
                team_id=TEAM,
                user_id=BOB,
                trigger_id=bot.stand_in.issue_trigger_id(BOB),
                container={"type": "message", "message_ts": card["ts"], "channel_id": CHANNEL},
                channel_id=CHANNEL,
                response_url=bot.stand_in.response_url(),
            )
        )
    command = dict(
        parse_qsl(
            slash_command_body(
                text="show 1",
                team_id=TEAM,
                user_id=ALICE,
                channel_id=CHANNEL,
                trigger_id=bot.stand_in.issue_trigger_id(ALICE),
                response_url=bot.stand_in.response_url(),
            )
        )
    )
    shortcut = message_action_payload(
        team_id=TEAM,
        user_id=ALICE,
        channel_id=CHANNEL,
        message={"type": "message", "user": BOB, "ts": card["ts"], "text": "We should ship."},
        trigger_id=bot.stand_in.issue_trigger_id(ALICE),
        response_url=bot.stand_in.response_url(),
    )
    home = {
        "type": "event_callback",
        "team_id": TEAM,
        "event": {"type": "app_home_opened", "user": BOB, "tab": "home", "channel": "D0HOME"},
        "event_id": "Ev1",
        "authorizations": [{"team_id": TEAM, "user_id": "U0BOT", "is_bot": True}],
    }
    return [
        ("interactive", submission),
        *(("interactive", click) for click in clicks),
        ("command", command),
        ("interactive", shortcut),
        ("event", home),
    ]


def unescaped_sequences(stand_in: SlackStandIn) -> int:
    """Mentions or broadcasts from user text in what Slack parses of anything the bot posted,
    answered or showed: messages' text and every mrkdwn text object. (Plain text, such as a
    form's prefilled title, shows them as typed.)"""
    posted = [
        message
        for messages in (*stand_in.messages.values(), stand_in.ephemerals, stand_in.responses)
        for message in messages
    ]
    parsed = [str(m.get("text") or "") for m in posted] + mrkdwn_texts(posted)
    parsed += mrkdwn_texts(list(stand_in.home_tabs.values()))
    parsed += mrkdwn_texts([view.view for view in stand_in.views.values()])
    return sum(text.count(sequence) for text in parsed for sequence in UNESCAPED)
