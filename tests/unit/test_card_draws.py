"""Processes take turns at drawing a card, the card never ends on an older state, and a card
Slack refused is owed until a draw succeeds."""

from __future__ import annotations

from datetime import timedelta

from bot.services.card_draws import (
    DRAWING_LEASE,
    RETRY_FIRST,
    cards_owed,
    claim_redraw,
    finish_redraw,
    hold_redraw,
    want_redraw,
)
from storage.db import Database
from storage.shared_state import SWEEP_GRACE
from tests.conftest import NOW

CARD = {"team_id": "T1", "decision_id": 7}
KEY = ("T1", 7)


async def test_a_change_while_another_process_draws_is_drawn_by_that_process(
    db: Database,
) -> None:
    await want_redraw(db, **CARD, now=NOW)
    assert await claim_redraw(db, **CARD, drawer="A", now=NOW) == (1, 0)

    await want_redraw(db, **CARD, now=NOW)  # B's click, while A is drawing
    assert await claim_redraw(db, **CARD, drawer="B", now=NOW) is None  # B leaves it to A

    await finish_redraw(db, **CARD, drawer="A", covered=1)
    assert await claim_redraw(db, **CARD, drawer="A", now=NOW) == (2, 0)  # A draws B's change
    await finish_redraw(db, **CARD, drawer="A", covered=2)
    assert await claim_redraw(db, **CARD, drawer="A", now=NOW) is None  # nothing left
    assert await claim_redraw(db, **CARD, drawer="B", now=NOW) is None
    assert await cards_owed(db, now=NOW + timedelta(days=1), limit=10) == []


async def test_a_refused_draw_is_owed_and_tried_again_later_each_time(db: Database) -> None:
    await want_redraw(db, **CARD, now=NOW)
    assert await cards_owed(db, now=NOW, limit=10) == []  # the asking process draws it first
    assert await cards_owed(db, now=NOW + SWEEP_GRACE, limit=10) == [KEY]  # unless it died

    assert await claim_redraw(db, **CARD, drawer="A", now=NOW) == (1, 0)
    first_retry = NOW + RETRY_FIRST
    await finish_redraw(db, **CARD, drawer="A", covered=None, retry_at=first_retry, error="500")
    assert await cards_owed(db, now=first_retry - timedelta(seconds=1), limit=10) == []
    assert await cards_owed(db, now=first_retry, limit=10) == [KEY]

    assert await claim_redraw(db, **CARD, drawer="B", now=first_retry) == (1, 1)  # refused once
    await finish_redraw(db, **CARD, drawer="B", covered=1)
    assert await cards_owed(db, now=NOW + timedelta(days=1), limit=10) == []
    assert await claim_redraw(db, **CARD, drawer="C", now=first_retry) is None


async def test_a_process_that_dies_drawing_holds_the_card_only_until_its_lease_ends(
    db: Database,
) -> None:
    await want_redraw(db, **CARD, now=NOW)
    assert await claim_redraw(db, **CARD, drawer="A", now=NOW) == (1, 0)  # and A dies
    await want_redraw(db, **CARD, now=NOW)
    assert await claim_redraw(db, **CARD, drawer="B", now=NOW + DRAWING_LEASE) is None
    later = NOW + DRAWING_LEASE + timedelta(seconds=1)
    assert await cards_owed(db, now=later, limit=10) == [KEY]
    assert await claim_redraw(db, **CARD, drawer="B", now=later) == (2, 0)
    await finish_redraw(db, **CARD, drawer="A", covered=1)  # too late: A no longer holds it
    assert await claim_redraw(db, **CARD, drawer="C", now=later) is None  # B still does


async def test_a_drawer_waiting_for_slack_keeps_the_card_and_then_covers_what_came_meanwhile(
    db: Database,
) -> None:
    await want_redraw(db, **CARD, now=NOW)
    assert await claim_redraw(db, **CARD, drawer="A", now=NOW) == (1, 0)
    wait = timedelta(minutes=2)  # A's turn in Slack's budget is two minutes away
    assert await hold_redraw(db, **CARD, drawer="A", until=NOW + wait + DRAWING_LEASE) == 1

    await want_redraw(db, **CARD, now=NOW + wait)  # B's click, while A waits
    assert await claim_redraw(db, **CARD, drawer="B", now=NOW + wait) is None  # still A's
    assert await cards_owed(db, now=NOW + wait, limit=10) == []  # and no sweep takes it
    assert await hold_redraw(db, **CARD, drawer="A", until=NOW + wait + DRAWING_LEASE) == 2
    await finish_redraw(db, **CARD, drawer="A", covered=2)  # A's one draw showed B's click too
    assert await claim_redraw(db, **CARD, drawer="A", now=NOW + wait) is None


async def test_a_drawer_whose_lease_ran_out_while_it_waited_does_not_draw(db: Database) -> None:
    await want_redraw(db, **CARD, now=NOW)
    assert await claim_redraw(db, **CARD, drawer="A", now=NOW) == (1, 0)  # then A stalls
    later = NOW + DRAWING_LEASE + timedelta(seconds=1)
    assert await claim_redraw(db, **CARD, drawer="B", now=later) == (1, 0)
    assert await hold_redraw(db, **CARD, drawer="A", until=later + DRAWING_LEASE) is None
