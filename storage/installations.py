"""The workspaces decisionbot is installed in, their sealed tokens, and the OAuth states of
installs under way. Plain session functions, like the rest of storage.

A workspace that uninstalled the app keeps its decisions; it is marked, its unsent scheduled
work is deleted, and the sweeps plan nothing more for it until it installs again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col

from storage.dialect import insert_for
from storage.models import (
    CardDraw,
    ChannelSettings,
    Commitment,
    Decision,
    DecisionEvent,
    DecisionReview,
    Dissent,
    DueWork,
    EarlierCommitment,
    Installation,
    OAuthState,
    Stakeholder,
)
from storage.token_keys import TokenKeys


@dataclass(frozen=True)
class BotTokens:
    """A workspace's bot token (and refresh token, with rotation on), opened."""

    installation: Installation
    bot_token: str
    refresh_token: str | None


def installed(session: Session, team_id: str) -> Installation | None:
    """The workspace's installation, if it has a token."""
    row = session.get(Installation, team_id)
    return row if row is not None and row.sealed_bot_token is not None else None


def open_tokens(row: Installation, keys: TokenKeys) -> BotTokens:
    assert row.sealed_bot_token is not None
    refresh = row.sealed_refresh_token
    return BotTokens(row, keys.open(row.sealed_bot_token), keys.open(refresh) if refresh else None)


def save(session: Session, row: Installation) -> None:
    """Stores an install (or a reinstall, or rotated tokens) of the workspace; a reinstall
    clears the uninstalled mark."""
    stored = session.get(Installation, row.team_id)
    if stored is None:
        session.add(row)
        return
    for name in Installation.model_fields:
        setattr(stored, name, getattr(row, name))
    session.add(stored)


def uninstall(
    session: Session, *, team_id: str, now: datetime, happened_at: datetime | None = None
) -> int | None:
    """Deletes the workspace's tokens and its unsent scheduled work, and marks it uninstalled
    so that nothing more is planned for it. Returns how many scheduled sends were stopped, or
    None if the workspace installed the app again after `happened_at` (Slack's time for the
    event): a late retry of an old uninstall must not undo the new install."""
    # The token mode, or an install from before this table, has no row: the mark is one. It is
    # inserted only if missing, as two processes may handle copies of the event at once.
    session.connection().execute(
        insert_for(session)(Installation)
        .values(team_id=team_id, bot_scopes="", installed_at=happened_at or now)
        .on_conflict_do_nothing(index_elements=["team_id"])
    )
    row = session.get(Installation, team_id, with_for_update=True, populate_existing=True)
    assert row is not None
    if happened_at is not None and row.installed_at > happened_at:
        return None
    row.sealed_bot_token = None
    row.sealed_refresh_token = None
    row.bot_token_expires_at = None
    row.uninstalled_at = row.uninstalled_at or now  # a retry keeps the first mark
    session.add(row)
    stopped = session.connection().execute(
        delete(DueWork).where(col(DueWork.team_id) == team_id, col(DueWork.sent_at).is_(None))
    )
    session.connection().execute(delete(CardDraw).where(col(CardDraw.team_id) == team_id))
    return int(stopped.rowcount or 0)


def forget_uninstall(session: Session, team_id: str, *, now: datetime) -> None:
    """The token mode's bot token works for this workspace again: it was reinstalled, `now`
    (kept, so that a late retry of the old uninstall event is known for what it is)."""
    session.connection().execute(
        update(Installation)
        .where(
            col(Installation.team_id) == team_id,
            col(Installation.sealed_bot_token).is_(None),
            col(Installation.uninstalled_at).is_not(None),
        )
        .values(uninstalled_at=None, installed_at=now)
    )


def uninstalled_teams(session: Session) -> set[str]:
    return set(
        session.scalars(
            select(col(Installation.team_id)).where(col(Installation.uninstalled_at).is_not(None))
        )
    )


def still_installed(team_id: Mapped[str]) -> ColumnElement[bool]:
    """A filter for work done for a workspace: not one that uninstalled the app."""
    gone = select(col(Installation.team_id)).where(col(Installation.uninstalled_at).is_not(None))
    return team_id.not_in(gone)


def reseal_all(session: Session, keys: TokenKeys) -> int:
    """Seals every stored token with the newest key; returns how many installations."""
    rows = session.scalars(
        select(Installation).where(col(Installation.sealed_bot_token).is_not(None))
    ).all()
    for row in rows:
        assert row.sealed_bot_token is not None
        row.sealed_bot_token = keys.reseal(row.sealed_bot_token)
        if row.sealed_refresh_token:
            row.sealed_refresh_token = keys.reseal(row.sealed_refresh_token)
        session.add(row)
    return len(rows)


# Every table that holds a workspace's data, children before the decisions they belong to.
_TEAM_TABLES = (
    Stakeholder,
    Commitment,
    EarlierCommitment,
    Dissent,
    DecisionEvent,
    DecisionReview,
    DueWork,
    CardDraw,
    ChannelSettings,
    Decision,
    Installation,
)


def count_decisions(session: Session, team_id: str) -> int:
    counted = select(func.count()).select_from(Decision).where(col(Decision.team_id) == team_id)
    return int(session.scalar(counted) or 0)


def delete_workspace(session: Session, team_id: str) -> int:
    """Deletes everything stored for the workspace; returns how many decisions went."""
    decisions = count_decisions(session, team_id)
    for table in _TEAM_TABLES:
        session.connection().execute(delete(table).where(col(table.team_id) == team_id))
    return decisions


def add_state(session: Session, *, state: str, expires_at: datetime) -> None:
    session.add(OAuthState(state=state, expires_at=expires_at))


def consume_state(session: Session, *, state: str, now: datetime) -> bool:
    """Whether the state was issued and is still good; it is good once. Expired states go."""
    session.connection().execute(delete(OAuthState).where(col(OAuthState.expires_at) <= now))
    taken = session.connection().execute(delete(OAuthState).where(col(OAuthState.state) == state))
    return bool(taken.rowcount)


def a_sealed_token(session: Session) -> str | None:
    """Any one stored token, to check at start that TOKEN_ENCRYPTION_KEY still opens them."""
    return session.scalar(
        select(col(Installation.sealed_bot_token))
        .where(col(Installation.sealed_bot_token).is_not(None))
        .limit(1)
    )
