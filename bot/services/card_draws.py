"""Taking turns at redrawing a decision's card across processes (storage/shared_state.py).

A redraw asks first (`want_redraw`), then draws only while it holds the drawing lease, and
draws again while more was asked for meanwhile; a process that finds the lease held leaves
the drawing to its holder, which will see the request before it lets go.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from storage import shared_state
from storage.db import Database

# Longer than a redraw takes, even one waiting on Slack; a process that dies mid-draw holds
# the card no longer than this.
DRAWING_LEASE = timedelta(seconds=30)


async def want_redraw(db: Database, *, team_id: str, decision_id: int) -> None:
    await db.write(
        lambda session: shared_state.want_redraw(session, team_id=team_id, decision_id=decision_id)
    )


async def claim_redraw(
    db: Database, *, team_id: str, decision_id: int, drawer: str, now: datetime
) -> int | None:
    """What the draw will cover, or None if nothing is left to draw or another process draws."""
    return await db.write(
        lambda session: shared_state.claim_redraw(
            session,
            team_id=team_id,
            decision_id=decision_id,
            drawer=drawer,
            now=now,
            lease=DRAWING_LEASE,
        )
    )


async def finish_redraw(
    db: Database, *, team_id: str, decision_id: int, drawer: str, covered: int | None
) -> None:
    await db.write(
        lambda session: shared_state.finish_redraw(
            session, team_id=team_id, decision_id=decision_id, drawer=drawer, covered=covered
        )
    )
