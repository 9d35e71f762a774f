"""Dissent with its reasons, and the decider's answer: what was heard and how it was weighed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.services.errors import InvalidInput, NotAllowed, NotFound, check_length
from bot.services.lookup import require_decision
from bot.services.permissions import Actor, ensure_is_decider
from storage import repository
from storage.db import Database
from storage.models import Decision, Dissent
from storage.repository import DecisionRecord

REASON_MAX = 3000
WOULD_CHANGE_MAX = 1000
PREDICTION_MAX = 1000
ANSWER_MAX = 3000


@dataclass(frozen=True)
class DissentOutcome:
    record: DecisionRecord
    dissent: Dissent
    changed: bool


async def ensure_can_dissent(db: Database, actor: Actor, *, decision_id: int) -> Decision:
    """Checked before the dissent form opens, so nobody writes reasons that can't be stored."""
    decision = await db.read(
        lambda session: require_decision(session, team_id=actor.team_id, decision_id=decision_id)
    )
    if actor.user_id == decision.decider_id:
        raise NotAllowed(
            "You're the decider, so there is no one to answer your dissent. "
            "Change or close the decision instead."
        )
    return decision


async def record_dissent(
    db: Database,
    actor: Actor,
    *,
    decision_id: int,
    reason: str,
    would_change_mind: str,
    prediction: str = "",
    now: datetime,
) -> DissentOutcome:
    """Stores a person's dissent; voicing it again replaces it and asks the decider anew.

    `prediction` is what would show the dissenter was right, called at the revisit.
    """
    reason, would_change_mind = reason.strip(), would_change_mind.strip()
    prediction = prediction.strip()
    errors: dict[str, str] = {}
    check_length(errors, "dissent_reason", reason, REASON_MAX, "Say why you disagree.")
    check_length(errors, "dissent_would_change", would_change_mind, WOULD_CHANGE_MAX)
    check_length(errors, "dissent_prediction", prediction, PREDICTION_MAX)
    if errors:
        raise InvalidInput(errors)
    await ensure_can_dissent(db, actor, decision_id=decision_id)
    team_id, user_id = actor.team_id, actor.user_id

    def write(session: Session) -> DissentOutcome:
        decision = require_decision(session, team_id=team_id, decision_id=decision_id, lock=True)
        dissent = repository.get_dissent_by_person(
            session, team_id=team_id, decision_id=decision_id, user_id=user_id
        )
        unchanged = (
            dissent is not None
            and dissent.reason == reason
            and (dissent.would_change_mind or "") == would_change_mind
            and (dissent.prediction or "") == prediction
        )
        if dissent is None:
            dissent = Dissent(
                decision_id=decision_id,
                team_id=team_id,
                user_id=user_id,
                reason=reason,
                created_at=now,
            )
        if not unchanged:
            dissent.reason = reason
            dissent.would_change_mind = would_change_mind or None
            dissent.prediction = prediction or None
            dissent.created_at = now
            # A dissent voiced anew is answered anew, and called anew at the revisit.
            dissent.heard = dissent.weighed = dissent.answered_by = None
            dissent.answered_at = None
            dissent.called = dissent.called_by = dissent.called_at = None
            session.add(dissent)
            session.flush()
            repository.add_event(
                session,
                decision=decision,
                actor_id=user_id,
                kind="dissented",
                at=now,
                detail={
                    "dissent_id": dissent.id,
                    "reason": reason,
                    "would_change_mind": would_change_mind,
                    "prediction": prediction,
                },
            )
        record = repository.decision_record(session, decision)
        return DissentOutcome(record=record, dissent=dissent, changed=not unchanged)

    return await db.write(write)


async def find_dissent_to_answer(
    db: Database, actor: Actor, *, dissent_id: int
) -> tuple[DecisionRecord, Dissent]:
    """The dissent and its decision, if the actor is the decider and the decision is open."""
    team_id = actor.team_id

    def read(session: Session) -> tuple[DecisionRecord, Dissent]:
        dissent = repository.get_dissent(session, team_id=team_id, dissent_id=dissent_id)
        if dissent is None:
            raise NotFound("That dissent no longer exists.")
        decision = require_decision(
            session, team_id=team_id, decision_id=dissent.decision_id, lock=True
        )
        ensure_is_decider(decision, actor, "answer dissent on this decision")
        return repository.decision_record(session, decision), dissent

    return await db.read(read)


async def answer_dissent(
    db: Database,
    actor: Actor,
    *,
    dissent_id: int,
    heard: str,
    weighed: str,
    now: datetime,
) -> DissentOutcome:
    """Stores the decider's answer; the same answer twice changes nothing."""
    heard, weighed = heard.strip(), weighed.strip()
    errors: dict[str, str] = {}
    check_length(errors, "answer_heard", heard, ANSWER_MAX, "Say what you heard in this dissent.")
    check_length(errors, "answer_weighed", weighed, ANSWER_MAX, "Say how you weighed it.")
    if errors:
        raise InvalidInput(errors)
    team_id = actor.team_id

    def write(session: Session) -> DissentOutcome:
        dissent = repository.get_dissent(session, team_id=team_id, dissent_id=dissent_id)
        if dissent is None:
            raise NotFound("That dissent no longer exists.")
        decision = require_decision(
            session, team_id=team_id, decision_id=dissent.decision_id, lock=True
        )
        ensure_is_decider(decision, actor, "answer dissent on this decision")
        changed = (dissent.heard, dissent.weighed) != (heard, weighed)
        if changed:
            dissent.heard, dissent.weighed = heard, weighed
            dissent.answered_by, dissent.answered_at = actor.user_id, now
            session.add(dissent)
            repository.add_event(
                session,
                decision=decision,
                actor_id=actor.user_id,
                kind="dissent_answered",
                at=now,
                detail={"dissent_id": dissent.id, "heard": heard, "weighed": weighed},
            )
        record = repository.decision_record(session, decision)
        return DissentOutcome(record=record, dissent=dissent, changed=changed)

    return await db.write(write)
