"""Everything stored, as plain JSON-ready data, and back: what export and import are made of.

A decision is exported with every row that belongs to it (stakeholders, commitments, dissent,
history, revisits and what the scheduler has sent about it), so that importing the document
into an empty database brings all of it back, ids included, and nothing is sent twice.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

from pydantic import ValidationError
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
VERSION = 3
# Every version this project has written. Version 1 (the first release) had decisions with
# their stakeholders, commitments, dissent and history only; version 2 had no confidence,
# predictions or calls on dissent. What an older version lacks is restored empty.
READABLE_VERSIONS = (1, 2, 3)
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


class BadRecord(ValueError):
    """A record of the export that can't be stored; says which, and what is wrong with it."""


def _validated(model: type[Row], data: Any, where: str) -> Row:
    if not isinstance(data, dict):
        raise BadRecord(f"{where} is not a record (it is {type(data).__name__})")
    # A column added since the export was written (a version 1 export has none of the
    # later ones) is restored empty, as the migration that added it left older rows.
    empty = {c.name: None for c in model.__table__.columns if c.nullable}  # type: ignore[attr-defined]
    try:
        return model.model_validate(empty | data)
    except ValidationError as error:
        problems = error.errors()
        first = problems[0]
        field = ".".join(str(part) for part in first["loc"]) or "the record"
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise BadRecord(f"{where}: {field}: {first['msg'].lower()}{more}") from None


_CHILDREN = (
    "stakeholders",
    "commitments",
    "dissents",
    "history",
    "reviews",
    "due_work",
    "earlier_commitments",
)


def restore(session: Session, document: dict[str, Any]) -> int:
    """Inserts an export into an empty database, ids and all; returns how many decisions."""
    if session.exec(select(func.count()).select_from(Decision)).one():
        raise NotEmpty("the database already has decisions")
    decisions = document.get("decisions") or []
    if not isinstance(decisions, list):
        raise BadRecord("`decisions` is not a list of decisions")
    for number, item in enumerate(decisions, start=1):
        where = f"decision {number} of {len(decisions)}"
        if not isinstance(item, dict):
            raise BadRecord(f"{where} is not a record (it is {type(item).__name__})")
        where += f" (#{item['id']})" if isinstance(item.get("id"), int) else ""
        children = {key: item.get(key) or [] for key in _CHILDREN}
        for key, listed in children.items():
            if not isinstance(listed, list):
                raise BadRecord(f"{where}: {key} is not a list")
        if not all(isinstance(user_id, str) for user_id in children["stakeholders"]):
            raise BadRecord(f"{where}: stakeholders are not all user ids")
        fields = {k: v for k, v in item.items() if k not in children}
        decision = _validated(Decision, fields, where)
        session.add(decision)
        session.flush()
        for user_id in children["stakeholders"]:
            session.add(
                Stakeholder(decision_id=decision.id, user_id=user_id, team_id=decision.team_id)  # type: ignore[arg-type]
            )
        rows: list[SQLModel] = [
            _validated(Commitment, c, f"{where}, a commitment") for c in children["commitments"]
        ]
        rows += [_validated(Dissent, d, f"{where}, a dissent") for d in children["dissents"]]
        rows += [
            _validated(
                DecisionEvent,
                {**e, "detail": json.dumps(e.get("detail") or {}, sort_keys=True, default=str)}
                if isinstance(e, dict)
                else e,
                f"{where}, its history",
            )
            for e in children["history"]
        ]
        rows += [_validated(DecisionReview, r, f"{where}, a revisit") for r in children["reviews"]]
        rows += [_validated(DueWork, w, f"{where}, a scheduled send") for w in children["due_work"]]
        rows += [
            _validated(EarlierCommitment, c, f"{where}, an earlier commitment")
            for c in children["earlier_commitments"]
        ]
        session.add_all(rows)
        session.flush()
    session.add_all(
        _validated(ChannelSettings, s, "a channel's settings")
        for s in document.get("channel_settings") or []
    )
    session.add_all(
        _validated(DueWork, _digest_row(w) if isinstance(w, dict) else w, "a digest")
        for w in document.get("digests") or []
    )
    session.flush()
    return len(decisions)
