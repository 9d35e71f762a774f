"""One sweep: store what has come due, claim a share of it, send each message once.

Every process runs sweeps; the claims in storage decide who sends what. A message is
recorded as sent with its ts right after Slack accepts it; if sending fails, the work is put
off and tried again later, and a person who is out of working hours gets it when they're in.
Each workspace's work goes with that workspace's token (`Workspaces`); a workspace that
uninstalled the app has none, and what was still due for it is dropped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.scheduler.working_hours import next_working_time
from bot.services import card_draws, decisions
from bot.services.digest import Week, build_digest_data, metric_trend, weekly_digest_enabled
from bot.services.due_work import (
    claim_due_work,
    end_commit_periods,
    plan_due_work,
    put_off,
    record_sending,
    record_sent,
    retry_delay,
)
from bot.services.errors import NotFound
from bot.slack.calls import PrivateReply, post_in_thread, tell_privately, time_zone_of
from bot.slack.canvases import CanvasKeeper
from bot.slack.cards import CardNotPostable
from bot.slack.charts import Chart, refused_for_the_chart, upload_chart
from bot.slack.installations import Workspaces
from bot.ui.digest import build_digest
from bot.ui.revisits import (
    build_commit_reminder,
    build_commit_summary,
    build_dissent_reminder,
    build_revisit_message,
    build_revisit_thread_line,
)
from bot.ui.text import Message
from bot.ui.thread import build_commit_period_ended_line
from storage.db import DatabaseNotReady
from storage.models import DecisionStatus, DueWork, DueWorkKind
from storage.repository import DecisionRecord

logger = logging.getLogger(__name__)

# Owed cards drawn per sweep. Each waits its turn in Slack's chat.update budget (about one a
# second per workspace), so a few at a time keeps the next sweep's due work from waiting.
CARDS_PER_SWEEP = 10


@dataclass
class SweepReport:
    planned: int = 0
    sent: int = 0
    put_off: int = 0
    dropped: int = 0  # no longer needed: answered, committed, closed or deleted
    thread_lines: int = 0  # lines under cards after a sent revisit
    resent: int = 0  # sent again after a process stopped mid-send: may have arrived twice
    decided: int = 0  # Type 1 decisions whose commit-by date passed
    cards_drawn: int = 0  # cards Slack had refused to post or update, drawn now
    canvases_drawn: int = 0  # decision log canvases brought up to date
    failed: list[str] = field(default_factory=list)


def still_needed(work: DueWork, record: DecisionRecord) -> bool:
    """Whether the occasion still stands now that the message is about to go."""
    decision = record.decision
    if work.kind is DueWorkKind.REVISIT_THREAD_LINE:
        return True  # the revisit it follows was sent
    if work.kind in (DueWorkKind.REVISIT, DueWorkKind.REVISIT_NUDGE):
        return decision.status is DecisionStatus.DECIDED and decision.revisit_on == work.due_on
    if work.kind is DueWorkKind.COMMIT_REMINDER:
        return decision.status is DecisionStatus.OPEN and work.user_id not in record.commitments
    if work.kind is DueWorkKind.COMMIT_SUMMARY:
        return decision.status is not DecisionStatus.CLOSED
    return decision.status is not DecisionStatus.CLOSED and any(
        not d.is_answered for d in record.dissents
    )


def build_message(work: DueWork, record: DecisionRecord) -> Message:
    if work.kind is DueWorkKind.REVISIT:
        return build_revisit_message(record, work.due_on, nudge=False)
    if work.kind is DueWorkKind.REVISIT_NUDGE:
        return build_revisit_message(record, work.due_on, nudge=True)
    if work.kind is DueWorkKind.COMMIT_REMINDER:
        return build_commit_reminder(record)
    if work.kind is DueWorkKind.COMMIT_SUMMARY:
        return build_commit_summary(record)
    return build_dissent_reminder(record)


class Sweeper:
    def __init__(self, deps: Deps, workspaces: Workspaces, owner: str | None = None) -> None:
        self.deps = deps
        self.workspaces = workspaces
        self.owner = owner or deps.process_id
        self._stopping = False
        self._sweeps: set[asyncio.Task[SweepReport]] = set()

    async def sweep(self) -> SweepReport:
        """Plans, then claims and sends until nothing due is left unclaimed (or a stop)."""
        # Shielded: a shutdown that cancels the scheduler's job must not cut a send short
        # between Slack's answer and recording its ts; `stop` lets it finish instead.
        task = asyncio.ensure_future(self._sweep())
        self._sweeps.add(task)
        task.add_done_callback(self._sweeps.discard)
        return await asyncio.shield(task)

    async def stop(self, within_seconds: float) -> None:
        """Finishes the send in flight (cutting it short after `within_seconds`), gives back
        what was claimed but not sent, and claims nothing more."""
        self._stopping = True
        if not self._sweeps:
            return
        _, unfinished = await asyncio.wait(list(self._sweeps), timeout=within_seconds)
        if not unfinished:
            return
        logger.warning(
            "a sweep outlasted the shutdown and is cut short; a send it cut goes out after "
            "its lease"
        )
        # Cut now, while the database is open, so that a card draw waiting for Slack's budget
        # gives its lease back (bot/slack/cards.py) instead of holding it past the exit.
        for sweep in unfinished:
            sweep.cancel()
        await asyncio.wait(unfinished)

    async def _sweep(self) -> SweepReport:
        report = SweepReport()
        report.planned = await plan_due_work(
            self.deps.db, now=self.deps.now(), digest_schedule=self.deps.digest_schedule
        )
        # After planning, so that a commit summary owed for the day is planned first.
        for decision in await end_commit_periods(self.deps.db, now=self.deps.now()):
            report.decided += 1
            try:
                client = await self.workspaces.client_for(decision.team_id)
            except Exception as error:  # a token that couldn't be renewed: the card waits
                logger.warning("card of decision %s not redrawn: %s", decision.id, error)
                continue
            if client is not None:
                line = build_commit_period_ended_line(decision)
                self.deps.cards.refresh(client, decision, line)
        while not self._stopping and (
            claimed := await claim_due_work(self.deps.db, owner=self.owner, now=self.deps.now())
        ):
            for work in claimed:
                if self._stopping:  # another process may send it at once
                    await put_off(self.deps.db, work=work, owner=self.owner, until=self.deps.now())
                    continue
                await self._send(work, report)
        await self._draw_owed_cards(report)
        if not self._stopping:
            keeper = CanvasKeeper(self.deps)
            report.canvases_drawn = await keeper.redraw_behind(self.workspaces.client_for)
        return report

    async def _draw_owed_cards(self, report: SweepReport) -> None:
        """Cards Slack refused to post or update, or whose drawer died, tried again."""
        owed = await card_draws.cards_owed(self.deps.db, now=self.deps.now(), limit=CARDS_PER_SWEEP)
        for team_id, decision_id in owed:
            if self._stopping:
                return
            try:
                client = await self.workspaces.client_for(team_id)
            except Exception as error:  # a token that couldn't be renewed: the next sweep
                logger.warning("card of decision %s waits: %s", decision_id, error)
                continue
            if client is None:
                continue  # uninstalled since it was owed: uninstalling let go of its cards
            try:
                if await self.deps.cards.draw_owed(client, (team_id, decision_id)):
                    report.cards_drawn += 1
            except CardNotPostable as refused:  # tell the person who recorded it how to fix it
                recorder = refused.record.decision.recorder_id
                await tell_privately(client, PrivateReply(recorder, None), refused.note())
            except Exception as error:
                logger.warning("card of decision %s still not drawn: %s", decision_id, error)
                report.failed.append(f"card:{team_id}:{decision_id}")

    async def _drop(self, work: DueWork, report: SweepReport) -> None:
        """No longer needed: recorded as done, with nothing sent."""
        await record_sent(
            self.deps.db, work=work, owner=self.owner, now=self.deps.now(), message_ts=None
        )
        report.dropped += 1

    async def _send(self, work: DueWork, report: SweepReport) -> None:
        db, now = self.deps.db, self.deps.now()
        try:
            client = await self.workspaces.client_for(work.team_id)
            if client is None:
                await self._drop(work, report)
                return
            if work.decision_id is None:
                await self._send_digest(client, work, report)
                return
            person = work.user_id
            assert person is not None  # work about a decision is for a person
            try:
                record = await decisions.load_record(
                    db, team_id=work.team_id, decision_id=work.decision_id
                )
            except NotFound:
                record = None
            if record is None or not still_needed(work, record):
                await self._drop(work, report)
                return
            if work.kind is DueWorkKind.REVISIT_THREAD_LINE:
                decision = record.decision
                await self.deps.pace.channel_post(work.team_id, decision.channel_id)
                line = build_revisit_thread_line(record)
                await self._deliver(work, report, lambda: post_in_thread(client, decision, line))
                return
            if work.kind in (DueWorkKind.REVISIT, DueWorkKind.REVISIT_NUDGE):
                later = next_working_time(now, await time_zone_of(client, person))
                if later is not None:
                    await put_off(db, work=work, owner=self.owner, until=later)
                    report.put_off += 1
                    return
            await self.deps.pace.channel_post(work.team_id, person)
            message = build_message(work, record)

            async def direct_message() -> str:
                posted = await client.chat_postMessage(
                    channel=person, text=message.text, blocks=message.blocks or None
                )
                return str(posted["ts"])

            await self._deliver(work, report, direct_message)
        except Exception as error:
            logger.warning(
                "could not send %s %s; will retry",
                work.kind,
                work.dedupe_key,
                exc_info=not isinstance(error, DatabaseNotReady),  # no news in its traceback
            )
            report.failed.append(work.dedupe_key)
            await put_off(
                db,
                work=work,
                owner=self.owner,
                until=now + retry_delay(work.attempts),
                error=f"{type(error).__name__}: {error}",
                # Slack answered with an error: nothing was posted. Anything else (a timeout,
                # a dropped connection) may have reached Slack.
                not_sent=isinstance(error, SlackApiError),
            )

    async def _deliver(
        self, work: DueWork, report: SweepReport, post: Callable[[], Awaitable[str | None]]
    ) -> None:
        """Posts, noting the send before it and recording it (with what must follow) after.

        Between Slack taking the message and the record of it, a process that stops leaves
        the work sending: its next claim sends again, and counts it (DueWork.sending_since).
        """
        db, now = self.deps.db, self.deps.now()
        if work.sending_since is not None:
            logger.warning(
                "sending %s %s again: a process stopped while sending it, and Slack may "
                "already have it",
                work.kind,
                work.dedupe_key,
            )
            report.resent += 1
        if not await record_sending(db, work=work, owner=self.owner, now=now):
            logger.warning("%s %s was taken over by another process", work.kind, work.dedupe_key)
            return
        message_ts = await post()
        await record_sent(db, work=work, owner=self.owner, now=now, message_ts=message_ts)
        if work.kind is DueWorkKind.REVISIT_THREAD_LINE:
            report.thread_lines += 1
        else:
            report.sent += 1

    async def _post_digest(
        self, client: AsyncWebClient, channel_id: str, message: Message, chart: Chart | None
    ) -> Any:
        if chart is not None:
            with_chart = chart.beside(message)
            try:
                return await client.chat_postMessage(
                    channel=channel_id, text=with_chart.text, blocks=with_chart.blocks
                )
            except SlackApiError as error:
                if not refused_for_the_chart(error):
                    raise
                logger.warning("the digest of %s went without its chart: %s", channel_id, error)
        return await client.chat_postMessage(
            channel=channel_id, text=message.text, blocks=message.blocks
        )

    async def _send_digest(
        self, client: AsyncWebClient, work: DueWork, report: SweepReport
    ) -> None:
        db, now = self.deps.db, self.deps.now()
        channel_id = work.channel_id
        assert channel_id is not None  # a digest is planned for a channel
        if not await weekly_digest_enabled(db, team_id=work.team_id, channel_id=channel_id):
            await self._drop(work, report)
            return
        week = Week(end=self.deps.digest_schedule.latest_before(now))
        data = await build_digest_data(db, team_id=work.team_id, channel_id=channel_id, week=week)
        message = build_digest(data)
        trend = await metric_trend(db, team_id=work.team_id, channel_id=channel_id, end=week.end)
        chart = await upload_chart(client, trend)
        await self.deps.pace.channel_post(work.team_id, channel_id)

        async def digest() -> str:
            posted = await self._post_digest(client, channel_id, message, chart)
            return str(posted["ts"])

        await self._deliver(work, report, digest)
