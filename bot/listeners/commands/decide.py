"""`/decide`: opens the form (with a title, if one was typed), or answers a subcommand."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps, deps_of
from bot.listeners.commands.canvas import answer_canvas
from bot.listeners.commands.charts import with_chart
from bot.listeners.commands.finding import answer_finding
from bot.listeners.commands.stats import WEEKS_WANTED, answer_stats, is_stats
from bot.listeners.modal_work import open_modal
from bot.listeners.payload import reply_to
from bot.services.decisions import TITLE_MAX
from bot.services.digest import WEEKDAYS, Week, build_digest_data, set_weekly_digest
from bot.slack.failures import report_to
from bot.ui.decide_modal import DecideModalOrigin, DecideModalState, build_decide_modal
from bot.ui.digest import build_digest
from bot.ui.help import HELP_TEXT

HELP_WORDS = {"help", "?", "-h", "--help"}
DECISION_NUMBER = re.compile(r"^#?[0-9]+$")  # ASCII: "١" is a title


# "/decide list --channel general" looks like an option; there are none, so say what works.
TAKES_NO_OPTIONS = {
    "list": "`/decide list` takes no options: it lists the decisions of the channel you run it "
    "in. Run it in that channel, or use `/decide search` with words to look across your channels.",
    "show": "`/decide show` takes a decision's number, as in `/decide show 42`.",
    "search": "`/decide search` takes the words to look for, as in `/decide search billing`; "
    "it has no options.",
    "stats": WEEKS_WANTED,
}


def is_finding(verb: str, rest: str) -> bool:
    """Whether the text asks to find decisions; otherwise it is a title for the form
    (so that "/decide List prices in euros" still opens the form)."""
    if verb == "list":
        return not rest
    if verb == "show":
        return not rest or bool(DECISION_NUMBER.match(rest))
    return verb == "search"


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


async def show_digest(
    deps: Deps, client: AsyncWebClient, command: dict[str, Any], respond: AsyncRespond
) -> None:
    """This channel's digest for the seven days up to now, privately, to its members only."""
    team_id, channel_id, user_id = command["team_id"], command["channel_id"], command["user_id"]
    if not await deps.access.may_see(client, team_id, channel_id, user_id):
        await respond(
            text="This channel's digest is only shown to its members.", response_type="ephemeral"
        )
        return
    week = Week(end=deps.now())
    data = await build_digest_data(deps.db, team_id=team_id, channel_id=channel_id, week=week)
    message = await with_chart(deps, client, build_digest(data), command, end=week.end)
    await respond(text=message.text, blocks=message.blocks, response_type="ephemeral")


async def answer_digest(
    ack: AsyncAck,
    command: dict[str, Any],
    deps: Deps,
    client: AsyncWebClient,
    respond: AsyncRespond,
    words: list[str],
) -> None:
    """`/decide digest` shows this channel's digest privately; `on` / `off` set the weekly one.

    Asking Slack who may see the channel and building the digest can take longer than an ack
    may, so the digest itself is answered after the ack, through the response_url.
    """
    if words == ["digest"]:
        await ack()
        deps.followups.start(
            show_digest(deps, client, command, respond),
            on_error=report_to(client, reply_to(command)),
        )
        return
    if words not in (["digest", "on"], ["digest", "off"]):
        await ack(
            text="Try `/decide digest` to see this channel's digest now, or `/decide digest on` "
            "/ `/decide digest off` for the weekly one.",
            response_type="ephemeral",
        )
        return
    enabled = words[1] == "on"
    await set_weekly_digest(
        deps.db,
        team_id=command["team_id"],
        channel_id=command["channel_id"],
        enabled=enabled,
        by=command["user_id"],
        now=deps.now(),
    )
    schedule = deps.digest_schedule
    when = f"{WEEKDAYS[schedule.weekday]}s at {schedule.at.strftime('%H:%M')} ({schedule.zone})"
    await ack(
        text=f"The weekly digest is on for this channel: {when}."
        if enabled
        else "The weekly digest is off for this channel. `/decide digest on` turns it back on.",
        response_type="ephemeral",
    )


async def handle_decide(
    ack: AsyncAck,
    command: dict[str, Any],
    context: Any,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    """Opens the /decide form at once, or answers a subcommand privately."""
    text = str(command.get("text") or "").strip()
    if text.lower() in HELP_WORDS:
        await ack(text=HELP_TEXT, response_type="ephemeral")
        return
    deps = deps_of(context)
    words = text.lower().split()
    if words and words[0] == "digest":
        await answer_digest(ack, command, deps, client, respond, words)
        return
    if words in (["canvas"], ["canvas", "on"], ["canvas", "off"]):
        await answer_canvas(ack, command, deps, client, respond, words)
        return
    verb, _, rest = text.partition(" ")
    if verb.lower() in TAKES_NO_OPTIONS and rest.strip().startswith("-"):
        await ack(text=TAKES_NO_OPTIONS[verb.lower()], response_type="ephemeral")
        return
    if is_stats(verb.lower(), rest.strip()):
        await answer_stats(ack, command, deps, client, respond, rest.strip())
        return
    if is_finding(verb.lower(), rest.strip()):
        await answer_finding(ack, command, deps, client, respond, verb.lower(), rest)
        return
    await ack()
    view = build_decide_modal(initial_form_state(command, deps.now().date()))
    open_modal(client, deps, command, view)
