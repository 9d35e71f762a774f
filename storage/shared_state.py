"""What the bot's processes share besides the decisions: Slack's rate budgets and who is
redrawing which card. Each is one statement, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, or_, update
from sqlmodel import Session, col

from storage.dialect import insert_for
from storage.models import CardDraw, SlackBudget


def reserve_turn(session: Session, *, key: str, now: float, interval: float) -> float:
    """Takes the next turn under `key`, `interval` seconds after the last one taken (or now);
    returns when that turn is due."""
    later = case((col(SlackBudget.next_due) > now, col(SlackBudget.next_due)), else_=now)
    statement = (
        insert_for(session)(SlackBudget)
        .values(key=key, next_due=now + interval)
        .on_conflict_do_update(index_elements=["key"], set_={"next_due": later + interval})
        .returning(col(SlackBudget.next_due))
    )
    next_due = float(session.connection().execute(statement).scalar_one())
    return next_due - interval


def want_redraw(session: Session, *, team_id: str, decision_id: int) -> None:
    """Notes that the card must show the database's state as it is now."""
    statement = (
        insert_for(session)(CardDraw)
        .values(team_id=team_id, decision_id=decision_id, wanted=1, drawn=0)
        .on_conflict_do_update(
            index_elements=["team_id", "decision_id"], set_={"wanted": CardDraw.wanted + 1}
        )
    )
    session.connection().execute(statement)


def claim_redraw(
    session: Session,
    *,
    team_id: str,
    decision_id: int,
    drawer: str,
    now: datetime,
    lease: timedelta,
) -> int | None:
    """The drawing lease, if a redraw is wanted and nobody else holds it; returns the request
    count this draw covers (what the database holds once the claim is made)."""
    statement = (
        update(CardDraw)
        .where(
            col(CardDraw.team_id) == team_id,
            col(CardDraw.decision_id) == decision_id,
            col(CardDraw.drawn) < col(CardDraw.wanted),
            or_(col(CardDraw.drawing_until).is_(None), col(CardDraw.drawing_until) < now),
        )
        .values(drawer=drawer, drawing_until=now + lease)
        .returning(col(CardDraw.wanted))
    )
    wanted = session.connection().execute(statement).scalar_one_or_none()
    return None if wanted is None else int(wanted)


def finish_redraw(
    session: Session, *, team_id: str, decision_id: int, drawer: str, covered: int | None
) -> None:
    """Lets the lease go; with `covered`, the card now shows every change asked for by then."""
    values: dict[str, object] = {"drawer": None, "drawing_until": None}
    if covered is not None:
        values["drawn"] = covered
    session.connection().execute(
        update(CardDraw)
        .where(
            col(CardDraw.team_id) == team_id,
            col(CardDraw.decision_id) == decision_id,
            col(CardDraw.drawer) == drawer,
        )
        .values(**values)
    )
