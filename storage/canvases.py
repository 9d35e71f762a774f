"""The queries behind a channel's decision log canvas: turning it on and off, finding the
canvases behind their channel's history, taking turns to redraw one, and what it lists.

Only the channel's own decisions are ever read for its canvas, so a private channel's
decisions never reach another channel's.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, update
from sqlmodel import Session, col, select

from storage.installations import still_installed
from storage.models import ChannelSettings, Commitment, Decision, DecisionEvent


def settings_of(session: Session, *, team_id: str, channel_id: str) -> ChannelSettings | None:
    return session.get(ChannelSettings, (team_id, channel_id))


def newest_event(session: Session, *, team_id: str, channel_id: str) -> int:
    """The id of the newest history event of any of the channel's decisions (0 if none)."""
    newest = session.exec(
        select(func.max(DecisionEvent.id))
        .join(Decision, col(Decision.id) == col(DecisionEvent.decision_id))
        .where(Decision.team_id == team_id, Decision.channel_id == channel_id)
    ).one()
    return int(newest or 0)


def set_canvas(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    on: bool,
    canvas_id: str | None,
    shows_event: int,
    by: str,
    at: datetime,
) -> None:
    """Turns the canvas on or off; a new canvas_id is one just drawn up to `shows_event`."""
    settings = settings_of(session, team_id=team_id, channel_id=channel_id) or ChannelSettings(
        team_id=team_id, channel_id=channel_id, updated_by=by, updated_at=at
    )
    settings.canvas_on, settings.updated_by, settings.updated_at = on, by, at
    if canvas_id is not None:
        settings.canvas_id = canvas_id
        settings.canvas_shows_event = shows_event
    session.add(settings)


def canvases_behind(session: Session, *, now: datetime, limit: int) -> list[tuple[str, str]]:
    """(team, channel) of canvases that are on, not being drawn, and show less of the
    channel's history than there is."""
    newest = (
        select(func.max(DecisionEvent.id))
        .join(Decision, col(Decision.id) == col(DecisionEvent.decision_id))
        .where(
            Decision.team_id == ChannelSettings.team_id,
            Decision.channel_id == ChannelSettings.channel_id,
        )
        .scalar_subquery()
    )
    rows = session.exec(
        select(ChannelSettings.team_id, ChannelSettings.channel_id)
        .where(
            col(ChannelSettings.canvas_on),
            col(ChannelSettings.canvas_id).is_not(None),
            still_installed(col(ChannelSettings.team_id)),
            or_(
                col(ChannelSettings.canvas_lease_until).is_(None),
                col(ChannelSettings.canvas_lease_until) < now,
            ),
            newest > col(ChannelSettings.canvas_shows_event),
        )
        .limit(limit)
    ).all()
    return [(team_id, channel_id) for team_id, channel_id in rows]


def _this_canvas(team_id: str, channel_id: str) -> ColumnElement[bool]:
    return (col(ChannelSettings.team_id) == team_id) & (
        col(ChannelSettings.channel_id) == channel_id
    )


def claim_canvas(
    session: Session, *, team_id: str, channel_id: str, now: datetime, until: datetime
) -> bool:
    """Takes the turn to redraw a canvas, unless another process holds it."""
    taken = session.connection().execute(
        update(ChannelSettings)
        .where(
            _this_canvas(team_id, channel_id),
            col(ChannelSettings.canvas_on),
            or_(
                col(ChannelSettings.canvas_lease_until).is_(None),
                col(ChannelSettings.canvas_lease_until) < now,
            ),
        )
        .values(canvas_lease_until=until)
    )
    return bool(taken.rowcount == 1)


def finish_canvas(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    shows_event: int | None,
    retry_at: datetime | None,
) -> None:
    """Lets go of the turn: drawn up to `shows_event`, or (None) not drawn, tried again from
    `retry_at`."""
    values: dict[str, object] = {"canvas_lease_until": retry_at}
    if shows_event is not None:
        values["canvas_shows_event"] = shows_event
    session.connection().execute(
        update(ChannelSettings).where(_this_canvas(team_id, channel_id)).values(**values)
    )


def channel_log(
    session: Session, *, team_id: str, channel_id: str, limit: int
) -> tuple[list[Decision], dict[int, int], int]:
    """The channel's newest decisions, how many commitments each has, and how many it has."""
    decisions = list(
        session.exec(
            select(Decision)
            .where(Decision.team_id == team_id, Decision.channel_id == channel_id)
            .order_by(col(Decision.created_at).desc(), col(Decision.id).desc())
            .limit(limit)
        ).all()
    )
    ids = [d.id for d in decisions if d.id is not None]
    counts = session.exec(
        select(Commitment.decision_id, func.count())
        .where(Commitment.team_id == team_id, col(Commitment.decision_id).in_(ids))
        .group_by(col(Commitment.decision_id))
    ).all()
    total = session.exec(
        select(func.count())
        .select_from(Decision)
        .where(Decision.team_id == team_id, Decision.channel_id == channel_id)
    ).one()
    return decisions, {decision_id: count for decision_id, count in counts}, int(total)
