"""Every query decisionbot makes. Keyword-only, team-scoped, inside the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Commitment, Decision, DecisionEvent, Dissent, Stakeholder


@dataclass(frozen=True)
class DecisionRecord:
    """A decision with everything its card shows: who was asked, who committed, who dissented."""

    decision: Decision
    stakeholder_ids: list[str]
    commitments: dict[str, Commitment]
    dissents: list[Dissent] = field(default_factory=list)

    @property
    def id(self) -> int:
        assert self.decision.id is not None
        return self.decision.id


async def insert_decision(
    session: AsyncSession, *, decision: Decision, stakeholder_ids: Sequence[str]
) -> Decision:
    session.add(decision)
    await session.flush()
    assert decision.id is not None
    for user_id in dict.fromkeys(stakeholder_ids):
        session.add(Stakeholder(decision_id=decision.id, user_id=user_id, team_id=decision.team_id))
    await session.flush()
    return decision


async def get_decision(session: AsyncSession, *, team_id: str, decision_id: int) -> Decision | None:
    statement = select(Decision).where(Decision.team_id == team_id, Decision.id == decision_id)
    return (await session.exec(statement)).first()


async def find_decision_by_view(
    session: AsyncSession, *, team_id: str, source_view_id: str
) -> Decision | None:
    statement = select(Decision).where(
        Decision.team_id == team_id, Decision.source_view_id == source_view_id
    )
    return (await session.exec(statement)).first()


async def load_decision_record(
    session: AsyncSession, *, team_id: str, decision_id: int
) -> DecisionRecord | None:
    decision = await get_decision(session, team_id=team_id, decision_id=decision_id)
    if decision is None:
        return None
    stakeholders = await session.exec(
        select(Stakeholder.user_id)
        .where(Stakeholder.team_id == team_id, Stakeholder.decision_id == decision_id)
        .order_by(col(Stakeholder.user_id))
    )
    commitments = await session.exec(
        select(Commitment)
        .where(Commitment.team_id == team_id, Commitment.decision_id == decision_id)
        .order_by(col(Commitment.committed_at))
    )
    dissents = await session.exec(
        select(Dissent)
        .where(Dissent.team_id == team_id, Dissent.decision_id == decision_id)
        .order_by(col(Dissent.created_at))
    )
    return DecisionRecord(
        decision=decision,
        stakeholder_ids=list(stakeholders.all()),
        commitments={commitment.user_id: commitment for commitment in commitments.all()},
        dissents=list(dissents.all()),
    )


async def get_commitment(
    session: AsyncSession, *, team_id: str, decision_id: int, user_id: str
) -> Commitment | None:
    statement = select(Commitment).where(
        Commitment.team_id == team_id,
        Commitment.decision_id == decision_id,
        Commitment.user_id == user_id,
    )
    return (await session.exec(statement)).first()


async def get_dissent(session: AsyncSession, *, team_id: str, dissent_id: int) -> Dissent | None:
    statement = select(Dissent).where(Dissent.team_id == team_id, Dissent.id == dissent_id)
    return (await session.exec(statement)).first()


async def get_dissent_by_person(
    session: AsyncSession, *, team_id: str, decision_id: int, user_id: str
) -> Dissent | None:
    statement = select(Dissent).where(
        Dissent.team_id == team_id, Dissent.decision_id == decision_id, Dissent.user_id == user_id
    )
    return (await session.exec(statement)).first()


async def add_event(
    session: AsyncSession,
    *,
    decision: Decision,
    actor_id: str,
    kind: str,
    at: datetime,
    detail: dict[str, Any] | None = None,
) -> None:
    assert decision.id is not None
    session.add(
        DecisionEvent(
            decision_id=decision.id,
            team_id=decision.team_id,
            actor_id=actor_id,
            kind=kind,
            detail=json.dumps(detail or {}, sort_keys=True, default=str),
            at=at,
        )
    )
    await session.flush()


async def list_events(
    session: AsyncSession, *, team_id: str, decision_id: int
) -> list[DecisionEvent]:
    statement = (
        select(DecisionEvent)
        .where(DecisionEvent.team_id == team_id, DecisionEvent.decision_id == decision_id)
        .order_by(col(DecisionEvent.at), col(DecisionEvent.id))
    )
    return list((await session.exec(statement)).all())


async def list_all_decision_ids(session: AsyncSession) -> list[tuple[str, int]]:
    """(team_id, decision_id) for every decision, oldest first: what an export walks over."""
    statement = select(Decision.team_id, Decision.id).order_by(col(Decision.id))
    return [
        (team_id, decision_id)
        for team_id, decision_id in (await session.exec(statement)).all()
        if decision_id is not None
    ]
