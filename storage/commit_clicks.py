"""The commit click's statements, in plain SQL on SQLite's own connection.

A commit click waits for its write, and at a thousand clicks a second SQLAlchemy's work per
statement cost more than SQLite's (BENCHMARKS.md). So these three statements go straight to
the driver. Values are converted by the columns' own SQLAlchemy types, so what is stored here
reads back through the ORM exactly as if the ORM had written it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Column, Connection, Dialect
from sqlmodel import Session

from storage.models import Commitment, Decision, DecisionStatus, Stance

_FIND = (
    "SELECT decision.title, decision.status, commitment.stance FROM decision"
    " LEFT JOIN commitment"
    " ON commitment.decision_id = decision.id AND commitment.user_id = ?"
    " WHERE decision.team_id = ? AND decision.id = ?"
)
_INSERT = (
    "INSERT INTO commitment (decision_id, team_id, user_id, stance, committed_at)"
    " VALUES (?, ?, ?, ?, ?)"
)
_UPDATE = "UPDATE commitment SET stance = ?, committed_at = ? WHERE decision_id = ? AND user_id = ?"
_ADD_EVENT = (
    "INSERT INTO decisionevent (decision_id, team_id, actor_id, kind, detail, at)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True)
class StanceOnDecision:
    """What a commit click needs to know: is the decision usable, and what did they say before."""

    title: str
    status: DecisionStatus
    stance: Stance | None


@dataclass(frozen=True)
class _Converters:
    status_from_db: Callable[[Any], Any]
    stance_from_db: Callable[[Any], Any]
    stance_to_db: Callable[[Any], Any]
    time_to_db: Callable[[Any], Any]


def _column(model: Any, name: str) -> Column[Any]:
    column: Column[Any] = model.__table__.c[name]
    return column


def _same(value: Any) -> Any:
    return value


@cache
def _converters(dialect: Dialect) -> _Converters:
    # The dialect's own implementation of each type, as SQLAlchemy uses when it executes.
    status = _column(Decision, "status").type.dialect_impl(dialect)
    stance = _column(Commitment, "stance").type.dialect_impl(dialect)
    # Every time column has one type (UTCDateTime), so one converter serves them all.
    time = _column(Commitment, "committed_at").type.dialect_impl(dialect)
    return _Converters(
        status_from_db=status.result_processor(dialect, None) or _same,
        stance_from_db=stance.result_processor(dialect, None) or _same,
        stance_to_db=stance.bind_processor(dialect) or _same,
        time_to_db=time.bind_processor(dialect) or _same,
    )


def _driver(session: Session) -> tuple[Any, _Converters]:
    # A write's session is bound to the writer's connection, already in its transaction
    # (storage/db.py): asking the session for it costs more than the statement.
    bind = session.bind
    connection = bind if isinstance(bind, Connection) else session.connection()
    return connection.connection.driver_connection, _converters(connection.dialect)


def get_stance_on_decision(
    session: Session, *, team_id: str, decision_id: int, user_id: str
) -> StanceOnDecision | None:
    sqlite, convert = _driver(session)
    row = sqlite.execute(_FIND, (user_id, team_id, decision_id)).fetchone()
    if row is None:
        return None
    title, status, stance = row
    return StanceOnDecision(
        title=title,
        status=DecisionStatus(convert.status_from_db(status)),
        stance=None if stance is None else Stance(convert.stance_from_db(stance)),
    )


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
    """Stores the person's new stance and the change in the history."""
    sqlite, convert = _driver(session)
    stored_stance, stored_at = convert.stance_to_db(stance), convert.time_to_db(at)
    if previous is None:
        sqlite.execute(_INSERT, (decision_id, team_id, user_id, stored_stance, stored_at))
    else:
        sqlite.execute(_UPDATE, (stored_stance, stored_at, decision_id, user_id))
    detail = json.dumps({"previous": previous, "stance": stance}, sort_keys=True)
    sqlite.execute(_ADD_EVENT, (decision_id, team_id, user_id, "committed", detail, stored_at))
