"""`/decide`: opens the form (with a title, if one was typed) or answers `/decide help`."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import deps_of
from bot.listeners.errors import report_to
from bot.listeners.payload import reply_to
from bot.services.decisions import TITLE_MAX
from bot.ui.decide_modal import DecideModalOrigin, DecideModalState, build_decide_modal
from bot.ui.help import HELP_TEXT

HELP_WORDS = {"help", "?", "-h", "--help"}


def initial_form_state(command: dict[str, Any], today: Any) -> DecideModalState:
    """A title that fits goes in the title field; a longer text goes into "what and why"."""
    text = str(command.get("text") or "").strip()
    fits = len(text) <= TITLE_MAX
    return DecideModalState(
        origin=DecideModalOrigin(
            channel_id=command["channel_id"], response_url=command.get("response_url")
        ),
        decider_id=command["user_id"],
        today=today,
        title=text if fits else "",
        what_and_why="" if fits else text,
    )


async def handle_decide(
    ack: AsyncAck, command: dict[str, Any], context: Any, client: AsyncWebClient
) -> None:
    """Opens the /decide form at once, or answers help privately."""
    if str(command.get("text") or "").strip().lower() in HELP_WORDS:
        await ack(text=HELP_TEXT, response_type="ephemeral")
        return
    await ack()
    deps = deps_of(context)
    view = build_decide_modal(initial_form_state(command, deps.now().date()))
    deps.followups.start(
        client.views_open(trigger_id=command["trigger_id"], view=view),
        on_error=report_to(client, reply_to(command)),
    )
