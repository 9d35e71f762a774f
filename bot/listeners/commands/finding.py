"""`/decide list`, `/decide search <words>` and `/decide show <id>`: answered privately.

Each acks at once and answers through the command's response_url, since asking Slack who
may see what can take longer than the 3 seconds an ack has.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.listeners.finding_work import asker_of
from bot.listeners.payload import reply_to
from bot.parsing import read_number
from bot.services.errors import InvalidInput
from bot.services.finding import LIST_PAGE, list_channel, search_decisions, show_decision
from bot.slack.failures import report_to
from bot.slack.links import links
from bot.ui.finding import build_channel_list, build_full_decision, build_search_results
from bot.ui.text import Message


async def _answer(respond: AsyncRespond, message: Message, *, replace: bool = False) -> None:
    await respond(
        text=message.text,
        blocks=message.blocks,
        response_type="ephemeral",
        replace_original=replace,
    )


async def answer_list(
    deps: Deps,
    client: AsyncWebClient,
    body: dict[str, Any],
    respond: AsyncRespond,
    *,
    channel_id: str,
    offset: int,
    replace: bool = False,
) -> None:
    asker = asker_of(deps, client, body)
    found = await list_channel(deps.db, asker, channel_id=channel_id, offset=offset)
    linker = await links(deps, client, asker.team_id)
    message = build_channel_list(found, channel_id, LIST_PAGE, linker)
    await _answer(respond, message, replace=replace)


async def answer_search(
    deps: Deps, client: AsyncWebClient, body: dict[str, Any], respond: AsyncRespond, words: str
) -> None:
    asker = asker_of(deps, client, body)
    found = await search_decisions(deps.db, asker, words=words)
    linker = await links(deps, client, asker.team_id)
    await _answer(respond, build_search_results(found, words, linker))


async def answer_show(
    deps: Deps, client: AsyncWebClient, body: dict[str, Any], respond: AsyncRespond, ref: str
) -> None:
    number = read_number(ref.strip().lstrip("#"))
    if number is None:
        raise InvalidInput({"id": "Give the decision's number, as in `/decide show 42`."})
    asker = asker_of(deps, client, body)
    full = await show_decision(deps.db, asker, decision_id=number)
    await _answer(respond, build_full_decision(full, await links(deps, client, asker.team_id)))


async def answer_finding(
    ack: AsyncAck,
    command: dict[str, Any],
    deps: Deps,
    client: AsyncWebClient,
    respond: AsyncRespond,
    verb: str,
    rest: str,
) -> None:
    await ack()
    if verb == "list":
        work = answer_list(
            deps, client, command, respond, channel_id=command["channel_id"], offset=0
        )
    elif verb == "search":
        work = answer_search(deps, client, command, respond, rest)
    else:
        work = answer_show(deps, client, command, respond, rest)
    deps.followups.start(work, on_error=report_to(client, reply_to(command)))
