"""Explicit commitments: agree and commit, or disagree and commit. One stance per person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services.lookup import require_decision
from storage import repository
from storage.db import Database
from storage.models import Commitment, Decision, Stance


@dataclass(frozen=True)
class CommitmentOutcome:
    decision: Decision
    stance: Stance
    previous: Stance | None

    @property
    def changed(self) -> bool:
        return self.stance is not self.previous


async def record_commitment(
    db: Database, *, team_id: str, decision_id: int, user_id: str, stance: Stance, now: datetime
) -> CommitmentOutcome:
    """Stores the stance; the same stance twice changes nothing, a new one replaces the old.

    Only the write happens here, because the click waits for it; the card is redrawn later.
    """
    async with db.transaction() as session:
        decision = await require_decision(session, team_id=team_id, decision_id=decision_id)
        existing = await repository.get_commitment(
            session, team_id=team_id, decision_id=decision_id, user_id=user_id
        )
        previous = existing.stance if existing else None
        if previous is not stance:
            commitment = existing or Commitment(
                decision_id=decision_id,
                team_id=team_id,
                user_id=user_id,
                stance=stance,
                committed_at=now,
            )
            commitment.stance = stance
            commitment.committed_at = now
            session.add(commitment)
            await repository.add_event(
                session,
                decision=decision,
                actor_id=user_id,
                kind="committed",
                at=now,
                detail={"stance": stance, "previous": previous},
            )
    return CommitmentOutcome(decision=decision, stance=stance, previous=previous)
