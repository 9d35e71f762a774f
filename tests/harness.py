"""Drives the real Bolt app as Slack would: signed requests in, the stand-in's Web API out.

A test says what a person does (types a command, clicks a button on a message, picks an
option in a modal, submits it) and reads what Slack would then show.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse

from bot.app import build_app
from bot.deps import Deps
from bot.slack.request import dispatch_http
from tests.slack_stand_in.requests import (
    FORM,
    app_home_opened_body,
    block_actions_payload,
    function_executed_body,
    interactive_body,
    message_action_payload,
    signed_headers,
    slash_command_body,
    view_submission_payload,
)
from tests.slack_stand_in.server import SlackStandIn, StoredView


def find_element(
    blocks: list[dict[str, Any]], action_id: str, value: str | None = None
) -> tuple[str, dict[str, Any]]:
    """(block_id, element) of the first interactive element with this action_id (and value)."""
    for block in blocks:
        candidates = list(block.get("elements") or [])
        if block.get("accessory"):
            candidates.append(block["accessory"])
        if block.get("element"):
            candidates.append(block["element"])
        for element in candidates:
            if element.get("action_id") == action_id and value in (None, element.get("value")):
                return block.get("block_id", "auto"), element
    raise AssertionError(f"no element {action_id!r} (value {value!r}) in these blocks")


def initial_value(element: dict[str, Any]) -> Any:
    """What an input holds before anyone types, as Slack fills it from the view's initial_*."""
    kind = element["type"]
    if kind == "plain_text_input":
        return element.get("initial_value")
    if kind == "users_select":
        return element.get("initial_user")
    if kind == "multi_users_select":
        return element.get("initial_users")
    if kind == "datepicker":
        initial = element.get("initial_date")
        return date.fromisoformat(initial) if initial else None
    if kind == "checkboxes":
        return [o["value"] for o in element.get("initial_options") or []]
    option = element.get("initial_option")
    return option["value"] if option else None


def element_state(element: dict[str, Any], value: Any) -> dict[str, Any]:
    """What Slack puts in view.state.values for an input element holding `value`."""
    kind = element["type"]
    state: dict[str, Any] = {"type": kind}
    if kind == "plain_text_input":
        state["value"] = value
    elif kind == "users_select":
        state["selected_user"] = value
    elif kind == "multi_users_select":
        state["selected_users"] = list(value or [])
    elif kind == "datepicker":
        state["selected_date"] = value.isoformat() if value is not None else None
    elif kind == "checkboxes":
        chosen = set(value or [])
        state["selected_options"] = [o for o in element["options"] if o["value"] in chosen]
    elif kind in ("radio_buttons", "static_select"):
        option = next((o for o in element["options"] if o["value"] == value), None)
        if value is not None and option is None:
            raise AssertionError(f"{value!r} is not an option of {element['action_id']}")
        state["selected_option"] = option
    else:
        raise AssertionError(f"harness can't fill a {kind}")
    return state


@dataclass
class BotUnderTest:
    stand_in: SlackStandIn
    app: AsyncApp
    deps: Deps
    signing_secret: str
    team_id: str
    typed: dict[str, dict[str, Any]] = field(default_factory=dict)  # view id -> block id -> value

    async def send(
        self,
        body: str,
        *,
        content_type: str = FORM,
        timestamp: int | None = None,
        secret: str | None = None,
        retry: int = 0,
    ) -> BoltResponse:
        """`retry` > 0 sends it as Slack's nth redelivery of an event it thinks went unheard."""
        headers = signed_headers(
            secret or self.signing_secret, body, content_type=content_type, timestamp=timestamp
        )
        if retry:
            headers |= {"x-slack-retry-num": str(retry), "x-slack-retry-reason": "http_timeout"}
        return await dispatch_http(
            self.app, body.encode(), headers, signing_secret=self.signing_secret
        )

    def another_process(self, *, clock_ahead: timedelta = timedelta(0)) -> BotUnderTest:
        """A second bot process on the same database and Slack, as behind a load balancer
        (its clock `clock_ahead` of this one's)."""
        deps = Deps(db=self.deps.db, clock=lambda: self.deps.now() + clock_ahead)
        app = build_app(client=self.app.client, deps=deps, signing_secret=self.signing_secret)
        return dataclasses.replace(self, app=app, deps=deps)

    async def settle(self) -> None:
        """Waits for the work the bot does after its acks (posting, updating, opening)."""
        assert await self.deps.followups.drain(within_seconds=15), "follow-ups still running"

    # ---- what a person does --------------------------------------------------------------
    async def command(self, text: str, *, user: str, channel: str) -> BoltResponse:
        body = slash_command_body(
            text=text,
            team_id=self.team_id,
            user_id=user,
            channel_id=channel,
            trigger_id=self.stand_in.issue_trigger_id(user),
            response_url=self.stand_in.response_url(),
        )
        response = await self.send(body)
        await self.settle()
        return response

    async def click(
        self,
        message: dict[str, Any],
        action_id: str,
        *,
        user: str,
        channel: str,
        value: str | None = None,
        ephemeral: bool = False,
        settle: bool = True,
    ) -> BoltResponse:
        """Clicks a button on a message (a card, a thread reply, or a private note).

        settle=False returns at the ack, before the follow-up work, as for clicks in a burst.
        """
        block_id, element = find_element(message["blocks"], action_id, value)
        action = {
            "action_id": action_id,
            "block_id": block_id,
            "type": element["type"],
            "text": element.get("text"),
            "value": element.get("value"),
        }
        container = {
            "type": "message",
            "message_ts": message.get("ts", "0.0"),
            "channel_id": channel,
            "is_ephemeral": ephemeral,
        }
        payload = block_actions_payload(
            action=action,
            team_id=self.team_id,
            user_id=user,
            trigger_id=self.stand_in.issue_trigger_id(user),
            container=container,
            channel_id=channel,
            response_url=self.stand_in.response_url(),
        )
        if not ephemeral:
            payload["message"] = message
        response = await self.send(interactive_body(payload))
        if settle:
            await self.settle()
        return response

    def _view_payload(self, stored: StoredView) -> dict[str, Any]:
        typed = self.typed.setdefault(stored.id, {})
        values: dict[str, Any] = {}
        for block in stored.view.get("blocks", []):
            if block["type"] == "input":
                element = block["element"]
                value = typed.get(block["block_id"], initial_value(element))
                values[block["block_id"]] = {element["action_id"]: element_state(element, value)}
        return {
            **stored.view,
            "id": stored.id,
            "hash": stored.hash,
            "team_id": self.team_id,
            "state": {"values": values},
        }

    async def choose(
        self, view: StoredView, block_id: str, value: Any, *, user: str
    ) -> BoltResponse:
        """Picks an option in a modal input that redraws the modal (dispatch_action)."""
        self.typed.setdefault(view.id, {})[block_id] = value
        _, element = find_element(view.view["blocks"], self._action_id(view, block_id))
        payload = block_actions_payload(
            action={
                "action_id": element["action_id"],
                "block_id": block_id,
                "type": element["type"],
                **{k: v for k, v in element_state(element, value).items() if k != "type"},
            },
            team_id=self.team_id,
            user_id=user,
            trigger_id=self.stand_in.issue_trigger_id(user),
            container={"type": "view", "view_id": view.id},
            channel_id=None,
            response_url=None,
            view=self._view_payload(view),
        )
        response = await self.send(interactive_body(payload))
        await self.settle()
        return response

    @staticmethod
    def _action_id(view: StoredView, block_id: str) -> str:
        block = next(b for b in view.view["blocks"] if b.get("block_id") == block_id)
        return str(block["element"]["action_id"])

    async def submit(self, view: StoredView, entries: dict[str, Any], *, user: str) -> BoltResponse:
        """Fills in the modal's fields (on top of what was typed before) and submits it."""
        self.typed.setdefault(view.id, {}).update(entries)
        current = self.stand_in.views[view.id]
        payload = view_submission_payload(
            view=self._view_payload(current),
            team_id=self.team_id,
            user_id=user,
            trigger_id=self.stand_in.issue_trigger_id(user),
        )
        response = await self.send(interactive_body(payload))
        if response.status == 200:
            self.stand_in.answer_submission(view.id, response.body)
            if view.id in self.stand_in.views and self.stand_in.views[view.id] is not current:
                self.typed.pop(view.id, None)  # a new form in its place starts empty
        await self.settle()
        return response

    async def open_home(self, user: str) -> dict[str, Any]:
        """Opens the app's Home tab; returns what it shows."""
        body = app_home_opened_body(team_id=self.team_id, user_id=user)
        response = await self.send(body, content_type="application/json")
        assert response.status == 200, response.body
        await self.settle()
        return self.stand_in.home_tabs[user]

    async def click_home(
        self, action_id: str, *, user: str, value: str | None = None, settle: bool = True
    ) -> BoltResponse:
        """Clicks a button on the person's Home tab; with settle=False, returns at the ack."""
        home = self.stand_in.home_tabs[user]
        block_id, element = find_element(home["blocks"], action_id, value)
        view_id = f"VHOME{user}"
        payload = block_actions_payload(
            action={
                "action_id": action_id,
                "block_id": block_id,
                "type": element["type"],
                "text": element.get("text"),
                "value": element.get("value"),
            },
            team_id=self.team_id,
            user_id=user,
            trigger_id=self.stand_in.issue_trigger_id(user),
            container={"type": "view", "view_id": view_id},
            channel_id=None,
            response_url=None,
            view={**home, "id": view_id, "team_id": self.team_id, "state": {"values": {}}},
        )
        response = await self.send(interactive_body(payload))
        assert response.status == 200, response.body
        if settle:
            await self.settle()
        return response

    async def run_step(self, callback_id: str, inputs: dict[str, Any]) -> str:
        """A workflow runs our custom step; returns its execution id (see stand_in.completions)."""
        execution_id, token = self.stand_in.start_execution()
        body = function_executed_body(
            team_id=self.team_id,
            callback_id=callback_id,
            inputs=inputs,
            function_execution_id=execution_id,
            bot_access_token=token,
        )
        response = await self.send(body, content_type="application/json")
        assert response.status == 200, response.body
        await self.settle()
        return execution_id

    async def shortcut(self, message: dict[str, Any], *, user: str, channel: str) -> BoltResponse:
        """Runs "Record as decision" on a message."""
        payload = message_action_payload(
            team_id=self.team_id,
            user_id=user,
            channel_id=channel,
            message=message,
            trigger_id=self.stand_in.issue_trigger_id(user),
            response_url=self.stand_in.response_url(),
        )
        response = await self.send(interactive_body(payload))
        await self.settle()
        return response

    # ---- what a person sees -------------------------------------------------------------
    def latest_view(self, user: str) -> StoredView:
        views = self.stand_in.open_views(user)
        assert views, f"no modal is open for {user}"
        return views[-1]

    def card(self, channel: str) -> dict[str, Any]:
        """The newest message in the channel, as a person saw it just now (a snapshot)."""
        messages = self.stand_in.channel_messages(channel)
        assert messages, f"no message in {channel}"
        return copy.deepcopy(messages[-1])

    def card_text(self, channel: str) -> str:
        return blocks_text(self.card(channel)["blocks"])


def blocks_text(blocks: list[dict[str, Any]]) -> str:
    """All the text a person reads in these blocks, in order."""
    parts: list[str] = []
    for block in blocks:
        for key in ("text", "label"):
            if isinstance(block.get(key), dict):
                parts.append(block[key]["text"])
        for item in (block.get("fields") or []) + (block.get("elements") or []):
            if isinstance(item.get("text"), str):
                parts.append(item["text"])
            elif isinstance(item.get("text"), dict):
                parts.append(item["text"]["text"])
    return "\n".join(parts)


def response_json(response: BoltResponse) -> dict[str, Any]:
    return json.loads(response.body) if response.body else {}


def mrkdwn_texts(value: Any) -> list[str]:
    """Every mrkdwn text object in these blocks: the text Slack parses for mentions and links."""
    if isinstance(value, dict):
        if value.get("type") == "mrkdwn":
            return [value["text"]]
        return [text for item in value.values() for text in mrkdwn_texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in mrkdwn_texts(item)]
    return []
