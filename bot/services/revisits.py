"""Revisiting a decision: keep it, reverse it (Type 2 only), look again later; and was it right.

A Type 2 decision is revisited on its revisit date; a Type 1 decision may have an outcome review,
the same flow without Reverse, since a one-way door can't be walked back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from bot.services.decisions import (
    DecisionDraft,
    RecordedDecision,
    check_can_manage,
    check_date,
    record_decision,
)
from bot.services.endings import SUPERSEDE, end, mark_superseded
from bot.services.errors import DecisionError, InvalidInput, NotAllowed, check_length
from bot.services.lookup import require_decision
from bot.services.permissions import Actor, ensure_can_manage
from storage import repository
from storage.db import Database
from storage.models import (
    Decision,
    DecisionReview,
    DecisionStatus,
    DecisionType,
    Disposition,
    Dissent,
    DissentCall,
    Ending,
    Outcome,
)
from storage.repository import DecisionRecord

REASON_MAX = 3000
LEARNED_MAX = 3000
RECORD_IT = "record what to do at its revisit"


class AlreadyRevisited(DecisionError):
    pass


@dataclass(frozen=True)
class RevisitAnswer:
    """What the decider chose in the revisit form."""

    disposition: Disposition
    next_revisit_on: date | None = None
    reason: str = ""
    outcome: Outcome | None = None
    learned: str = ""
    # Type 2: was it as cheap to undo as we thought? Type 1: was it really a one-way door?
    door_called_right: bool | None = None
    # The decider's call on each dissent still open to one, by dissent id.
    dissent_calls: Mapping[int, DissentCall] = field(default_factory=dict)


@dataclass(frozen=True)
class Revisited:
    record: DecisionRecord
    proved_right: list[Dissent]  # dissents called as come true at this revisit


def dissents_to_call(record: DecisionRecord) -> list[Dissent]:
    """The dissents the decider is asked about at a revisit: those not yet called either way."""
    return [d for d in record.dissents if not d.is_settled]


def _call_dissents(
    session: Session,
    decision: Decision,
    calls: Mapping[int, DissentCall],
    actor_id: str,
    now: datetime,
) -> list[Dissent]:
    """Stores the decider's calls; returns the dissents that proved right by this one.

    A call on a dissent that is already settled, or isn't this decision's, is not applied:
    the form was drawn before someone else answered this revisit, or it was forged.
    """
    proved_right = []
    for dissent_id, call in calls.items():
        dissent = repository.get_dissent(session, team_id=decision.team_id, dissent_id=dissent_id)
        if dissent is None or dissent.decision_id != decision.id or dissent.is_settled:
            continue
        dissent.called, dissent.called_by, dissent.called_at = call, actor_id, now
        session.add(dissent)
        if dissent.proved_right:
            proved_right.append(dissent)
    return proved_right


def validate_answer(answer: RevisitAnswer, now: datetime) -> None:
    """Raises InvalidInput naming each field that is wrong."""
    errors: dict[str, str] = {}
    reason, learned = answer.reason.strip(), answer.learned.strip()
    reversing = answer.disposition is Disposition.REVERSE
    why_reversed = "Say why it is being reversed." if reversing else ""
    check_length(errors, "revisit_reason", reason, REASON_MAX, why_reversed)
    check_length(errors, "revisit_learned", learned, LEARNED_MAX)
    if answer.disposition is Disposition.LATER and answer.next_revisit_on is None:
        errors["next_revisit_on"] = "Pick the date to look at it again."
    problem = check_date(answer.next_revisit_on, now, "The next revisit date")
    if problem:
        errors["next_revisit_on"] = problem
    if errors:
        raise InvalidInput(errors)


def _ensure_still_due(decision: Decision, due_on: date) -> None:
    if decision.status is not DecisionStatus.DECIDED or decision.revisit_on != due_on:
        raise AlreadyRevisited(
            f"The revisit of \u201c{decision.title}\u201d on {due_on.isoformat()} has already "
            "been answered."
        )


def _ensure_reversible(decision: Decision, disposition: Disposition) -> None:
    if disposition is Disposition.REVERSE and decision.decision_type is DecisionType.TYPE_1:
        raise NotAllowed(
            f"\u201c{decision.title}\u201d is a Type 1 decision (a one-way door): it can't be "
            "reversed at its outcome review. Keep it, or supersede it with a new decision."
        )


async def ensure_can_revisit(
    db: Database,
    actor: Actor,
    *,
    decision_id: int,
    due_on: date,
    disposition: Disposition | None = None,
) -> Decision:
    """Checked before the revisit form opens: the revisit is still open, and theirs to answer."""
    decision, _ = await check_can_manage(db, actor, decision_id=decision_id, what=RECORD_IT)
    _ensure_still_due(decision, due_on)
    if disposition is not None:
        _ensure_reversible(decision, disposition)
    return decision


async def record_revisit(
    db: Database,
    actor: Actor,
    *,
    decision_id: int,
    due_on: date,
    answer: RevisitAnswer,
    now: datetime,
) -> Revisited:
    """Applies the disposition, stores it with the outcome and the calls on dissent, and
    notes it in the history."""
    validate_answer(answer, now)
    team_id, actor_id = actor.team_id, actor.user_id
    _, actor_is_admin = await check_can_manage(db, actor, decision_id=decision_id, what=RECORD_IT)

    def write(session: Session) -> Revisited:
        decision = require_decision(session, team_id=team_id, decision_id=decision_id, lock=True)
        ensure_can_manage(decision, actor, actor_is_admin=actor_is_admin, what=RECORD_IT)
        _ensure_still_due(decision, due_on)
        _ensure_reversible(decision, answer.disposition)
        proved_right = _call_dissents(session, decision, answer.dissent_calls, actor_id, now)
        if answer.disposition is Disposition.REVERSE:
            end(decision, Ending.REVERSED, now, reason=answer.reason.strip())
        else:
            decision.revisit_on = answer.next_revisit_on
        decision.updated_at = now
        session.add(decision)
        review = DecisionReview(
            decision_id=decision_id,
            team_id=team_id,
            due_on=due_on,
            disposition=answer.disposition,
            reason=answer.reason.strip() or None,
            next_revisit_on=answer.next_revisit_on,
            outcome=answer.outcome,
            door_called_right=answer.door_called_right,
            learned=answer.learned.strip() or None,
            recorded_by=actor_id,
            recorded_at=now,
        )
        session.add(review)
        repository.add_event(
            session,
            decision=decision,
            actor_id=actor_id,
            kind="revisited",
            at=now,
            detail={
                "due_on": due_on,
                "disposition": answer.disposition,
                "reason": review.reason,
                "next_revisit_on": answer.next_revisit_on,
                "outcome": answer.outcome,
                "door_called_right": answer.door_called_right,
                "learned": review.learned,
                "dissent_calls": {str(i): call for i, call in answer.dissent_calls.items()},
            },
        )
        return Revisited(repository.decision_record(session, decision), proved_right)

    return await db.write(write)


async def list_reviews(db: Database, *, team_id: str, decision_id: int) -> list[DecisionReview]:
    return await db.read(
        lambda session: repository.list_reviews(session, team_id=team_id, decision_id=decision_id)
    )


async def record_superseding_decision(
    db: Database,
    actor: Actor,
    *,
    draft: DecisionDraft,
    now: datetime,
    source_view_id: str | None,
    old_decision_id: int,
    due_on: date | None,
) -> RecordedDecision:
    """Records the new decision and, in the same transaction, marks the old one superseded.

    `actor` is the person recording it (the draft's recorder). `due_on` is the revisit it
    answers, when superseded at a revisit rather than from the card.
    """
    actor_id = actor.user_id
    what = RECORD_IT if due_on else SUPERSEDE
    _, actor_is_admin = await check_can_manage(
        db, actor, decision_id=old_decision_id, what=what, open_only=due_on is not None
    )

    def supersede_the_old_one(session: Session, new: Decision) -> None:
        old = require_decision(
            session,
            team_id=draft.team_id,
            decision_id=old_decision_id,
            open_only=due_on is not None,
            lock=True,
        )
        ensure_can_manage(old, actor, actor_is_admin=actor_is_admin, what=what)
        if due_on is not None:
            _ensure_still_due(old, due_on)
            session.add(
                DecisionReview(
                    decision_id=old_decision_id,
                    team_id=draft.team_id,
                    due_on=due_on,
                    disposition=Disposition.SUPERSEDE,
                    reason=f"Superseded by \u201c{new.title}\u201d.",
                    recorded_by=actor_id,
                    recorded_at=now,
                )
            )
        mark_superseded(session, old=old, new=new, actor_id=actor_id, now=now, due_on=due_on)

    return await record_decision(
        db, draft=draft, now=now, source_view_id=source_view_id, also=supersede_the_old_one
    )
