"""The queries behind a channel's weekly digest. Each is scoped to one team and one channel,
so a private channel's decisions only ever reach its own digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from storage.models import (
    ChannelSettings,
    Commitment,
    Decision,
    DecisionEvent,
    DecisionReview,
    DecisionStatus,
    DecisionType,
    Dissent,
    Ending,
    Stakeholder,
)

_STAKEHOLDERS_COMMITMENT = (col(Commitment.decision_id) == col(Stakeholder.decision_id)) & (
    col(Commitment.user_id) == col(Stakeholder.user_id)
)


@dataclass(frozen=True)
class FullCommitment:
    decision_id: int
    recorded_at: datetime
    last_commitment_at: datetime


def channel_decisions(
    session: Session, *, team_id: str, channel_id: str, since: datetime, revisits_until: date
) -> list[Decision]:
    """Recorded since `since`, still open, withdrawn or superseded since then, or with a revisit
    due from then to `revisits_until`.

    Older overdue revisits are counted by `overdue_revisits`, not loaded: they can be many.
    """
    statement = select(Decision).where(
        Decision.team_id == team_id,
        Decision.channel_id == channel_id,
        or_(
            col(Decision.created_at) >= since,
            col(Decision.status) == DecisionStatus.OPEN,
            (col(Decision.closed_at) >= since)
            & col(Decision.ended_as).in_([Ending.WITHDRAWN, Ending.SUPERSEDED]),
            (col(Decision.status) == DecisionStatus.DECIDED)
            & (col(Decision.revisit_on) >= since.date())
            & (col(Decision.revisit_on) < revisits_until),
        ),
    )
    return list(session.exec(statement).all())


def overdue_revisits(
    session: Session, *, team_id: str, channel_id: str, before: date, limit: int
) -> tuple[int, list[Decision]]:
    """How many decided decisions' revisits are overdue, and the `limit` longest overdue."""
    overdue = (
        Decision.team_id == team_id,
        Decision.channel_id == channel_id,
        col(Decision.status) == DecisionStatus.DECIDED,
        col(Decision.revisit_on) < before,
    )
    count = session.exec(select(func.count()).select_from(Decision).where(*overdue)).one()
    oldest = session.exec(
        select(Decision).where(*overdue).order_by(col(Decision.revisit_on)).limit(limit)
    ).all()
    return int(count), list(oldest)


def uncommitted_stakeholders(
    session: Session, *, team_id: str, decision_ids: list[int]
) -> dict[int, list[str]]:
    rows = session.exec(
        select(col(Stakeholder.decision_id), col(Stakeholder.user_id))
        .outerjoin(
            Commitment,
            _STAKEHOLDERS_COMMITMENT,
        )
        .where(
            Stakeholder.team_id == team_id,
            col(Stakeholder.decision_id).in_(decision_ids),
            col(Commitment.id).is_(None),
        )
        .order_by(col(Stakeholder.user_id))
    ).all()
    waiting: dict[int, list[str]] = {}
    for decision_id, user_id in rows:
        waiting.setdefault(decision_id, []).append(user_id)
    return waiting


def channel_dissents(
    session: Session, *, team_id: str, channel_id: str, since: datetime
) -> list[tuple[Dissent, str]]:
    """Dissent voiced since `since` or still unanswered, with its decision's title."""
    rows = session.exec(
        select(Dissent, Decision.title)
        .join(Decision, col(Decision.id) == col(Dissent.decision_id))
        .where(
            Decision.team_id == team_id,
            Decision.channel_id == channel_id,
            col(Decision.status) != DecisionStatus.CLOSED,
            or_(col(Dissent.created_at) >= since, col(Dissent.answered_at).is_(None)),
        )
    ).all()
    return [(dissent, title) for dissent, title in rows]


def channel_reviews(
    session: Session, *, team_id: str, channel_id: str, due_since: date
) -> list[tuple[DecisionReview, str]]:
    rows = session.exec(
        select(DecisionReview, Decision.title)
        .join(Decision, col(Decision.id) == col(DecisionReview.decision_id))
        .where(
            Decision.team_id == team_id,
            Decision.channel_id == channel_id,
            col(DecisionReview.due_on) >= due_since,
        )
    ).all()
    return [(review, title) for review, title in rows]


def full_commitments(
    session: Session, *, team_id: str, channel_id: str, since: datetime
) -> list[FullCommitment]:
    """Type 1 decisions whose every stakeholder has committed, the last of them since `since`."""
    last = func.max(Commitment.committed_at)
    rows = session.exec(
        select(col(Decision.id), col(Decision.created_at), last)
        .join(Stakeholder, col(Stakeholder.decision_id) == col(Decision.id))
        .outerjoin(
            Commitment,
            _STAKEHOLDERS_COMMITMENT,
        )
        .where(
            Decision.team_id == team_id,
            Decision.channel_id == channel_id,
            Decision.decision_type == DecisionType.TYPE_1,
        )
        .group_by(col(Decision.id))
        .having(func.count(col(Stakeholder.user_id)) == func.count(col(Commitment.id)))
        .having(last >= since)
    ).all()
    return [
        FullCommitment(decision_id, recorded_at, last_at)
        for decision_id, recorded_at, last_at in rows
        if decision_id is not None and last_at is not None
    ]


def type_changes(session: Session, *, team_id: str, decision_ids: list[int]) -> dict[int, datetime]:
    """When each decision's type was last changed, for those that were."""
    rows = session.exec(
        select(col(DecisionEvent.decision_id), func.max(DecisionEvent.at))
        .where(
            DecisionEvent.team_id == team_id,
            col(DecisionEvent.decision_id).in_(decision_ids),
            DecisionEvent.kind == "type_changed",
        )
        .group_by(col(DecisionEvent.decision_id))
    ).all()
    return {decision_id: at for decision_id, at in rows}


def digest_enabled(session: Session, *, team_id: str, channel_id: str) -> bool:
    settings = session.get(ChannelSettings, (team_id, channel_id))
    return settings is None or settings.digest_enabled


def set_digest_enabled(
    session: Session, *, team_id: str, channel_id: str, enabled: bool, by: str, at: datetime
) -> None:
    settings = session.get(ChannelSettings, (team_id, channel_id)) or ChannelSettings(
        team_id=team_id, channel_id=channel_id, updated_by=by, updated_at=at
    )
    settings.digest_enabled, settings.updated_by, settings.updated_at = enabled, by, at
    session.add(settings)
