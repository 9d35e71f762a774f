"""Finding the decision an action is about, with the message to show when it can't be used."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.services.errors import DecisionClosed, NotFound
from storage import repository
from storage.models import Decision, DecisionStatus


async def require_decision(
    session: AsyncSession, *, team_id: str, decision_id: int, open_only: bool = True
) -> Decision:
    decision = await repository.get_decision(session, team_id=team_id, decision_id=decision_id)
    if decision is None:
        raise NotFound("That decision no longer exists.")
    if open_only and decision.status is DecisionStatus.CLOSED:
        raise DecisionClosed(
            f"\u201c{decision.title}\u201d is closed, so it can't change any more."
        )
    return decision


async def reload_record(
    session: AsyncSession, *, team_id: str, decision_id: int
) -> repository.DecisionRecord:
    record = await repository.load_decision_record(
        session, team_id=team_id, decision_id=decision_id
    )
    if record is None:
        raise NotFound("That decision no longer exists.")
    return record
