"""Explicit commitments: agree and commit, or disagree and commit. One stance per person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.services.lookup import ensure_usable
from bot.services.permissions import Actor
from storage import repository
from storage.db import Database
from storage.models import Stance


@dataclass(frozen=True)
class CommitmentOutcome:
    team_id: str
    decision_id: int
    stance: Stance
    previous: Stance | None

    @property
    def changed(self) -> bool:
        return self.stance is not self.previous


async def record_commitment(
    db: Database, actor: Actor, *, decision_id: int, stance: Stance, now: datetime
) -> CommitmentOutcome:
    """Stores the stance; the same stance twice changes nothing, a new one replaces the old.

    Only the write happens here, because the click waits for it; the card is redrawn later.
    """
    team_id, user_id = actor.team_id, actor.user_id

    def write(session: Session) -> CommitmentOutcome:
        found = repository.stance_on_decision(
            session, team_id=team_id, decision_id=decision_id, user_id=user_id
        )
        previous = ensure_usable(found).stance
        if previous is not stance:
            repository.save_stance(
                session,
                team_id=team_id,
                decision_id=decision_id,
                user_id=user_id,
                stance=stance,
                previous=previous,
                at=now,
            )
        return CommitmentOutcome(
            team_id=team_id, decision_id=decision_id, stance=stance, previous=previous
        )

    return await db.write(write)
