"""The mechanisms that come back on their own: what is due, claimed by one process at a time.

Planning stores each occasion once under its dedupe key, so any number of processes may plan.
Claiming leases rows to one process; it records them sent with the message's ts, or puts them
off (working hours, a failed send). A process that dies leaves its lease to run out.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.services.digest import DigestSchedule, Week
from storage import due_work, installations
from storage.db import Database
from storage.models import Decision, DueWork, DueWorkKind

LEASE = timedelta(minutes=5)
CLAIM_BATCH = 50
# Occasions stored in one write: thousands due at once (a busy revisit day) go in short
# writes, so that SQLite's one writer is never held long while clicks wait.
PLAN_BATCH = 200
REVISIT_NUDGE_AFTER = timedelta(days=3)
DISSENT_REMINDER_AFTER = timedelta(hours=24)


async def plan_due_work(
    db: Database, *, now: datetime, digest_schedule: DigestSchedule | None = None
) -> int:
    """Stores everything that has come due by `now`; returns how many occasions were new.

    Finding what is due reads every table, and the bigger they grow the longer it takes; so
    it reads on a worker thread, and only what is new is written, a batch at a time, on the
    event loop where acks wait behind each write. Storing each occasion under its dedupe key
    keeps this right when another process plans at the same moment.
    """
    today = now.date()
    week = Week(end=(digest_schedule or DigestSchedule()).latest_before(now))

    def find_new(session: Session) -> list[due_work.Occasion]:
        occasions = (
            due_work.find_revisits(session, today=today, now=now)
            + due_work.find_revisit_nudges(session, now=now, after=REVISIT_NUDGE_AFTER)
            + due_work.find_commit_reminders(session, today=today, now=now)
            + due_work.find_commit_summaries(session, today=today, now=now)
            + due_work.find_dissent_reminders(session, now=now, after=DISSENT_REMINDER_AFTER)
            + due_work.find_digests(
                session, since=week.start, until=week.end, week=week.label, now=now
            )
        )
        # Nothing is planned for a workspace that uninstalled the app, until it installs again.
        gone = installations.uninstalled_teams(session)
        occasions = [occasion for occasion in occasions if occasion.team_id not in gone]
        return due_work.not_yet_planned(session, occasions)

    def store(batch: list[due_work.Occasion]) -> Callable[[Session], int]:
        return lambda session: due_work.plan(session, batch)

    occasions = await db.read(find_new)
    planned = 0
    for start in range(0, len(occasions), PLAN_BATCH):
        planned += await db.write(store(occasions[start : start + PLAN_BATCH]))
    return planned


async def end_commit_periods(db: Database, *, now: datetime) -> list[Decision]:
    """Moves Type 1 decisions past their commit-by date to decided; returns those moved."""
    return await db.write(
        lambda session: due_work.end_commit_periods(session, today=now.date(), now=now)
    )


async def claim_due_work(
    db: Database, *, owner: str, now: datetime, limit: int = CLAIM_BATCH
) -> list[DueWork]:
    return await db.write(
        lambda session: due_work.claim(session, owner=owner, now=now, lease=LEASE, limit=limit)
    )


async def record_sending(db: Database, *, work: DueWork, owner: str, now: datetime) -> bool:
    """Just before the message goes to Slack (see DueWork.sending_since). False: the lease
    ran out and another process took the work over, so this one must not send it."""
    assert work.id is not None
    work_id = work.id
    return await db.write(
        lambda session: due_work.mark_sending(session, work_id=work_id, owner=owner, now=now)
    )


def follow_up(work: DueWork, now: datetime) -> due_work.Occasion | None:
    """What must follow a sent message: a revisit's line in the card's thread."""
    if work.kind is not DueWorkKind.REVISIT:
        return None
    return due_work.Occasion(
        team_id=work.team_id,
        kind=DueWorkKind.REVISIT_THREAD_LINE,
        decision_id=work.decision_id,
        user_id=work.user_id,
        due_on=work.due_on,
        due_at=now,
    )


async def record_sent(
    db: Database, *, work: DueWork, owner: str, now: datetime, message_ts: str | None
) -> bool:
    """Records the work as sent, and plans what must follow it in the same transaction."""
    assert work.id is not None
    work_id = work.id
    then = follow_up(work, now) if message_ts is not None else None
    return await db.write(
        lambda session: due_work.mark_sent(
            session, work_id=work_id, owner=owner, now=now, message_ts=message_ts, then=then
        )
    )


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes after each failed attempt, at most an hour."""
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


async def put_off(
    db: Database,
    *,
    work: DueWork,
    owner: str,
    until: datetime,
    error: str | None = None,
    not_sent: bool = True,
) -> None:
    assert work.id is not None
    work_id = work.id
    await db.write(
        lambda session: due_work.put_off(
            session, work_id=work_id, owner=owner, until=until, error=error, not_sent=not_sent
        )
    )
