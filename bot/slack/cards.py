"""A decision's card in Slack: posted once, then redrawn (coalesced, paced, in turns with other
processes) with a line in its thread for each change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

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
from bot.slack.card_refresh import CardKey, CardRefresher
from bot.slack.failures import report_to_each
from bot.slack.followups import FollowUps
from bot.slack.pacing import SlackPace
from bot.ui.card import PEOPLE_SHOWN_MAX
from bot.ui.text import Message
from bot.ui.thread import build_card_not_posted, merge_thread_lines
from storage.db import Database
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


class Cards:
    def __init__(
        self,
        db: Database,
        pace: SlackPace,
        followups: FollowUps,
        *,
        process_id: str,
        now: Callable[[], datetime],
    ) -> None:
        self._db, self._pace, self._followups = db, pace, followups
        self._process_id, self._now = process_id, now
        self._refresher = CardRefresher(pace, followups, self._draw, report_to_each)

    async def publish(
        self, client: AsyncWebClient, record: DecisionRecord, to: PrivateReply
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
            self._db,
            team_id=record.decision.team_id,
            decision_id=record.id,
            message_ts=ts,
            now=self._now(),
        )
        return True

    def refresh(
        self,
        client: AsyncWebClient,
        decision: Decision,
        thread_line: Message | None,
        to: PrivateReply,
    ) -> None:
        """Redraws the card and says in its thread what changed, coalesced with other changes.

        If it fails, `to` is told privately.
        """
        assert decision.id is not None
        self.refresh_of(client, (decision.team_id, decision.id), thread_line, to)

    def refresh_of(
        self,
        client: AsyncWebClient,
        key: CardKey,
        thread_line: Message | None,
        to: PrivateReply,
        *,
        commitment: bool = False,
    ) -> None:
        """refresh, for a decision known by its (team_id, decision_id).

        `commitment` marks a commitment's thread line, which a flood of clicks may count instead.
        """
        self._refresher.request(client, key, thread_line, to, commitment=commitment)

    async def draw_latest(self, client: AsyncWebClient, key: CardKey) -> DecisionRecord | None:
        """Redraws the card from the database, taking turns with the other processes; returns
        what it drew last, or None if another process had the turn.

        Two processes drawing at once could each read the database, and the one that read first
        could be the last to reach Slack, leaving an older state on the card. So a draw holds a
        lease in the database, and its holder draws again while more was asked for meanwhile.
        """
        team_id, decision_id = key
        db, me = self._db, self._process_id
        await card_draws.want_redraw(db, team_id=team_id, decision_id=decision_id)
        record = None
        while (
            covered := await card_draws.claim_redraw(
                db, team_id=team_id, decision_id=decision_id, drawer=me, now=self._now()
            )
        ) is not None:
            if record is not None:  # the first draw took its turn in Slack's budget already
                await self._pace.card_update(team_id)
            drawn = None  # a failed draw leaves the change to be drawn
            try:
                async with self._followups.slot():
                    # Redrawn again and again in a flood of clicks: load only what the card shows.
                    record = await self._card_record(key)
                    await update_card(client, record)
                drawn = covered
            finally:
                await card_draws.finish_redraw(
                    db, team_id=team_id, decision_id=decision_id, drawer=me, covered=drawn
                )
        return record

    async def _draw(self, client: AsyncWebClient, key: CardKey, lines: list[Message]) -> None:
        record = await self.draw_latest(client, key)
        if not lines:
            return
        if record is None:  # another process drew it: the thread needs only where it is
            record = await self._card_record(key)
        team_id, channel_id = record.decision.team_id, record.decision.channel_id
        for message in merge_thread_lines(lines):
            await self._pace.channel_post(team_id, channel_id)
            async with self._followups.slot():
                await post_in_thread(client, record.decision, message)

    async def _card_record(self, key: CardKey) -> DecisionRecord:
        team_id, decision_id = key
        return await decisions.load_record(
            self._db, team_id=team_id, decision_id=decision_id, others_shown=PEOPLE_SHOWN_MAX
        )
