"""What the bot's processes share besides the decisions: Slack's rate budgets and who is
redrawing which card. Each is one statement, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, case, func, or_, update
from sqlmodel import Session, col, select

from storage.dialect import INSERT_BY_DIALECT, insert_for
from storage.models import CardDraw, SlackBudget, UTCDateTime


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


# How long the process that changed a decision has to draw its card before a sweep does.
SWEEP_GRACE = timedelta(seconds=20)


def _want_redraw_statement(insert: Any) -> Any:
    sweep_after = bindparam("sweep_after", type_=UTCDateTime())
    return (
        insert(CardDraw)
        .values(
            team_id=bindparam("team_id"),
            decision_id=bindparam("decision_id"),
            wanted=1,
            drawn=0,
            retry_at=sweep_after,
        )
        .on_conflict_do_update(
            index_elements=["team_id", "decision_id"],
            set_={
                "wanted": CardDraw.wanted + 1,
                "retry_at": func.coalesce(CardDraw.retry_at, sweep_after),
            },
        )
    )


# Built once, values bound per call: it runs in every change's transaction (each click), and
# built anew each time it cost as much as the rest of a click's write.
_WANT_REDRAW = {name: _want_redraw_statement(insert) for name, insert in INSERT_BY_DIALECT.items()}


def want_redraw(connection: Connection, *, team_id: str, decision_id: int, now: datetime) -> None:
    """Notes that the card must show the database's state as it is now; a sweep draws it
    SWEEP_GRACE after `now` if no process has (an earlier retry time stays)."""
    connection.execute(
        _WANT_REDRAW[connection.dialect.name],
        {"team_id": team_id, "decision_id": decision_id, "sweep_after": now + SWEEP_GRACE},
    )


def cards_owed(session: Session, *, now: datetime, limit: int) -> list[tuple[str, int]]:
    """(team_id, decision_id) of cards behind the database whose retry time has come and
    that nobody is drawing, the longest owed first."""
    statement = (
        select(CardDraw.team_id, CardDraw.decision_id)
        .where(
            col(CardDraw.retry_at) <= now,
            col(CardDraw.drawn) < col(CardDraw.wanted),
            or_(col(CardDraw.drawing_until).is_(None), col(CardDraw.drawing_until) < now),
        )
        .order_by(col(CardDraw.retry_at))
        .limit(limit)
    )
    return [(team_id, decision_id) for team_id, decision_id in session.exec(statement).all()]


def claim_redraw(
    session: Session,
    *,
    team_id: str,
    decision_id: int,
    drawer: str,
    now: datetime,
    lease: timedelta,
) -> tuple[int, int] | None:
    """The drawing lease, if a redraw is wanted and nobody else holds it; returns the request
    count this draw covers (what the database holds once the claim is made) and how many
    draws in a row Slack has refused."""
    statement = (
        update(CardDraw)
        .where(
            col(CardDraw.team_id) == team_id,
            col(CardDraw.decision_id) == decision_id,
            col(CardDraw.drawn) < col(CardDraw.wanted),
            or_(col(CardDraw.drawing_until).is_(None), col(CardDraw.drawing_until) < now),
        )
        .values(drawer=drawer, drawing_until=now + lease)
        .returning(col(CardDraw.wanted), col(CardDraw.attempts))
    )
    claimed = session.connection().execute(statement).one_or_none()
    return None if claimed is None else (int(claimed[0]), int(claimed[1]))


def hold_redraw(
    session: Session, *, team_id: str, decision_id: int, drawer: str, until: datetime
) -> int | None:
    """Keeps the drawing lease until `until`; returns the request count a draw started now
    covers, or None if the lease was lost (it ran out and another process took it)."""
    statement = (
        update(CardDraw)
        .where(
            col(CardDraw.team_id) == team_id,
            col(CardDraw.decision_id) == decision_id,
            col(CardDraw.drawer) == drawer,
        )
        .values(drawing_until=until)
        .returning(col(CardDraw.wanted))
    )
    held = session.connection().execute(statement).scalar_one_or_none()
    return None if held is None else int(held)


def finish_redraw(
    session: Session,
    *,
    team_id: str,
    decision_id: int,
    drawer: str,
    covered: int | None,
    retry_at: datetime | None = None,
    error: str | None = None,
) -> None:
    """Lets the lease go. With `covered`, the card now shows every change asked for by then
    (nothing is owed unless more was asked meanwhile); without, it failed and is tried again
    at `retry_at`."""
    values: dict[str, object] = {"drawer": None, "drawing_until": None}
    if covered is not None:
        values["drawn"] = covered
        values["attempts"] = 0
        values["last_error"] = None
        # Asked again meanwhile: the drawer draws again at once; a sweep, if it dies first.
        values["retry_at"] = case((col(CardDraw.wanted) > covered, col(CardDraw.retry_at)))
    else:
        values["attempts"] = col(CardDraw.attempts) + 1
        values["retry_at"] = retry_at
        values["last_error"] = error
    session.connection().execute(
        update(CardDraw)
        .where(
            col(CardDraw.team_id) == team_id,
            col(CardDraw.decision_id) == decision_id,
            col(CardDraw.drawer) == drawer,
        )
        .values(**values)
    )
