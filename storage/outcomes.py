"""The queries behind learning from outcomes: how looks back scored the decider's confidence,
whether doors were called right, and whose dissent proved right.

Each is scoped to one team, and to one channel or to one decider, so that a private
channel's figures only reach that channel and the person whose own they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import Decision, DecisionReview, DecisionType, Dissent, DissentCall, Outcome


@dataclass(frozen=True)
class Scope:
    """One channel's decisions, or one decider's in every channel."""

    team_id: str
    channel_id: str | None = None
    decider_id: str | None = None

    def of_decisions(self) -> list[Any]:
        where = [Decision.team_id == self.team_id]
        if self.channel_id is not None:
            where.append(Decision.channel_id == self.channel_id)
        if self.decider_id is not None:
            where.append(Decision.decider_id == self.decider_id)
        return where


@dataclass(frozen=True)
class LookBack:
    """One revisit or outcome review, with what it scores."""

    decision_type: DecisionType
    confidence: int | None
    outcome: Outcome | None
    door_called_right: bool | None


def confidences_stated(session: Session, scope: Scope, *, since: datetime) -> list[int]:
    """The confidence of each decision recorded since `since` that stated one."""
    rows = session.exec(
        select(Decision.confidence).where(
            *scope.of_decisions(),
            col(Decision.created_at) >= since,
            col(Decision.confidence).is_not(None),
        )
    ).all()
    return [c for c in rows if c is not None]


def looks_back(session: Session, scope: Scope, *, since: datetime) -> list[LookBack]:
    """Every revisit and outcome review recorded since `since`."""
    rows = session.exec(
        select(
            Decision.decision_type,
            Decision.confidence,
            DecisionReview.outcome,
            DecisionReview.door_called_right,
        )
        .join(Decision, col(Decision.id) == col(DecisionReview.decision_id))
        .where(
            *scope.of_decisions(),
            DecisionReview.team_id == scope.team_id,
            col(DecisionReview.recorded_at) >= since,
        )
    ).all()
    return [LookBack(*row) for row in rows]


def dissent_proved_right(
    session: Session, scope: Scope, *, since: datetime, until: datetime | None = None
) -> list[tuple[Dissent, str]]:
    """Dissent on the scope's decisions called as come true from `since`, with each title."""
    statement = (
        select(Dissent, Decision.title)
        .join(Decision, col(Decision.id) == col(Dissent.decision_id))
        .where(
            *scope.of_decisions(),
            Dissent.team_id == scope.team_id,
            col(Dissent.called) == DissentCall.CAME_TRUE,
            col(Dissent.called_at) >= since,
        )
        .order_by(col(Dissent.called_at))
    )
    if until is not None:
        statement = statement.where(col(Dissent.called_at) < until)
    return [(dissent, title) for dissent, title in session.exec(statement).all()]


@dataclass(frozen=True)
class DissentRecord:
    """One person's dissent: how much they voiced, how much was called, and how much proved right."""

    voiced: int
    called: int
    proved_right: int


def dissent_record(session: Session, *, team_id: str, user_id: str) -> DissentRecord:
    settled = (DissentCall.CAME_TRUE, DissentCall.DID_NOT)
    rows = session.exec(
        select(Dissent.called, func.count())
        .where(Dissent.team_id == team_id, Dissent.user_id == user_id)
        .group_by(col(Dissent.called))
    ).all()
    counts = {called: count for called, count in rows}
    return DissentRecord(
        voiced=sum(counts.values()),
        called=sum(counts.get(c, 0) for c in settled),
        proved_right=counts.get(DissentCall.CAME_TRUE, 0),
    )
