"""Everything stored, as plain JSON-ready data, and back: what export and import are made of.

A decision is exported with every row that belongs to it (stakeholders, commitments, dissent,
history, revisits and what the scheduler has sent about it), so that importing the document
into an empty database brings all of it back, ids included, and nothing is sent twice.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, func, select

from storage.models import (
    ChannelSettings,
    Commitment,
    Decision,
    DecisionEvent,
    DecisionReview,
    Dissent,
    DueWork,
    EarlierCommitment,
    Stakeholder,
)

FORMAT = "decisionbot-export"
VERSION = 2
Row = TypeVar("Row", bound=SQLModel)


def plain(row: SQLModel) -> dict[str, Any]:
    data = row.model_dump()
    for key, value in data.items():
        if isinstance(value, datetime | date):
            data[key] = value.isoformat()
    return data


def decision_ids(session: Session, *, channel_id: str | None, since: date | None) -> list[int]:
    """Every decision (of every team), oldest first, optionally of one channel or since a day."""
    statement = select(Decision.id).order_by(col(Decision.id))
    if channel_id:
        statement = statement.where(Decision.channel_id == channel_id)
    if since:
        start = datetime.combine(since, time(0, 0), tzinfo=UTC)
        statement = statement.where(col(Decision.created_at) >= start)
    return [i for i in session.exec(statement).all() if i is not None]


def _rows(session: Session, model: type[Row], decision_id: int, order: Any) -> list[Row]:
    return list(
        session.exec(
            select(model).where(model.decision_id == decision_id).order_by(order)  # type: ignore[attr-defined]
        ).all()
    )


def export_decision(session: Session, decision_id: int) -> dict[str, Any]:
    decision = session.get(Decision, decision_id)
    assert decision is not None
    item = plain(decision)
    item["stakeholders"] = [
        s.user_id for s in _rows(session, Stakeholder, decision_id, col(Stakeholder.user_id))
    ]
    item["commitments"] = [
        plain(c) for c in _rows(session, Commitment, decision_id, col(Commitment.id))
    ]
    item["dissents"] = [plain(d) for d in _rows(session, Dissent, decision_id, col(Dissent.id))]
    item["history"] = [
        {**plain(e), "detail": json.loads(e.detail)}
        for e in _rows(session, DecisionEvent, decision_id, col(DecisionEvent.id))
    ]
    item["reviews"] = [
        plain(r) for r in _rows(session, DecisionReview, decision_id, col(DecisionReview.id))
    ]
    item["due_work"] = [plain(w) for w in _rows(session, DueWork, decision_id, col(DueWork.id))]
    item["earlier_commitments"] = [
        plain(c)
        for c in _rows(session, EarlierCommitment, decision_id, col(EarlierCommitment.user_id))
    ]
    return item


def export_channel_rows(session: Session, *, channel_id: str | None) -> dict[str, Any]:
    """What belongs to channels rather than decisions: digest settings and digests sent."""
    settings = select(ChannelSettings)
    digests = select(DueWork).where(col(DueWork.decision_id).is_(None)).order_by(col(DueWork.id))
    if channel_id:
        settings = settings.where(ChannelSettings.channel_id == channel_id)
        digests = digests.where(DueWork.channel_id == channel_id)
    return {
        "channel_settings": [plain(s) for s in session.exec(settings).all()],
        "digests": [plain(w) for w in session.exec(digests).all()],
    }


def _digest_row(row: dict[str, Any]) -> dict[str, Any]:
    """A digest's row; exports before migration 0004 named its channel in `user_id`."""
    if row.get("channel_id") is None and row.get("user_id"):
        return {**row, "channel_id": row["user_id"], "user_id": None}
    return row


class NotEmpty(Exception):
    pass


def restore(session: Session, document: dict[str, Any]) -> int:
    """Inserts an export into an empty database, ids and all; returns how many decisions."""
    if session.exec(select(func.count()).select_from(Decision)).one():
        raise NotEmpty("the database already has decisions")
    decisions = document.get("decisions") or []
    for item in decisions:
        children = {
            key: item.get(key) or []
            for key in (
                "stakeholders",
                "commitments",
                "dissents",
                "history",
                "reviews",
                "due_work",
                "earlier_commitments",
            )
        }
        fields = {k: v for k, v in item.items() if k not in children}
        decision = Decision.model_validate(fields)
        session.add(decision)
        session.flush()
        for user_id in children["stakeholders"]:
            session.add(
                Stakeholder(decision_id=decision.id, user_id=user_id, team_id=decision.team_id)  # type: ignore[arg-type]
            )
        rows: list[SQLModel] = [Commitment.model_validate(c) for c in children["commitments"]]
        rows += [Dissent.model_validate(d) for d in children["dissents"]]
        rows += [
            DecisionEvent.model_validate(
                {**e, "detail": json.dumps(e.get("detail") or {}, sort_keys=True, default=str)}
            )
            for e in children["history"]
        ]
        rows += [DecisionReview.model_validate(r) for r in children["reviews"]]
        rows += [DueWork.model_validate(w) for w in children["due_work"]]
        rows += [EarlierCommitment.model_validate(c) for c in children["earlier_commitments"]]
        session.add_all(rows)
        session.flush()
    session.add_all(
        ChannelSettings.model_validate(s) for s in document.get("channel_settings") or []
    )
    session.add_all(DueWork.model_validate(_digest_row(w)) for w in document.get("digests") or [])
    session.flush()
    return len(decisions)
