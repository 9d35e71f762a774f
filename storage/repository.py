"""Every query decisionbot makes: keyword-only, team-scoped, inside the caller's transaction.

Plain synchronous code on a Session; `Database.read` and `Database.write` run it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, update
from sqlmodel import Session, col, select

from storage import shared_state
from storage.models import (
    Commitment,
    Decision,
    DecisionEvent,
    DecisionReview,
    DecisionStatus,
    Dissent,
    EarlierCommitment,
    Stakeholder,
    Stance,
)

_EVENT = DecisionEvent.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class DecisionRecord:
    """A decision with everything its card shows: who was asked, who committed, who dissented."""

    decision: Decision
    stakeholder_ids: list[str]
    # In the order given. Everyone's, unless the record was loaded for a card (see
    # decision_record's `others_shown`), which holds the people the card can show.
    commitments: dict[str, Commitment]
    dissents: list[Dissent] = field(default_factory=list)
    # Given to a version since changed materially, by people who haven't committed again.
    earlier: dict[str, EarlierCommitment] = field(default_factory=dict)
    # How many have committed, when `commitments` holds only some of them.
    counted_commitments: int | None = None

    @property
    def id(self) -> int:
        assert self.decision.id is not None
        return self.decision.id

    @property
    def commitment_count(self) -> int:
        """How many people have committed, whether or not all were loaded."""
        if self.counted_commitments is None:
            return len(self.commitments)
        return self.counted_commitments


def insert_decision(
    session: Session, *, decision: Decision, stakeholder_ids: Sequence[str]
) -> Decision:
    session.add(decision)
    session.flush()
    assert decision.id is not None
    for user_id in dict.fromkeys(stakeholder_ids):
        session.add(Stakeholder(decision_id=decision.id, user_id=user_id, team_id=decision.team_id))
    session.flush()
    return decision


@dataclass(frozen=True)
class StanceOnDecision:
    """What a commit click needs to know: is the decision usable, and what did they say before."""

    title: str
    status: DecisionStatus
    stance: Stance | None


# A commit click is the busiest unit of work there is, and building a statement costs more
# than running it, so the click's statements are built once, with their values bound per call.
_DECISION_FOR_A_CLICK = (
    select(col(Decision.title), col(Decision.status))
    .where(col(Decision.team_id) == bindparam("team_id"), col(Decision.id) == bindparam("id"))
    .with_for_update()  # see get_decision's `lock`
)
# Read after the lock, in a statement of its own: on PostgreSQL a statement sees what was
# committed when it began, so it sees the commitment of a click that held the lock before.
_STANCE_OF = select(col(Commitment.stance)).where(
    col(Commitment.decision_id) == bindparam("id"), col(Commitment.user_id) == bindparam("user_id")
)
_INSERT_COMMITMENT = insert(Commitment)
_UPDATE_COMMITMENT = (
    update(Commitment)
    .where(
        col(Commitment.decision_id) == bindparam("of_decision"),
        col(Commitment.user_id) == bindparam("of_user"),
    )
    .values(stance=bindparam("new_stance"), committed_at=bindparam("at"))
)


def stance_on_decision(
    session: Session, *, team_id: str, decision_id: int, user_id: str
) -> StanceOnDecision | None:
    """The decision's title and status and the person's stance on it, holding the decision's
    row until the transaction ends; None if there is no such decision."""
    connection = session.connection()
    decision = connection.execute(
        _DECISION_FOR_A_CLICK, {"team_id": team_id, "id": decision_id}
    ).first()
    if decision is None:
        return None
    stance = connection.execute(_STANCE_OF, {"id": decision_id, "user_id": user_id}).scalar()
    return StanceOnDecision(decision.title, decision.status, stance)


def save_stance(
    session: Session,
    *,
    team_id: str,
    decision_id: int,
    user_id: str,
    stance: Stance,
    previous: Stance | None,
    at: datetime,
) -> None:
    """Stores the person's new stance, replacing `previous`, and the change in the history."""
    connection = session.connection()
    if previous is None:
        connection.execute(
            _INSERT_COMMITMENT,
            {
                "decision_id": decision_id,
                "team_id": team_id,
                "user_id": user_id,
                "stance": stance,
                "committed_at": at,
            },
        )
    else:
        connection.execute(
            _UPDATE_COMMITMENT,
            {"of_decision": decision_id, "of_user": user_id, "new_stance": stance, "at": at},
        )
    _insert_event(
        connection,
        team_id=team_id,
        decision_id=decision_id,
        actor_id=user_id,
        kind="committed",
        at=at,
        detail={"previous": previous, "stance": stance},
    )


def get_decision(
    session: Session, *, team_id: str, decision_id: int, lock: bool = False
) -> Decision | None:
    """The decision; with `lock`, its row is held until the transaction ends, so that writes
    about one decision from several processes take turns (PostgreSQL: FOR UPDATE; SQLite has
    one writer at a time and renders nothing)."""
    statement = select(Decision).where(Decision.team_id == team_id, Decision.id == decision_id)
    return session.exec(statement.with_for_update() if lock else statement).first()


def find_decision_by_view(
    session: Session, *, team_id: str, source_view_id: str
) -> Decision | None:
    statement = select(Decision).where(
        Decision.team_id == team_id, Decision.source_view_id == source_view_id
    )
    return session.exec(statement).first()


def decision_record(
    session: Session, decision: Decision, *, others_shown: int | None = None
) -> DecisionRecord:
    """The decision with its people: the one way every surface reads a decision.

    With `others_shown`, only as much as a card shows, however many have committed: every
    commitment of the people asked and the dissenters, the first `others_shown` of everyone
    else's, and how many there are in all. A card redraw then costs the same at 10 or 10,000
    commitments.
    """
    team_id, decision_id = decision.team_id, decision.id
    stakeholder_ids = list(
        session.exec(
            select(Stakeholder.user_id)
            .where(Stakeholder.team_id == team_id, Stakeholder.decision_id == decision_id)
            .order_by(col(Stakeholder.user_id))
        ).all()
    )
    dissents = list(
        session.exec(
            select(Dissent)
            .where(Dissent.team_id == team_id, Dissent.decision_id == decision_id)
            .order_by(col(Dissent.created_at))
        ).all()
    )
    earlier = select(EarlierCommitment).where(
        EarlierCommitment.team_id == team_id, EarlierCommitment.decision_id == decision_id
    )
    this_decisions = (Commitment.team_id == team_id, Commitment.decision_id == decision_id)
    commitments_query = select(Commitment).where(*this_decisions)
    counted: int | None = None
    if others_shown is None:
        commitments = list(session.exec(commitments_query.order_by(*_COMMIT_ORDER)).all())
    else:
        named = list(dict.fromkeys([*stakeholder_ids, *(d.user_id for d in dissents)]))
        commitments = [
            *session.exec(commitments_query.where(col(Commitment.user_id).in_(named))).all(),
            *session.exec(
                commitments_query.where(col(Commitment.user_id).not_in(named))
                .order_by(*_COMMIT_ORDER)
                .limit(others_shown)
            ).all(),
        ]
        commitments.sort(key=lambda c: (c.committed_at, c.id or 0))
        counted = session.exec(select(func.count()).where(*this_decisions)).one()
        earlier = earlier.where(col(EarlierCommitment.user_id).in_(named))
    current = {commitment.user_id: commitment for commitment in commitments}
    return DecisionRecord(
        decision=decision,
        stakeholder_ids=stakeholder_ids,
        commitments=current,
        dissents=dissents,
        earlier={e.user_id: e for e in session.exec(earlier).all() if e.user_id not in current},
        counted_commitments=counted,
    )


_COMMIT_ORDER = (col(Commitment.committed_at), col(Commitment.id))


def get_dissent(session: Session, *, team_id: str, dissent_id: int) -> Dissent | None:
    statement = select(Dissent).where(Dissent.team_id == team_id, Dissent.id == dissent_id)
    return session.exec(statement).first()


def get_dissent_by_person(
    session: Session, *, team_id: str, decision_id: int, user_id: str
) -> Dissent | None:
    statement = select(Dissent).where(
        Dissent.team_id == team_id, Dissent.decision_id == decision_id, Dissent.user_id == user_id
    )
    return session.exec(statement).first()


_INSERT_EVENT = insert(_EVENT)


def add_event(
    session: Session,
    *,
    decision: Decision,
    actor_id: str,
    kind: str,
    at: datetime,
    detail: dict[str, Any] | None = None,
    owes_card: bool = True,
) -> None:
    """Adds to the decision's history. A change to a decision also owes its card a redraw, in
    the same transaction: if this process can't draw it (Slack refused, the database locked
    up right after, the process died), a sweep of any process will, and a card is never left
    behind what was stored."""
    assert decision.id is not None
    _insert_event(
        session.connection(),
        team_id=decision.team_id,
        decision_id=decision.id,
        actor_id=actor_id,
        kind=kind,
        at=at,
        detail=detail,
        owes_card=owes_card,
    )


def _insert_event(
    connection: Connection,
    *,
    team_id: str,
    decision_id: int,
    actor_id: str,
    kind: str,
    at: datetime,
    detail: dict[str, Any] | None,
    owes_card: bool = True,
) -> None:
    connection.execute(
        _INSERT_EVENT,
        {
            "decision_id": decision_id,
            "team_id": team_id,
            "actor_id": actor_id,
            "kind": kind,
            "detail": json.dumps(detail or {}, sort_keys=True, default=str),
            "at": at,
        },
    )
    # After the event, whose foreign key holds the decision's row (on PostgreSQL): a write
    # then always holds the decision before its card's row, and two can't deadlock by taking
    # them in opposite orders.
    if owes_card:
        shared_state.want_redraw(connection, team_id=team_id, decision_id=decision_id, now=at)


def list_events(session: Session, *, team_id: str, decision_id: int) -> list[DecisionEvent]:
    statement = (
        select(DecisionEvent)
        .where(DecisionEvent.team_id == team_id, DecisionEvent.decision_id == decision_id)
        .order_by(col(DecisionEvent.at), col(DecisionEvent.id))
    )
    return list(session.exec(statement).all())


def list_reviews(session: Session, *, team_id: str, decision_id: int) -> list[DecisionReview]:
    """What each revisit of a decision decided, oldest first."""
    statement = (
        select(DecisionReview)
        .where(DecisionReview.team_id == team_id, DecisionReview.decision_id == decision_id)
        .order_by(col(DecisionReview.recorded_at))
    )
    return list(session.exec(statement).all())


def list_all_decision_ids(session: Session) -> list[tuple[str, int]]:
    """(team_id, decision_id) for every decision, oldest first: what an export walks over."""
    statement = select(Decision.team_id, Decision.id).order_by(col(Decision.id))
    return [
        (team_id, decision_id)
        for team_id, decision_id in session.exec(statement).all()
        if decision_id is not None
    ]


def set_stakeholders(session: Session, *, decision: Decision, user_ids: Sequence[str]) -> None:
    """Makes the people asked to commit exactly `user_ids` (commitments given are kept)."""
    assert decision.id is not None
    wanted = list(dict.fromkeys(user_ids))
    current = session.exec(
        select(Stakeholder).where(
            Stakeholder.team_id == decision.team_id, Stakeholder.decision_id == decision.id
        )
    ).all()
    for stakeholder in current:
        if stakeholder.user_id not in wanted:
            session.delete(stakeholder)
    have = {s.user_id for s in current}
    for user_id in wanted:
        if user_id not in have:
            session.add(
                Stakeholder(decision_id=decision.id, user_id=user_id, team_id=decision.team_id)
            )
    session.flush()


def outdate_commitments(session: Session, *, decision: Decision, at: datetime) -> list[str]:
    """Moves every commitment to an earlier version; returns whose they were."""
    assert decision.id is not None
    commitments = session.exec(
        select(Commitment).where(
            Commitment.team_id == decision.team_id, Commitment.decision_id == decision.id
        )
    ).all()
    for commitment in commitments:
        earlier = session.get(EarlierCommitment, (decision.id, commitment.user_id))
        if earlier is not None:
            session.delete(earlier)
            session.flush()
        session.add(
            EarlierCommitment(
                decision_id=decision.id,
                user_id=commitment.user_id,
                team_id=decision.team_id,
                stance=commitment.stance,
                committed_at=commitment.committed_at,
                outdated_at=at,
            )
        )
        session.delete(commitment)
    session.flush()
    return [c.user_id for c in commitments]
