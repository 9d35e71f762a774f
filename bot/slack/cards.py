"""After-ack work on a decision's card, shared by several listeners."""

from __future__ import annotations

from collections.abc import Iterable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.services import card_draws, decisions
from bot.slack.calls import (
    PrivateReply,
    explain_slack_error,
    post_card,
    post_in_thread,
    slack_error_code,
    tell_privately,
    update_card,
)
from bot.slack.card_refresh import CardKey
from bot.slack.failures import report_to, report_to_each
from bot.ui.card import PEOPLE_SHOWN_MAX
from bot.ui.text import Message
from bot.ui.thread import build_card_not_posted, merge_thread_lines
from storage.models import Decision
from storage.repository import DecisionRecord

# Slack's answers that mean "not here, not now" for this channel; the decision stays saved.
CANNOT_POST_HERE = {
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "restricted_action",
    "method_not_supported_for_channel_type",
}


async def publish_card(
    client: AsyncWebClient, deps: Deps, record: DecisionRecord, to: PrivateReply
) -> bool:
    """Posts the card and stores its ts; if Slack won't let us post here, says so privately."""
    try:
        ts = await post_card(client, record)
    except SlackApiError as error:
        if slack_error_code(error) not in CANNOT_POST_HERE:
            raise
        await tell_privately(
            client, to, build_card_not_posted(record.decision, explain_slack_error(error))
        )
        return False
    await decisions.mark_card_posted(
        deps.db,
        team_id=record.decision.team_id,
        decision_id=record.id,
        message_ts=ts,
        now=deps.now(),
    )
    return True


async def draw_latest_card(
    client: AsyncWebClient, deps: Deps, key: CardKey
) -> DecisionRecord | None:
    """Redraws the card from the database, taking turns with the other processes; returns
    what it drew last, or None if another process had the turn.

    Two processes drawing at once could each read the database, and the one that read first
    could be the last to reach Slack, leaving an older state on the card. So a draw holds a
    lease in the database, and its holder draws again while more was asked for meanwhile.
    """
    team_id, decision_id = key
    db, me = deps.db, deps.process_id
    await card_draws.want_redraw(db, team_id=team_id, decision_id=decision_id)
    record = None
    while (
        covered := await card_draws.claim_redraw(
            db, team_id=team_id, decision_id=decision_id, drawer=me, now=deps.now()
        )
    ) is not None:
        if record is not None:  # the first draw took its turn in Slack's budget already
            await deps.pace.card_update(team_id)
        drawn = None  # a failed draw leaves the change to be drawn
        try:
            async with deps.followups.slot():
                # Redrawn again and again in a flood of clicks: load only what the card shows.
                record = await decisions.load_record(
                    db, team_id=team_id, decision_id=decision_id, others_shown=PEOPLE_SHOWN_MAX
                )
                await update_card(client, record)
            drawn = covered
        finally:
            await card_draws.finish_redraw(
                db, team_id=team_id, decision_id=decision_id, drawer=me, covered=drawn
            )
    return record


def refresh_card(
    client: AsyncWebClient,
    deps: Deps,
    decision: Decision,
    thread_line: Message | None,
    to: PrivateReply,
) -> None:
    """Redraws the card and says in its thread what changed, coalesced with other changes.

    If it fails, `to` is told privately.
    """
    assert decision.id is not None
    refresh_card_of(client, deps, (decision.team_id, decision.id), thread_line, to)


def refresh_card_of(
    client: AsyncWebClient,
    deps: Deps,
    key: CardKey,
    thread_line: Message | None,
    to: PrivateReply,
    *,
    commitment: bool = False,
) -> None:
    """refresh_card, for a decision known by its (team_id, decision_id).

    `commitment` marks a commitment's thread line, which a flood of clicks may count instead.
    """
    team_id, decision_id = key
    if not deps.cards.request(key, thread_line, to, commitment=commitment):
        return  # a redraw is under way and will pick this up

    async def redraw(lines: list[Message]) -> None:
        record = await draw_latest_card(client, deps, key)
        if not lines:
            return
        if record is None:  # another process drew it: the thread needs only where it is
            record = await decisions.load_record(
                deps.db, team_id=team_id, decision_id=decision_id, others_shown=PEOPLE_SHOWN_MAX
            )
        for message in merge_thread_lines(lines):
            await deps.pace.channel_post(team_id, record.decision.channel_id)
            async with deps.followups.slot():
                await post_in_thread(client, record.decision, message)

    async def tell_failure(askers: Iterable[PrivateReply], error: Exception) -> None:
        await report_to_each(client, askers, error)

    deps.followups.start(
        deps.cards.run(key, redraw, tell_failure), on_error=report_to(client, to), bounded=False
    )
