"""Queries for finding decisions: a channel's list, search, and a person's Home tab.

Every query is scoped by team and, where it gathers from many channels, by the channels the
caller says the person may see; each reads only the page it shows (plus a count for
"and N more"), through an index.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, exists, func, text
from sqlmodel import Session, col, select

from storage.models import Commitment, Decision, DecisionStatus, Dissent, Stakeholder
from storage.search_index import match_expression


@dataclass(frozen=True)
class Found:
    """A page of decisions and how many there are in all."""

    decisions: list[Decision]
    total: int

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.decisions))


def _page(
    session: Session, where: list[Any], limit: int, offset: int = 0, *, count: bool = True
) -> Found:
    """A page of decisions, newest first; without `count`, the total is only "more or not"."""
    rows = session.exec(
        select(Decision)
        .where(*where)
        .order_by(col(Decision.created_at).desc(), col(Decision.id).desc())
        .offset(offset)
        .limit(limit + 1)
    ).all()
    page = list(rows[:limit])
    if not count:
        return Found(page, offset + len(rows))
    total = session.exec(select(func.count()).select_from(Decision).where(*where)).one()
    return Found(page, int(total))


def channel_page(
    session: Session, *, team_id: str, channel_id: str, offset: int, limit: int
) -> Found:
    """A channel's decisions, newest first."""
    where = [Decision.team_id == team_id, Decision.channel_id == channel_id]
    return _page(session, where, limit, offset)


def search(
    session: Session, *, team_id: str, channel_ids: Collection[str], words: str, limit: int
) -> Found:
    """Decisions in those channels whose title, what and why, options or dissent hold every
    word (as a prefix), newest first."""
    expression = match_expression(words)
    if expression is None or not channel_ids:
        return Found([], 0)
    matching = text(
        "SELECT rowid FROM decision_fts WHERE decision_fts MATCH :q "
        "UNION SELECT dissent.decision_id FROM dissent_fts "
        "JOIN dissent ON dissent.id = dissent_fts.rowid WHERE dissent_fts MATCH :q"
    ).bindparams(q=expression)
    where = [
        Decision.team_id == team_id,
        col(Decision.channel_id).in_(list(channel_ids)),
        col(Decision.id).in_(matching),
    ]
    return _page(session, where, limit)


def _open_in(team_id: str, channel_ids: Collection[str]) -> list[ColumnElement[bool]]:
    return [
        col(Decision.team_id) == team_id,
        col(Decision.channel_id).in_(list(channel_ids)),
        col(Decision.status) != DecisionStatus.CLOSED,
    ]


def asking_commitment(
    session: Session, *, team_id: str, user_id: str, channel_ids: Collection[str], limit: int
) -> Found:
    """Open decisions that asked this person to commit and that they haven't committed to."""
    where = [
        *_open_in(team_id, channel_ids),
        exists().where(
            col(Stakeholder.decision_id) == col(Decision.id), col(Stakeholder.user_id) == user_id
        ),
        ~exists().where(
            col(Commitment.decision_id) == col(Decision.id), col(Commitment.user_id) == user_id
        ),
    ]
    return _page(session, where, limit)


def dissent_to_answer(
    session: Session, *, team_id: str, user_id: str, channel_ids: Collection[str], limit: int
) -> Found:
    """This person's open decisions with dissent they haven't answered."""
    where = [
        *_open_in(team_id, channel_ids),
        Decision.decider_id == user_id,
        exists().where(
            col(Dissent.decision_id) == col(Decision.id), col(Dissent.answered_at).is_(None)
        ),
    ]
    return _page(session, where, limit)


def revisits_due(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    channel_ids: Collection[str],
    today: date,
    limit: int,
) -> Found:
    """This person's decided decisions whose revisit (or outcome review) date has come."""
    where = [
        *_open_in(team_id, channel_ids),
        Decision.decider_id == user_id,
        Decision.status == DecisionStatus.DECIDED,
        col(Decision.revisit_on) <= today,
    ]
    return _page(session, where, limit)


def owned(
    session: Session, *, team_id: str, user_id: str, channel_ids: Collection[str], limit: int
) -> Found:
    """The decisions this person owns, newest first (closed ones too)."""
    where = [
        Decision.team_id == team_id,
        col(Decision.channel_id).in_(list(channel_ids)),
        Decision.decider_id == user_id,
    ]
    return _page(session, where, limit)


def recent(session: Session, *, team_id: str, channel_ids: Collection[str], limit: int) -> Found:
    where = [Decision.team_id == team_id, col(Decision.channel_id).in_(list(channel_ids))]
    return _page(session, where, limit, count=False)
