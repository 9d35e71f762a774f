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

from sqlalchemy import ColumnElement, exists, func
from sqlmodel import Session, col, select

from storage.dialect import is_one_of
from storage.models import Commitment, Decision, DecisionStatus, Dissent, Stakeholder
from storage.search_index import matching_decision_ids


@dataclass(frozen=True)
class Found:
    """A page of decisions and how many there are in all."""

    decisions: list[Decision]
    total: int
    offset: int = 0  # how many come before this page
    counted: bool = True  # False: `total` only says whether more follow this page

    @property
    def more(self) -> int:
        """How many come after this page."""
        return max(0, self.total - self.offset - len(self.decisions))


NEWEST_FIRST = (col(Decision.created_at).desc(), col(Decision.id).desc())


def _page(
    session: Session,
    where: list[Any],
    limit: int,
    offset: int = 0,
    *,
    order: tuple[Any, ...] = NEWEST_FIRST,
    count: bool = True,
) -> Found:
    """A page of decisions; without `count`, the total only says whether there are more."""
    rows = session.exec(
        select(Decision).where(*where).order_by(*order).offset(offset).limit(limit + 1)
    ).all()
    page = list(rows[:limit])
    if not count:
        return Found(page, offset + len(rows), offset, counted=False)
    total = session.exec(select(func.count()).select_from(Decision).where(*where)).one()
    return Found(page, int(total), offset)


def channel_page(
    session: Session, *, team_id: str, channel_id: str, offset: int, limit: int
) -> Found:
    """A channel's decisions, newest first."""
    where = [Decision.team_id == team_id, Decision.channel_id == channel_id]
    return _page(session, where, limit, offset)


SEARCH_COUNT_MAX = 200  # beyond this a search only says "more than 200"


def search(
    session: Session, *, team_id: str, channel_ids: Collection[str], words: str, limit: int
) -> Found:
    """The newest decisions in these channels whose title, what and why, options or dissent
    hold every word (as a prefix). The total is exact up to SEARCH_COUNT_MAX."""
    counted = matching_decision_ids(
        session.connection(),
        team_id=team_id,
        channel_ids=channel_ids,
        words=words,
        limit=SEARCH_COUNT_MAX + 1,
    )
    if not counted:
        return Found([], 0)
    newest = sorted(counted, reverse=True)[:limit]
    rows = session.exec(select(Decision).where(col(Decision.id).in_(newest))).all()
    page = sorted(rows, key=lambda d: d.id or 0, reverse=True)
    if len(counted) > SEARCH_COUNT_MAX:
        return Found(page, len(counted), counted=False)
    return Found(page, len(counted))


def _in_channels(session: Session, channel_ids: Collection[str]) -> ColumnElement[bool]:
    return is_one_of(session, col(Decision.channel_id), channel_ids)


def _not_closed() -> ColumnElement[bool]:
    return col(Decision.status) != DecisionStatus.CLOSED


def _decided_by(
    session: Session, team_id: str, user_id: str, channel_ids: Collection[str]
) -> list[Any]:
    """The person's own decisions, in these channels."""
    return [
        Decision.team_id == team_id,
        Decision.decider_id == user_id,
        _in_channels(session, channel_ids),
    ]


def asking_commitment(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    channel_ids: Collection[str],
    limit: int,
    offset: int = 0,
) -> Found:
    """Decisions that asked this person to commit and that they haven't: soonest due first.

    Found from the person's stakeholder rows (a few, by a covering index), each decision then
    by its key. Scoped to the team through those rows, which carry their decision's team; a
    condition on the decision's own team_id would lead SQLite to walk the channels' index
    instead (ten times slower at 100,000 decisions).
    """
    where = [
        col(Decision.id).in_(
            select(Stakeholder.decision_id).where(
                Stakeholder.team_id == team_id, Stakeholder.user_id == user_id
            )
        ),
        _in_channels(session, channel_ids),
        _not_closed(),
        ~exists().where(
            col(Commitment.decision_id) == col(Decision.id), col(Commitment.user_id) == user_id
        ),
    ]
    soonest = (col(Decision.commit_by).is_(None), col(Decision.commit_by), *NEWEST_FIRST)
    return _page(session, where, limit, offset, order=soonest)


def dissent_to_answer(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    channel_ids: Collection[str],
    limit: int,
    offset: int = 0,
) -> Found:
    """This person's open decisions with dissent they haven't answered, oldest first."""
    where = [
        *_decided_by(session, team_id, user_id, channel_ids),
        _not_closed(),
        exists().where(
            col(Dissent.decision_id) == col(Decision.id), col(Dissent.answered_at).is_(None)
        ),
    ]
    oldest = (col(Decision.created_at), col(Decision.id))
    return _page(session, where, limit, offset, order=oldest)


def revisits_due(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    channel_ids: Collection[str],
    today: date,
    limit: int,
    offset: int = 0,
) -> Found:
    """This person's decisions whose revisit (or outcome review) date has come: most overdue
    first."""
    where = [
        *_decided_by(session, team_id, user_id, channel_ids),
        Decision.status == DecisionStatus.DECIDED,
        col(Decision.revisit_on) <= today,
    ]
    most_overdue = (col(Decision.revisit_on), col(Decision.id))
    return _page(session, where, limit, offset, order=most_overdue)


def owned(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    channel_ids: Collection[str],
    limit: int,
    offset: int = 0,
) -> Found:
    """The decisions this person owns, newest first (closed ones too)."""
    return _page(session, _decided_by(session, team_id, user_id, channel_ids), limit, offset)


def recent(
    session: Session, *, team_id: str, channel_ids: Collection[str], limit: int, offset: int = 0
) -> Found:
    """The newest decisions in these channels."""
    where = [Decision.team_id == team_id, _in_channels(session, channel_ids)]
    return _page(session, where, limit, offset, count=False)


def unanswered_dissent(
    session: Session, *, team_id: str, decision_ids: list[int]
) -> dict[int, list[Dissent]]:
    """The unanswered dissent on each of these decisions, oldest first."""
    rows = session.exec(
        select(Dissent)
        .where(
            Dissent.team_id == team_id,
            col(Dissent.decision_id).in_(decision_ids),
            col(Dissent.answered_at).is_(None),
        )
        .order_by(col(Dissent.created_at))
    ).all()
    found: dict[int, list[Dissent]] = {}
    for dissent in rows:
        found.setdefault(dissent.decision_id, []).append(dissent)
    return found
