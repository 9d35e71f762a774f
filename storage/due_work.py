"""Queries for due work: finding what has come due, claiming it with a lease, recording it sent.

Claims are what make "exactly once" hold across processes: a claim is one UPDATE of unsent,
unleased rows, so two processes never hold the same row; a process that dies leaves its lease
to run out, and the row is claimed again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, exists, or_, tuple_, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storage import repository
from storage.dialect import insert_for
from storage.models import (
    SYSTEM_ACTOR,
    ChannelSettings,
    Commitment,
    Decision,
    DecisionEvent,
    DecisionStatus,
    Dissent,
    DueWork,
    DueWorkKind,
    Stakeholder,
)


@dataclass(frozen=True)
class Occasion:
    """Work that has come due, before it is stored."""

    team_id: str
    kind: DueWorkKind
    decision_id: int | None
    user_id: str | None  # the person a direct message goes to
    due_on: date
    due_at: datetime
    period: str | None = None  # what the key names instead of the date, e.g. an ISO week
    channel_id: str | None = None  # the channel a digest goes to

    @property
    def dedupe_key(self) -> str:
        if self.decision_id is None:
            return f"{self.kind}:{self.channel_id}:{self.period or self.due_on.isoformat()}"
        return f"{self.kind}:{self.decision_id}:{self.user_id}:{self.due_on.isoformat()}"


def _not_planned(kind: DueWorkKind, due_on: Any, user_id: Any) -> ColumnElement[bool]:
    return ~exists().where(
        col(DueWork.decision_id) == col(Decision.id),
        col(DueWork.kind) == kind,
        col(DueWork.due_on) == due_on,
        col(DueWork.user_id) == user_id,
    )


def _not_planned_nudge() -> ColumnElement[bool]:
    nudge = aliased(DueWork)
    return ~exists().where(
        col(nudge.decision_id) == col(DueWork.decision_id),
        col(nudge.kind) == DueWorkKind.REVISIT_NUDGE,
        col(nudge.due_on) == col(DueWork.due_on),
        col(nudge.user_id) == col(DueWork.user_id),
    )


def _deciders_due(
    session: Session,
    *,
    kind: DueWorkKind,
    status: DecisionStatus,
    due: Any,
    today: date,
    now: datetime,
) -> list[Occasion]:
    """An occasion for the decider of each decision in `status` whose `due` date has come."""
    rows = session.exec(
        select(col(Decision.team_id), col(Decision.id), col(Decision.decider_id), due).where(
            Decision.status == status,
            due <= today,
            _not_planned(kind, due, col(Decision.decider_id)),
        )
    ).all()
    return [
        Occasion(team_id, kind, decision_id, decider_id, due_on, now)
        for team_id, decision_id, decider_id, due_on in rows
        if decision_id is not None and due_on is not None
    ]


def find_revisits(session: Session, *, today: date, now: datetime) -> list[Occasion]:
    """Type 2 decisions (the decided ones) whose revisit date has come, for their deciders."""
    return _deciders_due(
        session,
        kind=DueWorkKind.REVISIT,
        status=DecisionStatus.DECIDED,
        due=col(Decision.revisit_on),
        today=today,
        now=now,
    )


def find_revisit_nudges(session: Session, *, now: datetime, after: timedelta) -> list[Occasion]:
    """Revisits sent `after` ago that nobody has acted on: the decision still has that date."""
    rows = session.exec(
        select(
            col(DueWork.team_id),
            col(DueWork.decision_id),
            col(DueWork.user_id),
            col(DueWork.due_on),
        )
        .join(Decision, col(Decision.id) == DueWork.decision_id)
        .where(
            DueWork.kind == DueWorkKind.REVISIT,
            col(DueWork.sent_at) <= now - after,
            Decision.status == DecisionStatus.DECIDED,
            col(Decision.revisit_on) == col(DueWork.due_on),
            _not_planned_nudge(),
        )
    ).all()
    return [
        Occasion(team_id, DueWorkKind.REVISIT_NUDGE, decision_id, user_id, due_on, now)
        for team_id, decision_id, user_id, due_on in rows
    ]


def find_commit_reminders(session: Session, *, today: date, now: datetime) -> list[Occasion]:
    """Type 1 stakeholders who haven't committed, from the day before the commit-by date."""
    rows = session.exec(
        select(
            col(Decision.team_id),
            col(Decision.id),
            col(Stakeholder.user_id),
            col(Decision.commit_by),
        )
        .join(Stakeholder, col(Stakeholder.decision_id) == Decision.id)
        .where(
            Decision.status == DecisionStatus.OPEN,
            col(Decision.commit_by) <= today + timedelta(days=1),
            col(Decision.commit_by) >= today,
            ~exists().where(
                col(Commitment.decision_id) == col(Decision.id),
                col(Commitment.user_id) == col(Stakeholder.user_id),
            ),
            _not_planned(
                DueWorkKind.COMMIT_REMINDER, col(Decision.commit_by), col(Stakeholder.user_id)
            ),
        )
    ).all()
    return [
        Occasion(team_id, DueWorkKind.COMMIT_REMINDER, decision_id, user_id, commit_by, now)
        for team_id, decision_id, user_id, commit_by in rows
        if decision_id is not None and commit_by is not None
    ]


def find_commit_summaries(session: Session, *, today: date, now: datetime) -> list[Occasion]:
    """Type 1 decisions at (or past) their commit-by date: a summary for the decider."""
    return _deciders_due(
        session,
        kind=DueWorkKind.COMMIT_SUMMARY,
        status=DecisionStatus.OPEN,
        due=col(Decision.commit_by),
        today=today,
        now=now,
    )


def find_dissent_reminders(session: Session, *, now: datetime, after: timedelta) -> list[Occasion]:
    """Dissent left unanswered for `after`: one reminder to the decider per dissent voiced."""
    rows = session.exec(
        select(
            col(Decision.team_id),
            col(Decision.id),
            col(Decision.decider_id),
            col(Dissent.created_at),
        )
        .join(Dissent, col(Dissent.decision_id) == Decision.id)
        .where(
            col(Decision.status) != DecisionStatus.CLOSED,
            col(Dissent.answered_at).is_(None),
            col(Dissent.created_at) <= now - after,
        )
    ).all()
    occasions = [
        Occasion(team_id, DueWorkKind.DISSENT_REMINDER, decision_id, decider_id, voiced.date(), now)
        for team_id, decision_id, decider_id, voiced in rows
        if decision_id is not None
    ]
    return occasions


WAITING_LOOKED_FOR = timedelta(days=1)


def _digest_wanted(statement: Any) -> Any:
    """Only channels whose digest is not turned off."""
    return statement.outerjoin(
        ChannelSettings,
        (col(ChannelSettings.team_id) == col(Decision.team_id))
        & (col(ChannelSettings.channel_id) == col(Decision.channel_id)),
    ).where(or_(col(ChannelSettings.digest_enabled).is_(None), col(ChannelSettings.digest_enabled)))


def _channels_with_something_waiting(session: Session, *, until: datetime) -> set[tuple[str, str]]:
    """Channels where the digest has something waiting to show however quiet the week was:
    an overdue revisit, dissent still unanswered, or a Type 1 decision open for input with
    commitments still awaited; each from before the week's end, which the digest is about."""
    today = until.date()
    channel = (
        select(col(Decision.team_id), col(Decision.channel_id))
        .where(col(Decision.created_at) < until)
        .distinct()
    )
    overdue = _digest_wanted(channel).where(
        col(Decision.status) == DecisionStatus.DECIDED, col(Decision.revisit_on) < today
    )
    unanswered = _digest_wanted(
        channel.join(Dissent, col(Dissent.decision_id) == col(Decision.id))
    ).where(
        col(Decision.status) != DecisionStatus.CLOSED,
        col(Dissent.answered_at).is_(None),
        col(Dissent.created_at) < until,
    )
    awaited = _digest_wanted(
        channel.join(Stakeholder, col(Stakeholder.decision_id) == col(Decision.id)).outerjoin(
            Commitment,
            (col(Commitment.decision_id) == col(Stakeholder.decision_id))
            & (col(Commitment.user_id) == col(Stakeholder.user_id)),
        )
    ).where(col(Decision.status) == DecisionStatus.OPEN, col(Commitment.id).is_(None))
    found: set[tuple[str, str]] = set()
    for statement in (overdue, unanswered, awaited):
        found.update((team_id, channel_id) for team_id, channel_id in session.exec(statement))
    return found


def find_digests(
    session: Session, *, since: datetime, until: datetime, week: str, now: datetime
) -> list[Occasion]:
    """A digest for each channel with decision activity in [since, until), or with something
    still waiting on someone (`_channels_with_something_waiting`), unless turned off."""
    active = _digest_wanted(
        select(col(Decision.team_id), col(Decision.channel_id))
        .join(DecisionEvent, col(DecisionEvent.decision_id) == col(Decision.id))
        .where(col(DecisionEvent.at) >= since, col(DecisionEvent.at) < until)
        .distinct()
    )
    channels = {(team_id, channel_id) for team_id, channel_id in session.exec(active)}
    # Looked for in the day after the digest's moment only: it reads every waiting thing of
    # every channel (about 0.1 s at 100,000 decisions), and once planned a digest stays planned.
    if now < until + WAITING_LOOKED_FOR:
        channels |= _channels_with_something_waiting(session, until=until)
    return [
        Occasion(
            team_id,
            DueWorkKind.DIGEST,
            None,
            None,
            until.date(),
            now,
            period=week,
            channel_id=channel_id,
        )
        for team_id, channel_id in sorted(channels)
    ]


def end_commit_periods(session: Session, *, today: date, now: datetime) -> list[Decision]:
    """Type 1 decisions whose commit-by date is over: they are decided now, noted in history."""
    ended = list(
        session.exec(
            select(Decision).where(
                Decision.status == DecisionStatus.OPEN, col(Decision.commit_by) < today
            )
        )
    )
    for decision in ended:
        decision.status = DecisionStatus.DECIDED
        decision.updated_at = now
        session.add(decision)
        repository.add_event(
            session,
            decision=decision,
            actor_id=SYSTEM_ACTOR,
            kind="commit_period_ended",
            at=now,
            detail={"commit_by": decision.commit_by},
        )
    return ended


# Keys looked up in one statement: two bound parameters each, well within SQLite's limit.
_KEYS_PER_QUERY = 500


def not_yet_planned(session: Session, occasions: list[Occasion]) -> list[Occasion]:
    """The occasions not stored yet: a sweep finds the same digests and reminders each time."""
    new: list[Occasion] = []
    for start in range(0, len(occasions), _KEYS_PER_QUERY):
        batch = occasions[start : start + _KEYS_PER_QUERY]
        stored = set(
            session.exec(
                select(col(DueWork.team_id), col(DueWork.dedupe_key)).where(
                    tuple_(col(DueWork.team_id), col(DueWork.dedupe_key)).in_(
                        [(o.team_id, o.dedupe_key) for o in batch]
                    )
                )
            ).all()
        )
        new += [o for o in batch if (o.team_id, o.dedupe_key) not in stored]
    return new


def plan(session: Session, occasions: list[Occasion]) -> int:
    """Stores each occasion once (by its dedupe key); returns how many were new."""
    if not occasions:
        return 0
    rows = [
        {
            "team_id": occasion.team_id,
            "dedupe_key": occasion.dedupe_key,
            "kind": occasion.kind,
            "decision_id": occasion.decision_id,
            "user_id": occasion.user_id,
            "channel_id": occasion.channel_id,
            "due_on": occasion.due_on,
            "due_at": occasion.due_at,
            "attempts": 0,
        }
        for occasion in occasions
    ]
    statement = (
        insert_for(session)(DueWork)
        .on_conflict_do_nothing(index_elements=["team_id", "dedupe_key"])
        .returning(col(DueWork.id))
    )
    return len(session.connection().execute(statement, rows).all())


def claim(
    session: Session, *, owner: str, now: datetime, lease: timedelta, limit: int
) -> list[DueWork]:
    """Leases up to `limit` unsent rows that are due and not leased by a live claim.

    One statement: PostgreSQL skips rows another process's claim has locked (FOR UPDATE SKIP
    LOCKED), and SQLite, which renders no FOR UPDATE, has only one writer at a time.
    """
    claimable = (
        select(col(DueWork.id))
        .where(
            col(DueWork.sent_at).is_(None),
            col(DueWork.due_at) <= now,
            or_(col(DueWork.lease_until).is_(None), col(DueWork.lease_until) <= now),
        )
        .order_by(col(DueWork.due_at), col(DueWork.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = (
        update(DueWork)
        .where(col(DueWork.id).in_(claimable.scalar_subquery()))
        .values(lease_owner=owner, lease_until=now + lease, attempts=DueWork.attempts + 1)
        .returning(DueWork)
    )
    return sorted(session.scalars(claimed).all(), key=lambda work: work.id or 0)


def mark_sending(session: Session, *, work_id: int, owner: str, now: datetime) -> bool:
    """Notes that the message is about to go to Slack, if this owner still holds the work.
    Already noted: a process stopped mid-send before, which is counted."""
    result = session.connection().execute(
        update(DueWork)
        .where(col(DueWork.id) == work_id, col(DueWork.lease_owner) == owner)
        .values(
            sending_since=now,
            interrupted_sends=DueWork.interrupted_sends
            + case((col(DueWork.sending_since).is_(None), 0), else_=1),
        )
    )
    return bool(result.rowcount)


def mark_sent(
    session: Session,
    *,
    work_id: int,
    owner: str,
    now: datetime,
    message_ts: str | None,
    then: Occasion | None = None,
) -> bool:
    """Records the work as sent, if this owner still holds it, and plans `then` (what must
    follow it) in the same transaction, so that it can't be lost in between."""
    result = session.connection().execute(
        update(DueWork)
        .where(col(DueWork.id) == work_id, col(DueWork.lease_owner) == owner)
        .values(
            sent_at=now,
            message_ts=message_ts,
            lease_until=None,
            last_error=None,
            sending_since=None,
        )
    )
    if result.rowcount and then is not None:
        plan(session, [then])
    return bool(result.rowcount)


def put_off(
    session: Session,
    *,
    work_id: int,
    owner: str,
    until: datetime,
    error: str | None,
    not_sent: bool = True,
) -> None:
    """Gives the lease back and asks for the work again at `until` (working hours, a retry).
    `not_sent` False: the send failed in a way (a timeout, say) that Slack may have taken."""
    values: dict[str, Any] = {
        "due_at": until,
        "lease_owner": None,
        "lease_until": None,
        "last_error": error,
    }
    if not_sent:
        values["sending_since"] = None
    session.connection().execute(
        update(DueWork)
        .where(col(DueWork.id) == work_id, col(DueWork.lease_owner) == owner)
        .values(**values)
    )
