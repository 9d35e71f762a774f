"""Taking turns at drawing a decision's card across processes (storage/shared_state.py), and
drawing again what Slack refused.

A redraw is asked for by each change, in the change's own transaction (`want_redraw` asks
for one when nothing changed). A draw draws only while it holds the drawing lease, and
draws again while more was asked for meanwhile; a process that finds the lease held leaves
the drawing to its holder, which will see the request before it lets go. Only the holder
waits for a turn in Slack's budget (holding the lease meanwhile), so that processes asking
for the same card spend one turn per draw between them. What is asked is stored, so a card
Slack refused to post or update, or whose drawer died, is drawn by the next sweep of any
process (`cards_owed`), tried again later each time Slack refuses.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from storage import shared_state
from storage.db import Database

# Longer than a redraw takes, even one waiting on Slack (a wait for Slack's budget holds the
# lease for the wait besides); a process that dies mid-draw holds the card no longer than this.
DRAWING_LEASE = timedelta(seconds=30)
RETRY_FIRST = timedelta(seconds=15)
RETRY_MOST = timedelta(minutes=10)


class DrawingTurn(NamedTuple):
    """A held drawing lease: the request count its draw covers, and how many draws in a row
    Slack refused before it."""

    covered: int
    refused_before: int


async def want_redraw(db: Database, *, team_id: str, decision_id: int, now: datetime) -> None:
    """Asks for a redraw of a card whose decision didn't change (every change to a decision
    owes its card in the change's own transaction: storage/repository.py's add_event)."""
    await db.write(
        lambda session: shared_state.want_redraw(
            session.connection(), team_id=team_id, decision_id=decision_id, now=now
        )
    )


async def claim_redraw(
    db: Database, *, team_id: str, decision_id: int, drawer: str, now: datetime
) -> DrawingTurn | None:
    """The lease, or None if nothing is left to draw or another process draws."""
    claimed = await db.write(
        lambda session: shared_state.claim_redraw(
            session,
            team_id=team_id,
            decision_id=decision_id,
            drawer=drawer,
            now=now,
            lease=DRAWING_LEASE,
        )
    )
    return None if claimed is None else DrawingTurn(*claimed)


async def hold_redraw(
    db: Database, *, team_id: str, decision_id: int, drawer: str, until: datetime
) -> int | None:
    """Keeps the lease while its holder waits for Slack's budget; returns what a draw started
    now covers (more may have been asked meanwhile), or None if the lease was lost."""
    return await db.write(
        lambda session: shared_state.hold_redraw(
            session, team_id=team_id, decision_id=decision_id, drawer=drawer, until=until
        )
    )


def retry_delay(attempts: int) -> timedelta:
    """15 s, 30 s, 1 min, ... up to 10 min between tries."""
    delay: timedelta = RETRY_FIRST * 2 ** min(attempts, 10)
    return min(delay, RETRY_MOST)


async def finish_redraw(
    db: Database,
    *,
    team_id: str,
    decision_id: int,
    drawer: str,
    covered: int | None,
    retry_at: datetime | None = None,
    error: str | None = None,
) -> None:
    await db.write(
        lambda session: shared_state.finish_redraw(
            session,
            team_id=team_id,
            decision_id=decision_id,
            drawer=drawer,
            covered=covered,
            retry_at=retry_at,
            error=error,
        )
    )


async def cards_owed(db: Database, *, now: datetime, limit: int) -> list[tuple[str, int]]:
    return await db.read(lambda session: shared_state.cards_owed(session, now=now, limit=limit))
