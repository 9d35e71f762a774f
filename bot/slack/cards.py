"""A decision's card in Slack: posted once, then redrawn (coalesced, paced, in turns with other
processes) with a line in its thread for each change.

A card is owed from the moment its decision is recorded or changed (bot/services/card_draws.py
stores that), so a card Slack refused to post or to update is drawn again by a later sweep of
any process until Slack takes it; the person is not told their change failed, because it was
stored. Only a channel the card can't go to at all (the bot isn't in it, it is archived) is
given up on, and then the person is told how to fix it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.services import card_draws, decisions
from bot.services.card_draws import DrawingTurn
from bot.services.errors import NotFound
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
from bot.slack.followups import FollowUps
from bot.slack.pacing import SlackPace
from bot.ui.card import PEOPLE_SHOWN_MAX
from bot.ui.text import Message
from bot.ui.thread import build_card_delayed, build_card_not_posted, merge_thread_lines
from storage.db import Database
from storage.models import Decision
from storage.repository import DecisionRecord

logger = logging.getLogger(__name__)

# Slack's answers that mean "not here, not now" for this channel; the decision stays saved.
CANNOT_POST_HERE = {
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "restricted_action",
    "method_not_supported_for_channel_type",
}


class CardNotPostable(Exception):
    """Slack won't take the card in its channel until someone changes something there."""

    def __init__(self, record: DecisionRecord, error: SlackApiError) -> None:
        super().__init__(slack_error_code(error))
        self.record, self.reason = record, explain_slack_error(error)

    def note(self) -> Message:
        return build_card_not_posted(self.record.decision, self.reason)


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
        self._stopping = asyncio.Event()
        self._refresher = CardRefresher(self._take_turn, followups, self._draw_with_lines)

    async def publish(
        self, client: AsyncWebClient, record: DecisionRecord, to: PrivateReply
    ) -> bool:
        """Posts the card now; if Slack won't take it, tells `to` privately what happens next."""
        try:
            key = (record.decision.team_id, record.id)
            await self._want_redraw(key)
            await self.draw_owed(client, key, first_is_a_post=True)
        except CardNotPostable as refused:
            await tell_privately(client, to, refused.note())
            return False
        except Exception as error:  # it stays owed, and a sweep posts it once Slack takes it
            logger.warning("card of decision %s not posted yet: %s", record.id, error)
            answer = slack_error_code(error) or type(error).__name__
            await tell_privately(client, to, build_card_delayed(record.decision, answer))
            return False
        return True

    def refresh(
        self, client: AsyncWebClient, decision: Decision, thread_line: Message | None
    ) -> None:
        """After a stored change, redraws the card and says in its thread what changed,
        coalesced with other changes. The change owed the card in its own transaction
        (storage/repository.py's add_event), so a draw that already showed it is not repeated."""
        assert decision.id is not None
        self.refresh_of(client, (decision.team_id, decision.id), thread_line)

    def refresh_of(
        self,
        client: AsyncWebClient,
        key: CardKey,
        thread_line: Message | None,
        *,
        commitment: bool = False,
    ) -> None:
        """refresh, for a decision known by its (team_id, decision_id).

        `commitment` marks a commitment's thread line, which a flood of clicks may count instead.
        """
        self._refresher.request(client, key, thread_line, commitment=commitment)

    async def draw_latest(self, client: AsyncWebClient, key: CardKey) -> DecisionRecord | None:
        """Asks for the card to show the database as it is now, and draws it if no other
        process is drawing it; returns what it drew last, or None if another process had the
        turn (or the bot is stopping). Raises what Slack refused (the card stays owed) or
        CardNotPostable."""
        await self._want_redraw(key)
        return await self.draw_owed(client, key)

    def stop_waiting(self) -> None:
        """On shutdown: draws waiting for Slack's budget give their cards back instead, so that
        the bot stops without waiting for a turn, and their thread lines still go out."""
        self._stopping.set()

    async def _want_redraw(self, key: CardKey) -> None:
        team_id, decision_id = key
        await card_draws.want_redraw(
            self._db, team_id=team_id, decision_id=decision_id, now=self._now()
        )

    async def draw_owed(
        self,
        client: AsyncWebClient,
        key: CardKey,
        *,
        turn: DrawingTurn | None = None,
        first_is_a_post: bool = False,
    ) -> DecisionRecord | None:
        """Draws the card while it is behind the database, taking turns with other processes.

        Two processes drawing at once could each read the database, and the one that read first
        could be the last to reach Slack, leaving an older state on the card. So a draw holds a
        lease in the database, and its holder draws again while more was asked for meanwhile.
        `turn` is a lease already held (with its turn in Slack's budget taken); a new card's
        first draw, `first_is_a_post`, is a chat.postMessage and takes no chat.update turn.
        """
        team_id, decision_id = key
        db, me = self._db, self._process_id
        record = None
        if turn is None:
            turn = await self._take_turn(key, update_turn=not first_is_a_post)
        while turn is not None:
            drawn, error_text = None, None
            try:
                async with self._followups.slot():
                    record = await self._card_record(key)
                    await self._show(client, record)
                drawn = turn.covered
            except NotFound:  # the decision was deleted: nothing to draw
                drawn = turn.covered
                return None
            except CardNotPostable:
                drawn = turn.covered  # not tried again: the person is told how to fix it
                raise
            except Exception as error:
                error_text = f"{type(error).__name__}: {error}"[:500]
                raise
            finally:
                await card_draws.finish_redraw(
                    db,
                    team_id=team_id,
                    decision_id=decision_id,
                    drawer=me,
                    covered=drawn,
                    retry_at=self._now() + card_draws.retry_delay(turn.refused_before),
                    error=error_text,
                )
            turn = await self._take_turn(key)
        return record

    async def _take_turn(self, key: CardKey, *, update_turn: bool = True) -> DrawingTurn | None:
        """The drawing lease and then a chat.update turn, or None if nothing is owed, another
        process draws, or the bot stops while it waits for the turn. Only the lease's holder
        takes a turn: processes asking for the same card would otherwise each spend one of the
        workspace's turns for a single draw between them. A turn that has to wait holds the
        lease for the wait, and the draw then covers whatever was asked meanwhile."""
        team_id, decision_id = key
        db, me = self._db, self._process_id
        turn = await card_draws.claim_redraw(
            db, team_id=team_id, decision_id=decision_id, drawer=me, now=self._now()
        )
        if turn is None:
            return None
        wait = await self._pace.card_update_turn(team_id) if update_turn else 0.0
        if wait <= 0:
            return turn

        async def hold_lease_until(until: datetime) -> int | None:
            return await card_draws.hold_redraw(
                db, team_id=team_id, decision_id=decision_id, drawer=me, until=until
            )

        lease = card_draws.DRAWING_LEASE
        await hold_lease_until(self._now() + timedelta(seconds=wait) + lease)
        try:
            async with asyncio.timeout(wait):
                await self._stopping.wait()
        except TimeoutError:
            pass  # the turn has come
        except asyncio.CancelledError:
            # Cut short: the lease lapses now rather than after the whole wait and a lease
            # besides. If the database can't take that, the lease still runs out by itself.
            with contextlib.suppress(Exception):
                await hold_lease_until(self._now())
            raise
        else:  # a shutdown: the card stays owed, and another process's next sweep draws it
            await hold_lease_until(self._now())
            return None
        covered = await hold_lease_until(self._now() + lease)
        return None if covered is None else DrawingTurn(covered, turn.refused_before)

    async def _show(self, client: AsyncWebClient, record: DecisionRecord) -> None:
        """Posts the card if it was never posted, else updates it."""
        if record.decision.message_ts:
            await update_card(client, record)
            return
        try:
            ts = await post_card(client, record)
        except SlackApiError as error:
            if slack_error_code(error) in CANNOT_POST_HERE:
                raise CardNotPostable(record, error) from error
            raise
        await decisions.mark_card_posted(
            self._db,
            team_id=record.decision.team_id,
            decision_id=record.id,
            message_ts=ts,
            now=self._now(),
        )
        record.decision.message_ts = ts

    async def _draw_with_lines(
        self,
        client: AsyncWebClient,
        key: CardKey,
        turn: DrawingTurn | None,
        lines: list[Message],
    ) -> None:
        """The refresher's draw: the card if this process has the turn (owed until Slack takes
        it), then the thread lines, which go whichever process draws."""
        record = None
        if turn is not None:
            try:
                record = await self.draw_owed(client, key, turn=turn)
            except Exception as error:
                logger.warning(
                    "card of decision %s not redrawn yet: %s; a sweep redraws it", key[1], error
                )
        if not lines:
            return
        if record is None:  # another process drew it, or Slack refused: the thread is as it is
            record = await self._card_record(key)
        if not record.decision.message_ts:
            return  # no card yet to thread under
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
