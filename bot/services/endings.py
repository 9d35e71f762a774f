"""How a decision ends: closed (it stands, commitments final), withdrawn, or superseded.

Each is for the decider, the recorder or an admin. Each sets the status to CLOSED, so nothing asks
for commitments or revisits it again, and `ended_as` says how it ended. Only a decision that
still stands can be withdrawn or superseded; a closed one still stands.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from bot.parsing import read_number
from bot.services.decisions import check_can_manage, manage_decision
from bot.services.errors import DecisionClosed, InvalidInput, check_length
from bot.services.finding import Asker, not_visible
from bot.services.lookup import require_decision
from bot.services.permissions import Actor, ensure_can_manage
from storage import repository
from storage.db import Database
from storage.models import Decision, DecisionStatus, Ending
from storage.repository import DecisionRecord

CLOSE = "close it"
WITHDRAW = "withdraw it"
SUPERSEDE = "mark it superseded"
WITHDRAW_REASON_MAX = 1000
# The form fields these rules speak about (block ids of the withdraw and supersede forms).
WITHDRAW_REASON_FIELD = "withdraw_reason"
SUPERSEDED_BY_FIELD = "superseded_by"

ENDED_WORD = {
    Ending.WITHDRAWN: "withdrawn",
    Ending.SUPERSEDED: "superseded",
    Ending.REVERSED: "reversed",
}


def ensure_still_stands(decision: Decision) -> None:
    if not decision.still_stands:
        assert decision.ended_as is not None
        raise DecisionClosed(
            f"\u201c{decision.title}\u201d was {ENDED_WORD[decision.ended_as]} already, "
            "so it can't change any more."
        )


def end(decision: Decision, how: Ending, now: datetime, *, reason: str | None = None) -> None:
    """Closes the decision as `how`; one that no longer stands has nothing left to revisit."""
    decision.status = DecisionStatus.CLOSED
    decision.ended_as = how
    decision.end_reason = reason
    decision.closed_at = decision.updated_at = now
    if how is not Ending.CLOSED:
        decision.revisit_on = None


async def ensure_can_end(db: Database, actor: Actor, *, decision_id: int, what: str) -> Decision:
    """Checked before a withdraw or supersede form opens: theirs to do, and it still stands."""
    decision, _ = await check_can_manage(
        db, actor, decision_id=decision_id, what=what, open_only=False
    )
    ensure_still_stands(decision)
    return decision


async def close_decision(
    db: Database, actor: Actor, *, decision_id: int, now: datetime
) -> tuple[DecisionRecord, bool]:
    """Closes a decision to further commitments; closing it twice changes nothing."""

    def close(session: Session, decision: Decision) -> bool:
        if decision.status is DecisionStatus.CLOSED:
            return False
        end(decision, Ending.CLOSED, now)
        repository.add_event(
            session, decision=decision, actor_id=actor.user_id, kind="closed", at=now
        )
        return True

    return await manage_decision(
        db, actor, decision_id=decision_id, what=CLOSE, change=close, open_only=False
    )


def check_withdraw_reason(reason: str) -> str:
    reason = reason.strip()
    errors: dict[str, str] = {}
    why = "Say why it is withdrawn: the log keeps it for later."
    check_length(errors, WITHDRAW_REASON_FIELD, reason, WITHDRAW_REASON_MAX, why)
    if errors:
        raise InvalidInput(errors)
    return reason


async def withdraw_decision(
    db: Database, actor: Actor, *, decision_id: int, reason: str, now: datetime
) -> tuple[DecisionRecord, bool]:
    """Withdraws a decision that still stands, keeping why; withdrawing twice changes nothing."""
    reason = check_withdraw_reason(reason)

    def withdraw(session: Session, decision: Decision) -> bool:
        if decision.ended_as is Ending.WITHDRAWN:
            return False
        ensure_still_stands(decision)
        end(decision, Ending.WITHDRAWN, now, reason=reason)
        repository.add_event(
            session,
            decision=decision,
            actor_id=actor.user_id,
            kind="withdrawn",
            at=now,
            detail={"reason": reason},
        )
        return True

    return await manage_decision(
        db, actor, decision_id=decision_id, what=WITHDRAW, change=withdraw, open_only=False
    )


def mark_superseded(
    session: Session,
    *,
    old: Decision,
    new: Decision,
    actor_id: str,
    now: datetime,
    due_on: date | None = None,
) -> None:
    """Ends `old` as superseded by `new`, in both histories; `due_on` when done at a revisit."""
    ensure_still_stands(old)
    end(old, Ending.SUPERSEDED, now)
    old.superseded_by_id = new.id
    session.add(old)
    repository.add_event(
        session,
        decision=old,
        actor_id=actor_id,
        kind="superseded",
        at=now,
        detail={"by_decision_id": new.id, "due_on": due_on},
    )
    repository.add_event(
        session,
        decision=new,
        actor_id=actor_id,
        kind="supersedes",
        at=now,
        detail={"decision_id": old.id},
    )


def read_decision_number(text: str) -> int:
    """The number someone typed for a decision: "12" or "#12"."""
    cleaned = text.strip().removeprefix("#").strip()
    if not cleaned:
        raise InvalidInput(
            {SUPERSEDED_BY_FIELD: "Give the number of the decision that replaces this one."}
        )
    number = read_number(cleaned)
    if number is None:
        raise InvalidInput(
            {
                SUPERSEDED_BY_FIELD: f"\u201c{text.strip()[:40]}\u201d isn't a decision number. "
                "Use the number shown on its card, like 12."
            }
        )
    return number


async def supersede_with_existing(
    db: Database,
    asker: Asker,
    actor: Actor,
    *,
    decision_id: int,
    by_decision_id: int,
    now: datetime,
) -> tuple[DecisionRecord, Decision]:
    """Marks a decision superseded by one already recorded, which the person may see.

    `asker` is the same person as `actor`, asked which channels they may see."""
    team_id = actor.team_id
    if by_decision_id == decision_id:
        raise InvalidInput(
            {
                SUPERSEDED_BY_FIELD: "A decision can't supersede itself. Give the number of the one "
                "that replaces it."
            }
        )
    _, actor_is_admin = await check_can_manage(
        db, actor, decision_id=decision_id, what=SUPERSEDE, open_only=False
    )
    replacement = await db.read(
        lambda session: repository.get_decision(
            session, team_id=team_id, decision_id=by_decision_id
        )
    )
    if replacement is None or not await asker.may_see(replacement.channel_id):
        raise InvalidInput({SUPERSEDED_BY_FIELD: not_visible(by_decision_id).message})

    def write(session: Session) -> tuple[DecisionRecord, Decision]:
        old = require_decision(
            session, team_id=team_id, decision_id=decision_id, open_only=False, lock=True
        )
        ensure_can_manage(old, actor, actor_is_admin=actor_is_admin, what=SUPERSEDE)
        new = require_decision(
            session, team_id=team_id, decision_id=by_decision_id, open_only=False
        )
        if not new.still_stands:
            assert new.ended_as is not None
            raise InvalidInput(
                {
                    SUPERSEDED_BY_FIELD: f"#{by_decision_id} was {ENDED_WORD[new.ended_as]}, so "
                    "it can't replace another decision. Give one that still stands."
                }
            )
        mark_superseded(session, old=old, new=new, actor_id=actor.user_id, now=now)
        return repository.decision_record(session, old), new

    return await db.write(write)
